#include "fakegithubserver.h"

#include "net/localhttpserver.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QMap>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTimer>
#include <QUuid>

#include <algorithm>
#include <iterator>

namespace exeserver::test {

namespace {

constexpr auto DocsUrl = "https://docs.github.com/rest";
const QStringList ReactionContents = {"+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"};

QJsonValue orNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QString isoDate(const QDateTime &when)
{
    return when.isValid() ? when.toUTC().toString(Qt::ISODate) : QString();
}

QByteArray httpDate(const QDateTime &when)
{
    return QLocale::c().toString(when.toUTC(), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'")).toLatin1();
}

QDateTime parseHttpDate(const QByteArray &text)
{
    const QDateTime local = QLocale::c().toDateTime(QString::fromLatin1(text.trimmed()),
                                                    QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"));
    return local.isValid() ? QDateTime(local.date(), local.time(), QTimeZone::utc()) : QDateTime();
}

// GitHub's legacy global node ids: base64("<len>:<Type><id>").
QString nodeId(const QString &type, qint64 id)
{
    const QString raw = QStringLiteral("%1:%2%3").arg(type.size(), 3, 10, QLatin1Char('0')).arg(type).arg(id);
    return QString::fromLatin1(raw.toUtf8().toBase64());
}

QString ownerOf(const QString &fullName)
{
    return fullName.section(QLatin1Char('/'), 0, 0);
}

QString nameOf(const QString &fullName)
{
    return fullName.section(QLatin1Char('/'), 1);
}

// Contents API style: base64 wrapped at 60 characters, each line ending in \n.
QString wrappedBase64(const QByteArray &data)
{
    const QByteArray encoded = data.toBase64();
    QByteArray out;
    for (qsizetype i = 0; i < encoded.size(); i += 60)
        out += encoded.mid(i, 60) + '\n';
    return QString::fromLatin1(out);
}

QString blobSha(const QByteArray &data)
{
    return QString::fromLatin1(
        QCryptographicHash::hash("blob " + QByteArray::number(data.size()) + '\0' + data,
                                 QCryptographicHash::Sha1)
            .toHex());
}

QRegularExpression anchored(const QString &pattern)
{
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern));
}

QJsonObject githubError(const QString &message, int status,
                        const QString &documentation = QString::fromLatin1(DocsUrl))
{
    return {{"message", message}, {"documentation_url", documentation}, {"status", QString::number(status)}};
}

// The body GitHub usually sends with an injected status.
QByteArray defaultErrorBody(int status, const HttpHeaders &headers)
{
    QJsonObject body;
    switch (status) {
    case 401:
        body = githubError("Bad credentials", 401);
        break;
    case 403:
        if (headers.contains("retry-after"))
            body = githubError(
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try "
                "again. If you reach out to GitHub Support for help, please include the request ID "
                "CAFE:0000:0000000:0000000:00000000.",
                403,
                "https://docs.github.com/free-pro-team@latest/rest/overview/"
                "rate-limits-for-the-rest-api#about-secondary-rate-limits");
        else if (headers.value("x-ratelimit-remaining") == "0")
            body = githubError(
                "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, "
                "please include the request ID CAFE:0000:0000000:0000000:00000000.",
                403, "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api");
        else
            body = githubError("Resource not accessible by personal access token", 403);
        break;
    case 404:
        body = githubError("Not Found", 404);
        break;
    case 409:
        body = githubError("Conflict", 409);
        break;
    case 422:
        body = githubError("Validation Failed", 422);
        body.insert("errors", QJsonArray{QJsonObject{{"resource", "Issue"},
                                                     {"field", "body"},
                                                     {"code", "custom"},
                                                     {"message", "body is too long"}}});
        break;
    case 502:
        return QByteArrayLiteral("{\"message\":\"Server Error\"}");
    case 503:
        return QByteArrayLiteral("{\"message\":\"Service Unavailable\"}");
    default:
        if (status >= 500)
            return QByteArrayLiteral("{\"message\":\"Server Error\"}");
        body = githubError(QString::fromLatin1(HttpResponse::reasonPhrase(status)), status);
    }
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

HttpResponse jsonResponse(int status, const QJsonValue &value)
{
    const QJsonDocument document =
        value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    return HttpResponse::json(status, document.toJson(QJsonDocument::Compact));
}

HttpResponse errorResponse(int status, const QString &message,
                           const QString &documentation = QString::fromLatin1(DocsUrl))
{
    return jsonResponse(status, githubError(message, status, documentation));
}

HttpResponse notFound()
{
    return errorResponse(404, "Not Found");
}

HttpResponse empty(int status)
{
    HttpResponse response;
    response.status = status;
    return response;
}

} // namespace

QJsonObject RecordedRequest::json() const
{
    return QJsonDocument::fromJson(body).object();
}

struct FakeGitHubServer::Private
{
    // What a route handler gets: the request, the regex captures and the repository they name, if any.
    struct Call
    {
        const HttpRequest &request;
        QStringList args;
        FakeRepository *repo = nullptr;
    };
    struct Route
    {
        QByteArray method;
        QRegularExpression pattern;
        QByteArray permissions; // X-Accepted-GitHub-Permissions
        std::function<HttpResponse(Private &, Call &)> handle;
    };
    struct Failure
    {
        QByteArray method;
        QRegularExpression pattern;
        int status = 0; // 0: drop the connection
        int remaining = 1;
        HttpHeaders headers;
        QByteArray body;
    };
    struct Delay
    {
        QRegularExpression pattern;
        int milliseconds = 0;
    };
    struct Event
    {
        QString id;
        QString repo;
        QString type;
        QJsonObject payload;
        QDateTime createdAt;
    };
    struct Reaction
    {
        qint64 id = 0;
        qint64 commentId = 0;
        QString content;
        QString user;
        QDateTime createdAt;
    };

    Private()
        : server([this](const HttpRequest &request, LocalHttpServer::Responder respond) {
            handle(request, std::move(respond));
        })
    {
        lastModified = now();
        buildRoutes();
        seed();
    }

    QDateTime now() const
    {
        const QDateTime current = clock->now().toUTC();
        return current.addMSecs(-current.time().msec()); // GitHub's timestamps have whole seconds
    }

    // Every change moves Last-Modified strictly forward, so If-Modified-Since never hides a change made
    // within the same second.
    void touch() { lastModified = std::max(now(), lastModified.addSecs(1)); }

    QString apiUrl(const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2%3").arg(server.port()).arg(prefix, path);
    }

    // --- Lookups
    FakeRepository *repository(const QString &fullName)
    {
        for (FakeRepository &repo : repos) {
            if (repo.fullName.compare(fullName, Qt::CaseInsensitive) == 0)
                return &repo;
        }
        return nullptr;
    }
    FakeWorkflow *findWorkflow(const QString &repo, const QString &idOrFile)
    {
        for (FakeWorkflow &workflow : workflows) {
            if (workflow.repo.compare(repo, Qt::CaseInsensitive) == 0 &&
                (QString::number(workflow.id) == idOrFile ||
                 workflow.path.section(QLatin1Char('/'), -1) == idOrFile))
                return &workflow;
        }
        return nullptr;
    }
    FakeRun *findRun(qint64 id)
    {
        auto it = std::find_if(runs.begin(), runs.end(), [id](const FakeRun &run) { return run.id == id; });
        return it == runs.end() ? nullptr : &*it;
    }
    std::pair<FakeRun *, FakeJob *> findJob(qint64 id)
    {
        for (FakeRun &run : runs) {
            for (FakeJob &job : run.jobs) {
                if (job.id == id)
                    return {&run, &job};
            }
        }
        return {nullptr, nullptr};
    }

    // --- Seeding
    qint64 addRepository(FakeRepository repo)
    {
        if (!repo.id)
            repo.id = nextRepoId++;
        if (repo.description.isEmpty())
            repo.description = QStringLiteral("This your first repo!");
        repos.append(repo);
        touch();
        return repo.id;
    }
    qint64 addWorkflow(FakeWorkflow workflow)
    {
        if (!workflow.id)
            workflow.id = nextWorkflowId++;
        workflows.append(workflow);
        if (!files.contains({workflow.repo, workflow.path}))
            files.insert({workflow.repo, workflow.path}, defaultWorkflowYaml(workflow));
        touch();
        return workflow.id;
    }
    qint64 addRun(FakeRun run)
    {
        const FakeRepository *repo = repository(run.repo);
        if (!run.id)
            run.id = nextRunId++;
        if (!run.workflowId) {
            auto it = std::find_if(workflows.cbegin(), workflows.cend(),
                                   [&](const FakeWorkflow &w) { return w.repo == run.repo; });
            run.workflowId = it == workflows.cend() ? 0 : it->id;
        }
        if (!run.runNumber) {
            run.runNumber = 1 + int(std::count_if(runs.cbegin(), runs.cend(), [&](const FakeRun &other) {
                                return other.repo == run.repo && other.workflowId == run.workflowId;
                            }));
        }
        if (run.headBranch.isEmpty())
            run.headBranch = repo ? repo->defaultBranch : QStringLiteral("main");
        if (run.headSha.isEmpty())
            run.headSha = QString::fromLatin1(
                QCryptographicHash::hash(QByteArray::number(run.id), QCryptographicHash::Sha1).toHex());
        if (run.status != QLatin1String("completed"))
            run.conclusion.clear();
        if (!run.createdAt.isValid())
            run.createdAt = now();
        if (!run.updatedAt.isValid())
            run.updatedAt = run.createdAt;
        if (run.jobs.isEmpty())
            run.jobs.append(FakeJob{});
        for (FakeJob &job : run.jobs) {
            if (!job.id)
                job.id = nextJobId++;
        }
        runs.prepend(run);
        std::stable_sort(runs.begin(), runs.end(), [](const FakeRun &a, const FakeRun &b) {
            return a.createdAt != b.createdAt ? a.createdAt > b.createdAt : a.id > b.id;
        });
        touch();
        return run.id;
    }
    int addPullRequest(FakePullRequest pull)
    {
        if (!pull.number)
            pull.number = nextIssueNumber++;
        if (!pull.id)
            pull.id = nextPullId++;
        if (pull.base.isEmpty()) {
            const FakeRepository *repo = repository(pull.repo);
            pull.base = repo ? repo->defaultBranch : QStringLiteral("main");
        }
        if (!pull.createdAt.isValid())
            pull.createdAt = now();
        if (!pull.updatedAt.isValid())
            pull.updatedAt = pull.createdAt;
        pulls.append(pull);
        touch();
        return pull.number;
    }
    qint64 addComment(FakeComment comment)
    {
        if (!comment.id)
            comment.id = nextCommentId++;
        if (!comment.createdAt.isValid())
            comment.createdAt = now();
        comments.append(comment);
        touch();
        return comment.id;
    }
    QString addNotification(FakeNotification notification)
    {
        if (notification.id.isEmpty())
            notification.id = QString::number(nextNotificationId++);
        if (!notification.updatedAt.isValid())
            notification.updatedAt = now();
        notifications.append(notification);
        touch();
        return notification.id;
    }
    void addEvent(const QString &repo, const QString &type, const QJsonObject &payload)
    {
        events.prepend({QString::number(nextEventId++), repo, type, payload, now()});
        touch();
    }

    QByteArray defaultWorkflowYaml(const FakeWorkflow &workflow) const
    {
        QByteArray yaml =
            "name: " + workflow.name.toUtf8() + "\n\non:\n  push:\n    branches: [main]\n  pull_request:\n";
        if (workflow.dispatchable) {
            yaml += "  workflow_dispatch:\n"
                    "    inputs:\n"
                    "      environment:\n"
                    "        description: 'Where to deploy'\n"
                    "        required: true\n"
                    "        default: 'staging'\n"
                    "        type: choice\n"
                    "        options:\n"
                    "          - staging\n"
                    "          - production\n"
                    "      dry_run:\n"
                    "        description: 'Only print what would happen'\n"
                    "        type: boolean\n"
                    "        default: false\n";
        }
        yaml += "\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n      - run: make test\n";
        return yaml;
    }

    void seed()
    {
        addRepository({.fullName = "octocat/Hello-World",
                       .description = "My first repository on GitHub!",
                       .id = 1296269});
        addRepository({.fullName = "octocat/Spoon-Knife",
                       .description = "This repo is for demonstration purposes only.",
                       .language = "HTML",
                       .id = 1300192});
        addRepository({.fullName = "octo-org/octo-repo",
                       .isPrivate = true,
                       .description = "Internal tools",
                       .id = 1296270});

        const qint64 ci = addWorkflow({.repo = "octocat/Hello-World", .id = 161335});
        const qint64 deploy = addWorkflow({.repo = "octocat/Hello-World",
                                           .name = "Deploy",
                                           .path = ".github/workflows/deploy.yml",
                                           .id = 269289});
        const qint64 knifeCi = addWorkflow({.repo = "octocat/Spoon-Knife"});
        addWorkflow(
            {.repo = "octo-org/octo-repo", .name = "Nightly", .path = ".github/workflows/nightly.yml"});

        const QDateTime base = now().addSecs(-3600);
        addRun({.repo = "octocat/Hello-World", .workflowId = ci, .createdAt = base, .id = 30433642});
        addRun({.repo = "octocat/Hello-World",
                .workflowId = ci,
                .conclusion = "failure",
                .headBranch = "new-topic",
                .event = "pull_request",
                .displayTitle = "Amazing new feature",
                .createdAt = base.addSecs(600)});
        addRun({.repo = "octocat/Hello-World",
                .workflowId = deploy,
                .status = "in_progress",
                .event = "workflow_dispatch",
                .displayTitle = "Deploy",
                .createdAt = base.addSecs(1200)});
        addRun({.repo = "octocat/Spoon-Knife", .workflowId = knifeCi, .createdAt = base.addSecs(300)});

        const int pr = addPullRequest({.repo = "octocat/Hello-World", .number = 1347, .createdAt = base});
        addComment({.repo = "octocat/Hello-World",
                    .issueNumber = pr,
                    .body = "Me too",
                    .createdAt = base.addSecs(60)});
        addNotification({.repo = "octocat/Hello-World",
                         .title = "Amazing new feature",
                         .type = "PullRequest",
                         .reason = "review_requested",
                         .subjectNumber = pr});
        addNotification({.repo = "octocat/Hello-World",
                         .title = "CI workflow run failed for new-topic branch",
                         .type = "CheckSuite",
                         .reason = "ci_activity"});
        setFile("octocat/Hello-World", "README", "Hello World!\n");
        addEvent("octocat/Hello-World", "PushEvent",
                 {{"repository_id", 1296269},
                  {"push_id", 10115855396LL},
                  {"size", 1},
                  {"distinct_size", 1},
                  {"ref", "refs/heads/main"},
                  {"head", "7a8f3ac80e2ad2f6842cb86f576d4bfe2c03e300"},
                  {"before", "883efe034920928c47fe18598c01249d1a9fdabd"}});
        addEvent("octocat/Hello-World", "PullRequestEvent", {{"action", "opened"}, {"number", pr}});
    }

    void setFile(const QString &repo, const QString &path, const QByteArray &text)
    {
        files.insert({repo, path}, text);
        touch();
    }

    // --- JSON in GitHub's shapes
    QJsonObject userJson(const QString &userLogin, bool organization = false) const
    {
        const qint64 id =
            userLogin == QLatin1String("octocat") ? 1 : 1000 + qint64(qHash(userLogin) % 100000);
        const QString url = apiUrl((organization ? "/orgs/" : "/users/") + userLogin);
        return {{"login", userLogin},
                {"id", id},
                {"node_id", nodeId(organization ? "Organization" : "User", id)},
                {"avatar_url", QStringLiteral("https://github.com/images/error/%1_happy.gif").arg(userLogin)},
                {"gravatar_id", ""},
                {"url", url},
                {"html_url", "https://github.com/" + userLogin},
                {"repos_url", url + "/repos"},
                {"events_url", url + "/events{/privacy}"},
                {"type", organization ? "Organization" : "User"},
                {"site_admin", false}};
    }

    bool isOrganization(const QString &owner) const { return owner != QLatin1String("octocat"); }

    QJsonObject repoJson(const FakeRepository &repo) const
    {
        const QString url = apiUrl("/repos/" + repo.fullName);
        const QString owner = ownerOf(repo.fullName);
        return {{"id", repo.id},
                {"node_id", nodeId("Repository", repo.id)},
                {"name", nameOf(repo.fullName)},
                {"full_name", repo.fullName},
                {"owner", userJson(owner, isOrganization(owner))},
                {"private", repo.isPrivate},
                {"visibility", repo.isPrivate ? "private" : "public"},
                {"html_url", "https://github.com/" + repo.fullName},
                {"description", repo.description},
                {"fork", false},
                {"url", url},
                {"events_url", url + "/events"},
                {"pulls_url", url + "/pulls{/number}"},
                {"contents_url", url + "/contents/{+path}"},
                {"clone_url", "https://github.com/" + repo.fullName + ".git"},
                {"language", repo.language},
                {"default_branch", repo.defaultBranch},
                {"archived", false},
                {"disabled", false},
                {"open_issues_count", int(std::count_if(pulls.cbegin(), pulls.cend(),
                                                        [&](const FakePullRequest &p) {
                                                            return p.repo == repo.fullName &&
                                                                   p.state == "open";
                                                        }))},
                {"stargazers_count", 80},
                {"watchers_count", 80},
                {"forks_count", 9},
                {"topics", QJsonArray{"octocat", "api"}},
                {"has_issues", true},
                {"permissions",
                 QJsonObject{
                     {"admin", true}, {"maintain", true}, {"push", true}, {"triage", true}, {"pull", true}}},
                {"pushed_at", "2011-01-26T19:06:43Z"},
                {"created_at", "2011-01-26T19:01:12Z"},
                {"updated_at", "2011-01-26T19:14:43Z"}};
    }

    QJsonObject minimalRepoJson(const QString &fullName) const
    {
        const FakeRepository *repo = const_cast<Private *>(this)->repository(fullName);
        const qint64 id = repo ? repo->id : 0;
        const QString owner = ownerOf(fullName);
        return {{"id", id},
                {"node_id", nodeId("Repository", id)},
                {"name", nameOf(fullName)},
                {"full_name", fullName},
                {"owner", userJson(owner, isOrganization(owner))},
                {"private", repo && repo->isPrivate},
                {"html_url", "https://github.com/" + fullName},
                {"url", apiUrl("/repos/" + fullName)}};
    }

    QJsonObject workflowJson(const FakeWorkflow &workflow) const
    {
        return {
            {"id", workflow.id},
            {"node_id", nodeId("Workflow", workflow.id)},
            {"name", workflow.name},
            {"path", workflow.path},
            {"state", workflow.state},
            {"created_at", "2020-01-08T23:48:37.000-08:00"},
            {"updated_at", "2020-01-08T23:50:21.000-08:00"},
            {"url",
             apiUrl(QStringLiteral("/repos/%1/actions/workflows/%2").arg(workflow.repo).arg(workflow.id))},
            {"html_url",
             QStringLiteral("https://github.com/%1/blob/main/%2").arg(workflow.repo, workflow.path)},
            {"badge_url", QStringLiteral("https://github.com/%1/workflows/%2/badge.svg")
                              .arg(workflow.repo, workflow.name)}};
    }

    static QString jobStatus(const FakeRun &run, const FakeJob &job)
    {
        return job.status.isEmpty() ? run.status : job.status;
    }
    static QString jobConclusion(const FakeRun &run, const FakeJob &job)
    {
        if (jobStatus(run, job) != QLatin1String("completed"))
            return {};
        return job.conclusion.isEmpty() ? run.conclusion : job.conclusion;
    }

    static QList<FakeStep> stepsOf(const FakeRun &run, const FakeJob &job)
    {
        if (!job.steps.isEmpty())
            return job.steps;
        const QString status = jobStatus(run, job);
        const QString conclusion = jobConclusion(run, job);
        const QStringList names = {"Set up job", "Run actions/checkout@v4", "Run make test", "Complete job"};
        QList<FakeStep> steps;
        for (int i = 0; i < names.size(); ++i) {
            FakeStep step{names[i], "completed", "success"};
            if (status == QLatin1String("queued") || status == QLatin1String("waiting")) {
                step = {names[i], "queued", {}};
            } else if (status != QLatin1String("completed")) {
                if (i == 2)
                    step = {names[i], "in_progress", {}};
                else if (i > 2)
                    step = {names[i], "queued", {}};
            } else if (i == 2 && conclusion != QLatin1String("success")) {
                step.conclusion = conclusion == QLatin1String("cancelled") ? "cancelled" : "failure";
            }
            steps.append(step);
        }
        return steps;
    }

    QJsonObject jobJson(const FakeRun &run, const FakeJob &job) const
    {
        const QString status = jobStatus(run, job);
        const bool completed = status == QLatin1String("completed");
        const bool started = completed || status == QLatin1String("in_progress");
        QJsonArray steps;
        const QList<FakeStep> jobSteps = stepsOf(run, job);
        for (int i = 0; i < jobSteps.size(); ++i) {
            const FakeStep &step = jobSteps[i];
            const bool stepStarted = step.status != QLatin1String("queued");
            steps.append(
                QJsonObject{{"name", step.name},
                            {"status", step.status},
                            {"conclusion", orNull(step.conclusion)},
                            {"number", i + 1},
                            {"started_at",
                             stepStarted ? QJsonValue(isoDate(run.createdAt.addSecs(5 + i))) : QJsonValue()},
                            {"completed_at", step.status == QLatin1String("completed")
                                                 ? QJsonValue(isoDate(run.createdAt.addSecs(6 + i)))
                                                 : QJsonValue()}});
        }
        const QString url = apiUrl(QStringLiteral("/repos/%1/actions/jobs/%2").arg(run.repo).arg(job.id));
        const FakeWorkflow *workflow =
            const_cast<Private *>(this)->findWorkflow(run.repo, QString::number(run.workflowId));
        return {
            {"id", job.id},
            {"run_id", run.id},
            {"workflow_name", workflow ? workflow->name : QString()},
            {"head_branch", run.headBranch},
            {"run_url", apiUrl(QStringLiteral("/repos/%1/actions/runs/%2").arg(run.repo).arg(run.id))},
            {"run_attempt", run.runAttempt},
            {"node_id", nodeId("CheckRun", job.id)},
            {"head_sha", run.headSha},
            {"url", url},
            {"html_url", QStringLiteral("https://github.com/%1/actions/runs/%2/job/%3")
                             .arg(run.repo)
                             .arg(run.id)
                             .arg(job.id)},
            {"status", status},
            {"conclusion", orNull(jobConclusion(run, job))},
            {"created_at", isoDate(run.createdAt)},
            {"started_at", started ? QJsonValue(isoDate(run.createdAt.addSecs(5))) : QJsonValue()},
            {"completed_at", completed ? QJsonValue(isoDate(run.updatedAt)) : QJsonValue()},
            {"name", job.name},
            {"steps", steps},
            {"check_run_url", apiUrl(QStringLiteral("/repos/%1/check-runs/%2").arg(run.repo).arg(job.id))},
            {"labels", QJsonArray{"ubuntu-latest"}},
            {"runner_id", started ? QJsonValue(1) : QJsonValue()},
            {"runner_name", started ? QJsonValue("GitHub Actions 1") : QJsonValue()},
            {"runner_group_id", started ? QJsonValue(2) : QJsonValue()},
            {"runner_group_name", started ? QJsonValue("GitHub Actions") : QJsonValue()}};
    }

    QJsonObject runJson(const FakeRun &run) const
    {
        const FakeWorkflow *workflow =
            const_cast<Private *>(this)->findWorkflow(run.repo, QString::number(run.workflowId));
        const QString url = apiUrl(QStringLiteral("/repos/%1/actions/runs/%2").arg(run.repo).arg(run.id));
        const QJsonObject actor = userJson(run.actor);
        const QJsonObject author{{"name", "Monalisa Octocat"}, {"email", "octocat@github.com"}};
        QJsonArray pullRequests;
        for (const FakePullRequest &pull : pulls) {
            if (run.event == QLatin1String("pull_request") && pull.repo == run.repo &&
                pull.head == run.headBranch)
                pullRequests.append(QJsonObject{
                    {"url", apiUrl(QStringLiteral("/repos/%1/pulls/%2").arg(run.repo).arg(pull.number))},
                    {"id", pull.id},
                    {"number", pull.number},
                    {"head", QJsonObject{{"ref", pull.head}, {"sha", run.headSha}}},
                    {"base", QJsonObject{{"ref", pull.base}}}});
        }
        return {
            {"id", run.id},
            {"name", workflow ? workflow->name : QStringLiteral("CI")},
            {"node_id", nodeId("WorkflowRun", run.id)},
            {"head_branch", run.headBranch},
            {"head_sha", run.headSha},
            {"path", workflow ? workflow->path : QString()},
            {"display_title", run.displayTitle},
            {"run_number", run.runNumber},
            {"event", run.event},
            {"status", run.status},
            {"conclusion", orNull(run.conclusion)},
            {"workflow_id", run.workflowId},
            {"check_suite_id", run.id + 10000000},
            {"check_suite_node_id", nodeId("CheckSuite", run.id + 10000000)},
            {"url", url},
            {"html_url", QStringLiteral("https://github.com/%1/actions/runs/%2").arg(run.repo).arg(run.id)},
            {"pull_requests", pullRequests},
            {"created_at", isoDate(run.createdAt)},
            {"updated_at", isoDate(run.updatedAt)},
            {"actor", actor},
            {"triggering_actor", actor},
            {"run_attempt", run.runAttempt},
            {"referenced_workflows", QJsonArray{}},
            {"run_started_at", isoDate(run.createdAt)},
            {"jobs_url", url + "/jobs"},
            {"logs_url", url + "/logs"},
            {"check_suite_url",
             apiUrl(QStringLiteral("/repos/%1/check-suites/%2").arg(run.repo).arg(run.id + 10000000))},
            {"artifacts_url", url + "/artifacts"},
            {"cancel_url", url + "/cancel"},
            {"rerun_url", url + "/rerun"},
            {"previous_attempt_url",
             run.runAttempt > 1 ? QJsonValue(url + QStringLiteral("/attempts/%1").arg(run.runAttempt - 1))
                                : QJsonValue()},
            {"workflow_url",
             apiUrl(QStringLiteral("/repos/%1/actions/workflows/%2").arg(run.repo).arg(run.workflowId))},
            {"head_commit", QJsonObject{{"id", run.headSha},
                                        {"tree_id", QString(run.headSha).replace(0, 4, "d23f")},
                                        {"message", run.displayTitle},
                                        {"timestamp", isoDate(run.createdAt)},
                                        {"author", author},
                                        {"committer", author}}},
            {"repository", minimalRepoJson(run.repo)},
            {"head_repository", minimalRepoJson(run.repo)}};
    }

    QJsonObject pullJson(const FakePullRequest &pull) const
    {
        const QString url = apiUrl(QStringLiteral("/repos/%1/pulls/%2").arg(pull.repo).arg(pull.number));
        const QString issueUrl =
            apiUrl(QStringLiteral("/repos/%1/issues/%2").arg(pull.repo).arg(pull.number));
        const auto ref = [&](const QString &branch) {
            const QString sha = QString::fromLatin1(
                QCryptographicHash::hash((pull.repo + branch).toUtf8(), QCryptographicHash::Sha1).toHex());
            return QJsonObject{{"label", ownerOf(pull.repo) + ':' + branch},
                               {"ref", branch},
                               {"sha", sha},
                               {"user", userJson(ownerOf(pull.repo), isOrganization(ownerOf(pull.repo)))},
                               {"repo", minimalRepoJson(pull.repo)}};
        };
        const bool closed = pull.state == QLatin1String("closed");
        return {{"url", url},
                {"id", pull.id},
                {"node_id", nodeId("PullRequest", pull.id)},
                {"html_url", QStringLiteral("https://github.com/%1/pull/%2").arg(pull.repo).arg(pull.number)},
                {"diff_url",
                 QStringLiteral("https://github.com/%1/pull/%2.diff").arg(pull.repo).arg(pull.number)},
                {"issue_url", issueUrl},
                {"comments_url", issueUrl + "/comments"},
                {"number", pull.number},
                {"state", pull.state},
                {"locked", false},
                {"title", pull.title},
                {"user", userJson(pull.user)},
                {"body", pull.body},
                {"created_at", isoDate(pull.createdAt)},
                {"updated_at", isoDate(pull.updatedAt)},
                {"closed_at", closed ? QJsonValue(isoDate(pull.updatedAt)) : QJsonValue()},
                {"merged_at", QJsonValue()},
                {"draft", pull.draft},
                {"head", ref(pull.head)},
                {"base", ref(pull.base)},
                {"author_association", "OWNER"}};
    }

    QJsonObject commentJson(const FakeComment &comment) const
    {
        QJsonObject reactionCounts{{"url", apiUrl(QStringLiteral("/repos/%1/issues/comments/%2/reactions")
                                                      .arg(comment.repo)
                                                      .arg(comment.id))}};
        int total = 0;
        for (const QString &content : ReactionContents) {
            const int n = int(std::count_if(reactions.cbegin(), reactions.cend(), [&](const Reaction &r) {
                return r.commentId == comment.id && r.content == content;
            }));
            reactionCounts.insert(content, n);
            total += n;
        }
        reactionCounts.insert("total_count", total);
        return {
            {"id", comment.id},
            {"node_id", nodeId("IssueComment", comment.id)},
            {"url", apiUrl(QStringLiteral("/repos/%1/issues/comments/%2").arg(comment.repo).arg(comment.id))},
            {"html_url", QStringLiteral("https://github.com/%1/issues/%2#issuecomment-%3")
                             .arg(comment.repo)
                             .arg(comment.issueNumber)
                             .arg(comment.id)},
            {"issue_url",
             apiUrl(QStringLiteral("/repos/%1/issues/%2").arg(comment.repo).arg(comment.issueNumber))},
            {"body", comment.body},
            {"user", userJson(comment.user)},
            {"created_at", isoDate(comment.createdAt)},
            {"updated_at", isoDate(comment.createdAt)},
            {"author_association", "OWNER"},
            {"reactions", reactionCounts}};
    }

    QJsonObject notificationJson(const FakeNotification &n) const
    {
        QString subjectUrl;
        if (n.type == QLatin1String("PullRequest"))
            subjectUrl = apiUrl(QStringLiteral("/repos/%1/pulls/%2").arg(n.repo).arg(n.subjectNumber));
        else if (n.type == QLatin1String("Issue"))
            subjectUrl = apiUrl(QStringLiteral("/repos/%1/issues/%2").arg(n.repo).arg(n.subjectNumber));
        const QString url = apiUrl("/notifications/threads/" + n.id);
        return {{"id", n.id},
                {"repository", minimalRepoJson(n.repo)},
                {"subject", QJsonObject{{"title", n.title},
                                        {"url", orNull(subjectUrl)},
                                        {"latest_comment_url", orNull(subjectUrl)},
                                        {"type", n.type}}},
                {"reason", n.reason},
                {"unread", n.unread},
                {"updated_at", isoDate(n.updatedAt)},
                {"last_read_at", n.unread ? QJsonValue() : QJsonValue(isoDate(n.updatedAt))},
                {"url", url},
                {"subscription_url", url + "/subscription"}};
    }

    QJsonObject eventJson(const Event &event) const
    {
        const FakeRepository *repo = const_cast<Private *>(this)->repository(event.repo);
        return {{"id", event.id},
                {"type", event.type},
                {"actor", QJsonObject{{"id", 1},
                                      {"login", "octocat"},
                                      {"display_login", "octocat"},
                                      {"gravatar_id", ""},
                                      {"url", apiUrl("/users/octocat")},
                                      {"avatar_url", "https://avatars.githubusercontent.com/u/1?"}}},
                {"repo", QJsonObject{{"id", repo ? repo->id : 0},
                                     {"name", event.repo},
                                     {"url", apiUrl("/repos/" + event.repo)}}},
                {"payload", event.payload},
                {"public", !(repo && repo->isPrivate)},
                {"created_at", isoDate(event.createdAt)}};
    }

    QByteArray jobLog(const FakeRun &run, const FakeJob &job) const
    {
        if (!job.log.isEmpty())
            return job.log;
        QByteArray log = "\xEF\xBB\xBF"; // GitHub's logs start with a byte order mark
        QDateTime at = run.createdAt.addSecs(5);
        const auto line = [&](const QByteArray &text) {
            log += at.toString(QStringLiteral("yyyy-MM-dd'T'hh:mm:ss.zzz'0000Z'")).toLatin1() + ' ' + text +
                   '\n';
            at = at.addMSecs(250);
        };
        line("Requested labels: ubuntu-latest");
        line("Job defined at: " + run.repo.toUtf8() + "/.github/workflows/ci.yml@refs/heads/" +
             run.headBranch.toUtf8());
        line("##[group]Operating System");
        line("Ubuntu");
        line("22.04.4");
        line("LTS");
        line("##[endgroup]");
        line("##[group]Run actions/checkout@v4");
        line("with:");
        line("  repository: " + run.repo.toUtf8());
        line("##[endgroup]");
        line("Syncing repository: " + run.repo.toUtf8());
        line("##[group]Run make test");
        line("\x1b[36;1mmake test\x1b[0m");
        line("shell: /usr/bin/bash -e {0}");
        line("##[endgroup]");
        if (jobConclusion(run, job) == QLatin1String("success")) {
            line("\x1b[32m\xE2\x9C\x93\x1b[0m 42 tests passed");
        } else if (jobStatus(run, job) == QLatin1String("completed")) {
            line("\x1b[31mFAIL\x1b[0m tests/test_parser.cpp:17: expected 200, got 500");
            line("##[error]Process completed with exit code 2.");
        }
        line("Cleaning up orphan processes");
        return log;
    }

    // --- Webhooks
    static QString hookScopeOf(const QString &scope)
    {
        return scope.startsWith(QLatin1String("org:")) ? QStringLiteral("Organization")
                                                       : QStringLiteral("Repository");
    }
    QString hookApiUrl(const FakeHook &hook) const
    {
        return hook.scope.startsWith(QLatin1String("org:"))
                   ? apiUrl(QStringLiteral("/orgs/%1/hooks/%2").arg(hook.scope.mid(4)).arg(hook.id))
                   : apiUrl(QStringLiteral("/repos/%1/hooks/%2").arg(hook.scope).arg(hook.id));
    }
    QJsonObject hookJson(const FakeHook &hook) const
    {
        const QString url = hookApiUrl(hook);
        QJsonObject config{{"content_type", hook.contentType}, {"insecure_ssl", "0"}, {"url", hook.url}};
        if (!hook.secret.isEmpty())
            config.insert("secret", "********");
        const FakeHookDelivery *last = nullptr;
        for (const FakeHookDelivery &delivery : hookDeliveries) {
            if (delivery.hookId == hook.id)
                last = &delivery;
        }
        QJsonObject json{
            {"type", hookScopeOf(hook.scope)},
            {"id", hook.id},
            {"name", "web"},
            {"active", hook.active},
            {"events", QJsonArray::fromStringList(hook.events)},
            {"config", config},
            {"updated_at", isoDate(lastModified)},
            {"created_at", isoDate(lastModified)},
            {"url", url},
            {"ping_url", url + "/pings"},
            {"deliveries_url", url + "/deliveries"},
            {"last_response",
             QJsonObject{
                 {"code", last && last->statusCode ? QJsonValue(last->statusCode) : QJsonValue()},
                 {"status", last ? (last->statusCode / 100 == 2 ? "active" : "misconfigured") : "unused"},
                 {"message", last ? QJsonValue("OK") : QJsonValue()}}}};
        if (!hook.scope.startsWith(QLatin1String("org:")))
            json.insert("test_url", url + "/test");
        return json;
    }
    QJsonObject hookDeliveryJson(const FakeHookDelivery &delivery) const
    {
        const FakeRepository *repo = nullptr;
        for (const FakeHook &hook : hooks) {
            if (hook.id == delivery.hookId)
                repo = const_cast<Private *>(this)->repository(hook.scope);
        }
        return {{"id", delivery.id},
                {"guid", delivery.guid},
                {"delivered_at", isoDate(delivery.deliveredAt)},
                {"redelivery", delivery.redelivery},
                {"duration", 0.27},
                {"status", delivery.statusCode == 0 ? QStringLiteral("Timed out")
                           : delivery.statusCode / 100 == 2
                               ? QStringLiteral("OK")
                               : QStringLiteral("Invalid HTTP Response: %1").arg(delivery.statusCode)},
                {"status_code", delivery.statusCode},
                {"event", delivery.event},
                {"action", orNull(delivery.action)},
                {"installation_id", QJsonValue()},
                {"repository_id", repo ? QJsonValue(repo->id) : QJsonValue()},
                {"throttled_at", QJsonValue()}};
    }
    FakeHook *findHook(const QString &scope, qint64 id)
    {
        for (FakeHook &hook : hooks) {
            if (hook.id == id && hook.scope.compare(scope, Qt::CaseInsensitive) == 0)
                return &hook;
        }
        return nullptr;
    }
    // POSTs one delivery to the hook's URL, as GitHub's Hookshot does, and records its outcome.
    void sendDelivery(const FakeHook &hook, const QString &event, const QByteArray &body, bool redelivery,
                      const QString &guid = {})
    {
        FakeHookDelivery delivery;
        delivery.id = nextHookDeliveryId++;
        delivery.hookId = hook.id;
        delivery.event = event;
        delivery.action = QJsonDocument::fromJson(body).object().value("action").toString();
        delivery.body = body;
        delivery.redelivery = redelivery;
        delivery.deliveredAt = now();
        delivery.guid = guid.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : guid;
        hookDeliveries.append(delivery);
        QNetworkRequest request{QUrl(hook.url)};
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        request.setHeader(QNetworkRequest::UserAgentHeader, "GitHub-Hookshot/fake");
        request.setRawHeader("X-GitHub-Event", event.toUtf8());
        request.setRawHeader("X-GitHub-Delivery", delivery.guid.toUtf8());
        request.setRawHeader("X-GitHub-Hook-ID", QByteArray::number(hook.id));
        if (!hook.secret.isEmpty())
            request.setRawHeader("X-Hub-Signature-256",
                                 "sha256=" + QMessageAuthenticationCode::hash(body, hook.secret.toUtf8(),
                                                                              QCryptographicHash::Sha256)
                                                 .toHex());
        QNetworkReply *reply = hookNetwork.post(request, body);
        const qint64 id = delivery.id;
        QObject::connect(reply, &QNetworkReply::finished, reply, [this, reply, id]() {
            reply->deleteLater();
            for (FakeHookDelivery &d : hookDeliveries) {
                if (d.id == id)
                    d.statusCode = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            }
        });
    }
    void addHookRoutes(const QString &prefixPattern, bool organization);

    // --- Routing
    void buildRoutes();
    void handle(const HttpRequest &request, LocalHttpServer::Responder respond);
    HttpResponse answer(const HttpRequest &request, const QString &path);
    HttpResponse route(const HttpRequest &request, const QString &path);
    HttpResponse paginated(const Call &call, const QJsonArray &items, const QString &wrapKey = {});
    void addCommonHeaders(HttpResponse &response) const;
    void addRateLimitHeaders(HttpResponse &response) const;
    void refreshRateLimitWindow();

    LocalHttpServer server;
    const Clock *clock = SystemClock::instance();
    QString prefix;
    QString token = QString::fromLatin1(DefaultToken);
    QString scopes = QStringLiteral("repo, workflow, notifications, read:org");
    int pollInterval = 0;
    int rateLimit = 5000;
    int rateRemaining = 5000;
    int unitsCharged = 0;
    QDateTime rateReset;
    QDateTime lastModified;
    qint64 requestCounter = 0;
    bool dispatchReturnsDetails = true;
    bool logsOnlyWhenCompleted = false;

    QList<Route> routes;
    QList<Failure> failures;
    QList<Delay> delays;
    QList<RecordedRequest> recorded;

    QList<FakeRepository> repos;
    QList<FakeWorkflow> workflows;
    QList<FakeRun> runs; // newest first
    QList<FakePullRequest> pulls;
    QList<FakeComment> comments;
    QList<FakeNotification> notifications;
    QList<Event> events; // newest first
    QList<Reaction> reactions;
    QList<FakeDispatch> dispatches;
    QList<FakeArtifact> artifacts;
    qint64 nextArtifactId = 11223344;
    QList<FakeHook> hooks;
    QList<FakeHookDelivery> hookDeliveries; // newest last
    QNetworkAccessManager hookNetwork;      // deliveries go out like GitHub's, over HTTP
    qint64 nextHookId = 12345678;
    qint64 nextHookDeliveryId = 90000001;
    QMap<std::pair<QString, QString>, QByteArray> files; // (repo, path) -> content

    qint64 nextRepoId = 1300200;
    qint64 nextWorkflowId = 161340;
    qint64 nextRunId = 30433650;
    qint64 nextJobId = 399444496;
    qint64 nextPullId = 1;
    int nextIssueNumber = 1348;
    qint64 nextCommentId = 1146825;
    qint64 nextNotificationId = 1;
    qint64 nextEventId = 22249084947;
    qint64 nextReactionId = 1;
};

void FakeGitHubServer::Private::refreshRateLimitWindow()
{
    const QDateTime current = now();
    if (!rateReset.isValid() || current >= rateReset) {
        rateRemaining = rateLimit;
        rateReset = current.addSecs(3600);
    }
}

void FakeGitHubServer::Private::addCommonHeaders(HttpResponse &response) const
{
    response.headers.set("Date", httpDate(clock->now()));
    response.headers.set("Server", "github.com");
    response.headers.set("X-GitHub-Api-Version-Selected", "2022-11-28");
    response.headers.set("X-GitHub-Media-Type", "github.v3; format=json");
    response.headers.set("X-GitHub-Request-Id",
                         QStringLiteral("CAFE:%1:%2:%3:%4")
                             .arg(server.port(), 4, 16, QLatin1Char('0'))
                             .arg(requestCounter, 6, 16, QLatin1Char('0'))
                             .arg(requestCounter * 7919, 7, 16, QLatin1Char('0'))
                             .arg(lastModified.toSecsSinceEpoch(), 8, 16, QLatin1Char('0'))
                             .toUpper()
                             .toLatin1());
    response.headers.set(
        "Vary", "Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding, Accept, X-Requested-With");
}

void FakeGitHubServer::Private::addRateLimitHeaders(HttpResponse &response) const
{
    const auto setIfMissing = [&](const QByteArray &name, const QByteArray &value) {
        if (!response.headers.contains(name))
            response.headers.set(name, value);
    };
    setIfMissing("x-ratelimit-limit", QByteArray::number(rateLimit));
    setIfMissing("x-ratelimit-remaining", QByteArray::number(rateRemaining));
    setIfMissing("x-ratelimit-used", QByteArray::number(rateLimit - rateRemaining));
    setIfMissing("x-ratelimit-reset", QByteArray::number(rateReset.toSecsSinceEpoch()));
    setIfMissing("x-ratelimit-resource", "core");
}

void FakeGitHubServer::Private::handle(const HttpRequest &request, LocalHttpServer::Responder respond)
{
    ++requestCounter;
    RecordedRequest record{request.method, request.path, request.query, request.headers, request.body, {}, 0};
    const QByteArray host = request.headers.value("Host");
    record.host =
        QString::fromLatin1(host.left(host.lastIndexOf(':') > 0 ? host.lastIndexOf(':') : host.size()));

    QString path = request.path;
    const bool isLog = path.startsWith(QLatin1String("/_logs/"));
    if (!isLog && !prefix.isEmpty())
        path = path.startsWith(prefix + '/') ? path.mid(prefix.size()) : QString();
    record.path = isLog ? request.path : path;

    HttpResponse response;
    const auto failure = std::find_if(failures.begin(), failures.end(), [&](const Failure &f) {
        return f.remaining > 0 && (f.method.isEmpty() || f.method == request.method) &&
               f.pattern.match(record.path).hasMatch();
    });
    if (failure != failures.end() && failure->status == 0) {
        --failure->remaining;
        response.status = 0; // LocalHttpServer closes the connection without answering
    } else if (path.startsWith(QLatin1String("/_logs/artifacts/"))) {
        const qint64 id = path.section(QLatin1Char('/'), 3, 3).toLongLong();
        const auto found = std::find_if(artifacts.cbegin(), artifacts.cend(),
                                        [id](const FakeArtifact &a) { return a.id == id; });
        response = found != artifacts.cend() ? HttpResponse::text(200, found->zip)
                                             : HttpResponse::text(404, "BlobNotFound");
        response.headers.set("Content-Type", "application/zip");
    } else if (isLog) {
        const auto [run, job] = findJob(path.section(QLatin1Char('/'), 3, 3).toLongLong());
        response =
            job ? HttpResponse::text(200, jobLog(*run, *job)) : HttpResponse::text(404, "BlobNotFound");
        response.headers.set("x-ms-request-id", QByteArray::number(requestCounter));
    } else if (path.isEmpty()) {
        response = notFound(); // outside the path prefix
        addCommonHeaders(response);
    } else {
        response = answer(request, path);
    }
    record.status = response.status;
    recorded.append(record);

    int delay = 0;
    for (const Delay &d : delays) {
        if (!d.pattern.isValid() || d.pattern.pattern().isEmpty() || d.pattern.match(record.path).hasMatch())
            delay = std::max(delay, d.milliseconds);
    }
    if (delay > 0)
        QTimer::singleShot(delay, &server, [respond, response]() { respond(response); });
    else
        respond(response);
}

HttpResponse FakeGitHubServer::Private::answer(const HttpRequest &request, const QString &path)
{
    refreshRateLimitWindow();
    HttpResponse response;

    // Authentication first: a bad token is never charged to the token's rate limit.
    const QByteArray authorization = request.headers.value("Authorization");
    const qsizetype space = authorization.indexOf(' ');
    const QByteArray scheme = authorization.left(space).toLower();
    const QByteArray credential = space < 0 ? QByteArray() : authorization.mid(space + 1).trimmed();
    if (authorization.isEmpty() || (scheme != "bearer" && scheme != "token") ||
        credential != token.toUtf8()) {
        response = authorization.isEmpty() ? errorResponse(401, "Requires authentication")
                                           : errorResponse(401, "Bad credentials");
        addCommonHeaders(response);
        response.headers.set("x-ratelimit-limit", "60");
        response.headers.set("x-ratelimit-remaining", "60");
        response.headers.set("x-ratelimit-used", "0");
        response.headers.set("x-ratelimit-reset", QByteArray::number(rateReset.toSecsSinceEpoch()));
        response.headers.set("x-ratelimit-resource", "core");
        return response;
    }

    const bool free = path == QLatin1String("/rate_limit");
    auto failure = std::find_if(failures.begin(), failures.end(), [&](const Failure &f) {
        return f.remaining > 0 && f.status != 0 && (f.method.isEmpty() || f.method == request.method) &&
               f.pattern.match(path).hasMatch();
    });
    bool charge = !free;
    if (failure != failures.end()) {
        --failure->remaining;
        response = HttpResponse::json(
            failure->status,
            failure->body.isEmpty() ? defaultErrorBody(failure->status, failure->headers) : failure->body);
        for (const auto &[name, value] : failure->headers.all())
            response.headers.set(name, value);
        const bool rateLimited = failure->status == 403 || failure->status == 429
                                     ? (failure->headers.contains("retry-after") ||
                                        failure->headers.value("x-ratelimit-remaining") == "0")
                                     : false;
        charge = charge && failure->status != 401 && !rateLimited;
    } else if (rateRemaining <= 0 && !free) {
        response = errorResponse(
            403,
            "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, "
            "please include the request ID CAFE:0000:0000000:0000000:00000000.",
            "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api");
        charge = false;
    } else {
        response = route(request, path);
        // Conditional GETs: If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
        if (request.method == "GET" && response.status == 200) {
            const QByteArray etag =
                '"' + QCryptographicHash::hash(response.body, QCryptographicHash::Sha256).toHex() + '"';
            response.headers.set("ETag", etag);
            response.headers.set("Last-Modified", httpDate(lastModified));
            bool notModified = false;
            if (request.headers.contains("If-None-Match")) {
                const QByteArray ifNoneMatch = request.headers.value("If-None-Match");
                for (QByteArray candidate : ifNoneMatch.split(',')) {
                    candidate = candidate.trimmed();
                    if (candidate.startsWith("W/"))
                        candidate = candidate.mid(2);
                    notModified = notModified || candidate == etag || candidate == "*";
                }
            } else if (request.headers.contains("If-Modified-Since")) {
                const QDateTime since = parseHttpDate(request.headers.value("If-Modified-Since"));
                notModified = since.isValid() && lastModified <= since;
            }
            if (notModified) {
                response.status = 304;
                response.body.clear();
                response.headers.remove("Content-Type");
                charge = false;
            }
        }
    }

    if (charge && rateRemaining > 0) {
        --rateRemaining;
        ++unitsCharged;
    }
    addCommonHeaders(response);
    addRateLimitHeaders(response);
    if (!scopes.isNull()) // fine-grained tokens get no X-OAuth-Scopes at all
        response.headers.set("X-OAuth-Scopes", scopes.toUtf8());
    if (pollInterval > 0)
        response.headers.set("X-Poll-Interval", QByteArray::number(pollInterval));
    if (!response.headers.contains("X-Accepted-OAuth-Scopes"))
        response.headers.set("X-Accepted-OAuth-Scopes",
                             path.startsWith(QLatin1String("/repos/")) ? "repo" : "");
    return response;
}

HttpResponse FakeGitHubServer::Private::route(const HttpRequest &request, const QString &path)
{
    for (const Route &r : routes) {
        const QRegularExpressionMatch match = r.pattern.match(path);
        if (!match.hasMatch())
            continue;
        if (r.method != request.method)
            continue;
        Call call{request, match.capturedTexts().mid(1), nullptr};
        if (path.startsWith(QLatin1String("/repos/"))) {
            call.repo = repository(call.args.value(0) + '/' + call.args.value(1));
            if (!call.repo)
                return notFound();
        }
        HttpResponse response = r.handle(*this, call);
        if (!r.permissions.isEmpty())
            response.headers.set("X-Accepted-GitHub-Permissions", r.permissions);
        return response;
    }
    return notFound(); // GitHub answers an unsupported method on a known path with 404 too
}

HttpResponse FakeGitHubServer::Private::paginated(const Call &call, const QJsonArray &items,
                                                  const QString &wrapKey)
{
    const QUrlQuery &query = call.request.query;
    const int perPage = std::clamp(
        query.queryItemValue("per_page").toInt() > 0 ? query.queryItemValue("per_page").toInt() : 30, 1, 100);
    const int page = std::max(1, query.queryItemValue("page").toInt());
    const int lastPage = std::max<int>(1, int((items.size() + perPage - 1) / perPage));

    QJsonArray slice;
    for (qsizetype i = qsizetype(page - 1) * perPage;
         i < std::min<qsizetype>(items.size(), qsizetype(page) * perPage); ++i)
        slice.append(items[i]);

    HttpResponse response =
        wrapKey.isEmpty() ? jsonResponse(200, slice)
                          : jsonResponse(200, QJsonObject{{"total_count", items.size()}, {wrapKey, slice}});
    if (lastPage > 1) {
        const auto link = [&](int target, const char *rel) {
            QUrlQuery linkQuery(query);
            linkQuery.removeAllQueryItems("page");
            linkQuery.addQueryItem("page", QString::number(target));
            QUrl url(apiUrl(call.request.path.mid(prefix.size())));
            url.setQuery(linkQuery);
            return "<" + url.toEncoded() + ">; rel=\"" + rel + '"';
        };
        QByteArrayList links;
        if (page > 1)
            links << link(page - 1, "prev");
        if (page < lastPage)
            links << link(page + 1, "next") << link(lastPage, "last");
        if (page > 1)
            links << link(1, "first");
        response.headers.set("Link", links.join(", "));
    }
    return response;
}

void FakeGitHubServer::Private::buildRoutes()
{
    using P = Private;
    const QString repo = QStringLiteral("/repos/([^/]+)/([^/]+)");
    const auto add = [&](const char *method, const QString &pattern, const char *permissions, auto handler) {
        routes.append({method, anchored(pattern), permissions, handler});
    };

    addHookRoutes(repo, false);
    addHookRoutes(QStringLiteral("/orgs/([^/]+)"), true);

    add("GET", "/rate_limit", "", [](P &p, Call &) {
        const QJsonObject core{{"limit", p.rateLimit},
                               {"remaining", p.rateRemaining},
                               {"reset", p.rateReset.toSecsSinceEpoch()},
                               {"used", p.rateLimit - p.rateRemaining},
                               {"resource", "core"}};
        return jsonResponse(200, QJsonObject{{"resources", QJsonObject{{"core", core}}}, {"rate", core}});
    });

    add("GET", "/user", "allows_permissionless_access=true", [](P &p, Call &) {
        QJsonObject user = p.userJson("octocat");
        user.insert("name", "monalisa octocat");
        user.insert("company", "GitHub");
        user.insert("blog", "https://github.com/blog");
        user.insert("location", "San Francisco");
        user.insert("email", "octocat@github.com");
        user.insert("hireable", false);
        user.insert("bio", "There once was...");
        user.insert("twitter_username", "monatheoctocat");
        user.insert("public_repos", 2);
        user.insert("public_gists", 1);
        user.insert("followers", 20);
        user.insert("following", 0);
        user.insert("created_at", "2008-01-14T04:33:35Z");
        user.insert("updated_at", "2008-01-14T04:33:35Z");
        return jsonResponse(200, user);
    });

    add("GET", "/user/repos", "allows_permissionless_access=true", [](P &p, Call &call) {
        const QString visibility = call.request.query.queryItemValue("visibility");
        QList<FakeRepository> sorted = p.repos;
        std::sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) {
            return a.fullName.compare(b.fullName, Qt::CaseInsensitive) < 0;
        });
        QJsonArray items;
        for (const FakeRepository &r : sorted) {
            if (visibility.isEmpty() || visibility == QLatin1String("all") ||
                (visibility == QLatin1String("private")) == r.isPrivate)
                items.append(p.repoJson(r));
        }
        return p.paginated(call, items);
    });

    add("GET", "/orgs/([^/]+)/repos", "metadata=read", [](P &p, Call &call) {
        QJsonArray items;
        for (const FakeRepository &r : p.repos) {
            if (ownerOf(r.fullName).compare(call.args[0], Qt::CaseInsensitive) == 0 &&
                p.isOrganization(ownerOf(r.fullName)))
                items.append(p.repoJson(r));
        }
        return items.isEmpty() ? notFound() : p.paginated(call, items);
    });

    add("GET", repo, "metadata=read",
        [](P &p, Call &call) { return jsonResponse(200, p.repoJson(*call.repo)); });

    // Branches: the default branch and every branch a run or pull request names, sorted like GitHub's.
    add("GET", repo + "/branches", "contents=read", [](P &p, Call &call) {
        const QString &name = call.repo->fullName;
        QStringList branches{call.repo->defaultBranch};
        for (const FakeRun &run : p.runs) {
            if (run.repo == name && !branches.contains(run.headBranch))
                branches.append(run.headBranch);
        }
        for (const FakePullRequest &pull : p.pulls) {
            for (const QString &branch : {pull.head, pull.base}) {
                if (pull.repo == name && !branch.isEmpty() && !branches.contains(branch))
                    branches.append(branch);
            }
        }
        branches.sort();
        QJsonArray items;
        for (const QString &branch : std::as_const(branches)) {
            const QString sha = QString::fromLatin1(
                QCryptographicHash::hash((name + branch).toUtf8(), QCryptographicHash::Sha1).toHex());
            items.append(QJsonObject{{"name", branch},
                                     {"commit", QJsonObject{{"sha", sha}}},
                                     {"protected", branch == call.repo->defaultBranch}});
        }
        return p.paginated(call, items);
    });

    add("GET", repo + "/events", "metadata=read", [](P &p, Call &call) {
        QJsonArray items;
        for (const Event &event : p.events) {
            if (event.repo == call.repo->fullName)
                items.append(p.eventJson(event));
        }
        HttpResponse response = p.paginated(call, items);
        response.headers.set("X-Poll-Interval", "60");
        return response;
    });

    add("GET", "/notifications", "", [](P &p, Call &call) {
        const QUrlQuery &query = call.request.query;
        const bool all = query.queryItemValue("all") == QLatin1String("true");
        const QDateTime since = QDateTime::fromString(query.queryItemValue("since"), Qt::ISODate);
        const QDateTime before = QDateTime::fromString(query.queryItemValue("before"), Qt::ISODate);
        QList<FakeNotification> sorted = p.notifications;
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const auto &a, const auto &b) { return a.updatedAt > b.updatedAt; });
        QJsonArray items;
        for (const FakeNotification &n : sorted) {
            if ((all || n.unread) && (!since.isValid() || n.updatedAt >= since) &&
                (!before.isValid() || n.updatedAt < before))
                items.append(p.notificationJson(n));
        }
        HttpResponse response = p.paginated(call, items);
        response.headers.set("X-Poll-Interval", "60");
        response.headers.set("X-Accepted-OAuth-Scopes", "notifications, repo");
        return response;
    });

    add("PATCH", "/notifications/threads/([0-9]+)", "", [](P &p, Call &call) {
        for (FakeNotification &n : p.notifications) {
            if (n.id == call.args[0]) {
                n.unread = false;
                p.touch();
                return empty(205);
            }
        }
        return notFound();
    });

    // --- Actions: workflows
    add("GET", repo + "/actions/workflows", "actions=read", [](P &p, Call &call) {
        QJsonArray items;
        for (const FakeWorkflow &w : p.workflows) {
            if (w.repo == call.repo->fullName)
                items.append(p.workflowJson(w));
        }
        return p.paginated(call, items, "workflows");
    });
    add("GET", repo + "/actions/workflows/([^/]+)", "actions=read", [](P &p, Call &call) {
        const FakeWorkflow *w = p.findWorkflow(call.repo->fullName, call.args[2]);
        return w ? jsonResponse(200, p.workflowJson(*w)) : notFound();
    });
    for (const char *action : {"enable", "disable"}) {
        const bool enable = QByteArrayView(action) == "enable";
        add("PUT", repo + "/actions/workflows/([^/]+)/" + action, "actions=write",
            [enable](P &p, Call &call) {
                FakeWorkflow *w = p.findWorkflow(call.repo->fullName, call.args[2]);
                if (!w)
                    return notFound();
                w->state = enable ? "active" : "disabled_manually";
                p.touch();
                return empty(204);
            });
    }
    add("POST", repo + "/actions/workflows/([^/]+)/dispatches", "actions=write", [](P &p, Call &call) {
        FakeWorkflow *w = p.findWorkflow(call.repo->fullName, call.args[2]);
        if (!w)
            return notFound();
        const QJsonObject body = QJsonDocument::fromJson(call.request.body).object();
        const QString docs =
            "https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event";
        if (body.value("ref").toString().isEmpty())
            return errorResponse(422, "Invalid request.\n\n\"ref\" wasn't supplied.", docs);
        if (!w->dispatchable)
            return errorResponse(422, "Workflow does not have 'workflow_dispatch' trigger", docs);
        QString branch = body.value("ref").toString();
        branch.remove(QRegularExpression("^refs/(heads|tags)/"));
        const qint64 runId = p.addRun({.repo = call.repo->fullName,
                                       .workflowId = w->id,
                                       .status = "queued",
                                       .headBranch = branch,
                                       .event = "workflow_dispatch",
                                       .displayTitle = w->name});
        p.dispatches.append({call.repo->fullName, w->id, body, runId});
        if (!p.dispatchReturnsDetails || !body.value("return_run_details").toBool())
            return empty(204);
        return jsonResponse(
            200,
            QJsonObject{
                {"workflow_run_id", runId},
                {"run_url",
                 p.apiUrl(QStringLiteral("/repos/%1/actions/runs/%2").arg(call.repo->fullName).arg(runId))},
                {"html_url", QStringLiteral("https://github.com/%1/actions/runs/%2")
                                 .arg(call.repo->fullName)
                                 .arg(runId)}});
    });

    // --- Actions: runs and jobs
    const auto listRuns = [](P &p, Call &call, qint64 workflowId) {
        const QUrlQuery &q = call.request.query;
        const auto matches = [&](const char *key, const QString &value) {
            return !q.hasQueryItem(key) || q.queryItemValue(key, QUrl::FullyDecoded) == value;
        };
        QJsonArray items;
        for (const FakeRun &run : p.runs) {
            const QString status = q.queryItemValue("status");
            if (run.repo != call.repo->fullName || (workflowId && run.workflowId != workflowId) ||
                !matches("branch", run.headBranch) || !matches("event", run.event) ||
                !matches("actor", run.actor) || !matches("head_sha", run.headSha) ||
                (!status.isEmpty() && status != run.status && status != run.conclusion))
                continue;
            items.append(p.runJson(run));
        }
        return p.paginated(call, items, "workflow_runs");
    };
    add("GET", repo + "/actions/runs", "actions=read",
        [listRuns](P &p, Call &call) { return listRuns(p, call, 0); });
    add("GET", repo + "/actions/workflows/([^/]+)/runs", "actions=read", [listRuns](P &p, Call &call) {
        const FakeWorkflow *w = p.findWorkflow(call.repo->fullName, call.args[2]);
        return w ? listRuns(p, call, w->id) : notFound();
    });
    add("GET", repo + "/actions/runs/([0-9]+)", "actions=read", [](P &p, Call &call) {
        const FakeRun *run = p.findRun(call.args[2].toLongLong());
        return run && run->repo == call.repo->fullName ? jsonResponse(200, p.runJson(*run)) : notFound();
    });
    add("GET", repo + "/actions/runs/([0-9]+)/jobs", "actions=read", [](P &p, Call &call) {
        const FakeRun *run = p.findRun(call.args[2].toLongLong());
        if (!run || run->repo != call.repo->fullName)
            return notFound();
        QJsonArray items;
        for (const FakeJob &job : run->jobs)
            items.append(p.jobJson(*run, job));
        return p.paginated(call, items, "jobs");
    });
    add("GET", repo + "/actions/jobs/([0-9]+)", "actions=read", [](P &p, Call &call) {
        const auto [run, job] = p.findJob(call.args[2].toLongLong());
        return job && run->repo == call.repo->fullName ? jsonResponse(200, p.jobJson(*run, *job))
                                                       : notFound();
    });
    add("GET", repo + "/actions/jobs/([0-9]+)/logs", "actions=read", [](P &p, Call &call) {
        const auto [run, job] = p.findJob(call.args[2].toLongLong());
        if (!job || run->repo != call.repo->fullName)
            return notFound();
        if (p.logsOnlyWhenCompleted && jobStatus(*run, *job) != QLatin1String("completed"))
            return notFound();
        // Like GitHub's redirect to blob storage: another host, a signed query, no Authorization expected.
        const QString requestHost =
            QString::fromLatin1(call.request.headers.value("Host")).section(QLatin1Char(':'), 0, 0);
        const QString otherHost = requestHost == QLatin1String("localhost") ? "127.0.0.1" : "localhost";
        HttpResponse response = empty(302);
        response.headers.set("Location", QStringLiteral("http://%1:%2/_logs/jobs/%3?sv=2021-12-02&sig=fake%4")
                                             .arg(otherHost)
                                             .arg(p.server.port())
                                             .arg(job->id)
                                             .arg(p.requestCounter)
                                             .toLatin1());
        return response;
    });
    const auto rerun = [](P &p, Call &call, bool failedOnly) {
        FakeRun *run = p.findRun(call.args[2].toLongLong());
        if (!run || run->repo != call.repo->fullName)
            return notFound();
        if (run->status != QLatin1String("completed"))
            return errorResponse(403, "This workflow is already running");
        if (failedOnly && run->conclusion == QLatin1String("success"))
            return errorResponse(403, "This workflow run has no failed jobs to re-run");
        run->previousConclusions.append(run->conclusion);
        run->status = "queued";
        run->conclusion.clear();
        ++run->runAttempt;
        run->updatedAt = p.now();
        for (FakeJob &job : run->jobs) {
            job.status.clear();
            job.conclusion.clear();
            job.steps.clear();
        }
        p.touch();
        return jsonResponse(201, QJsonObject{});
    };
    // Attempts: an earlier attempt is the run as it ended then, with the jobs of that attempt.
    const auto attemptOf = [](P &p, Call &call) -> std::optional<FakeRun> {
        const FakeRun *run = p.findRun(call.args[2].toLongLong());
        const int attempt = call.args[3].toInt();
        if (!run || run->repo != call.repo->fullName || attempt < 1 || attempt > run->runAttempt)
            return std::nullopt;
        FakeRun then = *run;
        if (attempt < run->runAttempt) {
            then.runAttempt = attempt;
            then.status = "completed";
            then.conclusion = run->previousConclusions.value(attempt - 1, QStringLiteral("failure"));
            for (FakeJob &job : then.jobs) {
                job.status = "completed";
                job.conclusion = then.conclusion;
                job.steps.clear();
            }
        }
        return then;
    };
    add("GET", repo + "/actions/runs/([0-9]+)/attempts/([0-9]+)", "actions=read",
        [attemptOf](P &p, Call &call) {
            const auto then = attemptOf(p, call);
            return then ? jsonResponse(200, p.runJson(*then)) : notFound();
        });
    add("GET", repo + "/actions/runs/([0-9]+)/attempts/([0-9]+)/jobs", "actions=read",
        [attemptOf](P &p, Call &call) {
            const auto then = attemptOf(p, call);
            if (!then)
                return notFound();
            QJsonArray items;
            for (const FakeJob &job : then->jobs)
                items.append(p.jobJson(*then, job));
            return p.paginated(call, items, "jobs");
        });
    add("POST", repo + "/actions/jobs/([0-9]+)/rerun", "actions=write", [](P &p, Call &call) {
        const auto [run, job] = p.findJob(call.args[2].toLongLong());
        if (!job || run->repo != call.repo->fullName)
            return notFound();
        if (run->status != QLatin1String("completed"))
            return errorResponse(403, "This workflow is already running");
        run->previousConclusions.append(run->conclusion);
        run->status = "queued";
        run->conclusion.clear();
        ++run->runAttempt;
        job->status.clear();
        job->conclusion.clear();
        job->steps.clear();
        p.touch();
        return jsonResponse(201, QJsonObject{});
    });
    // Deployments waiting for a reviewer.
    const auto environmentId = [](int index) { return qint64(161088068 + index); };
    add("GET", repo + "/actions/runs/([0-9]+)/pending_deployments", "actions=read",
        [environmentId](P &p, Call &call) {
            const FakeRun *run = p.findRun(call.args[2].toLongLong());
            if (!run || run->repo != call.repo->fullName)
                return notFound();
            QJsonArray items;
            for (int i = 0; i < run->pendingEnvironments.size(); ++i) {
                const QString name = run->pendingEnvironments[i];
                items.append(QJsonObject{
                    {"environment",
                     QJsonObject{
                         {"id", environmentId(i)},
                         {"node_id", nodeId("Environment", environmentId(i))},
                         {"name", name},
                         {"url", p.apiUrl(QStringLiteral("/repos/%1/environments/%2").arg(run->repo, name))},
                         {"html_url",
                          QStringLiteral(
                              "https://github.com/%1/deployments/activity_log?environments_filter=%2")
                              .arg(run->repo, name)}}},
                    {"wait_timer", 30},
                    {"wait_timer_started_at", isoDate(run->createdAt)},
                    {"current_user_can_approve", true},
                    {"reviewers",
                     QJsonArray{QJsonObject{{"type", "User"}, {"reviewer", p.userJson("octocat")}}}}});
            }
            return jsonResponse(200, items);
        });
    add("POST", repo + "/actions/runs/([0-9]+)/pending_deployments", "deployments=write",
        [environmentId](P &p, Call &call) {
            FakeRun *run = p.findRun(call.args[2].toLongLong());
            if (!run || run->repo != call.repo->fullName)
                return notFound();
            const QJsonObject body = QJsonDocument::fromJson(call.request.body).object();
            const QString state = body.value("state").toString();
            if (state != QLatin1String("approved") && state != QLatin1String("rejected"))
                return errorResponse(422, "Invalid request.");
            QStringList remaining;
            const QJsonArray ids = body.value("environment_ids").toArray();
            for (int i = 0; i < run->pendingEnvironments.size(); ++i)
                if (!ids.contains(QJsonValue(environmentId(i))))
                    remaining.append(run->pendingEnvironments[i]);
            if (remaining.size() == run->pendingEnvironments.size())
                return errorResponse(422, "No pending deployment for these environments.");
            run->pendingEnvironments = remaining;
            if (state == QLatin1String("rejected")) {
                run->status = "completed";
                run->conclusion = "failure";
            } else if (remaining.isEmpty()) {
                run->status = "in_progress";
            }
            run->updatedAt = p.now();
            p.touch();
            return jsonResponse(200, QJsonArray{});
        });
    add("POST", repo + "/actions/runs/([0-9]+)/rerun", "actions=write",
        [rerun](P &p, Call &call) { return rerun(p, call, false); });
    add("POST", repo + "/actions/runs/([0-9]+)/rerun-failed-jobs", "actions=write",
        [rerun](P &p, Call &call) { return rerun(p, call, true); });
    for (const char *action : {"cancel", "force-cancel"}) {
        add("POST", repo + "/actions/runs/([0-9]+)/" + action, "actions=write", [](P &p, Call &call) {
            FakeRun *run = p.findRun(call.args[2].toLongLong());
            if (!run || run->repo != call.repo->fullName)
                return notFound();
            if (run->status == QLatin1String("completed"))
                return errorResponse(409, "Cannot cancel a workflow run that is completed.");
            run->status = "completed";
            run->conclusion = "cancelled";
            run->updatedAt = p.now();
            p.touch();
            return jsonResponse(202, QJsonObject{});
        });
    }

    // --- Check runs: each job of a run on the commit is one, as GitHub Actions reports them. A ref is a
    // SHA, a branch, or the head SHA a pull request of that branch reports.
    add("GET", repo + "/commits/([^/]+)/check-runs", "checks=read", [](P &p, Call &call) {
        const QString ref = call.args[2];
        QJsonArray items;
        for (const FakeRun &run : p.runs) {
            const QString prSha = QString::fromLatin1(
                QCryptographicHash::hash((run.repo + run.headBranch).toUtf8(), QCryptographicHash::Sha1)
                    .toHex());
            if (run.repo != call.repo->fullName ||
                (run.headSha != ref && run.headBranch != ref && prSha != ref))
                continue;
            for (const FakeJob &job : run.jobs) {
                const QJsonObject jobJson = p.jobJson(run, job);
                items.append(QJsonObject{
                    {"id", job.id},
                    {"head_sha", run.headSha},
                    {"node_id", nodeId("CheckRun", job.id)},
                    {"external_id", QString::number(job.id)},
                    {"url", p.apiUrl(QStringLiteral("/repos/%1/check-runs/%2").arg(run.repo).arg(job.id))},
                    {"html_url", jobJson.value("html_url")},
                    {"details_url", jobJson.value("html_url")},
                    {"status", jobJson.value("status")},
                    {"conclusion", jobJson.value("conclusion")},
                    {"started_at", jobJson.value("started_at")},
                    {"completed_at", jobJson.value("completed_at")},
                    {"name", job.name},
                    {"output", QJsonObject{{"title", QJsonValue()},
                                           {"summary", QJsonValue()},
                                           {"text", QJsonValue()},
                                           {"annotations_count", 0},
                                           {"annotations_url",
                                            p.apiUrl(QStringLiteral("/repos/%1/check-runs/%2/annotations")
                                                         .arg(run.repo)
                                                         .arg(job.id))}}},
                    {"check_suite", QJsonObject{{"id", run.id + 10000000}}},
                    {"app", QJsonValue()},
                    {"pull_requests", QJsonArray{}}});
            }
        }
        return p.paginated(call, items, "check_runs");
    });

    // --- Artifacts
    const auto artifactJson = [](P &p, const FakeArtifact &a) {
        const FakeRun *run = p.findRun(a.runId);
        const QString repoName = run ? run->repo : QString();
        const QString url =
            p.apiUrl(QStringLiteral("/repos/%1/actions/artifacts/%2").arg(repoName).arg(a.id));
        const QDateTime created = run ? run->updatedAt : p.now();
        return QJsonObject{
            {"id", a.id},
            {"node_id", nodeId("Artifact", a.id)},
            {"name", a.name},
            {"size_in_bytes", a.zip.size()},
            {"url", url},
            {"archive_download_url", url + "/zip"},
            {"expired", a.expired},
            {"created_at", isoDate(created)},
            {"updated_at", isoDate(created)},
            {"expires_at", isoDate(created.addDays(90))},
            {"digest", QString::fromLatin1(
                           "sha256:" + QCryptographicHash::hash(a.zip, QCryptographicHash::Sha256).toHex())},
            {"workflow_run", QJsonObject{{"id", a.runId},
                                         {"repository_id", 1296269},
                                         {"head_repository_id", 1296269},
                                         {"head_branch", run ? run->headBranch : QString()},
                                         {"head_sha", run ? run->headSha : QString()}}}};
    };
    const auto findArtifact = [](P &p, Call &call) -> FakeArtifact * {
        for (FakeArtifact &a : p.artifacts) {
            const FakeRun *run = p.findRun(a.runId);
            if (a.id == call.args[2].toLongLong() && run && run->repo == call.repo->fullName)
                return &a;
        }
        return nullptr;
    };
    add("GET", repo + "/actions/runs/([0-9]+)/artifacts", "actions=read", [artifactJson](P &p, Call &call) {
        const FakeRun *run = p.findRun(call.args[2].toLongLong());
        if (!run || run->repo != call.repo->fullName)
            return notFound();
        QJsonArray items;
        for (const FakeArtifact &a : p.artifacts)
            if (a.runId == run->id)
                items.append(artifactJson(p, a));
        return p.paginated(call, items, "artifacts");
    });
    add("GET", repo + "/actions/artifacts/([0-9]+)", "actions=read",
        [artifactJson, findArtifact](P &p, Call &call) {
            const FakeArtifact *a = findArtifact(p, call);
            return a ? jsonResponse(200, artifactJson(p, *a)) : notFound();
        });
    add("GET", repo + "/actions/artifacts/([0-9]+)/(zip)", "actions=read", [findArtifact](P &p, Call &call) {
        const FakeArtifact *a = findArtifact(p, call);
        if (!a)
            return notFound();
        if (a->expired)
            return errorResponse(410, "Artifact has expired");
        HttpResponse response = empty(302);
        const QString requestHost =
            QString::fromLatin1(call.request.headers.value("Host")).section(QLatin1Char(':'), 0, 0);
        const QString otherHost = requestHost == QLatin1String("localhost") ? "127.0.0.1" : "localhost";
        response.headers.set("Location", QStringLiteral("http://%1:%2/_logs/artifacts/%3?sig=fake")
                                             .arg(otherHost)
                                             .arg(p.server.port())
                                             .arg(a->id)
                                             .toLatin1());
        return response;
    });
    add("DELETE", repo + "/actions/artifacts/([0-9]+)", "actions=write", [findArtifact](P &p, Call &call) {
        const FakeArtifact *a = findArtifact(p, call);
        if (!a)
            return notFound();
        const qint64 id = a->id;
        p.artifacts.removeIf([id](const FakeArtifact &x) { return x.id == id; });
        p.touch();
        return empty(204);
    });

    // --- Contents
    add("GET", repo + "/contents(?:/(.*))?", "contents=read", [](P &p, Call &call) {
        const QString repoName = call.repo->fullName;
        const QString path = call.args[2];
        const auto entry = [&](const QString &filePath, const QByteArray *content) {
            const QString url = p.apiUrl(QStringLiteral("/repos/%1/contents/%2").arg(repoName, filePath));
            const QString sha = content ? blobSha(*content) : blobSha(filePath.toUtf8());
            const QString html =
                QStringLiteral("https://github.com/%1/%2/%3/%4")
                    .arg(repoName, content ? "blob" : "tree", call.repo->defaultBranch, filePath);
            return QJsonObject{
                {"type", content ? "file" : "dir"},
                {"size", content ? content->size() : 0},
                {"name", filePath.section(QLatin1Char('/'), -1)},
                {"path", filePath},
                {"sha", sha},
                {"url", url + "?ref=" + call.repo->defaultBranch},
                {"git_url", p.apiUrl(QStringLiteral("/repos/%1/git/blobs/%2").arg(repoName, sha))},
                {"html_url", html},
                {"download_url", content
                                     ? QJsonValue(QStringLiteral("https://raw.githubusercontent.com/%1/%2/%3")
                                                      .arg(repoName, call.repo->defaultBranch, filePath))
                                     : QJsonValue()},
                {"_links", QJsonObject{{"self", url},
                                       {"git", p.apiUrl("/repos/" + repoName + "/git/blobs/" + sha)},
                                       {"html", html}}}};
        };
        if (const auto it = p.files.constFind({repoName, path}); it != p.files.cend()) {
            QJsonObject file = entry(path, &it.value());
            file.insert("content", wrappedBase64(it.value()));
            file.insert("encoding", "base64");
            return jsonResponse(200, file);
        }
        // A directory: its direct children, files and sub-directories.
        const QString dir = path.isEmpty() ? QString() : path + '/';
        QJsonArray listing;
        QStringList seenDirs;
        for (auto it = p.files.cbegin(); it != p.files.cend(); ++it) {
            if (it.key().first != repoName || !it.key().second.startsWith(dir))
                continue;
            const QString rest = it.key().second.mid(dir.size());
            if (!rest.contains(QLatin1Char('/'))) {
                listing.append(entry(it.key().second, &it.value()));
            } else if (const QString sub = dir + rest.section(QLatin1Char('/'), 0, 0);
                       !seenDirs.contains(sub)) {
                seenDirs << sub;
                listing.append(entry(sub, nullptr));
            }
        }
        return listing.isEmpty() ? notFound() : jsonResponse(200, listing);
    });

    // --- Pull requests, comments, reactions
    add("GET", repo + "/pulls", "pull_requests=read", [](P &p, Call &call) {
        const QString state = call.request.query.queryItemValue("state").isEmpty()
                                  ? QStringLiteral("open")
                                  : call.request.query.queryItemValue("state");
        QJsonArray items;
        for (auto it = p.pulls.crbegin(); it != p.pulls.crend(); ++it) {
            if (it->repo == call.repo->fullName && (state == QLatin1String("all") || it->state == state))
                items.append(p.pullJson(*it));
        }
        return p.paginated(call, items);
    });
    add("GET", repo + "/pulls/([0-9]+)", "pull_requests=read", [](P &p, Call &call) {
        for (const FakePullRequest &pull : p.pulls) {
            if (pull.repo == call.repo->fullName && pull.number == call.args[2].toInt())
                return jsonResponse(200, p.pullJson(pull));
        }
        return notFound();
    });
    add("GET", repo + "/issues/([0-9]+)/comments", "issues=read; pull_requests=read", [](P &p, Call &call) {
        QJsonArray items;
        for (const FakeComment &c : p.comments) {
            if (c.repo == call.repo->fullName && c.issueNumber == call.args[2].toInt())
                items.append(p.commentJson(c));
        }
        return p.paginated(call, items);
    });
    add("POST", repo + "/issues/([0-9]+)/comments", "issues=write; pull_requests=write",
        [](P &p, Call &call) {
            const int number = call.args[2].toInt();
            const bool exists =
                std::any_of(p.pulls.cbegin(), p.pulls.cend(), [&](const FakePullRequest &pull) {
                    return pull.repo == call.repo->fullName && pull.number == number;
                });
            if (!exists)
                return notFound();
            const QString body = QJsonDocument::fromJson(call.request.body).object().value("body").toString();
            if (body.isEmpty()) {
                QJsonObject error =
                    githubError("Validation Failed", 422,
                                "https://docs.github.com/rest/issues/comments#create-an-issue-comment");
                error.insert("errors", QJsonArray{QJsonObject{{"resource", "IssueComment"},
                                                              {"code", "missing_field"},
                                                              {"field", "body"}}});
                return jsonResponse(422, error);
            }
            const qint64 id =
                p.addComment({.repo = call.repo->fullName, .issueNumber = number, .body = body});
            const QJsonObject comment = p.commentJson(p.comments.last());
            HttpResponse response = jsonResponse(201, comment);
            response.headers.set("Location", comment.value("url").toString().toUtf8());
            Q_UNUSED(id)
            return response;
        });
    add("POST", repo + "/issues/comments/([0-9]+)/reactions", "issues=write; pull_requests=write",
        [](P &p, Call &call) {
            const qint64 commentId = call.args[2].toLongLong();
            const bool exists =
                std::any_of(p.comments.cbegin(), p.comments.cend(), [&](const FakeComment &c) {
                    return c.id == commentId && c.repo == call.repo->fullName;
                });
            if (!exists)
                return notFound();
            const QString content =
                QJsonDocument::fromJson(call.request.body).object().value("content").toString();
            if (!ReactionContents.contains(content)) {
                QJsonObject error = githubError(
                    "Validation Failed", 422,
                    "https://docs.github.com/rest/reactions/reactions#create-reaction-for-an-issue-comment");
                error.insert("errors",
                             QJsonArray{QJsonObject{{"resource", "Reaction"},
                                                    {"code", "custom"},
                                                    {"field", "content"},
                                                    {"message", content + " is not a valid content"}}});
                return jsonResponse(422, error);
            }
            const auto json = [&](const Reaction &r) {
                return QJsonObject{{"id", r.id},
                                   {"node_id", nodeId("Reaction", r.id)},
                                   {"user", p.userJson(r.user)},
                                   {"content", r.content},
                                   {"created_at", isoDate(r.createdAt)}};
            };
            for (const Reaction &r : p.reactions) {
                if (r.commentId == commentId && r.content == content && r.user == QLatin1String("octocat"))
                    return jsonResponse(200, json(r)); // reacting twice returns the existing reaction
            }
            p.reactions.append({p.nextReactionId++, commentId, content, "octocat", p.now()});
            p.touch();
            return jsonResponse(201, json(p.reactions.last()));
        });
}

void FakeGitHubServer::Private::addHookRoutes(const QString &base, bool organization)
{
    using P = Private;
    const char *read = organization ? "organization_hooks=read" : "repository_hooks=read";
    const char *write = organization ? "organization_hooks=write" : "repository_hooks=write";
    const auto add = [&](const char *method, const QString &pattern, const char *permissions, auto handler) {
        routes.append({method, anchored(pattern), permissions, handler});
    };
    // The scope key of a call, or empty when the organisation does not exist.
    const auto scopeOf = [organization](P &p, const Call &call) -> QString {
        if (!organization)
            return call.repo->fullName;
        const QString org = call.args.value(0);
        const bool exists = p.isOrganization(org) &&
                            std::any_of(p.repos.cbegin(), p.repos.cend(), [&](const FakeRepository &r) {
                                return ownerOf(r.fullName).compare(org, Qt::CaseInsensitive) == 0;
                            });
        return exists ? QStringLiteral("org:") + org : QString();
    };
    const int idArg = organization ? 1 : 2;
    const auto applyBody = [](FakeHook &hook, const QJsonObject &body) {
        const QJsonObject config = body.value("config").toObject();
        if (config.contains("url"))
            hook.url = config.value("url").toString();
        if (config.contains("content_type"))
            hook.contentType = config.value("content_type").toString();
        if (config.contains("secret"))
            hook.secret = config.value("secret").toString();
        if (body.contains("active"))
            hook.active = body.value("active").toBool();
        if (body.contains("events")) {
            hook.events.clear();
            for (const QJsonValue &event : body.value("events").toArray())
                hook.events.append(event.toString());
        }
        for (const QJsonValue &event : body.value("add_events").toArray())
            hook.events.append(event.toString());
        for (const QJsonValue &event : body.value("remove_events").toArray())
            hook.events.removeAll(event.toString());
    };
    const auto invalid = [](const char *field, const char *code) {
        QJsonObject error = githubError("Validation Failed", 422, "https://docs.github.com/rest/webhooks");
        error.insert("errors",
                     QJsonArray{QJsonObject{{"resource", "Hook"}, {"code", code}, {"field", field}}});
        return jsonResponse(422, error);
    };

    add("GET", base + "/hooks", read, [scopeOf](P &p, Call &call) {
        const QString scope = scopeOf(p, call);
        if (scope.isEmpty())
            return notFound();
        QJsonArray items;
        for (const FakeHook &hook : p.hooks) {
            if (hook.scope.compare(scope, Qt::CaseInsensitive) == 0)
                items.append(p.hookJson(hook));
        }
        return p.paginated(call, items);
    });
    add("POST", base + "/hooks", write, [scopeOf, applyBody, invalid, organization](P &p, Call &call) {
        const QString scope = scopeOf(p, call);
        if (scope.isEmpty())
            return notFound();
        const QJsonObject body = QJsonDocument::fromJson(call.request.body).object();
        if (organization && body.value("name").toString() != QLatin1String("web"))
            return invalid("name", "missing_field");
        FakeHook hook{.scope = scope, .events = {QStringLiteral("push")}};
        applyBody(hook, body);
        if (hook.url.isEmpty())
            return invalid("url", "missing_field");
        for (const FakeHook &other : p.hooks) {
            if (other.scope == scope && other.url == hook.url)
                return jsonResponse(422, githubError("Validation Failed", 422)); // "Hook already exists"
        }
        hook.id = p.nextHookId++;
        p.hooks.append(hook);
        p.touch();
        // GitHub pings a new hook at once.
        const QJsonObject ping{{"zen", "Design for failure."},
                               {"hook_id", hook.id},
                               {"hook", p.hookJson(hook)},
                               {"sender", p.userJson("octocat")}};
        p.sendDelivery(hook, "ping", QJsonDocument(ping).toJson(QJsonDocument::Compact), false);
        return jsonResponse(201, p.hookJson(hook));
    });
    add("GET", base + "/hooks/([0-9]+)", read, [scopeOf, idArg](P &p, Call &call) {
        const FakeHook *hook = p.findHook(scopeOf(p, call), call.args[idArg].toLongLong());
        return hook ? jsonResponse(200, p.hookJson(*hook)) : notFound();
    });
    add("PATCH", base + "/hooks/([0-9]+)", write, [scopeOf, idArg, applyBody, invalid](P &p, Call &call) {
        FakeHook *hook = p.findHook(scopeOf(p, call), call.args[idArg].toLongLong());
        if (!hook)
            return notFound();
        FakeHook changed = *hook;
        applyBody(changed, QJsonDocument::fromJson(call.request.body).object());
        if (changed.url.isEmpty())
            return invalid("url", "missing_field");
        *hook = changed;
        p.touch();
        return jsonResponse(200, p.hookJson(*hook));
    });
    add("DELETE", base + "/hooks/([0-9]+)", write, [scopeOf, idArg](P &p, Call &call) {
        const QString scope = scopeOf(p, call);
        const qint64 id = call.args[idArg].toLongLong();
        if (!p.findHook(scope, id))
            return notFound();
        p.hooks.removeIf([&](const FakeHook &hook) { return hook.id == id; });
        p.touch();
        return empty(204);
    });
    add("POST", base + "/hooks/([0-9]+)/pings", write, [scopeOf, idArg](P &p, Call &call) {
        const FakeHook *hook = p.findHook(scopeOf(p, call), call.args[idArg].toLongLong());
        if (!hook)
            return notFound();
        const QJsonObject ping{{"zen", "Keep it logically awesome."},
                               {"hook_id", hook->id},
                               {"hook", p.hookJson(*hook)},
                               {"sender", p.userJson("octocat")}};
        p.sendDelivery(*hook, "ping", QJsonDocument(ping).toJson(QJsonDocument::Compact), false);
        return empty(204);
    });
    add("GET", base + "/hooks/([0-9]+)/deliveries", read, [scopeOf, idArg](P &p, Call &call) {
        const FakeHook *hook = p.findHook(scopeOf(p, call), call.args[idArg].toLongLong());
        if (!hook)
            return notFound();
        QJsonArray items; // newest first
        for (auto it = p.hookDeliveries.crbegin(); it != p.hookDeliveries.crend(); ++it) {
            if (it->hookId == hook->id)
                items.append(p.hookDeliveryJson(*it));
        }
        const int perPage = std::clamp(call.request.query.queryItemValue("per_page").toInt(), 1, 100);
        while (items.size() > (call.request.query.hasQueryItem("per_page") ? perPage : 30))
            items.removeLast();
        return jsonResponse(200, items);
    });
    add("POST", base + "/hooks/([0-9]+)/deliveries/([0-9]+)/attempts", write,
        [scopeOf, idArg](P &p, Call &call) {
            const FakeHook *hook = p.findHook(scopeOf(p, call), call.args[idArg].toLongLong());
            if (!hook)
                return notFound();
            const qint64 deliveryId = call.args[idArg + 1].toLongLong();
            for (const FakeHookDelivery &delivery : std::as_const(p.hookDeliveries)) {
                if (delivery.id == deliveryId && delivery.hookId == hook->id) {
                    const FakeHookDelivery original = delivery; // sendDelivery appends to the list
                    p.sendDelivery(*hook, original.event, original.body, true, original.guid);
                    return jsonResponse(202, QJsonObject{});
                }
            }
            return notFound();
        });
}

// --- FakeGitHubServer

FakeGitHubServer::FakeGitHubServer(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
}

FakeGitHubServer::~FakeGitHubServer() = default;

bool FakeGitHubServer::start()
{
    return d->server.isListening() || d->server.listen(QHostAddress::LocalHost, 0);
}

void FakeGitHubServer::stop()
{
    d->server.close();
}

quint16 FakeGitHubServer::port() const
{
    return d->server.port();
}

QUrl FakeGitHubServer::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(d->prefix));
}

QUrl FakeGitHubServer::otherHostUrl() const
{
    return QUrl(QStringLiteral("http://localhost:%1").arg(port()));
}

void FakeGitHubServer::setPathPrefix(const QString &prefix)
{
    d->prefix = prefix.endsWith(QLatin1Char('/')) ? prefix.chopped(1) : prefix;
}

void FakeGitHubServer::setClock(const Clock *clock)
{
    d->clock = clock ? clock : SystemClock::instance();
    d->rateReset = {};
    d->lastModified = d->now();
}

void FakeGitHubServer::setToken(const QString &token)
{
    d->token = token;
}

void FakeGitHubServer::setPollInterval(int seconds)
{
    d->pollInterval = seconds;
}

void FakeGitHubServer::setOAuthScopes(const QString &scopes)
{
    d->scopes = scopes;
}

void FakeGitHubServer::setRateLimit(int limit)
{
    d->refreshRateLimitWindow();
    d->rateRemaining = std::min(limit, d->rateRemaining + (limit - d->rateLimit));
    d->rateLimit = limit;
}

void FakeGitHubServer::setRateLimitRemaining(int remaining)
{
    d->refreshRateLimitWindow();
    d->rateRemaining = std::clamp(remaining, 0, d->rateLimit);
}

int FakeGitHubServer::rateLimitRemaining() const
{
    return d->rateRemaining;
}

int FakeGitHubServer::rateLimitUsed() const
{
    return d->unitsCharged;
}

QDateTime FakeGitHubServer::rateLimitReset() const
{
    d->refreshRateLimitWindow();
    return d->rateReset;
}

qint64 FakeGitHubServer::addRepository(const FakeRepository &repository)
{
    return d->addRepository(repository);
}

qint64 FakeGitHubServer::addWorkflow(const FakeWorkflow &workflow)
{
    return d->addWorkflow(workflow);
}

qint64 FakeGitHubServer::addRun(const FakeRun &run)
{
    return d->addRun(run);
}

std::optional<FakeRun> FakeGitHubServer::run(qint64 runId) const
{
    const FakeRun *found = d->findRun(runId);
    return found ? std::optional<FakeRun>(*found) : std::nullopt;
}

QList<FakeRun> FakeGitHubServer::runs(const QString &repo) const
{
    QList<FakeRun> result;
    std::copy_if(d->runs.cbegin(), d->runs.cend(), std::back_inserter(result),
                 [&](const FakeRun &run) { return repo.isEmpty() || run.repo == repo; });
    return result;
}

void FakeGitHubServer::setRunStatus(qint64 runId, const QString &status, const QString &conclusion)
{
    updateRun(runId, [&](FakeRun &run) {
        run.status = status;
        run.conclusion = status == QLatin1String("completed") ? conclusion : QString();
    });
}

void FakeGitHubServer::updateRun(qint64 runId, const std::function<void(FakeRun &)> &change)
{
    if (FakeRun *run = d->findRun(runId)) {
        change(*run);
        run->updatedAt = std::max(d->now(), run->updatedAt.addSecs(1));
        d->touch();
    }
}

std::optional<FakeWorkflow> FakeGitHubServer::workflow(qint64 workflowId) const
{
    for (const FakeWorkflow &w : d->workflows) {
        if (w.id == workflowId)
            return w;
    }
    return std::nullopt;
}

QList<FakeWorkflow> FakeGitHubServer::workflows(const QString &repo) const
{
    QList<FakeWorkflow> result;
    std::copy_if(d->workflows.cbegin(), d->workflows.cend(), std::back_inserter(result),
                 [&](const FakeWorkflow &w) { return w.repo == repo; });
    return result;
}

int FakeGitHubServer::addPullRequest(const FakePullRequest &pullRequest)
{
    return d->addPullRequest(pullRequest);
}

qint64 FakeGitHubServer::addComment(const FakeComment &comment)
{
    return d->addComment(comment);
}

QList<FakeComment> FakeGitHubServer::comments(const QString &repo, int issueNumber) const
{
    QList<FakeComment> result;
    std::copy_if(d->comments.cbegin(), d->comments.cend(), std::back_inserter(result),
                 [&](const FakeComment &c) { return c.repo == repo && c.issueNumber == issueNumber; });
    return result;
}

QString FakeGitHubServer::addNotification(const FakeNotification &notification)
{
    return d->addNotification(notification);
}

QList<FakeNotification> FakeGitHubServer::notifications() const
{
    return d->notifications;
}

void FakeGitHubServer::addEvent(const QString &repo, const QString &type, const QJsonObject &payload)
{
    d->addEvent(repo, type, payload);
}

void FakeGitHubServer::setFileContent(const QString &repo, const QString &path, const QByteArray &text)
{
    d->setFile(repo, path, text);
}

QList<FakeDispatch> FakeGitHubServer::dispatches() const
{
    return d->dispatches;
}

void FakeGitHubServer::setDispatchReturnsRunDetails(bool enabled)
{
    d->dispatchReturnsDetails = enabled;
}

qint64 FakeGitHubServer::addArtifact(const FakeArtifact &artifact)
{
    FakeArtifact added = artifact;
    if (added.id == 0)
        added.id = d->nextArtifactId++;
    if (added.zip.isEmpty())
        added.zip = QByteArray("PK\x05\x06", 4) + QByteArray(18, '\0'); // an empty zip archive
    d->artifacts.append(added);
    d->touch();
    return added.id;
}

QList<FakeArtifact> FakeGitHubServer::artifacts(qint64 runId) const
{
    QList<FakeArtifact> list;
    for (const FakeArtifact &a : d->artifacts)
        if (a.runId == runId)
            list.append(a);
    return list;
}

void FakeGitHubServer::setLogsOnlyWhenCompleted(bool enabled)
{
    d->logsOnlyWhenCompleted = enabled;
}

qint64 FakeGitHubServer::addHook(const FakeHook &hook)
{
    FakeHook added = hook;
    if (added.id == 0)
        added.id = d->nextHookId++;
    d->hooks.append(added);
    d->touch();
    return added.id;
}

QList<FakeHook> FakeGitHubServer::hooks(const QString &scope) const
{
    QList<FakeHook> found;
    for (const FakeHook &hook : d->hooks) {
        if (scope.isEmpty() || hook.scope.compare(scope, Qt::CaseInsensitive) == 0)
            found.append(hook);
    }
    return found;
}

QList<FakeHookDelivery> FakeGitHubServer::hookDeliveries(qint64 hookId) const
{
    QList<FakeHookDelivery> found;
    for (const FakeHookDelivery &delivery : d->hookDeliveries) {
        if (delivery.hookId == hookId)
            found.append(delivery);
    }
    return found;
}

int FakeGitHubServer::deliverEvent(const QString &repo, const QString &event, const QJsonObject &payload)
{
    const QByteArray body = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    const QString org = QStringLiteral("org:") + ownerOf(repo);
    int sent = 0;
    const QList<FakeHook> all = d->hooks;
    for (const FakeHook &hook : all) {
        const bool inScope = hook.scope.compare(repo, Qt::CaseInsensitive) == 0 ||
                             hook.scope.compare(org, Qt::CaseInsensitive) == 0;
        if (inScope && hook.active &&
            (hook.events.contains(event) || hook.events.contains(QStringLiteral("*")))) {
            d->sendDelivery(hook, event, body, false);
            ++sent;
        }
    }
    return sent;
}

void FakeGitHubServer::clearData()
{
    d->hooks.clear();
    d->hookDeliveries.clear();
    d->repos.clear();
    d->workflows.clear();
    d->runs.clear();
    d->pulls.clear();
    d->comments.clear();
    d->notifications.clear();
    d->events.clear();
    d->reactions.clear();
    d->dispatches.clear();
    d->artifacts.clear();
    d->files.clear();
    d->touch();
}

void FakeGitHubServer::failNext(const QByteArray &method, const QString &pathPattern, int status, int count,
                                const HttpHeaders &extraHeaders, const QByteArray &body)
{
    d->failures.append({method.toUpper(), anchored(pathPattern), status, count, extraHeaders, body});
}

void FakeGitHubServer::failNextRateLimited(const QString &pathPattern, RateLimit kind, int retryAfterSeconds,
                                           int count)
{
    HttpHeaders headers;
    if (kind == RateLimit::Primary) {
        headers.set("x-ratelimit-remaining", "0");
        headers.set("x-ratelimit-used", QByteArray::number(d->rateLimit));
        headers.set("x-ratelimit-reset",
                    QByteArray::number(d->now().addSecs(retryAfterSeconds).toSecsSinceEpoch()));
    } else {
        headers.set("retry-after", QByteArray::number(retryAfterSeconds));
    }
    failNext({}, pathPattern, 403, count, headers);
}

void FakeGitHubServer::setDelay(int milliseconds, const QString &pathPattern)
{
    const QRegularExpression pattern = pathPattern.isEmpty() ? QRegularExpression() : anchored(pathPattern);
    d->delays.removeIf(
        [&](const Private::Delay &delay) { return delay.pattern.pattern() == pattern.pattern(); });
    if (milliseconds > 0)
        d->delays.append({pattern, milliseconds});
}

void FakeGitHubServer::dropNext(const QString &pathPattern, int count)
{
    d->failures.append({{}, anchored(pathPattern), 0, count, {}, {}});
}

void FakeGitHubServer::clearFailures()
{
    d->failures.clear();
    d->delays.clear();
}

QList<RecordedRequest> FakeGitHubServer::requests() const
{
    return d->recorded;
}

QList<RecordedRequest> FakeGitHubServer::requestsTo(const QString &pathPattern,
                                                    const QByteArray &method) const
{
    const QRegularExpression pattern = anchored(pathPattern);
    QList<RecordedRequest> result;
    std::copy_if(
        d->recorded.cbegin(), d->recorded.cend(), std::back_inserter(result), [&](const RecordedRequest &r) {
            return (method.isEmpty() || r.method == method.toUpper()) && pattern.match(r.path).hasMatch();
        });
    return result;
}

void FakeGitHubServer::clearRequests()
{
    d->recorded.clear();
}

int FakeGitHubServer::count304() const
{
    return int(std::count_if(d->recorded.cbegin(), d->recorded.cend(),
                             [](const RecordedRequest &r) { return r.status == 304; }));
}

} // namespace exeserver::test
