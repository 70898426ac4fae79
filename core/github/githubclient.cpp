#include "github/githubclient.h"

#include "config/settings.h"
#include "github/workflowinputs.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QPointer>
#include <QTimer>

#include <algorithm>

namespace exeserver {

namespace {

QString segment(const QString &text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

// "owner/name" stays as it is (both parts are URL-safe on GitHub); anything else is encoded.
QString repoPath(const QString &repo, const QString &rest = {})
{
    return QStringLiteral("/repos/%1/%2%3")
        .arg(segment(repo.section(QLatin1Char('/'), 0, 0)), segment(repo.section(QLatin1Char('/'), 1)), rest);
}

QString workflowPath(const QString &repo, const QString &workflow, const QString &rest = {})
{
    return repoPath(repo, QStringLiteral("/actions/workflows/%1%2").arg(segment(workflow), rest));
}

QUrlQuery perPage(int count)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("per_page"), QString::number(count));
    return query;
}

QDateTime parseHttpDate(const QByteArray &text)
{
    const QDateTime parsed = QLocale::c().toDateTime(QString::fromLatin1(text.trimmed()),
                                                     QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"));
    return parsed.isValid() ? QDateTime(parsed.date(), parsed.time(), QTimeZone::utc()) : QDateTime();
}

QString hooksPath(const HookScope &scope, const QString &rest = {})
{
    return scope.isOrganization() ? QStringLiteral("/orgs/%1/hooks%2").arg(segment(scope.name), rest)
                                  : repoPath(scope.name, QStringLiteral("/hooks") + rest);
}

QJsonObject hookBody(const HookSpec &spec, bool create)
{
    QJsonObject config{{QStringLiteral("url"), spec.url},
                       {QStringLiteral("content_type"), QStringLiteral("json")},
                       {QStringLiteral("insecure_ssl"), QStringLiteral("0")}};
    if (!spec.secret.isEmpty())
        config.insert(QStringLiteral("secret"), spec.secret);
    QJsonObject body{{QStringLiteral("active"), spec.active},
                     {QStringLiteral("events"), QJsonArray::fromStringList(spec.events)},
                     {QStringLiteral("config"), config}};
    if (create)
        body.insert(QStringLiteral("name"), QStringLiteral("web"));
    return body;
}

// GitHub answers 404 (and sometimes 403) to a token that may not administer hooks, so either status names
// the permission rather than leaving the user to guess.
Error hookError(const HookScope &scope, const Error &error)
{
    if (error.httpStatus != 403 && error.httpStatus != 404)
        return error;
    const QString need =
        scope.isOrganization()
            ? QStringLiteral("the admin:org_hook scope (classic token) or the organisation permission "
                             "\"Webhooks: write\" (fine-grained token)")
            : QStringLiteral("the admin:repo_hook scope (classic token) or the repository permission "
                             "\"Webhooks: write\" (fine-grained token)");
    return Error{
        QStringLiteral("missing_permission"),
        QStringLiteral("GitHub said %1 for the webhooks of %2: the token needs %3, and must be "
                       "able to see %2.")
            .arg(error.httpStatus)
            .arg(scope.isOrganization() ? QStringLiteral("organisation ") + scope.name : scope.name, need),
        error.httpStatus};
}

} // namespace

QString HookScope::key() const
{
    return isOrganization() ? QStringLiteral("org:") + name : name;
}

GitHubClient::GitHubClient(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_connection(new GitHubConnection(m_options.connection, this))
{
}

GitHubClient::Options GitHubClient::optionsFrom(const Settings &settings, QNetworkAccessManager *network)
{
    Options options;
    options.connection.apiUrl = settings.gitHubApiUrl();
    options.connection.token = settings.gitHubToken();
    options.connection.network = network;
    return options;
}

template <typename T>
void GitHubClient::fetchList(GitHubRequest request, Callback<QList<T>> done)
{
    if (request.maxPages <= 1)
        request.maxPages = m_options.maxPages;
    m_connection->send(std::move(request), [done = std::move(done)](Result<GitHubResponse> response) {
        if (!response)
            return done(response.error());
        QList<T> list;
        list.reserve(response->items.size());
        for (const QJsonValue &item : std::as_const(response->items))
            list.append(T::fromJson(item.toObject()));
        done(std::move(list));
    });
}

template <typename T>
void GitHubClient::fetchOne(GitHubRequest request, Callback<T> done)
{
    m_connection->send(std::move(request), [done = std::move(done)](Result<GitHubResponse> response) {
        if (!response)
            return done(response.error());
        done(T::fromJson(response->object()));
    });
}

void GitHubClient::sendForStatus(GitHubRequest request, StatusCallback done)
{
    m_connection->send(std::move(request), [done = std::move(done)](Result<GitHubResponse> response) {
        done(response ? success() : Status(response.error()));
    });
}

void GitHubClient::currentUser(Callback<AuthenticatedUser> done)
{
    m_connection->send(GitHubRequest::get(QStringLiteral("/user")), [done](Result<GitHubResponse> response) {
        if (!response)
            return done(response.error());
        done(AuthenticatedUser{User::fromJson(response->object()),
                               QString::fromUtf8(response->header("x-oauth-scopes")),
                               response->hasHeader("x-oauth-scopes")});
    });
}

void GitHubClient::listRepositories(Callback<QList<Repository>> done)
{
    QUrlQuery query = perPage(100);
    query.addQueryItem(QStringLiteral("affiliation"),
                       QStringLiteral("owner,collaborator,organization_member"));
    query.addQueryItem(QStringLiteral("sort"), QStringLiteral("full_name"));
    fetchList<Repository>(GitHubRequest::get(QStringLiteral("/user/repos"), query), std::move(done));
}

void GitHubClient::listOrganizationRepositories(const QString &org, Callback<QList<Repository>> done)
{
    fetchList<Repository>(
        GitHubRequest::get(QStringLiteral("/orgs/%1/repos").arg(segment(org)), perPage(100)),
        std::move(done));
}

void GitHubClient::listRepositoryEvents(const QString &repo, Callback<QList<RepositoryEvent>> done)
{
    GitHubRequest request = GitHubRequest::get(repoPath(repo, QStringLiteral("/events")), perPage(100));
    request.maxPages = 3; // GitHub keeps at most 300 events
    fetchList<RepositoryEvent>(std::move(request), std::move(done));
}

void GitHubClient::listNotifications(bool participatingOnly, Callback<NotificationsPage> done)
{
    QUrlQuery query = perPage(50);
    if (participatingOnly)
        query.addQueryItem(QStringLiteral("participating"), QStringLiteral("true"));
    GitHubRequest request = GitHubRequest::get(QStringLiteral("/notifications"), query);
    request.maxPages = m_options.maxPages;
    // Last-Modified from the cache goes out as If-Modified-Since, so an unchanged inbox costs nothing.
    m_connection->send(std::move(request), [done](Result<GitHubResponse> response) {
        if (!response)
            return done(response.error());
        NotificationsPage page;
        page.changed = !response->fromCache();
        bool ok = false;
        if (const int interval = response->header("x-poll-interval").toInt(&ok); ok && interval > 0)
            page.pollIntervalSecs = interval;
        for (const QJsonValue &item : std::as_const(response->items))
            page.notifications.append(Notification::fromJson(item.toObject()));
        done(page);
    });
}

void GitHubClient::markNotificationRead(const QString &threadId, StatusCallback done)
{
    GitHubRequest request;
    request.method = "PATCH";
    request.path = QStringLiteral("/notifications/threads/%1").arg(segment(threadId));
    sendForStatus(std::move(request), std::move(done));
}

void GitHubClient::listBranches(const QString &repo, Callback<QList<Branch>> done)
{
    fetchList<Branch>(GitHubRequest::get(repoPath(repo, QStringLiteral("/branches")), perPage(100)),
                      std::move(done));
}

void GitHubClient::listWorkflows(const QString &repo, Callback<QList<Workflow>> done)
{
    GitHubRequest request =
        GitHubRequest::get(repoPath(repo, QStringLiteral("/actions/workflows")), perPage(100));
    request.itemsKey = QStringLiteral("workflows");
    fetchList<Workflow>(std::move(request), std::move(done));
}

void GitHubClient::getWorkflow(const QString &repo, const QString &workflow, Callback<Workflow> done)
{
    fetchOne<Workflow>(GitHubRequest::get(workflowPath(repo, workflow)), std::move(done));
}

void GitHubClient::getFileContent(const QString &repo, const QString &path, const QString &ref,
                                  Callback<QByteArray> done)
{
    QStringList parts;
    for (const QString &part : path.split(QLatin1Char('/'), Qt::SkipEmptyParts))
        parts.append(segment(part));
    QUrlQuery query;
    if (!ref.isEmpty())
        query.addQueryItem(QStringLiteral("ref"), ref);
    m_connection->send(
        GitHubRequest::get(repoPath(repo, QStringLiteral("/contents/") + parts.join(QLatin1Char('/'))),
                           query),
        [done, path](Result<GitHubResponse> response) {
            if (!response)
                return done(response.error());
            const QJsonObject file = response->object();
            if (file.value(QLatin1String("type")).toString() != QLatin1String("file") ||
                file.value(QLatin1String("encoding")).toString() != QLatin1String("base64"))
                return done(Error{
                    QStringLiteral("invalid"),
                    QStringLiteral("%1 is not a file GitHub returned as base64 content.").arg(path), 0});
            done(QByteArray::fromBase64(file.value(QLatin1String("content")).toString().toLatin1()));
        });
}

void GitHubClient::workflowInputs(const QString &repo, const QString &workflow, const QString &ref,
                                  Callback<QList<DispatchInput>> done)
{
    QPointer<GitHubClient> self(this);
    getWorkflow(repo, workflow, [self, repo, ref, done](Result<Workflow> found) {
        if (!found)
            return done(found.error());
        if (!self)
            return;
        const QString path = found->path;
        self->getFileContent(repo, path, ref, [done, path](Result<QByteArray> text) {
            if (!text)
                return done(text.error());
            done(parseDispatchInputs(*text, path));
        });
    });
}

void GitHubClient::setWorkflowEnabled(const QString &repo, const QString &workflow, bool enabled,
                                      StatusCallback done)
{
    GitHubRequest request;
    request.method = "PUT";
    request.path =
        workflowPath(repo, workflow, enabled ? QStringLiteral("/enable") : QStringLiteral("/disable"));
    sendForStatus(std::move(request), std::move(done));
}

void GitHubClient::dispatchWorkflow(const QString &repo, const QString &workflow, const QString &ref,
                                    const QJsonObject &inputs, Callback<DispatchResult> done)
{
    QJsonObject body{{QStringLiteral("ref"), ref}, {QStringLiteral("return_run_details"), true}};
    if (!inputs.isEmpty())
        body.insert(QStringLiteral("inputs"), inputs);
    GitHubRequest request =
        GitHubRequest::withBody("POST", workflowPath(repo, workflow, QStringLiteral("/dispatches")), body);
    request.contentCreating = true;
    const QDateTime sentAt = m_connection->clock().now();
    QPointer<GitHubClient> self(this);
    m_connection->send(
        std::move(request), [self, repo, workflow, ref, sentAt, done](Result<GitHubResponse> response) {
            if (!response)
                return done(response.error());
            const QJsonObject details = response->object();
            if (response->status == 200 && details.contains(QLatin1String("workflow_run_id"))) {
                return done(DispatchResult{details.value(QLatin1String("workflow_run_id")).toInteger(),
                                           details.value(QLatin1String("run_url")).toString(),
                                           details.value(QLatin1String("html_url")).toString(), true});
            }
            if (!self)
                return;
            // 204 (GHES before 3.19): the run is the first one created for this workflow and ref at or after
            // the server's Date of the answer (the server's clock, not ours; GitHub creates the run after it
            // answers). Runs created in the same second are told apart by the highest id, the latest
            // dispatch.
            QDateTime after = parseHttpDate(response->header("date"));
            if (!after.isValid())
                after = sentAt;
            self->findDispatchedRun(repo, workflow, ref, after, self->m_options.dispatchLookupAttempts, done);
        });
}

void GitHubClient::findDispatchedRun(const QString &repo, const QString &workflow, const QString &ref,
                                     const QDateTime &after, int attemptsLeft, Callback<DispatchResult> done)
{
    RunFilter filter;
    filter.workflow = workflow;
    filter.branch = ref;
    filter.event = QStringLiteral("workflow_dispatch");
    // Filtered by creation time here rather than with `created=>=…`: that range syntax is GitHub's search
    // grammar, which the OpenAPI description (format date-time) and strict proxies reject.
    filter.limit = 20;
    QPointer<GitHubClient> self(this);
    listRuns(repo, filter, [=](Result<QList<WorkflowRun>> runs) {
        if (!runs)
            return done(runs.error());
        const WorkflowRun *first = nullptr;
        for (const WorkflowRun &run : *runs)
            if (run.createdAt >= after && (!first || run.createdAt < first->createdAt ||
                                           (run.createdAt == first->createdAt && run.id > first->id)))
                first = &run;
        if (first)
            return done(DispatchResult{first->id, first->url, first->htmlUrl, false});
        if (attemptsLeft <= 1 || !self)
            return done(DispatchResult{}); // dispatched, but the run is not visible yet
        QTimer::singleShot(self->m_options.dispatchLookupDelayMs, self, [=]() {
            if (self)
                self->findDispatchedRun(repo, workflow, ref, after, attemptsLeft - 1, done);
        });
    });
}

namespace {

// `GET …/actions/runs` (or a workflow's runs) with the filter's fields as GitHub's query parameters.
GitHubRequest runsRequest(const QString &repo, const RunFilter &filter, int perPageCount)
{
    QUrlQuery query = perPage(perPageCount);
    const QList<QPair<QString, QString>> filters{{QStringLiteral("branch"), filter.branch},
                                                 {QStringLiteral("event"), filter.event},
                                                 {QStringLiteral("status"), filter.status},
                                                 {QStringLiteral("actor"), filter.actor},
                                                 {QStringLiteral("created"), filter.created}};
    for (const auto &[key, value] : filters)
        if (!value.isEmpty())
            query.addQueryItem(key, QString::fromLatin1(QUrl::toPercentEncoding(value)));
    GitHubRequest request = GitHubRequest::get(
        filter.workflow.isEmpty() ? repoPath(repo, QStringLiteral("/actions/runs"))
                                  : workflowPath(repo, filter.workflow, QStringLiteral("/runs")),
        query);
    request.itemsKey = QStringLiteral("workflow_runs");
    return request;
}

} // namespace

void GitHubClient::listRuns(const QString &repo, const RunFilter &filter, Callback<QList<WorkflowRun>> done)
{
    const int limit = std::max(filter.limit, 1);
    GitHubRequest request = runsRequest(repo, filter, std::min(limit, 100));
    request.maxPages = std::max(1, (limit + 99) / 100);
    fetchList<WorkflowRun>(std::move(request), [limit, done](Result<QList<WorkflowRun>> runs) {
        if (runs && runs->size() > limit)
            runs.value().resize(limit);
        done(std::move(runs));
    });
}

void GitHubClient::listRunsPage(const QString &repo, const RunFilter &filter, const QUrl &next,
                                Callback<RunsPage> done)
{
    GitHubRequest request = runsRequest(repo, filter, std::clamp(filter.limit, 1, 100));
    if (next.isValid()) {
        // The link keeps every filter and the page size; only links to the API itself are followed.
        if (m_connection->urlFor(request.path).adjusted(QUrl::RemoveQuery) !=
            next.adjusted(QUrl::RemoveQuery))
            return QTimer::singleShot(0, this, [done]() {
                done(Error{QStringLiteral("invalid"),
                           QStringLiteral("The next page of runs is not a runs page of the API."), 0});
            });
        request.path = next.toString(QUrl::FullyEncoded);
        request.query = {};
    }
    request.maxPages = 1;
    m_connection->send(std::move(request), [done](Result<GitHubResponse> response) {
        if (!response)
            return done(response.error());
        RunsPage page;
        for (const QJsonValue &item : std::as_const(response->items))
            page.runs.append(WorkflowRun::fromJson(item.toObject()));
        page.totalCount = response->object().value(QLatin1String("total_count")).toInt();
        page.next = response->nextPage;
        done(std::move(page));
    });
}

void GitHubClient::getRun(const QString &repo, qint64 runId, Callback<WorkflowRun> done)
{
    fetchOne<WorkflowRun>(GitHubRequest::get(repoPath(repo, QStringLiteral("/actions/runs/%1").arg(runId))),
                          std::move(done));
}

void GitHubClient::listJobs(const QString &repo, qint64 runId, Callback<QList<Job>> done)
{
    GitHubRequest request =
        GitHubRequest::get(repoPath(repo, QStringLiteral("/actions/runs/%1/jobs").arg(runId)), perPage(100));
    request.itemsKey = QStringLiteral("jobs");
    fetchList<Job>(std::move(request), std::move(done));
}

void GitHubClient::jobLogs(const QString &repo, qint64 jobId, Callback<QByteArray> done)
{
    // Answered with a redirect to a signed URL on another host; the connection follows it without the token.
    m_connection->send(GitHubRequest::get(repoPath(repo, QStringLiteral("/actions/jobs/%1/logs").arg(jobId))),
                       [done](Result<GitHubResponse> response) {
                           if (!response)
                               return done(response.error());
                           done(response->body);
                       });
}

void GitHubClient::getRunAttempt(const QString &repo, qint64 runId, int attempt, Callback<WorkflowRun> done)
{
    fetchOne<WorkflowRun>(GitHubRequest::get(repoPath(
                              repo, QStringLiteral("/actions/runs/%1/attempts/%2").arg(runId).arg(attempt))),
                          std::move(done));
}

void GitHubClient::listAttemptJobs(const QString &repo, qint64 runId, int attempt, Callback<QList<Job>> done)
{
    GitHubRequest request = GitHubRequest::get(
        repoPath(repo, QStringLiteral("/actions/runs/%1/attempts/%2/jobs").arg(runId).arg(attempt)),
        perPage(100));
    request.itemsKey = QStringLiteral("jobs");
    fetchList<Job>(std::move(request), std::move(done));
}

void GitHubClient::rerunJob(const QString &repo, qint64 jobId, bool debugLogging, StatusCallback done)
{
    sendForStatus(
        GitHubRequest::withBody("POST", repoPath(repo, QStringLiteral("/actions/jobs/%1/rerun").arg(jobId)),
                                QJsonObject{{QStringLiteral("enable_debug_logging"), debugLogging}}),
        std::move(done));
}

void GitHubClient::listPendingDeployments(const QString &repo, qint64 runId,
                                          Callback<QList<PendingDeployment>> done)
{
    fetchList<PendingDeployment>(
        GitHubRequest::get(repoPath(repo, QStringLiteral("/actions/runs/%1/pending_deployments").arg(runId))),
        std::move(done));
}

void GitHubClient::reviewPendingDeployments(const QString &repo, qint64 runId,
                                            const QList<qint64> &environmentIds, bool approve,
                                            const QString &comment, StatusCallback done)
{
    QJsonArray ids;
    for (const qint64 id : environmentIds)
        ids.append(id);
    sendForStatus(GitHubRequest::withBody(
                      "POST",
                      repoPath(repo, QStringLiteral("/actions/runs/%1/pending_deployments").arg(runId)),
                      QJsonObject{{QStringLiteral("environment_ids"), ids},
                                  {QStringLiteral("state"),
                                   approve ? QStringLiteral("approved") : QStringLiteral("rejected")},
                                  {QStringLiteral("comment"), comment}}),
                  std::move(done));
}

void GitHubClient::rerunRun(const QString &repo, qint64 runId, bool failedJobsOnly, StatusCallback done,
                            bool debugLogging)
{
    GitHubRequest request;
    request.method = "POST";
    if (debugLogging) {
        request.body = QJsonObject{{QStringLiteral("enable_debug_logging"), true}};
        request.hasBody = true;
    }
    request.path = repoPath(
        repo, QStringLiteral("/actions/runs/%1/%2")
                  .arg(runId)
                  .arg(failedJobsOnly ? QStringLiteral("rerun-failed-jobs") : QStringLiteral("rerun")));
    sendForStatus(std::move(request), std::move(done));
}

void GitHubClient::cancelRun(const QString &repo, qint64 runId, bool force, StatusCallback done)
{
    GitHubRequest request;
    request.method = "POST";
    request.path =
        repoPath(repo, QStringLiteral("/actions/runs/%1/%2")
                           .arg(runId)
                           .arg(force ? QStringLiteral("force-cancel") : QStringLiteral("cancel")));
    sendForStatus(std::move(request), std::move(done));
}

void GitHubClient::listArtifacts(const QString &repo, qint64 runId, Callback<QList<Artifact>> done)
{
    GitHubRequest request = GitHubRequest::get(
        repoPath(repo, QStringLiteral("/actions/runs/%1/artifacts").arg(runId)), perPage(100));
    request.itemsKey = QStringLiteral("artifacts");
    fetchList<Artifact>(std::move(request), std::move(done));
}

void GitHubClient::getArtifact(const QString &repo, qint64 artifactId, Callback<Artifact> done)
{
    fetchOne<Artifact>(
        GitHubRequest::get(repoPath(repo, QStringLiteral("/actions/artifacts/%1").arg(artifactId))),
        std::move(done));
}

void GitHubClient::downloadArtifact(const QString &repo, qint64 artifactId, Callback<QByteArray> done,
                                    std::function<void(qint64, qint64)> progress,
                                    std::shared_ptr<bool> cancel)
{
    GitHubRequest request =
        GitHubRequest::get(repoPath(repo, QStringLiteral("/actions/artifacts/%1/zip").arg(artifactId)));
    request.cacheable = false; // megabytes of zip have no place in the ETag cache
    request.progress = std::move(progress);
    request.cancelled = std::move(cancel);
    m_connection->send(std::move(request), [done](Result<GitHubResponse> response) {
        if (!response)
            return done(response.error());
        done(response->body);
    });
}

void GitHubClient::deleteArtifact(const QString &repo, qint64 artifactId, StatusCallback done)
{
    GitHubRequest request =
        GitHubRequest::get(repoPath(repo, QStringLiteral("/actions/artifacts/%1").arg(artifactId)));
    request.method = "DELETE";
    sendForStatus(std::move(request), std::move(done));
}

void GitHubClient::listPullRequests(const QString &repo, const QString &state,
                                    Callback<QList<PullRequest>> done)
{
    QUrlQuery query = perPage(100);
    query.addQueryItem(QStringLiteral("state"), state.isEmpty() ? QStringLiteral("open") : state);
    fetchList<PullRequest>(GitHubRequest::get(repoPath(repo, QStringLiteral("/pulls")), query),
                           std::move(done));
}

void GitHubClient::checksFor(const QString &repo, const QString &ref, Callback<ChecksSummary> done)
{
    GitHubRequest request = GitHubRequest::get(
        repoPath(repo, QStringLiteral("/commits/%1/check-runs").arg(segment(ref))), perPage(100));
    request.itemsKey = QStringLiteral("check_runs");
    request.maxPages = m_options.maxPages;
    m_connection->send(std::move(request), [done](Result<GitHubResponse> response) {
        if (!response)
            return done(response.error());
        ChecksSummary summary;
        for (const QJsonValue &item : std::as_const(response->items)) {
            const QJsonObject check = item.toObject();
            summary.add(check.value(QLatin1String("status")).toString(),
                        check.value(QLatin1String("conclusion")).toString());
        }
        done(summary);
    });
}

void GitHubClient::getPullRequest(const QString &repo, int number, Callback<PullRequest> done)
{
    fetchOne<PullRequest>(GitHubRequest::get(repoPath(repo, QStringLiteral("/pulls/%1").arg(number))),
                          std::move(done));
}

void GitHubClient::listIssueComments(const QString &repo, int number, Callback<QList<Comment>> done)
{
    fetchList<Comment>(
        GitHubRequest::get(repoPath(repo, QStringLiteral("/issues/%1/comments").arg(number)), perPage(100)),
        std::move(done));
}

void GitHubClient::createIssueComment(const QString &repo, int number, const QString &body,
                                      Callback<Comment> done)
{
    GitHubRequest request =
        GitHubRequest::withBody("POST", repoPath(repo, QStringLiteral("/issues/%1/comments").arg(number)),
                                QJsonObject{{QStringLiteral("body"), body}});
    request.contentCreating = true;
    fetchOne<Comment>(std::move(request), std::move(done));
}

void GitHubClient::createCommentReaction(const QString &repo, qint64 commentId, const QString &content,
                                         StatusCallback done)
{
    GitHubRequest request = GitHubRequest::withBody(
        "POST", repoPath(repo, QStringLiteral("/issues/comments/%1/reactions").arg(commentId)),
        QJsonObject{{QStringLiteral("content"), content}});
    request.contentCreating = true;
    sendForStatus(std::move(request), std::move(done));
}

void GitHubClient::listHooks(const HookScope &scope, Callback<QList<Hook>> done)
{
    fetchList<Hook>(GitHubRequest::get(hooksPath(scope), perPage(100)),
                    [scope, done = std::move(done)](Result<QList<Hook>> hooks) {
                        done(hooks ? std::move(hooks) : Result<QList<Hook>>(hookError(scope, hooks.error())));
                    });
}

void GitHubClient::createHook(const HookScope &scope, const HookSpec &spec, Callback<Hook> done)
{
    fetchOne<Hook>(GitHubRequest::withBody("POST", hooksPath(scope), hookBody(spec, true)),
                   [scope, done = std::move(done)](Result<Hook> hook) {
                       done(hook ? std::move(hook) : Result<Hook>(hookError(scope, hook.error())));
                   });
}

void GitHubClient::updateHook(const HookScope &scope, qint64 hookId, const HookSpec &spec,
                              Callback<Hook> done)
{
    fetchOne<Hook>(GitHubRequest::withBody("PATCH", hooksPath(scope, QStringLiteral("/%1").arg(hookId)),
                                           hookBody(spec, false)),
                   [scope, done = std::move(done)](Result<Hook> hook) {
                       done(hook ? std::move(hook) : Result<Hook>(hookError(scope, hook.error())));
                   });
}

void GitHubClient::deleteHook(const HookScope &scope, qint64 hookId, StatusCallback done)
{
    GitHubRequest request = GitHubRequest::get(hooksPath(scope, QStringLiteral("/%1").arg(hookId)));
    request.method = "DELETE";
    sendForStatus(std::move(request), [scope, done = std::move(done)](Status status) {
        done(status ? status : Status(hookError(scope, status.error())));
    });
}

void GitHubClient::pingHook(const HookScope &scope, qint64 hookId, StatusCallback done)
{
    GitHubRequest request = GitHubRequest::get(hooksPath(scope, QStringLiteral("/%1/pings").arg(hookId)));
    request.method = "POST";
    sendForStatus(std::move(request), [scope, done = std::move(done)](Status status) {
        done(status ? status : Status(hookError(scope, status.error())));
    });
}

void GitHubClient::listHookDeliveries(const HookScope &scope, qint64 hookId, int limit,
                                      Callback<QList<HookDelivery>> done)
{
    // Deliveries page by cursor, not by page number; the newest `limit` (at most 100) are what a user
    // looks at.
    GitHubRequest request = GitHubRequest::get(hooksPath(scope, QStringLiteral("/%1/deliveries").arg(hookId)),
                                               perPage(std::clamp(limit, 1, 100)));
    request.maxPages = 1;
    m_connection->send(std::move(request), [scope, done = std::move(done)](Result<GitHubResponse> response) {
        if (!response)
            return done(hookError(scope, response.error()));
        QList<HookDelivery> deliveries;
        for (const QJsonValue &item : std::as_const(response->items))
            deliveries.append(HookDelivery::fromJson(item.toObject()));
        done(std::move(deliveries));
    });
}

void GitHubClient::redeliverHookDelivery(const HookScope &scope, qint64 hookId, qint64 deliveryId,
                                         StatusCallback done)
{
    GitHubRequest request = GitHubRequest::get(
        hooksPath(scope, QStringLiteral("/%1/deliveries/%2/attempts").arg(hookId).arg(deliveryId)));
    request.method = "POST";
    sendForStatus(std::move(request), [scope, done = std::move(done)](Status status) {
        done(status ? status : Status(hookError(scope, status.error())));
    });
}

} // namespace exeserver
