#pragma once

#include "github/githubconnection.h"
#include "github/githubtypes.h"

#include <QObject>

#include <functional>

namespace exeserver {

class Settings;

// What `GET /user` says about the token's owner, plus what the token may do.
struct AuthenticatedUser
{
    User user;
    QString scopes; // X-OAuth-Scopes of a classic token; empty for fine-grained tokens and apps
    bool scopesReported = false;
};

struct NotificationsPage
{
    QList<Notification> notifications;
    bool changed = true;       // false: GitHub answered 304, nothing new since the last poll
    int pollIntervalSecs = 60; // X-Poll-Interval: do not poll more often than this
};

// Filters of `GET .../actions/runs`; empty fields are not sent.
struct RunFilter
{
    QString workflow; // file name or id; empty: every workflow of the repository
    QString branch;
    QString event;
    QString status; // a status or a conclusion (GitHub accepts both)
    QString actor;
    QString created; // GitHub's date syntax, e.g. ">=2026-03-01T10:00:00Z"
    int limit = 30;
};

// One page of runs as GitHub pages them, for "Load more".
struct RunsPage
{
    QList<WorkflowRun> runs;
    int totalCount = 0; // matching runs on GitHub's side, all pages
    QUrl next;          // GitHub's `Link: rel="next"`; invalid on the last page
    bool hasMore() const { return next.isValid(); }
};

// Where a webhook lives: a repository ("owner/name") or an organisation ("org").
struct HookScope
{
    enum class Kind
    {
        Repository,
        Organization
    };
    Kind kind = Kind::Repository;
    QString name;

    static HookScope repository(QString fullName) { return {Kind::Repository, std::move(fullName)}; }
    static HookScope organization(QString org) { return {Kind::Organization, std::move(org)}; }
    bool isOrganization() const { return kind == Kind::Organization; }
    QString key() const; // "octocat/hello" or "org:octo-org": stable, for the hook registry
    friend bool operator==(const HookScope &, const HookScope &) = default;
};

// What a created or updated hook should be: always `content_type: json`, never insecure TLS.
struct HookSpec
{
    QString url;
    QString secret;
    QStringList events; // webhook names, or {"*"}
    bool active = true;
};

// Every GitHub call ExeServer makes. Each function builds one GitHubRequest and parses the answer; the
// transport (headers, cache, pagination, limits, retries, errors) is GitHubConnection's. Results arrive
// through the callback, later, on the thread that owns the client. `repo` is "owner/name"; `workflow`
// is a file name ("ci.yml") or a numeric id.
class GitHubClient : public QObject
{
    Q_OBJECT
public:
    template <typename T>
    using Callback = std::function<void(Result<T>)>;
    using StatusCallback = std::function<void(Status)>;

    struct Options
    {
        GitHubConnection::Options connection;
        int maxPages = 10;              // page cap for list calls (100 items a page)
        int dispatchLookupAttempts = 5; // after a 204 dispatch, look for the run this many times
        int dispatchLookupDelayMs = 2000;
    };

    explicit GitHubClient(Options options, QObject *parent = nullptr);
    // Base URL and token from the settings; the rest from `options`.
    static Options optionsFrom(const Settings &settings, QNetworkAccessManager *network);

    GitHubConnection &connection() { return *m_connection; }
    // The token used from the next request on (Settings changed it while the app runs).
    void setToken(const QString &token) { m_connection->setToken(token); }
    QString token() const { return m_connection->options().token; }
    RateLimitState rateLimit() const { return m_connection->rateLimit(); }

    void currentUser(Callback<AuthenticatedUser> done);
    void listRepositories(Callback<QList<Repository>> done); // owner, collaborator, organisation member
    void listOrganizationRepositories(const QString &org, Callback<QList<Repository>> done);
    void listRepositoryEvents(const QString &repo, Callback<QList<RepositoryEvent>> done);

    void listNotifications(bool participatingOnly, Callback<NotificationsPage> done);
    void markNotificationRead(const QString &threadId, StatusCallback done);

    void listBranches(const QString &repo, Callback<QList<Branch>> done);
    void listWorkflows(const QString &repo, Callback<QList<Workflow>> done);
    void getWorkflow(const QString &repo, const QString &workflow, Callback<Workflow> done);
    void getFileContent(const QString &repo, const QString &path, const QString &ref,
                        Callback<QByteArray> done);
    // The workflow's `workflow_dispatch` inputs, read from its file on `ref` (empty: default branch).
    void workflowInputs(const QString &repo, const QString &workflow, const QString &ref,
                        Callback<QList<DispatchInput>> done);
    void setWorkflowEnabled(const QString &repo, const QString &workflow, bool enabled, StatusCallback done);
    // Asks for the run's details (return_run_details); a server answering 204 instead gets its run looked up.
    void dispatchWorkflow(const QString &repo, const QString &workflow, const QString &ref,
                          const QJsonObject &inputs, Callback<DispatchResult> done);

    void listRuns(const QString &repo, const RunFilter &filter, Callback<QList<WorkflowRun>> done);
    // The first page of runs matching `filter` (filter.limit runs, at most 100), or with `next` from an
    // earlier page, the page it links to.
    void listRunsPage(const QString &repo, const RunFilter &filter, const QUrl &next,
                      Callback<RunsPage> done);
    void getRun(const QString &repo, qint64 runId, Callback<WorkflowRun> done);
    void listJobs(const QString &repo, qint64 runId, Callback<QList<Job>> done);
    // An earlier (or the current) attempt of a run and its jobs; attempts count from 1.
    void getRunAttempt(const QString &repo, qint64 runId, int attempt, Callback<WorkflowRun> done);
    void listAttemptJobs(const QString &repo, qint64 runId, int attempt, Callback<QList<Job>> done);
    // Re-runs one job (and the jobs that depend on it), optionally with debug logging.
    void rerunJob(const QString &repo, qint64 jobId, bool debugLogging, StatusCallback done);
    void listPendingDeployments(const QString &repo, qint64 runId, Callback<QList<PendingDeployment>> done);
    // Approves or rejects the run's deployments to these environments, with the reviewer's comment.
    void reviewPendingDeployments(const QString &repo, qint64 runId, const QList<qint64> &environmentIds,
                                  bool approve, const QString &comment, StatusCallback done);
    void jobLogs(const QString &repo, qint64 jobId, Callback<QByteArray> done);
    void rerunRun(const QString &repo, qint64 runId, bool failedJobsOnly, StatusCallback done,
                  bool debugLogging = false);
    void cancelRun(const QString &repo, qint64 runId, bool force, StatusCallback done);

    void listArtifacts(const QString &repo, qint64 runId, Callback<QList<Artifact>> done);
    void getArtifact(const QString &repo, qint64 artifactId, Callback<Artifact> done);
    // The artifact's zip (GitHub redirects to its storage, without the token). `progress` reports bytes as
    // they arrive; setting *cancel to true stops the download (kind "cancelled"). Not cached.
    void downloadArtifact(const QString &repo, qint64 artifactId, Callback<QByteArray> done,
                          std::function<void(qint64, qint64)> progress = {},
                          std::shared_ptr<bool> cancel = {});
    void deleteArtifact(const QString &repo, qint64 artifactId, StatusCallback done);

    void listPullRequests(const QString &repo, const QString &state, Callback<QList<PullRequest>> done);
    // The check runs of a commit (a pull request's head SHA), summed up.
    void checksFor(const QString &repo, const QString &ref, Callback<ChecksSummary> done);
    void getPullRequest(const QString &repo, int number, Callback<PullRequest> done);
    void listIssueComments(const QString &repo, int number, Callback<QList<Comment>> done);
    void createIssueComment(const QString &repo, int number, const QString &body, Callback<Comment> done);
    // `content` is one of +1, -1, laugh, confused, heart, hooray, rocket, eyes.
    void createCommentReaction(const QString &repo, qint64 commentId, const QString &content,
                               StatusCallback done);

    // Webhooks of a repository or an organisation. A 403 or 404 on these names the permission the token
    // lacks (kind "missing_permission"), since GitHub hides hooks from tokens without it.
    void listHooks(const HookScope &scope, Callback<QList<Hook>> done);
    void createHook(const HookScope &scope, const HookSpec &spec, Callback<Hook> done);
    void updateHook(const HookScope &scope, qint64 hookId, const HookSpec &spec, Callback<Hook> done);
    void deleteHook(const HookScope &scope, qint64 hookId, StatusCallback done);
    void pingHook(const HookScope &scope, qint64 hookId, StatusCallback done);
    void listHookDeliveries(const HookScope &scope, qint64 hookId, int limit,
                            Callback<QList<HookDelivery>> done);
    void redeliverHookDelivery(const HookScope &scope, qint64 hookId, qint64 deliveryId, StatusCallback done);

private:
    template <typename T>
    void fetchList(GitHubRequest request, Callback<QList<T>> done);
    template <typename T>
    void fetchOne(GitHubRequest request, Callback<T> done);
    void sendForStatus(GitHubRequest request, StatusCallback done);
    void findDispatchedRun(const QString &repo, const QString &workflow, const QString &ref,
                           const QDateTime &after, int attemptsLeft, Callback<DispatchResult> done);

    Options m_options;
    GitHubConnection *m_connection;
};

} // namespace exeserver
