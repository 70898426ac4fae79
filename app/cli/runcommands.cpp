// `exeserver-cli runs …`: a repository's workflow runs — list, follow, logs, artifacts, reviews, re-runs.
#include "commandtable.h"
#include "githubcalls.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QSaveFile>
#include <QTimer>

namespace exeserver::cli {

namespace {

const QCommandLineOption &kJson = jsonOutputOption();
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
QString outcome(const QString &status, const QString &conclusion)
{
    return conclusion.isEmpty() ? status : conclusion;
}

QString when(const QDateTime &time)
{
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                          : QStringLiteral("-");
}

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

} // namespace

void registerRunCommands(CommandTable &table)
{
    const auto words = [](const char *second) {
        return QStringList{QStringLiteral("runs"), QString::fromLatin1(second)};
    };
    const QString repoRun = QStringLiteral("OWNER/REPO RUN_ID");
    table.add({.words = words("list"),
               .arguments = QStringLiteral("OWNER/REPO"),
               .summary = QStringLiteral("List workflow runs, newest first, filtered on GitHub's side."),
               .run = runsList,
               .options = {kWorkflow, kBranch, kStatus, kActor, kEvent, kCreated, kLimit, kJson},
               .minArguments = 1,
               .maxArguments = 1});
    table.add({.words = words("review"),
               .arguments = repoRun,
               .summary = QStringLiteral("Approve (--approve) or reject (--reject) the run's deployments "
                                         "waiting for your review."),
               .run = runsReview,
               .options = {kApprove, kReject, kComment},
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("artifacts"),
               .arguments = repoRun,
               .summary = QStringLiteral("List a run's artifacts."),
               .run = runsArtifacts,
               .options = {kJson},
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("download"),
               .arguments = QStringLiteral("OWNER/REPO ARTIFACT_ID"),
               .summary = QStringLiteral("Save an artifact as NAME.zip."),
               .run = runsDownload,
               .options = {kDir},
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("watch"),
               .arguments = repoRun,
               .summary = QStringLiteral(
                   "Follow a run's jobs and steps until it ends; exit 0 if it succeeded, 1 if not."),
               .run = runsWatch,
               .options = {kInterval},
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("show"),
               .arguments = repoRun,
               .summary = QStringLiteral("Show a run with its jobs and steps."),
               .run = runsShow,
               .options = {kJson},
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("logs"),
               .arguments = repoRun,
               .summary = QStringLiteral("Print a run's job logs."),
               .run = runsLogs,
               .options = {kJob},
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("rerun"),
               .arguments = repoRun,
               .summary = QStringLiteral("Re-run a run (--failed: only its failed jobs; --job: one job)."),
               .run = [](CliContext &c, const QCommandLineParser &p) { return runsAction(c, p, true); },
               .options = {kFailed, kRerunJob, kDebug},
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("cancel"),
               .arguments = repoRun,
               .summary = QStringLiteral("Cancel a run."),
               .run = [](CliContext &c, const QCommandLineParser &p) { return runsAction(c, p, false); },
               .options = {kForce},
               .minArguments = 2,
               .maxArguments = 2});
}

} // namespace exeserver::cli
