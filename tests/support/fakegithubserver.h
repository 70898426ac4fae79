#pragma once

#include "net/httpmessage.h"
#include "util/clock.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QUrl>
#include <QUrlQuery>

#include <functional>
#include <memory>
#include <optional>

namespace exeserver::test {

// --- The in-memory data model. Every field has a sensible default; ids, numbers and timestamps left at
// zero/null are filled in by the add*() call. Designated initialisers keep seeding short:
//     server.addRun({.repo = "octocat/Hello-World", .workflowId = ci, .status = "in_progress"});

struct FakeRepository
{
    QString fullName{}; // "owner/name"; an owner other than the user is served as an organisation
    bool isPrivate = false;
    QString defaultBranch = QStringLiteral("main");
    QString description{};
    QString language = QStringLiteral("C++");
    qint64 id = 0;
};

struct FakeWorkflow
{
    QString repo{};
    QString name = QStringLiteral("CI");
    QString path = QStringLiteral(".github/workflows/ci.yml");
    QString state = QStringLiteral("active"); // active, disabled_manually, ...
    bool dispatchable = true;                 // has an `on: workflow_dispatch` trigger
    qint64 id = 0;
};

struct FakeStep
{
    QString name{};
    QString status = QStringLiteral("completed");
    QString conclusion = QStringLiteral("success");
};

struct FakeJob
{
    QString name = QStringLiteral("build");
    QString status{};        // empty: the run's status
    QString conclusion{};    // empty: the run's conclusion
    QList<FakeStep> steps{}; // empty: four typical steps matching the job's outcome
    QByteArray log{};        // empty: a generated log with ##[group] lines and ANSI colours
    qint64 id = 0;
};

struct FakeRun
{
    QString repo{};
    qint64 workflowId = 0;                          // 0: the repository's first workflow
    QString status = QStringLiteral("completed");   // queued, in_progress, completed, waiting, ...
    QString conclusion = QStringLiteral("success"); // empty (null) unless completed
    QString headBranch{};                           // empty: the repository's default branch
    QString headSha{};                              // empty: derived from the id
    QString event = QStringLiteral("push");
    QString actor = QStringLiteral("octocat");
    QString displayTitle = QStringLiteral("Update README.md");
    QList<FakeJob> jobs{}; // empty: one job named "build"
    int runAttempt = 1;
    int runNumber = 0;
    QDateTime createdAt{};
    QDateTime updatedAt{};
    qint64 id = 0;
    QStringList previousConclusions{}; // attempt 1, 2, …: their conclusions (a re-run appends one)
    QStringList pendingEnvironments{}; // environments waiting for a review (status "waiting")
};

struct FakePullRequest
{
    QString repo{};
    QString title = QStringLiteral("Amazing new feature");
    QString body = QStringLiteral("Please pull these awesome changes in!");
    QString head = QStringLiteral("new-topic");
    QString base{}; // empty: the repository's default branch
    QString state = QStringLiteral("open");
    QString user = QStringLiteral("octocat");
    bool draft = false;
    int number = 0;
    QDateTime createdAt{};
    QDateTime updatedAt{};
    qint64 id = 0;
};

struct FakeComment
{
    QString repo{};
    int issueNumber = 0;
    QString body{};
    QString user = QStringLiteral("octocat");
    QDateTime createdAt{};
    qint64 id = 0;
};

struct FakeNotification
{
    QString repo{};
    QString title = QStringLiteral("Greetings");
    QString type = QStringLiteral("Issue"); // Issue, PullRequest, CheckSuite, Release, ...
    QString reason = QStringLiteral("subscribed");
    int subjectNumber = 0; // issue or pull request number the subject URL points at
    bool unread = true;
    QDateTime updatedAt{};
    QString id{}; // numeric string, like GitHub's thread ids
};

// A repository or organisation webhook. `scope` is "owner/name" for a repository hook, "org:<org>" for an
// organisation's.
struct FakeHook
{
    QString scope{};
    QString url{};
    QString secret{}; // never served back (GitHub answers "********")
    QStringList events = {QStringLiteral("push")};
    QString contentType = QStringLiteral("form");
    bool active = true;
    qint64 id = 0;
};

// One delivery of a hook: a ping, or an event sent by deliverEvent().
struct FakeHookDelivery
{
    qint64 hookId = 0;
    QString event{};
    QString action{};
    int statusCode = 0; // what the target answered; 0: no answer
    bool redelivery = false;
    QByteArray body{};
    QDateTime deliveredAt{};
    QString guid{};
    qint64 id = 0;
};

// A file a run uploaded. Downloads redirect to the log host, as GitHub's go to its blob storage.
struct FakeArtifact
{
    qint64 runId = 0;
    QString name = QStringLiteral("build-output");
    QByteArray zip{}; // empty: an empty but valid zip archive
    bool expired = false;
    qint64 id = 0;
};

// A workflow_dispatch the fake accepted.
struct FakeDispatch
{
    QString repo{};
    qint64 workflowId = 0;
    QJsonObject body{}; // as sent: ref, inputs, return_run_details
    qint64 runId = 0;   // the run it created
};

// One request as the fake saw it.
struct RecordedRequest
{
    QByteArray method{};
    QString path{}; // without the path prefix, e.g. "/repos/octocat/Hello-World"
    QUrlQuery query{};
    HttpHeaders headers{};
    QByteArray body{};
    QString host{}; // host name the client used (Host header without port): "127.0.0.1" or "localhost"
    int status = 0; // what the fake answered; 0 when it dropped the connection

    QByteArray header(const QByteArray &name) const { return headers.value(name); }
    QJsonObject json() const; // body parsed as a JSON object
};

// A local stand-in for GitHub's REST API (api.github.com or a GHES /api/v3) on 127.0.0.1, port 0: real
// paths, real JSON field names, ETag/Last-Modified/304, rate-limit headers, pagination Link headers,
// log redirects to another host name, and failure injection. Seeded with user `octocat`, three
// repositories, workflows, runs, a pull request and notifications so `start()` alone is enough.
class FakeGitHubServer : public QObject
{
    Q_OBJECT
public:
    static constexpr const char *DefaultToken = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";

    explicit FakeGitHubServer(QObject *parent = nullptr);
    ~FakeGitHubServer() override;

    bool start(); // listens on 127.0.0.1, port 0
    void stop();
    quint16 port() const;
    QUrl baseUrl() const;      // http://127.0.0.1:PORT plus the path prefix, no trailing slash
    QUrl otherHostUrl() const; // http://localhost:PORT: where job logs are redirected to
    void setPathPrefix(const QString &prefix); // "/api/v3" for a GitHub Enterprise Server base
    void setClock(const Clock *clock);         // timestamps, Last-Modified, rate-limit reset; not owned

    // --- Authentication and rate limit
    void setToken(const QString &token); // accepted as "Bearer <token>" or "token <token>"
    // X-OAuth-Scopes on every answer; default "repo, workflow, notifications, read:org". A null QString
    // sends no header, as GitHub does for fine-grained tokens.
    void setOAuthScopes(const QString &scopes);
    // X-Poll-Interval on every answer (GitHub sends it on events and notifications); 0: as GitHub does.
    void setPollInterval(int seconds);
    void setRateLimit(int limit);              // default 5000 per hour
    void setRateLimitRemaining(int remaining); // 0: every authenticated request gets the primary 403
    int rateLimitRemaining() const;
    int rateLimitUsed() const; // units charged so far: authenticated answers other than 304
    QDateTime rateLimitReset() const;

    // --- Data model
    QString login() const { return QStringLiteral("octocat"); }
    qint64 addRepository(const FakeRepository &repository);
    qint64 addWorkflow(const FakeWorkflow &workflow);
    qint64 addRun(const FakeRun &run);
    std::optional<FakeRun> run(qint64 runId) const;
    QList<FakeRun> runs(const QString &repo = {}) const; // newest first
    void setRunStatus(qint64 runId, const QString &status, const QString &conclusion = {});
    void updateRun(qint64 runId, const std::function<void(FakeRun &)> &change);
    std::optional<FakeWorkflow> workflow(qint64 workflowId) const;
    QList<FakeWorkflow> workflows(const QString &repo) const;
    int addPullRequest(const FakePullRequest &pullRequest); // returns the number
    qint64 addComment(const FakeComment &comment);
    QList<FakeComment> comments(const QString &repo, int issueNumber) const;
    QString addNotification(const FakeNotification &notification); // returns the thread id
    QList<FakeNotification> notifications() const;
    void addEvent(const QString &repo, const QString &type, const QJsonObject &payload); // newest first
    void setFileContent(const QString &repo, const QString &path, const QByteArray &text);
    QList<FakeDispatch> dispatches() const;
    void setDispatchReturnsRunDetails(bool enabled);
    // As GitHub does: a job's log is served once the job has completed, 404 before. Off by default, so
    // older tests that read a running job's log keep working.
    void setLogsOnlyWhenCompleted(bool enabled);
    qint64 addArtifact(const FakeArtifact &artifact);
    QList<FakeArtifact> artifacts(qint64 runId) const;
    // Webhooks. Pings, redeliveries and deliverEvent() really POST to the hook's URL, signed with its
    // secret (X-Hub-Signature-256) as GitHub does, with content_type json.
    qint64 addHook(const FakeHook &hook);
    QList<FakeHook> hooks(const QString &scope = {}) const;
    QList<FakeHookDelivery> hookDeliveries(qint64 hookId) const;
    // Sends `event` to every active hook of the repository (and of its owner organisation) subscribed to
    // it or to "*"; returns how many deliveries went out.
    int deliverEvent(const QString &repo, const QString &event,
                     const QJsonObject &payload); // false: always 204, like older GHES
    void clearData(); // drops the seed, keeping user octocat; rate limit and recorded requests untouched

    // --- Failure injection. Patterns are regular expressions matched against the whole path without
    // the prefix ("/repos/octocat/Hello-World/actions/runs"); an empty method matches any method.
    // An empty body gets GitHub's usual one for that status.
    void failNext(const QByteArray &method, const QString &pathPattern, int status, int count = 1,
                  const HttpHeaders &extraHeaders = {}, const QByteArray &body = {});
    enum class RateLimit
    {
        Primary,
        Secondary
    };
    void failNextRateLimited(const QString &pathPattern, RateLimit kind = RateLimit::Primary,
                             int retryAfterSeconds = 60, int count = 1);
    void setDelay(int milliseconds, const QString &pathPattern = {}); // empty pattern: every request
    // Closes the connection without answering. QNetworkAccessManager retries such a request once on its
    // own, so a QNAM client needs count >= 2 to see RemoteHostClosedError.
    void dropNext(const QString &pathPattern, int count = 1);
    void clearFailures(); // forgets pending failNext/dropNext and every delay

    // --- Recorded requests
    QList<RecordedRequest> requests() const;
    QList<RecordedRequest> requestsTo(const QString &pathPattern, const QByteArray &method = {}) const;
    void clearRequests();
    int count304() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace exeserver::test
