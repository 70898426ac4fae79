#include "assistant/proposalrunner.h"

#include "config/logging.h"
#include "github/githubclient.h"
#include "store/eventstore.h"
#include "store/recordedaction.h"
#include "triggers/triggerdryrun.h"
#include "triggers/triggerengine.h"
#include "triggers/triggerfile.h"
#include "triggers/triggerimport.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace exeserver {

namespace {

const QString kDispatch = QStringLiteral("dispatch");
const QString kComment = QStringLiteral("comment");
const QString kRerun = QStringLiteral("rerun");
const QString kCancel = QStringLiteral("cancel");
const QString kCreateTrigger = QStringLiteral("create_trigger");
const QString kEnableTrigger = QStringLiteral("enable_trigger");

QString str(const QJsonObject &args, const char *key)
{
    return args.value(QLatin1String(key)).toString().trimmed();
}

qint64 integer(const QJsonObject &args, const char *key)
{
    const QJsonValue value = args.value(QLatin1String(key));
    return value.isString() ? value.toString().toLongLong() : qint64(value.toDouble());
}

bool isRepo(const QString &repo)
{
    const QStringList parts = repo.split(QLatin1Char('/'));
    return parts.size() == 2 && !parts.at(0).isEmpty() && !parts.at(1).isEmpty();
}

Error invalid(const QString &message)
{
    return {QStringLiteral("invalid"), message};
}

} // namespace

ProposalRunner::ProposalRunner(GitHubClient *github, EventStore *store)
    : m_github(github)
    , m_store(store)
{
}

QStringList ProposalRunner::operations()
{
    return {kDispatch, kComment, kRerun, kCancel, kCreateTrigger, kEnableTrigger};
}

Result<ChatCard> ProposalRunner::propose(const QString &operation, const QJsonObject &args, const QString &id,
                                         EventStore *store)
{
    ChatCard card;
    card.kind = QStringLiteral("proposal");
    card.proposalId = id;
    card.operation = operation;
    card.state = ProposalState::Pending;
    card.status = QStringLiteral("pending");
    const QString repo = str(args, "repo");
    if (operation != kCreateTrigger && operation != kEnableTrigger && !isRepo(repo))
        return invalid(QStringLiteral("\"repo\" must be OWNER/REPO, not \"%1\".").arg(repo));
    if (operation == kDispatch) {
        const QString workflow = str(args, "workflow");
        const QString ref = str(args, "ref");
        if (workflow.isEmpty() || ref.isEmpty())
            return invalid(QStringLiteral("A dispatch needs \"workflow\" (file name or id) and \"ref\"."));
        const QJsonObject inputs = args.value(QLatin1String("inputs")).toObject();
        card.title = QStringLiteral("Dispatch %1 on %2").arg(workflow, ref);
        card.details = {{QStringLiteral("repo"), repo},
                        {QStringLiteral("workflow"), workflow},
                        {QStringLiteral("ref"), ref},
                        {QStringLiteral("inputs"), inputs}};
        card.fields = {{QStringLiteral("Repository"), repo},
                       {QStringLiteral("Workflow"), workflow},
                       {QStringLiteral("Ref"), ref}};
        for (auto it = inputs.begin(); it != inputs.end(); ++it)
            card.fields.append(
                {QStringLiteral("Input %1").arg(it.key()),
                 it.value().isString()
                     ? it.value().toString()
                     : QString::fromUtf8(QJsonDocument(QJsonArray{it.value()}).toJson(QJsonDocument::Compact))
                           .mid(1)
                           .chopped(1)});
    } else if (operation == kComment) {
        const qint64 number = integer(args, "number");
        const QString body = args.value(QLatin1String("body")).toString();
        if (number <= 0 || body.trimmed().isEmpty())
            return invalid(
                QStringLiteral("A comment needs the issue or pull request \"number\" and a \"body\"."));
        card.title = QStringLiteral("Comment on %1#%2").arg(repo).arg(number);
        card.details = {{QStringLiteral("repo"), repo},
                        {QStringLiteral("number"), number},
                        {QStringLiteral("body"), body}};
        card.fields = {{QStringLiteral("On"), QStringLiteral("%1#%2").arg(repo).arg(number)},
                       {QStringLiteral("Comment"), body}};
    } else if (operation == kRerun || operation == kCancel) {
        const qint64 runId = integer(args, "run_id");
        if (runId <= 0)
            return invalid(QStringLiteral("\"run_id\" must be a workflow run id."));
        const bool failedOnly = args.value(QLatin1String("failed_only")).toBool(true);
        card.title = operation == kCancel ? QStringLiteral("Cancel run %1").arg(runId)
                     : failedOnly         ? QStringLiteral("Re-run the failed jobs of run %1").arg(runId)
                                          : QStringLiteral("Re-run all jobs of run %1").arg(runId);
        card.details = {{QStringLiteral("repo"), repo}, {QStringLiteral("run_id"), runId}};
        if (operation == kRerun)
            card.details.insert(QStringLiteral("failed_only"), failedOnly);
        card.fields = {{QStringLiteral("Repository"), repo}, {QStringLiteral("Run"), QString::number(runId)}};
    } else if (operation == kCreateTrigger) {
        const QString yaml = args.value(QLatin1String("yaml")).toString();
        const Result<QList<Trigger>> parsed = TriggerFile::parse(yaml.toUtf8(), TriggerFile::Format::Yaml);
        if (!parsed)
            return invalid(QStringLiteral("The trigger is not valid: %1").arg(parsed.error().message));
        if (parsed->size() != 1)
            return invalid(
                QStringLiteral("Propose one trigger at a time (this YAML has %1).").arg(parsed->size()));
        card.title = QStringLiteral("Create trigger %1").arg(parsed->first().name);
        card.details = {{QStringLiteral("yaml"), yaml}};
        // A trigger that runs a program is created disabled, as an imported one is (TriggerImport): text the
        // model read in an issue or PR must not become code running here with one click.
        const QString code = TriggerImport::codeSummary(parsed->first());
        card.fields = {
            {QStringLiteral("Trigger"), parsed->first().name},
            {QStringLiteral("Event"), parsed->first().event},
            {QStringLiteral("Runs"), code.isEmpty() ? QStringLiteral("no program on this machine") : code},
            {QStringLiteral("Enabled"),
             parsed->first().enabled && code.isEmpty() ? QStringLiteral("yes") : QStringLiteral("no")}};
    } else if (operation == kEnableTrigger) {
        const QString name = str(args, "name");
        if (name.isEmpty())
            return invalid(QStringLiteral("Name the trigger to enable or disable."));
        const bool enabled = args.value(QLatin1String("enabled")).toBool(true);
        card.title = enabled ? QStringLiteral("Enable trigger %1").arg(name)
                             : QStringLiteral("Disable trigger %1").arg(name);
        card.details = {{QStringLiteral("name"), name}, {QStringLiteral("enabled"), enabled}};
        card.fields = {{QStringLiteral("Trigger"), name}};
        // Enabling says what will then run, so approving is an informed choice.
        if (enabled && store) {
            if (const Result<QList<Trigger>> stored = loadStoredTriggers(*store)) {
                for (const Trigger &trigger : *stored)
                    if (trigger.name == name && !TriggerImport::codeSummary(trigger).isEmpty())
                        card.fields.append({QStringLiteral("Runs"), TriggerImport::codeSummary(trigger)});
            }
        }
    } else {
        return invalid(QStringLiteral("Unknown change \"%1\".").arg(operation));
    }
    return card;
}

void ProposalRunner::run(const ChatCard &proposal, std::function<void(Result<QString>)> done)
{
    qCInfo(lcAssistant).noquote() << "running approved proposal" << proposal.proposalId << proposal.operation;
    if (proposal.operation == kCreateTrigger || proposal.operation == kEnableTrigger) {
        done(runTriggerChange(proposal));
        return;
    }
    runGitHub(proposal, std::move(done));
}

Result<QString> ProposalRunner::runTriggerChange(const ChatCard &proposal)
{
    if (!m_store)
        return Error{QStringLiteral("store"),
                     QStringLiteral("Nothing changed: the event store is not open.")};
    if (proposal.operation == kCreateTrigger) {
        const Result<QList<Trigger>> parsed = TriggerFile::parse(
            proposal.details.value(QLatin1String("yaml")).toString().toUtf8(), TriggerFile::Format::Yaml);
        if (!parsed || parsed->isEmpty())
            return parsed ? Error{QStringLiteral("invalid"), QStringLiteral("The YAML holds no trigger.")}
                          : parsed.error();
        const TriggerImport reviewed = TriggerImport::review({parsed->first()}, /*trustCode=*/false);
        if (const Status saved = m_store->saveTrigger(toStoredTrigger(reviewed.triggers.first())); !saved)
            return saved.error();
        if (!reviewed.held.isEmpty())
            return QStringLiteral("Trigger %1 created, disabled: %2. Enable it once you have checked it.")
                .arg(parsed->first().name, reviewed.held.first());
        return QStringLiteral("Trigger %1 created.").arg(parsed->first().name);
    }
    const QString name = proposal.details.value(QLatin1String("name")).toString();
    const bool enabled = proposal.details.value(QLatin1String("enabled")).toBool(true);
    const Result<QList<StoredTrigger>> rows = m_store->triggers();
    if (!rows)
        return rows.error();
    for (StoredTrigger row : *rows) {
        if (row.name != name)
            continue;
        row.enabled = enabled;
        if (const Status saved = m_store->saveTrigger(row); !saved)
            return saved.error();
        return enabled ? QStringLiteral("Trigger %1 enabled.").arg(name)
                       : QStringLiteral("Trigger %1 disabled.").arg(name);
    }
    return Error{QStringLiteral("not_found"), QStringLiteral("No trigger named \"%1\".").arg(name)};
}

void ProposalRunner::runGitHub(const ChatCard &proposal, std::function<void(Result<QString>)> done)
{
    if (!m_github)
        return done(
            Error{QStringLiteral("no_github"),
                  QStringLiteral("Nothing was sent: ExeServer is not connected to GitHub (no token).")});
    if (!m_store)
        return done(
            Error{QStringLiteral("action_log"),
                  QStringLiteral("Nothing was sent: the action log (event store) could not be opened.")});
    const QJsonObject d = proposal.details;
    const QString repo = d.value(QLatin1String("repo")).toString();
    QPointer<GitHubClient> client = m_github;
    auto message = std::make_shared<QString>();
    ActionKind kind = ActionKind::Dispatch;
    QString target;
    ActionCall call;
    if (proposal.operation == kDispatch) {
        const QString workflow = d.value(QLatin1String("workflow")).toString();
        const QString ref = d.value(QLatin1String("ref")).toString();
        const QJsonObject inputs = d.value(QLatin1String("inputs")).toObject();
        target = QStringLiteral("%1:%2@%3").arg(repo, workflow, ref);
        call = [client, repo, workflow, ref, inputs, message](auto finished) {
            client->dispatchWorkflow(
                repo, workflow, ref, inputs, [finished, workflow, ref, message](auto result) {
                    if (!result)
                        return finished(result.error());
                    *message = result->runId != 0 ? QStringLiteral("Dispatched %1 on %2: run %3.")
                                                        .arg(workflow, ref)
                                                        .arg(result->runId)
                                                  : QStringLiteral("Dispatched %1 on %2.").arg(workflow, ref);
                    finished(success());
                });
        };
    } else if (proposal.operation == kComment) {
        kind = ActionKind::Comment;
        const int number = d.value(QLatin1String("number")).toInt();
        const QString body = d.value(QLatin1String("body")).toString();
        target = QStringLiteral("%1#%2").arg(repo).arg(number);
        call = [client, repo, number, body, message](auto finished) {
            client->createIssueComment(repo, number, body, [finished, message](Result<Comment> result) {
                if (!result)
                    return finished(result.error());
                *message = QStringLiteral("Comment posted: %1").arg(result->htmlUrl);
                finished(success());
            });
        };
    } else if (proposal.operation == kRerun || proposal.operation == kCancel) {
        const qint64 runId = qint64(d.value(QLatin1String("run_id")).toDouble());
        const bool failedOnly = d.value(QLatin1String("failed_only")).toBool(true);
        const bool cancel = proposal.operation == kCancel;
        kind = cancel ? ActionKind::Cancel : ActionKind::Rerun;
        target = QStringLiteral("%1/actions/runs/%2").arg(repo).arg(runId);
        call = [client, repo, runId, failedOnly, cancel, message](auto finished) {
            auto after = [finished, message, runId, cancel](Status status) {
                if (status)
                    *message = cancel ? QStringLiteral("Run %1 is being cancelled.").arg(runId)
                                      : QStringLiteral("Run %1 was re-run.").arg(runId);
                finished(status);
            };
            if (cancel)
                client->cancelRun(repo, runId, false, after);
            else
                client->rerunRun(repo, runId, failedOnly, after);
        };
    } else {
        return done(Error{QStringLiteral("invalid"),
                          QStringLiteral("Unknown change \"%1\".").arg(proposal.operation)});
    }
    const Status started = runRecordedAction(m_store, kind, target, call, [done, message](Status status) {
        if (!status)
            return done(status.error());
        done(*message);
    });
    if (!started)
        done(
            Error{started.error().kind, QStringLiteral("Nothing was sent: %1").arg(started.error().message)});
}

} // namespace exeserver
