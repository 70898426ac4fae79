#pragma once

#include "github/ratelimitstate.h"
#include "github/responsecache.h"
#include "util/clock.h"
#include "util/result.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkReply>
#include <QObject>
#include <QPair>
#include <QUrl>
#include <QUrlQuery>

#include <deque>
#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QTimer;

namespace exeserver {

// One call to the REST API, as an endpoint function describes it. The connection does the rest.
struct GitHubRequest
{
    QByteArray method = "GET";
    QString path; // relative to the API base ("/repos/o/r"), or an absolute URL
    QUrlQuery query;
    QJsonObject body;
    bool hasBody = false;
    // More than 1: follow `Link: rel="next"` up to this many pages, concatenating the items.
    int maxPages = 1;
    // Where a page's items are ("workflow_runs"); empty: the page is a JSON array.
    QString itemsKey;
    // Creates content others see (comments, dispatches, reactions): paced under GitHub's 80 a minute.
    bool contentCreating = false;
    QByteArray accept; // empty: application/vnd.github+json
    // Large downloads (artifacts): kept out of the response cache, with progress reports, and stopped
    // when *cancelled turns true (the call then ends with kind "cancelled").
    bool cacheable = true;
    std::function<void(qint64 received, qint64 total)> progress;
    std::shared_ptr<bool> cancelled;

    static GitHubRequest get(QString path, QUrlQuery query = {});
    static GitHubRequest withBody(QByteArray method, QString path, QJsonObject body);
};

struct GitHubResponse
{
    int status = 0;  // of the last page; 304s served from the cache report the cached status 200
    QByteArray body; // of the last page
    QList<QNetworkReply::RawHeaderPair> headers; // of the last page
    QJsonArray items; // every page's items, when the body is an array or the request names itemsKey
    int pages = 0;
    int notModifiedPages = 0; // answered 304 and served from the cache (free of rate-limit units)
    bool truncated = false;   // more pages existed than the request's maxPages
    QUrl nextPage;            // when truncated: the next page, from GitHub's `Link: rel="next"`

    QByteArray header(const QByteArray &name) const;
    bool hasHeader(const QByteArray &name) const;
    QJsonObject object() const;
    bool fromCache() const { return pages > 0 && notModifiedPages == pages; }
};

// Counters for benchmarks, tests and the status bar.
struct GitHubStatistics
{
    int requests = 0;    // HTTP exchanges started, including retries, redirects and pages
    int notModified = 0; // 304 answers
    int retries = 0;
    int rateLimitWaits = 0;
};

// The one request path to GitHub's REST API: headers, authentication, conditional requests against the
// ResponseCache, pagination, rate-limit waits, pacing of content-creating calls, at most N concurrent
// requests, retries of idempotent GETs, redirects (without forwarding the token to other hosts) and
// error mapping. Asynchronous: `send` returns at once and calls the handler later, never synchronously.
class GitHubConnection : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QUrl apiUrl = QUrl(QStringLiteral("https://api.github.com")); // GHES: https://HOST/api/v3
        QString token;
        QNetworkAccessManager *network = nullptr; // required, not owned
        const Clock *clock = nullptr;             // null: SystemClock
        ResponseCache *cache = nullptr;           // null: a private MemoryResponseCache
        // The cache is opened later (the desktop app opens its store after the first frame): calls wait
        // in the queue until setCache(), so even the first ones are conditional requests.
        bool cacheLater = false;
        int maxConcurrent = 8;
        int transferTimeoutMs = 30000;
        int maxRetries = 3;                // for idempotent GETs on 5xx, timeouts and dropped connections
        int retryDelayMs = 1000;           // doubled on each retry
        int contentCreatingPerMinute = 79; // GitHub's secondary limit is 80
        int maxRateLimitWaitSecs = -1; // a longer wait fails the request instead; -1: wait as long as needed
        int maxRateLimitRetries = 5;
        int clockCheckIntervalMs = 1000; // waits re-read the clock this often, so a ManualClock can end them
        int maxRedirects = 5;
    };
    using Handler = std::function<void(Result<GitHubResponse>)>;

    explicit GitHubConnection(Options options, QObject *parent = nullptr);
    ~GitHubConnection() override;

    void send(GitHubRequest request, Handler handler);
    // A token changed in the settings: requests started from now on carry it (those in flight finish with
    // the old one). The rate limit is the old token's, so it is forgotten.
    void setToken(const QString &token);
    // With Options::cacheLater: the cache from now on (null: a private MemoryResponseCache, e.g. the store
    // could not be opened), and the calls queued meanwhile start.
    void setCache(ResponseCache *cache);
    bool isWaitingForCache() const { return m_waitingForCache; }

    const Options &options() const { return m_options; }
    QUrl urlFor(const QString &path, const QUrlQuery &query = {}) const;
    RateLimitState rateLimit() const { return m_rateLimit; }
    // The last X-Poll-Interval GitHub sent (seconds; 0: none yet): pollers must not ask more often.
    int pollIntervalSecs() const { return m_pollIntervalSecs; }
    GitHubStatistics statistics() const { return m_statistics; }
    void resetStatistics() { m_statistics = {}; }
    int activeCount() const { return m_active; }
    int queuedCount() const { return int(m_queue.size()); }
    const Clock &clock() const { return *m_clock; }

Q_SIGNALS:
    void rateLimitChanged(const exeserver::RateLimitState &state);

private:
    struct Call;
    using CallPtr = std::shared_ptr<Call>;

    void pump();
    void start(const CallPtr &call);
    void finished(const CallPtr &call, QNetworkReply *reply, const std::optional<CachedResponse> &cached);
    void readLimits(QNetworkReply *reply);
    void acceptPage(const CallPtr &call, QNetworkReply *reply, QByteArray body, const QByteArray &link,
                    int effectiveStatus);
    bool waitForRateLimit(const CallPtr &call, int status, QNetworkReply *reply, const QByteArray &body);
    void retryLater(const CallPtr &call);
    void requeue(const CallPtr &call);
    void complete(const CallPtr &call, Result<GitHubResponse> result);
    void failQueued(const Error &error);
    void scheduleWake(const QDateTime &when);
    bool pacingAllows(qint64 nowMs, qint64 *wakeAtMs);
    bool sameOriginAsApi(const QUrl &url) const;
    Error rateLimitedError(const QString &what) const;

    Options m_options;
    const Clock *m_clock;
    std::unique_ptr<ResponseCache> m_ownCache;
    ResponseCache *m_cache;
    std::deque<CallPtr> m_queue;
    std::deque<qint64> m_contentStarts; // msecs since epoch of recent content-creating requests
    int m_active = 0;
    bool m_waitingForCache = false;
    int m_secondaryHits = 0;
    RateLimitState m_rateLimit;
    int m_pollIntervalSecs = 0;
    GitHubStatistics m_statistics;
    QTimer *m_wakeTimer;
};

} // namespace exeserver
