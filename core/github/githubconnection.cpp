#include "github/githubconnection.h"

#include "config/logging.h"
#include "exeserver/version.h"
#include "github/githuberrors.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>

namespace exeserver {

namespace {

const QByteArray kDefaultAccept = "application/vnd.github+json";
const QByteArray kApiVersion = "2022-11-28";
constexpr qint64 kMinute = 60 * 1000;

// Whether the parameters after one link's <…> (`; rel="prev next"`) name it the next page.
bool relIsNext(QByteArrayView params)
{
    const qsizetype rel = params.indexOf("rel=\"");
    if (rel < 0)
        return false;
    const QByteArrayView value = params.sliced(rel + 5);
    const qsizetype end = value.indexOf('"');
    return value.first(end < 0 ? value.size() : end).toByteArray().split(' ').contains("next");
}

// <https://api.github.com/...&page=2>; rel="next", <...>; rel="last" — read by hand: a regular expression
// here brought PCRE2's compiler and JIT (~0.4 MB) into every process that reads a paginated list.
QUrl nextPage(const QByteArray &link, const QUrl &current)
{
    for (qsizetype open = link.indexOf('<'); open >= 0;) {
        const qsizetype close = link.indexOf('>', open + 1);
        if (close < 0)
            break;
        const qsizetype following = link.indexOf('<', close + 1);
        const QByteArrayView params =
            QByteArrayView(link).sliced(close + 1, (following < 0 ? link.size() : following) - close - 1);
        if (relIsNext(params))
            return current.resolved(QUrl(QString::fromLatin1(link.mid(open + 1, close - open - 1))));
        open = following;
    }
    return {};
}

bool isRedirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool isTransient(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError: // the transfer timeout aborts the reply (Qt 6.4)
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::UnknownNetworkError:
        return true;
    default:
        return false;
    }
}

} // namespace

GitHubRequest GitHubRequest::get(QString path, QUrlQuery query)
{
    GitHubRequest request;
    request.path = std::move(path);
    request.query = std::move(query);
    return request;
}

GitHubRequest GitHubRequest::withBody(QByteArray method, QString path, QJsonObject body)
{
    GitHubRequest request;
    request.method = std::move(method);
    request.path = std::move(path);
    request.body = std::move(body);
    request.hasBody = true;
    return request;
}

QByteArray GitHubResponse::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

bool GitHubResponse::hasHeader(const QByteArray &name) const
{
    for (const auto &pair : headers)
        if (pair.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

QJsonObject GitHubResponse::object() const
{
    return QJsonDocument::fromJson(body).object();
}

struct GitHubConnection::Call
{
    GitHubRequest request;
    Handler handler;
    QUrl url; // of the next exchange: the first page, a later page or a redirect target
    bool sendToken = true;
    int retries = 0;
    int rateLimitRetries = 0;
    int redirects = 0;
    GitHubResponse response;

    bool idempotent() const { return request.method == "GET" || request.method == "HEAD"; }
    QString what() const
    {
        return QStringLiteral("%1 %2").arg(QString::fromLatin1(request.method), url.path());
    }
};

GitHubConnection::GitHubConnection(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_clock(m_options.clock ? m_options.clock : SystemClock::instance())
    , m_ownCache(m_options.cache ? nullptr : std::make_unique<MemoryResponseCache>())
    , m_cache(m_options.cache ? m_options.cache : m_ownCache.get())
    , m_waitingForCache(m_options.cacheLater)
    , m_wakeTimer(new QTimer(this))
{
    Q_ASSERT(m_options.network);
    m_wakeTimer->setSingleShot(true);
    connect(m_wakeTimer, &QTimer::timeout, this, &GitHubConnection::pump);
}

void GitHubConnection::setToken(const QString &token)
{
    if (token == m_options.token)
        return;
    m_options.token = token;
    m_rateLimit = {};
    Q_EMIT rateLimitChanged(m_rateLimit);
    pump(); // calls held back by the old token's rate limit may go now
}

void GitHubConnection::setCache(ResponseCache *cache)
{
    m_options.cache = cache;
    if (cache) {
        m_ownCache.reset();
        m_cache = cache;
    } else if (!m_ownCache) {
        m_ownCache = std::make_unique<MemoryResponseCache>();
        m_cache = m_ownCache.get();
    }
    m_waitingForCache = false;
    pump();
}

GitHubConnection::~GitHubConnection() = default;

QUrl GitHubConnection::urlFor(const QString &path, const QUrlQuery &query) const
{
    QUrl url;
    if (path.startsWith(QLatin1String("http://")) || path.startsWith(QLatin1String("https://"))) {
        url = QUrl(path);
    } else {
        url = m_options.apiUrl;
        QString base = url.path();
        while (base.endsWith(QLatin1Char('/')))
            base.chop(1);
        url.setPath(base + path);
    }
    if (!query.isEmpty())
        url.setQuery(query);
    return url;
}

void GitHubConnection::send(GitHubRequest request, Handler handler)
{
    auto call = std::make_shared<Call>();
    call->url = urlFor(request.path, request.query);
    call->request = std::move(request);
    call->handler = std::move(handler);
    m_queue.push_back(call);
    // Always start from the event loop, so a handler never runs inside send().
    QMetaObject::invokeMethod(this, &GitHubConnection::pump, Qt::QueuedConnection);
}

bool GitHubConnection::pacingAllows(qint64 nowMs, qint64 *wakeAtMs)
{
    while (!m_contentStarts.empty() && m_contentStarts.front() <= nowMs - kMinute)
        m_contentStarts.pop_front();
    if (int(m_contentStarts.size()) < m_options.contentCreatingPerMinute)
        return true;
    *wakeAtMs = m_contentStarts.front() + kMinute;
    return false;
}

void GitHubConnection::pump()
{
    if (m_waitingForCache)
        return; // setCache() pumps
    const QDateTime now = m_clock->now();
    if (m_rateLimit.isBlocked(now)) {
        const qint64 waitSecs = now.secsTo(m_rateLimit.blockedUntil);
        if (m_options.maxRateLimitWaitSecs >= 0 && waitSecs > m_options.maxRateLimitWaitSecs)
            failQueued(rateLimitedError(QString()));
        else if (!m_queue.empty())
            scheduleWake(m_rateLimit.blockedUntil);
        return;
    }
    qint64 pacedUntil = 0;
    for (auto it = m_queue.begin(); it != m_queue.end() && m_active < m_options.maxConcurrent;) {
        const CallPtr call = *it;
        if (call->request.contentCreating) {
            qint64 wakeAt = 0;
            if (!pacingAllows(now.toMSecsSinceEpoch(), &wakeAt)) {
                pacedUntil = pacedUntil ? std::min(pacedUntil, wakeAt) : wakeAt;
                ++it;
                continue;
            }
            m_contentStarts.push_back(now.toMSecsSinceEpoch());
        }
        it = m_queue.erase(it);
        start(call);
    }
    if (pacedUntil)
        scheduleWake(QDateTime::fromMSecsSinceEpoch(pacedUntil, QTimeZone::utc()));
}

void GitHubConnection::scheduleWake(const QDateTime &when)
{
    const qint64 wait = std::max<qint64>(0, m_clock->now().msecsTo(when));
    const int interval = int(std::min<qint64>(wait, m_options.clockCheckIntervalMs));
    if (!m_wakeTimer->isActive() || m_wakeTimer->remainingTime() > interval)
        m_wakeTimer->start(interval);
}

bool GitHubConnection::sameOriginAsApi(const QUrl &url) const
{
    const QUrl &api = m_options.apiUrl;
    return url.scheme() == api.scheme() && url.host().compare(api.host(), Qt::CaseInsensitive) == 0 &&
           url.port(url.scheme() == QLatin1String("https") ? 443 : 80) ==
               api.port(api.scheme() == QLatin1String("https") ? 443 : 80);
}

void GitHubConnection::start(const CallPtr &call)
{
    QNetworkRequest request(call->url);
    request.setRawHeader("Accept", call->request.accept.isEmpty() ? kDefaultAccept : call->request.accept);
    request.setRawHeader("X-GitHub-Api-Version", kApiVersion);
    request.setRawHeader("User-Agent", QByteArray("ExeServer/") + kVersion);
    if (call->sendToken && !m_options.token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_options.token.toUtf8());
    // Redirects are followed here, not by Qt, so the token is only forwarded to the API's own host.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(m_options.transferTimeoutMs);

    std::optional<CachedResponse> cached;
    if (call->idempotent() && call->request.cacheable) {
        cached = m_cache->find(call->url.toString(QUrl::FullyEncoded));
        if (cached) {
            if (!cached->etag.isEmpty())
                request.setRawHeader("If-None-Match", cached->etag);
            if (!cached->lastModified.isEmpty())
                request.setRawHeader("If-Modified-Since", cached->lastModified);
        }
    }

    QByteArray body;
    if (call->request.hasBody) {
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        body = QJsonDocument(call->request.body).toJson(QJsonDocument::Compact);
    }
    QNetworkReply *reply = m_options.network->sendCustomRequest(request, call->request.method, body);
    ++m_active;
    ++m_statistics.requests;
    connect(reply, &QNetworkReply::finished, this,
            [this, call, reply, cached]() { finished(call, reply, cached); });
    if (call->request.progress || call->request.cancelled) {
        connect(reply, &QNetworkReply::downloadProgress, this, [call, reply](qint64 received, qint64 total) {
            if (call->request.cancelled && *call->request.cancelled)
                reply->abort();
            else if (call->request.progress &&
                     reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200)
                call->request.progress(received, total);
        });
    }
}

void GitHubConnection::finished(const CallPtr &call, QNetworkReply *reply,
                                const std::optional<CachedResponse> &cached)
{
    --m_active;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const auto header = [reply](const QByteArray &name) { return reply->rawHeader(name); };
    const QString what = call->what();
    readLimits(reply);

    if (call->request.cancelled && *call->request.cancelled) {
        complete(call, Error{QStringLiteral("cancelled"),
                             QStringLiteral("Cancelled: %1 was stopped.").arg(what), 0});
        return;
    }
    if (status == 0) {
        const QNetworkReply::NetworkError error = reply->error();
        const bool timedOut =
            error == QNetworkReply::OperationCanceledError || error == QNetworkReply::TimeoutError;
        qCInfo(lcGitHub).noquote() << what << "failed:" << reply->errorString();
        if (call->idempotent() && isTransient(error) && call->retries < m_options.maxRetries) {
            retryLater(call);
            return;
        }
        complete(call, gitHubNetworkError(error, reply->errorString(), what, timedOut,
                                          m_options.transferTimeoutMs));
        return;
    }

    qCDebug(lcGitHub).noquote() << what << "->" << status;
    if (isRedirect(status) && call->idempotent()) {
        const QUrl target = call->url.resolved(QUrl::fromEncoded(reply->rawHeader("Location")));
        if (!target.isValid() || call->redirects >= m_options.maxRedirects) {
            complete(
                call,
                Error{QStringLiteral("network"),
                      QStringLiteral("GitHub redirected %1 too often or to an invalid address.").arg(what),
                      status});
            return;
        }
        ++call->redirects;
        call->url = target;
        // Job logs redirect to a storage host with a signed URL: the token must not travel there.
        call->sendToken = sameOriginAsApi(target);
        requeue(call);
        return;
    }

    GitHubResponse &response = call->response;
    QByteArray body = reply->readAll();
    QByteArray link = reply->rawHeader("Link");
    int effectiveStatus = status;
    if (status == 304) {
        if (!cached) {
            complete(call,
                     Error{QStringLiteral("http_error"),
                           QStringLiteral("GitHub answered %1 with 304 Not Modified but nothing is cached.")
                               .arg(what),
                           status});
            return;
        }
        ++m_statistics.notModified;
        ++response.notModifiedPages;
        body = cached->body;
        link = cached->linkHeader;
        effectiveStatus = 200;
    } else if ((status == 403 || status == 429) && waitForRateLimit(call, status, reply, body)) {
        return;
    } else if (status >= 500 && call->idempotent() && call->retries < m_options.maxRetries) {
        retryLater(call);
        return;
    } else if (status >= 400) {
        complete(call,
                 gitHubHttpError(status, body, header, what, call->sendToken && !m_options.token.isEmpty()));
        return;
    } else if (call->idempotent() && call->request.cacheable) {
        const QByteArray etag = reply->rawHeader("ETag");
        const QByteArray lastModified = reply->rawHeader("Last-Modified");
        if (!etag.isEmpty() || !lastModified.isEmpty())
            m_cache->store(call->url.toString(QUrl::FullyEncoded),
                           {etag, lastModified, body, link, m_clock->now()});
    }

    acceptPage(call, reply, std::move(body), link, effectiveStatus);
}

// Every answer's x-ratelimit-* and x-poll-interval headers, before anything else is read.
void GitHubConnection::readLimits(QNetworkReply *reply)
{
    const auto header = [reply](const QByteArray &name) { return reply->rawHeader(name); };
    if (m_rateLimit.updateFrom(header)) {
        // The last unit is spent: hold everything back until the reset instead of collecting 403s.
        if (m_rateLimit.remaining == 0 && m_rateLimit.reset > m_clock->now() &&
            (!m_rateLimit.blockedUntil.isValid() || m_rateLimit.blockedUntil < m_rateLimit.reset))
            m_rateLimit.blockedUntil = m_rateLimit.reset;
        Q_EMIT rateLimitChanged(m_rateLimit);
    }
    if (const QByteArray poll = header("x-poll-interval"); !poll.isEmpty()) {
        bool ok = false;
        if (const int secs = poll.toInt(&ok); ok && secs > 0)
            m_pollIntervalSecs = secs;
    }
}

// A successful page (fresh or from the cache after a 304): its items join the response, and the next page
// is requested while `maxPages` allows and it stays on the API's host.
void GitHubConnection::acceptPage(const CallPtr &call, QNetworkReply *reply, QByteArray body,
                                  const QByteArray &link, int effectiveStatus)
{
    GitHubResponse &response = call->response;
    const QString what = call->what();
    m_secondaryHits = 0;
    response.status = effectiveStatus;
    response.headers = reply->rawHeaderPairs();
    ++response.pages;
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (!call->request.itemsKey.isEmpty()) {
        const QJsonArray items = document.object().value(call->request.itemsKey).toArray();
        for (const QJsonValue &item : items)
            response.items.append(item);
    } else if (document.isArray()) {
        const QJsonArray items = document.array();
        for (const QJsonValue &item : items)
            response.items.append(item);
    }
    response.body = std::move(body);

    QUrl next = nextPage(link, call->url);
    if (next.isValid() && !sameOriginAsApi(next)) {
        // A page on another host would receive the token: stop here rather than follow it.
        qCWarning(lcGitHub).noquote() << what << "links its next page to another host; not followed";
        next = QUrl();
    }
    if (next.isValid() && response.pages < call->request.maxPages) {
        call->url = next;
        call->sendToken = true;
        call->retries = 0;
        call->redirects = 0;
        requeue(call);
        return;
    }
    response.truncated = next.isValid();
    response.nextPage = next;
    complete(call, response);
}

bool GitHubConnection::waitForRateLimit(const CallPtr &call, int status, QNetworkReply *reply,
                                        const QByteArray &body)
{
    bool hasRetryAfter = false;
    const int retryAfter = reply->rawHeader("Retry-After").toInt(&hasRetryAfter);
    const bool primarySpent = reply->rawHeader("x-ratelimit-remaining") == "0";
    const bool saysRateLimit =
        gitHubMessage(body, false).contains(QLatin1String("rate limit"), Qt::CaseInsensitive);
    if (status != 429 && !hasRetryAfter && !primarySpent && !saysRateLimit)
        return false; // a permission problem, not a limit

    const QDateTime now = m_clock->now();
    QDateTime until;
    if (hasRetryAfter) {
        until = now.addSecs(std::max(retryAfter, 1));
    } else if (primarySpent && m_rateLimit.reset.isValid()) {
        until = std::max(m_rateLimit.reset.addSecs(1), now.addSecs(1));
    } else {
        // Secondary limit without a hint: GitHub asks for at least a minute, growing when it happens again.
        until = now.addSecs(60LL << std::min(m_secondaryHits, 5));
        ++m_secondaryHits;
    }
    if (!m_rateLimit.blockedUntil.isValid() || m_rateLimit.blockedUntil < until)
        m_rateLimit.blockedUntil = until;
    Q_EMIT rateLimitChanged(m_rateLimit);
    qCInfo(lcGitHub).noquote() << call->what() << "hit a rate limit;" << m_rateLimit.describe(now);

    const bool tooLong = m_options.maxRateLimitWaitSecs >= 0 &&
                         now.secsTo(m_rateLimit.blockedUntil) > m_options.maxRateLimitWaitSecs;
    if (tooLong || call->rateLimitRetries >= m_options.maxRateLimitRetries) {
        complete(call, rateLimitedError(call->what()));
        return true;
    }
    // GitHub refused the request without acting on it, so sending it again is safe even for a POST.
    ++call->rateLimitRetries;
    ++m_statistics.rateLimitWaits;
    requeue(call);
    return true;
}

Error GitHubConnection::rateLimitedError(const QString &what) const
{
    const QString subject = what.isEmpty() ? QStringLiteral("The request") : what;
    return {
        QStringLiteral("rate_limited"),
        QStringLiteral("%1 was refused by GitHub's rate limit: %2. Wait until then, or use a token with a "
                       "higher limit.")
            .arg(subject, m_rateLimit.describe(m_clock->now())),
        403};
}

void GitHubConnection::retryLater(const CallPtr &call)
{
    const int delay = m_options.retryDelayMs << call->retries;
    ++call->retries;
    ++m_statistics.retries;
    qCInfo(lcGitHub).noquote() << "retrying" << call->what() << "in" << delay << "ms";
    QTimer::singleShot(delay, this, [this, call]() { requeue(call); });
    QMetaObject::invokeMethod(this, &GitHubConnection::pump, Qt::QueuedConnection);
}

void GitHubConnection::requeue(const CallPtr &call)
{
    // Calls already under way go first, so a started pagination finishes before new calls begin.
    m_queue.push_front(call);
    pump();
}

void GitHubConnection::complete(const CallPtr &call, Result<GitHubResponse> result)
{
    if (!result)
        qCInfo(lcGitHub).noquote() << result.error().message;
    QPointer<GitHubConnection> self(this);
    const Handler handler = std::move(call->handler);
    if (handler)
        handler(std::move(result));
    if (self)
        pump();
}

void GitHubConnection::failQueued(const Error &error)
{
    std::deque<CallPtr> queued;
    queued.swap(m_queue);
    for (const CallPtr &call : queued) {
        Error own = error;
        own.message = rateLimitedError(call->what()).message;
        const Handler handler = std::move(call->handler);
        if (handler)
            handler(own);
    }
}

} // namespace exeserver
