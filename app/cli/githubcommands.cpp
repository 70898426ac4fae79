// `exeserver-cli auth|repos|workflows|runs|prs|comment …`: the GitHub calls the GUI makes, from a shell.
#include "blocking.h"
#include "commandtable.h"
#include "config/secretredactor.h"
#include "github/githubclient.h"
#include "githubconnection.h"
#include "store/eventstore.h"
#include "triggers/presetstore.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTimer>

namespace exeserver::cli {

namespace {

const QCommandLineOption kJson(QStringLiteral("json"), QStringLiteral("Print JSON instead of text."));
const QCommandLineOption kOrg(QStringLiteral("org"), QStringLiteral("List an organisation's repositories."),
                              QStringLiteral("ORG"));
const QCommandLineOption kRef(QStringLiteral("ref"), QStringLiteral("Branch or tag to run on."),
                              QStringLiteral("REF"));
const QCommandLineOption kInput(QStringLiteral("input"), QStringLiteral("A workflow input (repeatable)."),
                                QStringLiteral("KEY=VALUE"));
const QCommandLineOption kWorkflow(QStringLiteral("workflow"), QStringLiteral("Only runs of this workflow."),
                                   QStringLiteral("WF"));
const QCommandLineOption kBranch(QStringLiteral("branch"), QStringLiteral("Only runs on this branch."),
                                 QStringLiteral("B"));
const QCommandLineOption kStatus(QStringLiteral("status"),
                                 QStringLiteral("Only runs with this status or conclusion."),
                                 QStringLiteral("S"));
const QCommandLineOption kActor(QStringLiteral("actor"), QStringLiteral("Only runs started by this login."),
                                QStringLiteral("LOGIN"));
const QCommandLineOption
    kEvent(QStringLiteral("event"),
           QStringLiteral("Only runs triggered by this event (push, pull_request, ...)."),
           QStringLiteral("EVENT"));
const QCommandLineOption kCreated(QStringLiteral("created"),
                                  QStringLiteral("Only runs created then, in GitHub's date syntax "
                                                 "(2026-03-01, >=2026-03-01, 2026-03-01..2026-03-07)."),
                                  QStringLiteral("DATE"));
const QCommandLineOption kInterval(QStringLiteral("interval"),
                                   QStringLiteral("Seconds between checks (default 3; never faster than "
                                                  "GitHub's poll interval)."),
                                   QStringLiteral("SECS"), QStringLiteral("3"));
const QCommandLineOption kDir(QStringLiteral("dir"), QStringLiteral("Folder to save into (default: here)."),
                              QStringLiteral("DIR"), QStringLiteral("."));
const QCommandLineOption kLimit(QStringLiteral("limit"), QStringLiteral("At most N runs (default 30)."),
                                QStringLiteral("N"), QStringLiteral("30"));
const QCommandLineOption kJob(QStringLiteral("job"), QStringLiteral("Only this job's log."),
                              QStringLiteral("JOB_ID"));
const QCommandLineOption kFailed(QStringLiteral("failed"), QStringLiteral("Re-run only the failed jobs."));
const QCommandLineOption kDebug(QStringLiteral("debug"), QStringLiteral("Re-run with debug logging."));
const QCommandLineOption kRerunJob(QStringLiteral("job"),
                                   QStringLiteral("Re-run only this job (and those needing it)."),
                                   QStringLiteral("JOB_ID"));
const QCommandLineOption kApprove(QStringLiteral("approve"),
                                  QStringLiteral("Approve the pending deployments."));
const QCommandLineOption kReject(QStringLiteral("reject"), QStringLiteral("Reject the pending deployments."));
const QCommandLineOption kComment(QStringLiteral("comment"), QStringLiteral("The reviewer's comment."),
                                  QStringLiteral("TEXT"));
const QCommandLineOption kForce(QStringLiteral("force"),
                                QStringLiteral("Force-cancel a run that does not stop."));
const QCommandLineOption kState(QStringLiteral("state"),
                                QStringLiteral("open, closed or all (default open)."),
                                QStringLiteral("STATE"), QStringLiteral("open"));
const QCommandLineOption kBody(QStringLiteral("body"), QStringLiteral("The comment text."),
                               QStringLiteral("TEXT"));
const QCommandLineOption
    kPreset(QStringLiteral("preset"),
            QStringLiteral("Post a comment preset instead of --body (see presets list)."),
            QStringLiteral("NAME"));
const QCommandLineOption kArgs(QStringLiteral("args"),
                               QStringLiteral("The preset's {{ args }} (e.g. /ask's question)."),
                               QStringLiteral("TEXT"));

// OWNER/REPO and the positive number after it (RUN_ID, ARTIFACT_ID, PR_NUMBER); nullopt after a usage error.
struct RepoAndId
{
    QString repo;
    qint64 id = 0;
};

std::optional<RepoAndId> repoAndId(CliContext &context, const QCommandLineParser &parser, const QString &what)
{
    const QStringList positional = parser.positionalArguments();
    const std::optional<QString> repo = context.repoArgument(positional.at(0));
    if (!repo)
        return std::nullopt;
    const std::optional<qint64> id = context.idArgument(positional.at(1), what);
    if (!id)
        return std::nullopt;
    return RepoAndId{*repo, *id};
}

// A call that changes something on GitHub: written to the action log before it starts and updated with its
// outcome, as every action the app takes is. Without a writable log nothing is sent.
template <typename T, typename Start>
Result<T> recordedCall(CliContext &context, ActionKind kind, const QString &target, Start start)
{
    EventStore *store = context.store();
    if (!store)
        return Error{QStringLiteral("action_log"),
                     QStringLiteral("Nothing was sent: the action log (event store) could not be opened.")};
    const Result<QString> actionId = store->beginAction({kind, target, {}, {}, true});
    if (!actionId)
        return Error{actionId.error().kind,
                     QStringLiteral("Nothing was sent: %1").arg(actionId.error().message)};
    Result<T> result = call<T>(std::move(start));
    ActionOutcome outcome;
    if (result) {
        outcome.status = ActionStatus::Success;
        if constexpr (std::is_same_v<T, DispatchResult>) {
            if (result->runId != 0)
                outcome.output = QStringLiteral("run %1 %2").arg(result->runId).arg(result->htmlUrl);
        }
    } else {
        outcome.status = ActionStatus::Failure;
        if (result.error().httpStatus > 0)
            outcome.httpStatus = result.error().httpStatus;
        outcome.error = result.error().message;
    }
    if (const Status finished = store->finishAction(*actionId, outcome); !finished)
        context.err() << "exeserver-cli: the action ran but its outcome could not be logged: "
                      << finished.error().message << '\n';
    return result;
}

void printJson(CliContext &context, const QJsonValue &value)
{
    context.out() << (value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject()))
                         .toJson(QJsonDocument::Indented);
}

template <typename T>
QJsonArray toJsonArray(const QList<T> &items)
{
    QJsonArray array;
    for (const T &item : items)
        array.append(item.toJson());
    return array;
}

// The common end of every list command: GitHub's refusal (exit 1), or the items as --json or one line each.
template <typename T, typename PrintItem>
int printList(CliContext &context, const QCommandLineParser &parser, const Result<QList<T>> &items,
              PrintItem printItem)
{
    if (!items)
        return context.refused(items.error());
    if (parser.isSet(kJson)) {
        printJson(context, toJsonArray(*items));
        return ExitOk;
    }
    for (const T &item : *items)
        printItem(item);
    return ExitOk;
}

QString outcome(const QString &status, const QString &conclusion)
{
    return conclusion.isEmpty() ? status : conclusion;
}

QString when(const QDateTime &time)
{
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                          : QStringLiteral("-");
}

// --- auth

int authStatus(CliContext &context, const QCommandLineParser &parser)
{
    auto client = makeClient(context);
    const SettingValue token = context.settings().value(setting::GitHubToken);
    const auto user = call<AuthenticatedUser>([&](auto done) { client->currentUser(done); });
    if (!user)
        return context.refused(user.error());
    const QString source =
        token.value.isEmpty()
            ? QStringLiteral("none")
            : toString(token.source) +
                  (token.origin.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(token.origin));
    const RateLimitState rate = client->rateLimit();
    const QDateTime now = client->connection().clock().now();
    if (parser.isSet(kJson)) {
        printJson(
            context,
            QJsonObject{
                {QStringLiteral("api_url"), context.settings().gitHubApiUrl().toString()},
                {QStringLiteral("user"), user->user.toJson()},
                {QStringLiteral("token_source"), source},
                {QStringLiteral("scopes"), user->scopesReported ? QJsonValue(user->scopes) : QJsonValue()},
                {QStringLiteral("rate_limit"),
                 QJsonObject{{QStringLiteral("limit"), rate.limit},
                             {QStringLiteral("remaining"), rate.remaining},
                             {QStringLiteral("used"), rate.used},
                             {QStringLiteral("resource"), rate.resource},
                             {QStringLiteral("rate_limited_until"),
                              rate.isBlocked(now) ? QJsonValue(rate.blockedUntil.toString(Qt::ISODate))
                                                  : QJsonValue()},
                             {QStringLiteral("reset"), rate.reset.isValid()
                                                           ? QJsonValue(rate.reset.toString(Qt::ISODate))
                                                           : QJsonValue()}}}});
        return ExitOk;
    }
    context.out() << "Logged in to " << context.settings().gitHubApiUrl().toString() << " as "
                  << user->user.login;
    if (!user->user.name.isEmpty())
        context.out() << " (" << user->user.name << ')';
    context.out() << "\nToken: " << source;
    if (!token.value.isEmpty())
        context.out() << ", " << SecretRedactor::mask(token.value);
    context.out() << "\nScopes: "
                  << (user->scopesReported
                          ? (user->scopes.isEmpty() ? QStringLiteral("(none)") : user->scopes)
                          : QStringLiteral("not reported (fine-grained token or GitHub App: "
                                           "permissions are checked per request)"))
                  << "\nRate limit: " << rate.describe(now) << '\n';
    return ExitOk;
}

// --- repos

int reposList(CliContext &context, const QCommandLineParser &parser)
{
    auto client = makeClient(context);
    const auto repos = call<QList<Repository>>([&](auto done) {
        if (parser.isSet(kOrg))
            client->listOrganizationRepositories(parser.value(kOrg), done);
        else
            client->listRepositories(done);
    });
    return printList(context, parser, repos, [&](const Repository &repo) {
        context.out() << repo.fullName << (repo.isPrivate ? "  (private)" : "")
                      << (repo.archived ? "  (archived)" : "")
                      << (repo.description.isEmpty() ? QString() : QStringLiteral("  ") + repo.description)
                      << '\n';
    });
}

// --- workflows

int workflowsList(CliContext &context, const QCommandLineParser &parser)
{
    const std::optional<QString> repo = context.repoArgument(parser.positionalArguments().at(0));
    if (!repo)
        return ExitUsage;
    auto client = makeClient(context);
    const auto workflows = call<QList<Workflow>>([&](auto done) { client->listWorkflows(*repo, done); });
    return printList(context, parser, workflows, [&](const Workflow &w) {
        context.out() << w.id << "  " << w.fileName() << "  " << w.name << "  " << w.state << '\n';
    });
}

int workflowsInputs(CliContext &context, const QCommandLineParser &parser)
{
    const std::optional<QString> repo = context.repoArgument(parser.positionalArguments().at(0));
    if (!repo)
        return ExitUsage;
    const QString workflow = parser.positionalArguments().at(1);
    auto client = makeClient(context);
    const auto inputs = call<QList<DispatchInput>>(
        [&](auto done) { client->workflowInputs(*repo, workflow, parser.value(kRef), done); });
    if (inputs && inputs->isEmpty() && !parser.isSet(kJson))
        context.out() << workflow << " takes no inputs.\n";
    return printList(context, parser, inputs, [&](const DispatchInput &input) {
        context.out() << input.name << "  " << DispatchInput::typeName(input.type)
                      << (input.required ? "  required" : "  optional");
        if (input.hasDefault)
            context.out() << "  default=" << input.defaultValue;
        if (!input.options.isEmpty())
            context.out() << "  options=" << input.options.join(QLatin1Char('|'));
        if (!input.description.isEmpty())
            context.out() << "  " << input.description;
        context.out() << '\n';
    });
}

int workflowsEnable(CliContext &context, const QCommandLineParser &parser, bool enable)
{
    const std::optional<QString> found = context.repoArgument(parser.positionalArguments().at(0));
    if (!found)
        return ExitUsage;
    const QString repo = *found;
    const QString workflow = parser.positionalArguments().at(1);
    auto client = makeClient(context);
    const auto status =
        recordedCall<Done>(context, enable ? ActionKind::EnableWorkflow : ActionKind::DisableWorkflow,
                           QStringLiteral("%1:%2").arg(repo, workflow),
                           [&](auto done) { client->setWorkflowEnabled(repo, workflow, enable, done); });
    if (!status)
        return context.refused(status.error());
    context.out() << workflow << (enable ? " enabled" : " disabled") << " in " << repo << ".\n";
    return ExitOk;
}

int workflowsDispatch(CliContext &context, const QCommandLineParser &parser)
{
    const std::optional<QString> found = context.repoArgument(parser.positionalArguments().at(0));
    if (!found)
        return ExitUsage;
    const QString repo = *found;
    QJsonObject inputs;
    for (const QString &input : parser.values(kInput)) {
        const qsizetype eq = input.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return context.usageError(QStringLiteral("--input \"%1\" is not KEY=VALUE").arg(input));
        inputs.insert(input.left(eq), input.mid(eq + 1));
    }
    const QString workflow = parser.positionalArguments().at(1);
    auto client = makeClient(context);
    const auto result = recordedCall<DispatchResult>(
        context, ActionKind::Dispatch, QStringLiteral("%1:%2@%3").arg(repo, workflow, parser.value(kRef)),
        [&](auto done) { client->dispatchWorkflow(repo, workflow, parser.value(kRef), inputs, done); });
    if (!result)
        return context.refused(result.error());
    if (parser.isSet(kJson)) {
        printJson(context, result->toJson());
        return ExitOk;
    }
    if (result->runId == 0) {
        context.out() << "Dispatched " << workflow << " on " << parser.value(kRef)
                      << "; the run is not visible yet (this server does not return run details).\n";
        return ExitOk;
    }
    context.out() << "Dispatched " << workflow << " on " << parser.value(kRef) << ": run " << result->runId
                  << '\n'
                  << (result->htmlUrl.isEmpty() ? result->runUrl : result->htmlUrl) << '\n';
    return ExitOk;
}

// --- runs

int runsList(CliContext &context, const QCommandLineParser &parser)
{
    const std::optional<QString> repo = context.repoArgument(parser.positionalArguments().at(0));
    if (!repo)
        return ExitUsage;
    bool ok = false;
    RunFilter filter;
    filter.limit = parser.value(kLimit).toInt(&ok);
    if (!ok || filter.limit <= 0 || filter.limit > 1000)
        return context.usageError(QStringLiteral("--limit must be a number from 1 to 1000"));
    filter.workflow = parser.value(kWorkflow);
    filter.branch = parser.value(kBranch);
    filter.status = parser.value(kStatus);
    filter.actor = parser.value(kActor);
    filter.event = parser.value(kEvent);
    filter.created = parser.value(kCreated);
    auto client = makeClient(context);
    const auto runs = call<QList<WorkflowRun>>([&](auto done) { client->listRuns(*repo, filter, done); });
    return printList(context, parser, runs, [&](const WorkflowRun &run) {
        context.out() << run.id << "  " << outcome(run.status, run.conclusion).leftJustified(11) << "  "
                      << run.name << "  " << run.headBranch << "  " << run.event << "  "
                      << when(run.createdAt) << "  " << run.displayTitle << '\n';
    });
}

int runsShow(CliContext &context, const QCommandLineParser &parser)
{
    const auto target = repoAndId(context, parser, QStringLiteral("RUN_ID"));
    if (!target)
        return ExitUsage;
    const QString repo = target->repo;
    const qint64 runId = target->id;
    auto client = makeClient(context);
    const auto run = call<WorkflowRun>([&](auto done) { client->getRun(repo, runId, done); });
    if (!run)
        return context.refused(run.error());
    const auto jobs = call<QList<Job>>([&](auto done) { client->listJobs(repo, runId, done); });
    if (!jobs)
        return context.refused(jobs.error());
    if (parser.isSet(kJson)) {
        QJsonObject json = run->toJson();
        json.insert(QStringLiteral("jobs"), toJsonArray(*jobs));
        printJson(context, json);
        return ExitOk;
    }
    context.out() << "Run " << run->id << " #" << run->runNumber << "  " << run->name << "  "
                  << outcome(run->status, run->conclusion) << '\n'
                  << "  " << run->displayTitle << '\n'
                  << "  " << run->event << " on " << run->headBranch << " (" << run->headSha.left(7)
                  << ") by " << run->actor << ", " << when(run->createdAt) << '\n'
                  << "  " << run->htmlUrl << '\n';
    for (const Job &job : *jobs) {
        context.out() << "\nJob " << job.id << "  " << job.name << "  " << outcome(job.status, job.conclusion)
                      << '\n';
        for (const Step &step : job.steps)
            context.out() << "  " << QString::number(step.number).rightJustified(2) << ". "
                          << outcome(step.status, step.conclusion).leftJustified(11) << "  " << step.name
                          << '\n';
    }
    return ExitOk;
}

// Prints what changed since the last look: the run's state, then each job's and step's.
class WatchPrinter
{
public:
    explicit WatchPrinter(CliContext &context)
        : m_context(context)
    {
    }

    void print(const WorkflowRun &run, const QList<Job> &jobs)
    {
        line(QStringLiteral("run"), outcome(run.status, run.conclusion),
             QStringLiteral("Run #%1 %2 (%3 on %4)")
                 .arg(run.runNumber)
                 .arg(run.name, run.event, run.headBranch));
        for (const Job &job : jobs) {
            line(QStringLiteral("job %1").arg(job.id), outcome(job.status, job.conclusion),
                 QStringLiteral("  %1").arg(job.name));
            for (const Step &step : job.steps)
                line(QStringLiteral("job %1 step %2").arg(job.id).arg(step.number),
                     outcome(step.status, step.conclusion),
                     QStringLiteral("    %1. %2").arg(step.number).arg(step.name));
        }
    }

private:
    void line(const QString &key, const QString &state, const QString &what)
    {
        if (m_seen.value(key) == state)
            return;
        m_seen.insert(key, state);
        m_context.out() << what << ": " << state << '\n';
        m_context.out().flush();
    }

    CliContext &m_context;
    QHash<QString, QString> m_seen;
};

// `gh run watch --exit-status`: follows the run until it completes; exit 0 on success, 1 otherwise.
int runsWatch(CliContext &context, const QCommandLineParser &parser)
{
    const auto target = repoAndId(context, parser, QStringLiteral("RUN_ID"));
    if (!target)
        return ExitUsage;
    const QString repo = target->repo;
    const qint64 runId = target->id;
    bool ok = false;
    const double interval = parser.value(kInterval).toDouble(&ok);
    if (!ok || interval <= 0 || interval > 3600)
        return context.usageError(QStringLiteral("--interval must be a number of seconds from 0 to 3600"));
    auto client = makeClient(context);
    WatchPrinter printer(context);
    for (;;) {
        const auto run = call<WorkflowRun>([&](auto done) { client->getRun(repo, runId, done); });
        if (!run)
            return context.refused(run.error());
        const auto jobs = call<QList<Job>>([&](auto done) { client->listJobs(repo, runId, done); });
        if (!jobs)
            return context.refused(jobs.error());
        printer.print(*run, *jobs);
        if (run->status == QLatin1String("completed")) {
            const bool success = run->conclusion == QLatin1String("success");
            context.out() << "Run #" << run->runNumber << ' ' << run->name << " finished: " << run->conclusion
                          << '\n';
            return success ? ExitOk : ExitRefused;
        }
        // Unchanged answers are 304s from the ETag cache and cost no rate limit; the wait follows
        // GitHub's X-Poll-Interval when it asks for longer.
        const int waitMs = std::max(int(interval * 1000), client->connection().pollIntervalSecs() * 1000);
        runBlocking([waitMs](std::function<void()> finished) { QTimer::singleShot(waitMs, finished); });
    }
}

int runsArtifacts(CliContext &context, const QCommandLineParser &parser)
{
    const auto target = repoAndId(context, parser, QStringLiteral("RUN_ID"));
    if (!target)
        return ExitUsage;
    const QString repo = target->repo;
    const qint64 runId = target->id;
    auto client = makeClient(context);
    const auto artifacts =
        call<QList<Artifact>>([&](auto done) { client->listArtifacts(repo, runId, done); });
    return printList(context, parser, artifacts, [&](const Artifact &artifact) {
        context.out() << artifact.id << "  " << artifact.name << "  " << artifact.sizeInBytes << " bytes"
                      << (artifact.expired ? QStringLiteral("  (expired)")
                                           : QStringLiteral("  expires ") + when(artifact.expiresAt))
                      << '\n';
    });
}

// Saves the artifact's zip as NAME.zip (gh run download unpacks; a zip keeps what GitHub served, byte for
// byte, and is never written over an existing file).
int runsDownload(CliContext &context, const QCommandLineParser &parser)
{
    const auto target = repoAndId(context, parser, QStringLiteral("ARTIFACT_ID"));
    if (!target)
        return ExitUsage;
    const QString repo = target->repo;
    const qint64 artifactId = target->id;
    const QDir dir(parser.value(kDir));
    if (!dir.exists())
        return context.usageError(QStringLiteral("--dir %1 is not a folder").arg(parser.value(kDir)));
    auto client = makeClient(context);
    const auto found = call<Artifact>([&](auto done) { client->getArtifact(repo, artifactId, done); });
    if (!found)
        return context.refused(found.error());
    const QString path = dir.filePath(artifactFileName(*found));
    if (QFileInfo::exists(path)) {
        context.err() << "exeserver-cli: " << path << " exists; not overwritten.\n";
        return ExitRefused;
    }
    const auto zip = call<QByteArray>([&](auto done) { client->downloadArtifact(repo, artifactId, done); });
    if (!zip)
        return context.refused(zip.error());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(*zip) != zip->size() || !file.commit()) {
        context.err() << "exeserver-cli: could not write " << path << ": " << file.errorString() << '\n';
        return ExitRefused;
    }
    context.out() << "Saved " << found->name << " (" << zip->size() << " bytes) to " << path << '\n';
    return ExitOk;
}

// Approves or rejects every deployment of the run that waits for the token's user.
int runsReview(CliContext &context, const QCommandLineParser &parser)
{
    const auto target = repoAndId(context, parser, QStringLiteral("RUN_ID"));
    if (!target)
        return ExitUsage;
    const QString repo = target->repo;
    const qint64 runId = target->id;
    if (parser.isSet(kApprove) == parser.isSet(kReject))
        return context.usageError(QStringLiteral("give either --approve or --reject"));
    const bool approve = parser.isSet(kApprove);
    auto client = makeClient(context);
    const auto pending =
        call<QList<PendingDeployment>>([&](auto done) { client->listPendingDeployments(repo, runId, done); });
    if (!pending)
        return context.refused(pending.error());
    QList<qint64> ids;
    QStringList names;
    for (const PendingDeployment &deployment : *pending)
        if (deployment.currentUserCanApprove) {
            ids.append(deployment.environmentId);
            names.append(deployment.environment);
        }
    if (ids.isEmpty()) {
        context.err() << "exeserver-cli: run " << runId << " has no deployment waiting for your review.\n";
        return ExitRefused;
    }
    const auto status = recordedCall<Done>(
        context, ActionKind::ReviewDeployment,
        QStringLiteral("%1/actions/runs/%2 %3 %4")
            .arg(repo)
            .arg(runId)
            .arg(approve ? QStringLiteral("approve") : QStringLiteral("reject"),
                 names.join(QLatin1Char(','))),
        [&](auto done) {
            client->reviewPendingDeployments(repo, runId, ids, approve, parser.value(kComment), done);
        });
    if (!status)
        return context.refused(status.error());
    context.out() << (approve ? "Approved" : "Rejected") << " the deployment to "
                  << names.join(QStringLiteral(", ")) << " of run " << runId << ".\n";
    return ExitOk;
}

int runsLogs(CliContext &context, const QCommandLineParser &parser)
{
    const auto target = repoAndId(context, parser, QStringLiteral("RUN_ID"));
    if (!target)
        return ExitUsage;
    const QString repo = target->repo;
    const qint64 runId = target->id;
    qint64 jobId = 0;
    if (parser.isSet(kJob)) {
        bool ok = false;
        jobId = parser.value(kJob).toLongLong(&ok);
        if (!ok || jobId <= 0)
            return context.usageError(QStringLiteral("--job must be a job id"));
    }
    auto client = makeClient(context);
    QList<Job> jobs;
    if (jobId) {
        Job only;
        only.id = jobId;
        jobs.append(only);
    } else {
        const auto listed = call<QList<Job>>([&](auto done) { client->listJobs(repo, runId, done); });
        if (!listed)
            return context.refused(listed.error());
        jobs = *listed;
    }
    for (const Job &job : jobs) {
        const auto log = call<QByteArray>([&](auto done) { client->jobLogs(repo, job.id, done); });
        if (!log)
            return context.refused(log.error());
        if (!jobId)
            context.out() << "==> " << job.name << " (job " << job.id << ") <==\n";
        context.out() << QString::fromUtf8(*log);
        if (!log->endsWith('\n'))
            context.out() << '\n';
    }
    return ExitOk;
}

int runsAction(CliContext &context, const QCommandLineParser &parser, bool rerun)
{
    const auto target = repoAndId(context, parser, QStringLiteral("RUN_ID"));
    if (!target)
        return ExitUsage;
    const QString repo = target->repo;
    const qint64 runId = target->id;
    qint64 jobId = 0;
    if (rerun && parser.isSet(kRerunJob)) {
        jobId = parser.value(kRerunJob).toLongLong();
        if (jobId <= 0 || parser.isSet(kFailed))
            return context.usageError(QStringLiteral("--job takes a job id, and not with --failed"));
    }
    auto client = makeClient(context);
    const bool debug = parser.isSet(kDebug);
    if (jobId != 0) {
        const auto status = recordedCall<Done>(
            context, ActionKind::Rerun, QStringLiteral("%1/actions/jobs/%2").arg(repo).arg(jobId),
            [&](auto done) { client->rerunJob(repo, jobId, debug, done); });
        if (!status)
            return context.refused(status.error());
        context.out() << "Re-running job " << jobId << " of run " << runId
                      << (debug ? " with debug logging" : "") << ".\n";
        return ExitOk;
    }
    const auto status =
        recordedCall<Done>(context, rerun ? ActionKind::Rerun : ActionKind::Cancel,
                           QStringLiteral("%1/actions/runs/%2").arg(repo).arg(runId), [&](auto done) {
                               if (rerun)
                                   client->rerunRun(repo, runId, parser.isSet(kFailed), done, debug);
                               else
                                   client->cancelRun(repo, runId, parser.isSet(kForce), done);
                           });
    if (!status)
        return context.refused(status.error());
    if (rerun)
        context.out() << "Re-running " << (parser.isSet(kFailed) ? "the failed jobs of " : "") << "run "
                      << runId << ".\n";
    else
        context.out() << (parser.isSet(kForce) ? "Force-cancelling" : "Cancelling") << " run " << runId
                      << ".\n";
    return ExitOk;
}

// --- pull requests and comments

int prsList(CliContext &context, const QCommandLineParser &parser)
{
    const std::optional<QString> found = context.repoArgument(parser.positionalArguments().at(0));
    if (!found)
        return ExitUsage;
    const QString repo = *found;
    auto client = makeClient(context);
    const auto pulls = call<QList<PullRequest>>(
        [&](auto done) { client->listPullRequests(repo, parser.value(kState), done); });
    if (!pulls)
        return context.refused(pulls.error());
    // Each pull request's head commit's checks, as GitHub's list shows them; a refused look-up (a token
    // without checks:read) leaves the state unknown rather than failing the list.
    QJsonArray json;
    for (const PullRequest &pr : *pulls) {
        const auto checks =
            call<ChecksSummary>([&](auto done) { client->checksFor(repo, pr.headSha, done); });
        if (parser.isSet(kJson)) {
            QJsonObject item = pr.toJson();
            item.insert(QStringLiteral("checks"), checks ? QJsonValue(checks->toJson()) : QJsonValue());
            json.append(item);
            continue;
        }
        context.out() << '#' << pr.number << "  " << pr.title << "  " << pr.headRef << " -> " << pr.baseRef
                      << "  " << pr.author << (pr.draft ? "  (draft)" : "")
                      << "  checks: " << (checks ? checks->describe() : QStringLiteral("unknown")) << '\n';
    }
    if (parser.isSet(kJson))
        printJson(context, json);
    return ExitOk;
}

int comment(CliContext &context, const QCommandLineParser &parser)
{
    const auto target = repoAndId(context, parser, QStringLiteral("PR_NUMBER"));
    if (!target)
        return ExitUsage;
    const QString repo = target->repo;
    const qint64 number = target->id;
    const bool hasBody = !parser.value(kBody).trimmed().isEmpty();
    if (hasBody == parser.isSet(kPreset))
        return context.usageError(QStringLiteral("give either --body TEXT or --preset NAME"));
    QString body = parser.value(kBody);
    if (parser.isSet(kPreset)) {
        // Rendered as a trigger would, with what is known without an event: the repository and the number.
        const PresetStore presets(context.settings().dataDir());
        CommentAction action;
        action.preset = parser.value(kPreset);
        action.args = parser.value(kArgs);
        QJsonObject templateContext{
            {QStringLiteral("repository"), repo},
            {QStringLiteral("event"),
             QJsonObject{{QStringLiteral("number"), double(number)},
                         {QStringLiteral("repository"), QJsonObject{{QStringLiteral("full_name"), repo}}}}}};
        const Result<QString> rendered = presets.renderComment(action, templateContext);
        if (!rendered)
            return context.refused(rendered.error());
        body = *rendered;
    }
    auto client = makeClient(context);
    const auto created =
        recordedCall<Comment>(context, ActionKind::Comment, QStringLiteral("%1#%2").arg(repo).arg(number),
                              [&](auto done) { client->createIssueComment(repo, int(number), body, done); });
    if (!created)
        return context.refused(created.error());
    if (parser.isSet(kJson)) {
        printJson(context, created->toJson());
        return ExitOk;
    }
    context.out() << "Commented on " << repo << '#' << number << ": " << created->htmlUrl << '\n';
    return ExitOk;
}

} // namespace

void registerGitHubCommands(CommandTable &table)
{
    const auto words = [](const char *a, const char *b = nullptr) {
        QStringList list{QString::fromLatin1(a)};
        if (b)
            list.append(QString::fromLatin1(b));
        return list;
    };
    const QString repoRun = QStringLiteral("OWNER/REPO RUN_ID");
    table.add({.words = words("auth", "status"),
               .summary = QStringLiteral(
                   "Show who the token belongs to, where it came from, its scopes and the rate "
                   "limit."),
               .run = authStatus,
               .options = {kJson},
               .maxArguments = 0});
    table.add(
        {.words = words("repos", "list"),
         .summary = QStringLiteral("List your repositories (owned, collaborator, organisation member)."),
         .run = reposList,
         .options = {kOrg, kJson},
         .maxArguments = 0});
    table.add({.words = words("workflows", "list"),
               .arguments = QStringLiteral("OWNER/REPO"),
               .summary = QStringLiteral("List a repository's workflows."),
               .run = workflowsList,
               .options = {kJson},
               .minArguments = 1,
               .maxArguments = 1});
    table.add({.words = words("workflows", "inputs"),
               .arguments = QStringLiteral("OWNER/REPO WORKFLOW"),
               .summary = QStringLiteral("Show a workflow's workflow_dispatch inputs."),
               .run = workflowsInputs,
               .options = {kRef, kJson},
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("workflows", "enable"),
               .arguments = QStringLiteral("OWNER/REPO WORKFLOW"),
               .summary = QStringLiteral("Enable a workflow."),
               .run = [](CliContext &c, const QCommandLineParser &p) { return workflowsEnable(c, p, true); },
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("workflows", "disable"),
               .arguments = QStringLiteral("OWNER/REPO WORKFLOW"),
               .summary = QStringLiteral("Disable a workflow."),
               .run = [](CliContext &c, const QCommandLineParser &p) { return workflowsEnable(c, p, false); },
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("workflows", "dispatch"),
               .arguments = QStringLiteral("OWNER/REPO WORKFLOW"),
               .summary = QStringLiteral("Run a workflow by hand; prints the run id and URL."),
               .run = workflowsDispatch,
               .options = {kRef, kInput, kJson},
               .minArguments = 2,
               .maxArguments = 2,
               .requiredOptions = kRef.names()});
    table.add({.words = words("runs", "list"),
               .arguments = QStringLiteral("OWNER/REPO"),
               .summary = QStringLiteral("List workflow runs, newest first, filtered on GitHub's side."),
               .run = runsList,
               .options = {kWorkflow, kBranch, kStatus, kActor, kEvent, kCreated, kLimit, kJson},
               .minArguments = 1,
               .maxArguments = 1});
    table.add({.words = words("runs", "review"),
               .arguments = repoRun,
               .summary = QStringLiteral("Approve (--approve) or reject (--reject) the run's deployments "
                                         "waiting for your review."),
               .run = runsReview,
               .options = {kApprove, kReject, kComment},
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("runs", "artifacts"),
               .arguments = repoRun,
               .summary = QStringLiteral("List a run's artifacts."),
               .run = runsArtifacts,
               .options = {kJson},
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("runs", "download"),
               .arguments = QStringLiteral("OWNER/REPO ARTIFACT_ID"),
               .summary = QStringLiteral("Save an artifact as NAME.zip."),
               .run = runsDownload,
               .options = {kDir},
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("runs", "watch"),
               .arguments = repoRun,
               .summary = QStringLiteral(
                   "Follow a run's jobs and steps until it ends; exit 0 if it succeeded, 1 if not."),
               .run = runsWatch,
               .options = {kInterval},
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("runs", "show"),
               .arguments = repoRun,
               .summary = QStringLiteral("Show a run with its jobs and steps."),
               .run = runsShow,
               .options = {kJson},
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("runs", "logs"),
               .arguments = repoRun,
               .summary = QStringLiteral("Print a run's job logs."),
               .run = runsLogs,
               .options = {kJob},
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("runs", "rerun"),
               .arguments = repoRun,
               .summary = QStringLiteral("Re-run a run (--failed: only its failed jobs; --job: one job)."),
               .run = [](CliContext &c, const QCommandLineParser &p) { return runsAction(c, p, true); },
               .options = {kFailed, kRerunJob, kDebug},
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("runs", "cancel"),
               .arguments = repoRun,
               .summary = QStringLiteral("Cancel a run."),
               .run = [](CliContext &c, const QCommandLineParser &p) { return runsAction(c, p, false); },
               .options = {kForce},
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("prs", "list"),
               .arguments = QStringLiteral("OWNER/REPO"),
               .summary = QStringLiteral("List pull requests."),
               .run = prsList,
               .options = {kState, kJson},
               .minArguments = 1,
               .maxArguments = 1});
    table.add(
        {.words = words("comment"),
         .arguments = QStringLiteral("OWNER/REPO PR_NUMBER"),
         .summary = QStringLiteral("Comment on a pull request or issue: --body TEXT, or --preset NAME."),
         .run = comment,
         .options = {kBody, kPreset, kArgs, kJson},
         .minArguments = 2,
         .maxArguments = 2});
}

} // namespace exeserver::cli
