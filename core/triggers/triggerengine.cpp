#include "triggers/triggerengine.h"

#include "config/logging.h"
#include "config/secretredactor.h"
#include "events/occurrence.h"
#include "github/githubclient.h"
#include "store/eventstore.h"
#include "triggers/actionoutcomes.h"
#include "triggers/codefilerunner.h"
#include "triggers/presetstore.h"
#include "triggers/runfiles.h"
#include "triggers/templateengine.h"
#include "triggers/triggerclaims.h"
#include "triggers/triggerfile.h"
#include "triggers/triggerfiring.h"
#include "triggers/triggermatcher.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QSet>

#include <algorithm>

namespace exeserver {

StoredTrigger toStoredTrigger(const Trigger &trigger)
{
    StoredTrigger stored;
    stored.id = trigger.name;
    stored.name = trigger.name;
    stored.enabled = trigger.enabled;
    stored.definition =
        QString::fromUtf8(QJsonDocument(TriggerFile::toJsonObject(trigger)).toJson(QJsonDocument::Compact));
    return stored;
}

Result<Trigger> fromStoredTrigger(const StoredTrigger &stored)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(stored.definition.toUtf8(), &parseError);
    if (!document.isObject())
        return Error{
            QStringLiteral("invalid"),
            QStringLiteral("trigger \"%1\": stored definition is not a JSON object").arg(stored.name)};
    Result<Trigger> trigger = TriggerFile::fromJsonObject(document.object());
    if (trigger.ok())
        trigger.value().enabled = stored.enabled;
    return trigger;
}

namespace {

using namespace actionoutcomes;

ActionKind kindOf(const TriggerAction &action)
{
    struct Visitor
    {
        ActionKind operator()(const CodefileAction &) const { return ActionKind::CodeFile; }
        ActionKind operator()(const WorkflowAction &) const { return ActionKind::Dispatch; }
        ActionKind operator()(const CommentAction &) const { return ActionKind::Comment; }
        ActionKind operator()(const NotifyAction &) const { return ActionKind::Notify; }
        ActionKind operator()(const RerunFailedAction &) const { return ActionKind::Rerun; }
        ActionKind operator()(const CancelRunAction &) const { return ActionKind::Cancel; }
        ActionKind operator()(const ReactionAction &) const { return ActionKind::Reaction; }
    };
    return std::visit(Visitor{}, action);
}

QString repositoryOf(const QString &requested, const EventContext &event)
{
    return requested.trimmed().isEmpty() ? event.repository : requested.trimmed();
}

// The run a rerun/cancel acts on: the action's own, else the event's workflow run.
qint64 runIdOf(const QString &requested, const EventContext &event)
{
    if (!requested.trimmed().isEmpty())
        return requested.trimmed().toLongLong();
    return qint64(
        event.payload.value(QLatin1String("workflow_run")).toObject().value(QLatin1String("id")).toDouble());
}

// What the action log shows as the action's target.
QString targetOf(const TriggerAction &rendered, const EventContext &event)
{
    if (const auto *codefile = std::get_if<CodefileAction>(&rendered))
        return codefile->path;
    if (const auto *workflow = std::get_if<WorkflowAction>(&rendered))
        return QStringLiteral("%1:%2@%3")
            .arg(repositoryOf(workflow->repository, event), workflow->workflow, workflow->ref);
    if (const auto *comment = std::get_if<CommentAction>(&rendered))
        return QStringLiteral("%1#%2").arg(
            event.repository, comment->pr.isEmpty() ? QString::number(event.number()) : comment->pr);
    if (const auto *notify = std::get_if<NotifyAction>(&rendered))
        return notify->title;
    if (const auto *rerun = std::get_if<RerunFailedAction>(&rendered))
        return QStringLiteral("%1 run %2").arg(event.repository).arg(runIdOf(rerun->run, event));
    if (const auto *cancel = std::get_if<CancelRunAction>(&rendered))
        return QStringLiteral("%1 run %2").arg(event.repository).arg(runIdOf(cancel->run, event));
    const auto &reaction = std::get<ReactionAction>(rendered);
    return QStringLiteral("%1 comment %2 :%3:")
        .arg(event.repository)
        .arg(qint64(
            event.payload.value(QLatin1String("comment")).toObject().value(QLatin1String("id")).toDouble()))
        .arg(reaction.content);
}

} // namespace

void TriggerEngine::setGitHub(GitHubClient *github, const QString &token)
{
    m_github = github;
    m_options.token = token;
}

TriggerEngine::TriggerEngine(EventStore &store, GitHubClient *github, CodefileRunner &runner,
                             PresetStore &presets, const Clock *clock, Options options, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_github(github)
    , m_runner(runner)
    , m_presets(presets)
    , m_clock(clock)
    , m_options(std::move(options))
    , m_gate(clock)
{
    m_gateTimer.setSingleShot(true);
    connect(&m_gateTimer, &QTimer::timeout, this, &TriggerEngine::releaseDue);
    m_markSaveTimer.setSingleShot(true);
    connect(&m_markSaveTimer, &QTimer::timeout, this, [this]() { (void)saveMark(); });
    connect(&m_runner, &CodefileRunner::finished, this, &TriggerEngine::onCodefileFinished);
}

TriggerEngine::~TriggerEngine()
{
    if (m_markSaveTimer.isActive())
        (void)saveMark();
}

Result<int> TriggerEngine::recoverInterrupted()
{
    const Result<RecoveryReport> report = m_store.recoverInterrupted();
    if (!report)
        return report.error();
    return report->interrupted;
}

Result<QList<Trigger>> TriggerEngine::triggers()
{
    const Result<QList<StoredTrigger>> stored = m_store.triggers();
    if (!stored)
        return stored.error();
    QSet<QString> present;
    QList<Trigger> result;
    for (const StoredTrigger &row : *stored) {
        present.insert(row.id);
        Cached &cached = m_cache[row.id];
        if (!cached.trigger || cached.updatedAt != row.updatedAt || cached.definition != row.definition ||
            cached.enabled != row.enabled) {
            Result<Trigger> loaded = fromStoredTrigger(row);
            cached = {row.createdAt, row.updatedAt, row.definition, row.enabled, std::nullopt};
            if (loaded.ok())
                cached.trigger = std::move(loaded.value());
            else
                qCWarning(lcTriggers)
                    << "stored trigger" << row.name << "does not load:" << loaded.error().message;
        }
        if (cached.trigger)
            result.append(*cached.trigger);
    }
    for (auto it = m_cache.begin(); it != m_cache.end();)
        it = present.contains(it.key()) ? std::next(it) : m_cache.erase(it);
    return result;
}

Result<ProcessReport> TriggerEngine::process(const QString &eventId)
{
    const Result<std::optional<Event>> event = m_store.event(eventId);
    if (!event)
        return event.error();
    if (!event->has_value())
        return Error{QStringLiteral("not_found"), QStringLiteral("No stored event %1.").arg(eventId)};
    return process(**event);
}

Result<ProcessReport> TriggerEngine::process(const Event &event)
{
    // Parsed once; every trigger is evaluated against the same context.
    const QJsonObject payload = QJsonDocument::fromJson(event.payload).object();
    const Result<QList<Trigger>> all = triggers();
    if (!all)
        return all.error();
    return processContext(EventContext::fromPayload(event.type, payload, event.id), {}, *all);
}

bool TriggerEngine::anyListensTo(const QList<Trigger> &triggers, const QString &eventType)
{
    return std::any_of(triggers.cbegin(), triggers.cend(), [&](const Trigger &trigger) {
        return trigger.enabled &&
               (trigger.event.isEmpty() || trigger.event == u"*" || trigger.event == eventType);
    });
}

Result<ProcessReport> TriggerEngine::processContext(const EventContext &event, const QDateTime &receivedAt,
                                                    const QList<Trigger> &triggers)
{
    // A replay, a second source or a catch-up after a crash: what was decided stays decided. Read only once
    // a trigger matches, so the usual event (no trigger for it) costs no query.
    std::optional<QSet<QString>> decided;
    ProcessReport report;
    for (const Trigger &trigger : triggers) {
        // In a catch-up (receivedAt set), a trigger fires on what arrived after it existed, not on history.
        if (receivedAt.isValid() && m_cache.value(trigger.name).createdAt > receivedAt)
            continue;
        if (!TriggerMatcher::matches(trigger, event))
            continue;
        if (!decided) {
            Result<QSet<QString>> read = m_store.decidedTriggers(event.id);
            if (!read)
                return read.error();
            decided = std::move(read).value();
        }
        if (decided->contains(trigger.name)) {
            report.alreadyDecided.append(trigger.name);
            continue;
        }
        const TriggerGate::Outcome gate = m_gate.offer(trigger, event);
        if (gate.decision == TriggerGate::Decision::Suppressed) {
            // Recorded, so a replay of this event is not fired later either.
            (void)m_store.recordFiring(event.id, trigger.name, QStringLiteral("suppressed: ") + gate.reason);
            report.suppressed.append(trigger.name);
            continue;
        }
        if (gate.decision == TriggerGate::Decision::Deferred) {
            // Kept in the store, so a restart still fires it when the quiet period is over.
            (void)m_store.recordFiring(event.id, trigger.name, QStringLiteral("deferred"));
            if (!gate.supersededEventId.isEmpty())
                (void)m_store.settleDeferred(gate.supersededEventId, trigger.name,
                                             QStringLiteral("superseded"));
            report.deferred.append(trigger.name);
            scheduleGate();
            continue;
        }
        // One trigger that cannot be decided (the team database is down) does not hold up the others;
        // nothing is recorded for it, so a replay of the event can still fire it.
        if (const Status fired = fire(trigger, event, report); !fired) {
            qCWarning(lcTriggers) << "trigger" << trigger.name << "not decided for" << event.id << ":"
                                  << fired.error().message;
            report.errors.append(QStringLiteral("%1: %2").arg(trigger.name, fired.error().message));
        }
    }
    return report;
}

Status TriggerEngine::fire(const Trigger &trigger, const EventContext &event, ProcessReport &report,
                           bool fromDeferred)
{
    const std::shared_ptr<Firing> firing = prepareFiring(trigger, event);
    firing->fromDeferred = fromDeferred;
    if (!m_options.claims)
        return commitFiring(firing, report);
    claim(firing);
    report.claiming.append(trigger.name);
    return success();
}

std::shared_ptr<TriggerEngine::Firing> TriggerEngine::prepareFiring(const Trigger &trigger,
                                                                    const EventContext &event) const
{
    auto firing = std::make_shared<Firing>();
    firing->triggerName = trigger.name;
    firing->event = event;
    const MatchResult match = TriggerMatcher::evaluate(trigger, event, {false, true});
    firing->context = TemplateEngine::context(event, trigger.name, match.command);
    renderSteps(*firing, trigger);
    return firing;
}

// The local decision: the decision row and the queued actions in one transaction, then the actions run.
Status TriggerEngine::commitFiring(const std::shared_ptr<Firing> &firing, ProcessReport &report)
{
    const QString &eventId = firing->event.id;
    const QString &name = firing->triggerName;
    QList<ActionRequest> requests;
    for (const Step &step : std::as_const(firing->steps))
        requests.append({step.kind, step.target, eventId, name, false});
    const Result<std::optional<QStringList>> ids = m_store.recordFiringWithActions(
        eventId, name, QStringLiteral("fired"), requests, firing->fromDeferred);
    if (!ids)
        return ids.error();
    if (!ids->has_value()) {
        report.alreadyDecided.append(name);
        return success();
    }
    for (qsizetype i = 0; i < firing->steps.size(); ++i)
        firing->steps[i].actionId = (**ids).value(i);
    report.fired.append(name);
    report.actionIds.append(**ids);
    qCInfo(lcTriggers) << "trigger" << name << "fired for event" << eventId << "with" << firing->steps.size()
                       << "actions";
    if (firing->steps.isEmpty())
        return success();
    settle(int(firing->steps.size()));
    QTimer::singleShot(0, this, [this, firing]() { runNext(firing); });
    return success();
}

// Team mode: the occurrence is claimed in the team database before anything is recorded here, so a crash
// between the two loses the firing rather than doubling it. The answer arrives later; the busy count
// covers the wait, so `events ingest` and `serve` do not exit before it.
void TriggerEngine::claim(const std::shared_ptr<Firing> &firing)
{
    const EventContext &event = firing->event;
    const ClaimRequest request{Occurrence::claimKey(event.type, event.payload, event.id), firing->triggerName,
                               event.id};
    ++m_claiming;
    settle(1);
    QPointer<TriggerEngine> self(this);
    m_options.claims->claim(request, [self, firing](const Result<bool> &claimed) {
        if (self)
            self->onClaimed(firing, claimed);
    });
}

void TriggerEngine::onClaimed(const std::shared_ptr<Firing> &firing, const Result<bool> &claimed)
{
    const QString &eventId = firing->event.id;
    const QString &name = firing->triggerName;
    ProcessReport report;
    Status decided = success();
    if (!claimed) {
        decided = claimed.error(); // nothing recorded: a replay of the event can still fire it
    } else if (!*claimed) {
        const QString decision = QStringLiteral("claimed by another instance");
        (void)(firing->fromDeferred ? m_store.settleDeferred(eventId, name, decision)
                                    : m_store.recordFiring(eventId, name, decision));
        report.alreadyDecided.append(name);
    } else {
        decided = commitFiring(firing, report);
    }
    if (!decided) {
        qCWarning(lcTriggers) << "trigger" << name << "not decided for" << eventId << ":"
                              << decided.error().message;
        report.errors.append(QStringLiteral("%1: %2").arg(name, decided.error().message));
    }
    --m_claiming;
    Q_EMIT claimDecided(eventId, report);
    settle(-1);
}

void TriggerEngine::runNext(std::shared_ptr<Firing> firing)
{
    if (firing->next >= firing->steps.size())
        return;
    Step &step = firing->steps[firing->next++];
    if (firing->failed) {
        ActionOutcome skipped;
        skipped.status = ActionStatus::Skipped;
        skipped.error =
            QStringLiteral("Not run: an earlier action of trigger \"%1\" failed.").arg(firing->triggerName);
        (void)m_store.finishAction(step.actionId, skipped);
        Q_EMIT actionFinished(step.actionId, step.kind, step.target, ActionStatus::Skipped, skipped.error);
        settle(-1);
        runNext(firing);
        return;
    }
    if (const Status started = step.running ? success() : m_store.startAction(step.actionId); !started) {
        // Someone settled it (a recovery by another process): it must not run.
        qCWarning(lcTriggers) << "action" << step.actionId << "not started:" << started.error().message;
        firing->failed = true;
        settle(-1);
        runNext(firing);
        return;
    }
    if (!step.known) {
        // Rendered again now that the earlier steps have run; the target stays the one decided (steps
        // placeholders were kept as written then), so a retry or resume finds the step by it.
        firing->context.insert(QLatin1StringView("steps"), firing->outputs);
        step.warnings.clear();
        step.rendered = TemplateEngine::renderAction(step.written, firing->context, &step.warnings);
    }
    Q_EMIT actionStarted(step.actionId, step.kind, step.target);
    const QString actionId = step.actionId;
    const ActionKind kind = step.kind;
    const QString target = step.target;
    const QStringList warnings = step.warnings;
    execute(firing, step, [this, firing, actionId, kind, target, warnings](ActionOutcome outcome) {
        if (!warnings.isEmpty())
            outcome.output += (outcome.output.isEmpty() ? QString() : QStringLiteral("\n")) +
                              QStringLiteral("template warnings: ") + warnings.join(QStringLiteral("; "));
        if (outcome.status != ActionStatus::Success)
            firing->failed = true;
        if (const Status finished = m_store.finishAction(actionId, outcome); !finished)
            qCWarning(lcTriggers) << "cannot record the outcome of" << actionId << finished.error().message;
        else if (kind == ActionKind::CodeFile && !m_options.dataDir.isEmpty())
            RunFiles(runLogPath(actionId)).removeBookkeeping(); // recorded: the run files served their turn
        Q_EMIT actionFinished(actionId, kind, target, outcome.status,
                              outcome.status == ActionStatus::Success ? outcome.output : outcome.error);
        settle(-1);
        runNext(firing);
    });
}

void TriggerEngine::settle(int delta)
{
    m_busy += delta;
    if (m_busy == 0 && delta < 0)
        Q_EMIT idle();
}

void TriggerEngine::execute(const std::shared_ptr<Firing> &firing, const Step &step,
                            std::function<void(ActionOutcome)> done)
{
    const EventContext &event = firing->event;
    if (step.known)
        return done(*step.known);
    if (step.lookUp)
        return lookUpOnGitHub(firing, step, std::move(done));
    if (std::holds_alternative<CodefileAction>(step.rendered))
        return runCodefile(firing, step, std::move(done));
    if (const auto *notify = std::get_if<NotifyAction>(&step.rendered)) {
        if (m_options.notifier)
            m_options.notifier({notify->title, notify->body, firing->triggerName, event.id});
        return done(succeeded(notify->title));
    }
    if (!m_github)
        return done(failure(QStringLiteral("Not sent: no GitHub connection (set GITHUB_TOKEN).")));
    if (std::holds_alternative<WorkflowAction>(step.rendered))
        return runWorkflow(firing, step, std::move(done));
    if (std::holds_alternative<CommentAction>(step.rendered))
        return runComment(firing, step, std::move(done));
    const auto statusDone = [done](const QString &what) {
        return
            [done, what](Status status) { done(status.ok() ? succeeded(what) : fromError(status.error())); };
    };
    if (const auto *rerun = std::get_if<RerunFailedAction>(&step.rendered)) {
        const qint64 runId = runIdOf(rerun->run, event);
        if (runId <= 0)
            return done(
                failure(QStringLiteral("Not sent: no workflow run (the event is not a workflow_run and "
                                       "the action names no run).")));
        return m_github->rerunRun(event.repository, runId, true,
                                  statusDone(QStringLiteral("re-ran failed jobs of run %1").arg(runId)));
    }
    if (const auto *cancel = std::get_if<CancelRunAction>(&step.rendered)) {
        const qint64 runId = runIdOf(cancel->run, event);
        if (runId <= 0)
            return done(
                failure(QStringLiteral("Not sent: no workflow run (the event is not a workflow_run and "
                                       "the action names no run).")));
        return m_github->cancelRun(event.repository, runId, false,
                                   statusDone(QStringLiteral("cancelled run %1").arg(runId)));
    }
    const auto &reaction = std::get<ReactionAction>(step.rendered);
    const qint64 commentId = qint64(
        event.payload.value(QLatin1String("comment")).toObject().value(QLatin1String("id")).toDouble());
    if (event.type != QLatin1String("issue_comment") || commentId <= 0)
        return done(failure(QStringLiteral("Not sent: a reaction needs an issue_comment event (this is %1).")
                                .arg(event.type)));
    m_github->createCommentReaction(
        event.repository, commentId, reaction.content,
        statusDone(QStringLiteral("reacted :%1: to comment %2").arg(reaction.content).arg(commentId)));
}

void TriggerEngine::runCodefile(const std::shared_ptr<Firing> &firing, const Step &step,
                                std::function<void(ActionOutcome)> done)
{
    CodefileRequest request;
    request.action = std::get<CodefileAction>(step.rendered);
    request.triggerName = firing->triggerName;
    request.event = firing->event;
    request.token = m_options.token;
    request.apiUrl = m_options.apiUrl;
    request.env = firing->env;
    request.path = firing->path;
    if (!m_options.dataDir.isEmpty() && QDir().mkpath(QFileInfo(runLogPath(step.actionId)).absolutePath())) {
        request.logFilePath = runLogPath(step.actionId);
        request.keepRunFiles = true; // removed once the outcome is in the action log
    }
    const quint64 id =
        step.attach ? m_runner.attach(std::move(request)) : m_runner.submit(std::move(request));
    m_codefileWaiters.insert(id, [firing, step, done = std::move(done)](const CodefileResult &result) {
        absorbCommands(*firing, step, result.commands);
        done(codefileOutcome(result));
    });
}

void TriggerEngine::onCodefileFinished(quint64 runId, const CodefileResult &result)
{
    const auto waiter = m_codefileWaiters.take(runId);
    if (waiter)
        waiter(result);
}

void TriggerEngine::runWorkflow(const std::shared_ptr<Firing> &firing, const Step &step,
                                std::function<void(ActionOutcome)> done)
{
    const auto &workflow = std::get<WorkflowAction>(step.rendered);
    const QString repo = repositoryOf(workflow.repository, firing->event);
    const QString ref = dispatchRef(workflow, firing->event);
    if (repo.isEmpty() || workflow.workflow.isEmpty() || ref.isEmpty())
        return done(failure(QStringLiteral("Not sent: the dispatch needs a repository, a workflow and a ref "
                                           "(got \"%1\", \"%2\", \"%3\").")
                                .arg(repo, workflow.workflow, ref)));
    GitHubClient *github = m_github;
    m_github->workflowInputs(
        repo, workflow.workflow, ref,
        [github, repo, workflow, ref, done](Result<QList<DispatchInput>> declared) {
            if (!declared)
                return done(failure(QStringLiteral("Not sent: cannot read the inputs of %1: %2")
                                        .arg(workflow.workflow, declared.error().message),
                                    declared.error().httpStatus));
            QStringList problems;
            QSet<QString> names;
            for (const DispatchInput &input : *declared) {
                names.insert(input.name);
                if (input.required && !input.hasDefault && !workflow.inputs.contains(input.name))
                    problems.append(QStringLiteral("required input \"%1\" is missing").arg(input.name));
                if (input.type == DispatchInput::Type::Choice && workflow.inputs.contains(input.name) &&
                    !input.options.contains(workflow.inputs.value(input.name)))
                    problems.append(QStringLiteral("input \"%1\" must be one of %2, not \"%3\"")
                                        .arg(input.name, input.options.join(QStringLiteral(", ")),
                                             workflow.inputs.value(input.name)));
            }
            for (auto it = workflow.inputs.cbegin(); it != workflow.inputs.cend(); ++it)
                if (!names.contains(it.key()))
                    problems.append(
                        QStringLiteral("\"%1\" is not an input of %2").arg(it.key(), workflow.workflow));
            if (!problems.isEmpty())
                return done(
                    failure(QStringLiteral("Not sent: %1.").arg(problems.join(QStringLiteral("; ")))));
            QJsonObject inputs;
            for (auto it = workflow.inputs.cbegin(); it != workflow.inputs.cend(); ++it)
                inputs.insert(it.key(), it.value());
            github->dispatchWorkflow(
                repo, workflow.workflow, ref, inputs, [done](Result<DispatchResult> result) {
                    if (!result)
                        return done(fromError(result.error()));
                    done(succeeded(result->runId != 0
                                       ? QStringLiteral("run %1 %2").arg(result->runId).arg(result->htmlUrl)
                                       : QStringLiteral("dispatched; run not found")));
                });
        });
}

QString TriggerEngine::dispatchRef(const WorkflowAction &workflow, const EventContext &event)
{
    if (!workflow.ref.isEmpty())
        return workflow.ref;
    return event.payload.value(QLatin1String("repository"))
        .toObject()
        .value(QLatin1String("default_branch"))
        .toString();
}

// After a crash, a dispatch or a comment that was being sent is looked for on GitHub instead of being sent
// again blindly: the run dispatched for that workflow and ref since the action started, or a comment with
// the same body since then. Found: it happened. Not found, or GitHub cannot say: interrupted, with what to
// check. GitHub's times have whole seconds, hence the margin.
void TriggerEngine::lookUpOnGitHub(const std::shared_ptr<Firing> &firing, const Step &step,
                                   std::function<void(ActionOutcome)> done)
{
    const QDateTime since = step.startedAt.isValid() ? step.startedAt.addSecs(-2) : QDateTime();
    const QString unknown = unknownOutcome(step.kind, step.target);
    const auto notFound = [done, unknown](const QString &what) {
        done(ended(ActionStatus::Interrupted, QStringLiteral("%1 (%2)").arg(unknown, what)));
    };
    if (step.kind == ActionKind::Dispatch) {
        const auto &workflow = std::get<WorkflowAction>(step.rendered);
        RunFilter filter;
        filter.workflow = workflow.workflow;
        filter.branch = dispatchRef(workflow, firing->event);
        filter.event = QStringLiteral("workflow_dispatch");
        filter.limit = 20;
        m_github->listRuns(
            repositoryOf(workflow.repository, firing->event), filter,
            [done, notFound, since](Result<QList<WorkflowRun>> runs) {
                if (!runs)
                    return notFound(QStringLiteral("GitHub said: %1").arg(runs.error().message));
                const WorkflowRun *found = nullptr;
                for (const WorkflowRun &run : *runs)
                    if (!since.isValid() || run.createdAt >= since)
                        if (!found || run.createdAt < found->createdAt)
                            found = &run;
                if (!found)
                    return notFound(QStringLiteral("GitHub shows no run dispatched since it started"));
                done(succeeded(QStringLiteral("run %1 %2 (found on GitHub after a restart)")
                                   .arg(found->id)
                                   .arg(found->htmlUrl)));
            });
        return;
    }
    const auto &rendered = std::get<CommentAction>(step.rendered);
    const qint64 number = rendered.pr.isEmpty() ? firing->event.number() : rendered.pr.trimmed().toLongLong();
    const Result<QString> body =
        m_presets.renderComment(std::get<CommentAction>(step.written), firing->context);
    if (!body || number <= 0)
        return notFound(QStringLiteral("cannot tell which comment to look for"));
    m_github->listIssueComments(
        firing->event.repository, int(number),
        [done, notFound, since, text = *body](Result<QList<Comment>> comments) {
            if (!comments)
                return notFound(QStringLiteral("GitHub said: %1").arg(comments.error().message));
            for (const Comment &comment : *comments)
                if (comment.body == text && (!since.isValid() || comment.createdAt >= since))
                    return done(succeeded(comment.htmlUrl + QStringLiteral(" (found on GitHub after a "
                                                                           "restart)")));
            notFound(QStringLiteral("GitHub shows no such comment since it started"));
        });
}

void TriggerEngine::runComment(const std::shared_ptr<Firing> &firing, const Step &step,
                               std::function<void(ActionOutcome)> done)
{
    const auto &rendered = std::get<CommentAction>(step.rendered);
    const qint64 number = rendered.pr.isEmpty() ? firing->event.number() : rendered.pr.trimmed().toLongLong();
    if (number <= 0 || firing->event.repository.isEmpty())
        return done(failure(QStringLiteral("Not sent: the event is not about a pull request or issue and the "
                                           "comment names none.")));
    // The action as written: the preset renders event text exactly once.
    QStringList warnings;
    const Result<QString> body =
        m_presets.renderComment(std::get<CommentAction>(step.written), firing->context, &warnings);
    if (!body)
        return done(failure(QStringLiteral("Not sent: %1").arg(body.error().message)));
    m_github->createIssueComment(firing->event.repository, int(number), *body,
                                 [done](Result<Comment> created) {
                                     if (!created)
                                         return done(fromError(created.error()));
                                     done(succeeded(created->htmlUrl));
                                 });
}

void TriggerEngine::scheduleGate()
{
    const std::optional<QDateTime> due = m_gate.nextDue();
    if (!due)
        return;
    const qint64 wait = std::max<qint64>(0, due->toMSecsSinceEpoch() - m_clock->nowMSecs());
    m_gateTimer.start(int(std::min<qint64>(wait, 60000)));
}

void TriggerEngine::releaseDue()
{
    const Result<QList<Trigger>> all = triggers();
    if (!all)
        return;
    for (const TriggerGate::Release &release : m_gate.takeDue(*all)) {
        const auto trigger = std::find_if(all->cbegin(), all->cend(),
                                          [&](const Trigger &t) { return t.name == release.triggerName; });
        if (trigger == all->cend())
            continue;
        ProcessReport report;
        if (release.outcome.decision == TriggerGate::Decision::Suppressed)
            (void)m_store.settleDeferred(release.event.id, trigger->name,
                                         QStringLiteral("suppressed: ") + release.outcome.reason);
        else if (const Status fired = fire(*trigger, release.event, report, true); !fired)
            qCWarning(lcTriggers) << "debounced trigger" << trigger->name
                                  << "could not fire:" << fired.error().message;
    }
    scheduleGate();
}

void TriggerEngine::renderSteps(Firing &firing, const Trigger &trigger)
{
    for (const TriggerAction &action : trigger.run) {
        Step step;
        step.written = action;
        step.rendered = TemplateEngine::renderAction(action, firing.context, &step.warnings);
        step.kind = kindOf(action);
        step.target = targetOf(step.rendered, firing.event);
        firing.steps.append(std::move(step));
    }
}

// The firing of a stored (trigger, event) pair, rendered again from the trigger's current definition
// (rendering is deterministic for one event), for a retry or a resume.
Result<std::shared_ptr<TriggerEngine::Firing>> TriggerEngine::reloadFiring(const QString &triggerId,
                                                                           const QString &eventId)
{
    const Result<QList<Trigger>> all = triggers();
    if (!all)
        return all.error();
    const auto trigger =
        std::find_if(all->cbegin(), all->cend(), [&](const Trigger &t) { return t.name == triggerId; });
    if (trigger == all->cend())
        return Error{QStringLiteral("not_found"),
                     QStringLiteral("Trigger \"%1\" no longer exists.").arg(triggerId)};
    const Result<std::optional<Event>> event = m_store.event(eventId);
    if (!event)
        return event.error();
    if (!event->has_value())
        return Error{QStringLiteral("not_found"),
                     QStringLiteral("Event %1 is no longer stored.").arg(eventId)};
    auto firing = std::make_shared<Firing>();
    firing->triggerName = trigger->name;
    firing->event = EventContext::fromPayload(
        (*event)->type, QJsonDocument::fromJson((*event)->payload).object(), (*event)->id);
    const MatchResult match = TriggerMatcher::evaluate(*trigger, firing->event, {false, true});
    firing->context = TemplateEngine::context(firing->event, trigger->name, match.command);
    renderSteps(*firing, *trigger);
    return firing;
}

Result<QString> TriggerEngine::retry(const QString &actionId)
{
    const Result<std::optional<ActionRecord>> found = m_store.action(actionId);
    if (!found)
        return found.error();
    if (!found->has_value())
        return Error{QStringLiteral("not_found"), QStringLiteral("No action %1.").arg(actionId)};
    const ActionRecord &record = **found;
    if (record.triggerId.isEmpty() || record.eventId.isEmpty())
        return Error{QStringLiteral("invalid"),
                     QStringLiteral("Action %1 was not started by a trigger; run the command again instead.")
                         .arg(record.id)};
    if (!isFinished(record.status))
        return Error{QStringLiteral("busy"),
                     QStringLiteral("Action %1 is still %2.").arg(record.id, toString(record.status))};
    const Result<std::shared_ptr<Firing>> prepared = reloadFiring(record.triggerId, record.eventId);
    if (!prepared)
        return prepared.error();
    const std::shared_ptr<Firing> &firing = *prepared;
    // The trigger's action with the same kind and target.
    const auto step = std::find_if(firing->steps.cbegin(), firing->steps.cend(), [&](const Step &candidate) {
        return candidate.kind == record.kind && candidate.target == record.target;
    });
    if (step == firing->steps.cend())
        return Error{QStringLiteral("not_found"),
                     QStringLiteral("Trigger \"%1\" no longer has this action (%2 %3).")
                         .arg(record.triggerId, toString(record.kind), record.target)};
    restoreEarlierSteps(*firing, step - firing->steps.cbegin(), record.eventId, record.triggerId);
    Step chosen = *step;
    const Result<QString> newId =
        m_store.beginAction({chosen.kind, chosen.target, record.eventId, record.triggerId, false});
    if (!newId)
        return newId.error();
    chosen.actionId = *newId;
    firing->steps = {chosen};
    qCInfo(lcTriggers) << "retrying action" << record.id << "as" << *newId;
    settle(1);
    QTimer::singleShot(0, this, [this, firing]() { runNext(firing); });
    return *newId;
}

QString TriggerEngine::runLogPath(const QString &actionId) const
{
    return QDir(m_options.dataDir).filePath(QStringLiteral("runs/%1.log").arg(actionId));
}

ActionOutcome TriggerEngine::codefileOutcome(const CodefileResult &result)
{
    ActionOutcome outcome = result.success ? succeeded(result.output) : failure(result.error.message);
    if (!result.success)
        outcome.output = result.output;
    if (result.error.kind == QLatin1String("lost"))
        outcome.status = ActionStatus::Interrupted;
    if (result.started && !result.timedOut && !result.crashed)
        outcome.exitCode = result.exitCode;
    if (!result.commands.warnings.isEmpty())
        outcome.output +=
            QStringLiteral("\nfile commands: ") + result.commands.warnings.join(QStringLiteral("; "));
    if (!result.logFilePath.isEmpty())
        outcome.output += QStringLiteral("\n[full log: %1]").arg(result.logFilePath);
    for (auto it = result.commands.outputs.cbegin(); it != result.commands.outputs.cend(); ++it)
        outcome.outputs.insert(it.key(), it.value());
    outcome.summary = result.commands.summary;
    return outcome;
}

// A code file's file commands, for the actions after it: its outputs under its id (redacted, as the
// action log keeps them, so a resumed firing sees the same), its variables and PATH directories.
void TriggerEngine::absorbCommands(Firing &firing, const Step &step, const FileCommands &commands)
{
    const auto *codefile = std::get_if<CodefileAction>(&step.written);
    if (codefile && !codefile->id.isEmpty()) {
        QJsonObject outputs;
        for (auto it = commands.outputs.cbegin(); it != commands.outputs.cend(); ++it)
            outputs.insert(it.key(), SecretRedactor::redact(it.value()));
        firing.outputs.insert(codefile->id, QJsonObject{{QStringLiteral("outputs"), outputs}});
    }
    firing.env.append(commands.env);
    for (const QString &directory : commands.path) {
        firing.path.removeAll(directory);
        firing.path.prepend(directory);
    }
}

// A retried or resumed step after code files that finished in an earlier process: their outputs come from
// the action log, their GITHUB_ENV and GITHUB_PATH from the files beside their logs.
} // namespace exeserver
