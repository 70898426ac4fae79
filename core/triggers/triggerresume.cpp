// TriggerEngine after a crash: the actions a gone process left running or queued are finished (their
// outcome read from the run files, followed, looked up on GitHub, or marked unknown) and debounced
// decisions are re-armed.
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

using namespace actionoutcomes;

// --- after a crash ---------------------------------------------------------------------------------------

Result<ResumeReport> TriggerEngine::resume()
{
    ResumeReport report;
    const Result<QList<ActionRecord>> adopted = m_store.adoptInterrupted();
    if (!adopted)
        return adopted.error();
    // The unfinished actions of one (event, trigger) firing, in the order they were to run.
    QList<QList<ActionRecord>> firings;
    QHash<QString, qsizetype> firingOf;
    for (const ActionRecord &record : *adopted) {
        const QString key = record.triggerId.isEmpty() || record.eventId.isEmpty()
                                ? record.id
                                : record.eventId + u'\n' + record.triggerId;
        const auto found = firingOf.constFind(key);
        if (found != firingOf.cend()) {
            firings[*found].append(record);
            continue;
        }
        firingOf.insert(key, firings.size());
        firings.append({record});
    }
    for (const QList<ActionRecord> &records : std::as_const(firings))
        resumeFiring(records, report);
    restoreDeferred(report);
    removeFinishedRunFiles();
    if (report.firings || report.deferred)
        qCInfo(lcTriggers) << "resumed" << report.firings << "firings:" << report.finished
                           << "finished meanwhile," << report.reattached << "still running,"
                           << report.restarted << "started now," << report.interrupted << "unknown;"
                           << report.deferred << "debounced events waiting";
    return report;
}

void TriggerEngine::restoreEarlierSteps(Firing &firing, qsizetype before, const QString &eventId,
                                        const QString &triggerId)
{
    ActionQuery query;
    query.eventId = eventId;
    query.kind = ActionKind::CodeFile;
    query.limit = 1000;
    const Result<QList<ActionRecord>> records = m_store.actions(query); // newest first
    if (!records) {
        qCWarning(lcTriggers) << "cannot read the earlier steps of" << triggerId << ":"
                              << records.error().message;
        return;
    }
    for (qsizetype i = 0; i < std::min(before, firing.steps.size()); ++i) {
        const Step &step = firing.steps[i];
        if (step.kind != ActionKind::CodeFile)
            continue;
        const auto ran = std::find_if(records->cbegin(), records->cend(), [&](const ActionRecord &record) {
            return record.triggerId == triggerId && record.target == step.target &&
                   record.status == ActionStatus::Success;
        });
        if (ran == records->cend())
            continue;
        FileCommands commands;
        if (!m_options.dataDir.isEmpty()) {
            if (const Result<FileCommands> read = FileCommands::read(RunFiles(runLogPath(ran->id))); read) {
                commands.env = read->env;
                commands.path = read->path;
            }
        }
        for (auto it = ran->outputs.constBegin(); it != ran->outputs.constEnd(); ++it)
            commands.outputs.insert(it.key(), it.value().toString());
        absorbCommands(firing, step, commands);
    }
}

void TriggerEngine::resumeFiring(const QList<ActionRecord> &records, ResumeReport &report)
{
    const ActionRecord &first = records.constFirst();
    const auto giveUp = [&](const QString &why) {
        for (const ActionRecord &record : records) {
            const bool wasRunning = record.status == ActionStatus::Running;
            const ActionOutcome outcome =
                wasRunning
                    ? ended(ActionStatus::Interrupted,
                            QStringLiteral("ExeServer stopped while this action was running and cannot "
                                           "resume it (%1); its outcome is unknown.")
                                .arg(why))
                    : ended(ActionStatus::Skipped,
                            QStringLiteral("ExeServer stopped before this queued action started and "
                                           "cannot resume it (%1).")
                                .arg(why));
            (void)m_store.finishAction(record.id, outcome);
            report.interrupted += wasRunning ? 1 : 0;
        }
    };
    if (first.triggerId.isEmpty() || first.eventId.isEmpty())
        return giveUp(QStringLiteral("it was not started by a trigger"));
    const Result<std::shared_ptr<Firing>> prepared = reloadFiring(first.triggerId, first.eventId);
    if (!prepared)
        return giveUp(prepared.error().message);
    const std::shared_ptr<Firing> &firing = *prepared;
    QList<Step> steps;
    qsizetype from = 0;
    for (const ActionRecord &record : records) {
        const auto match =
            std::find_if(firing->steps.cbegin() + from, firing->steps.cend(), [&](const Step &step) {
                return step.kind == record.kind && step.target == record.target;
            });
        if (match == firing->steps.cend())
            return giveUp(QStringLiteral("trigger \"%1\" changed since").arg(first.triggerId));
        if (steps.isEmpty())
            restoreEarlierSteps(*firing, match - firing->steps.cbegin(), first.eventId, first.triggerId);
        from = (match - firing->steps.cbegin()) + 1;
        Step step = *match;
        step.actionId = record.id;
        step.running = record.status == ActionStatus::Running;
        if (step.running) {
            if (step.kind == ActionKind::CodeFile && !m_options.dataDir.isEmpty()) {
                CodefileRequest request;
                request.action = std::get<CodefileAction>(step.rendered);
                request.logFilePath = runLogPath(step.actionId);
                switch (RunFiles(request.logFilePath).inspect()) {
                case RunFiles::State::Finished: {
                    const CodefileResult result =
                        CodefileRunner::resultFromFiles(request, EventStore::kOutputCap);
                    absorbCommands(*firing, step, result.commands);
                    step.known = codefileOutcome(result);
                    ++report.finished;
                    break;
                }
                case RunFiles::State::Running:
                    step.attach = true;
                    ++report.reattached;
                    break;
                case RunFiles::State::NeverStarted:
                    ++report.restarted;
                    break;
                case RunFiles::State::Lost:
                    step.known =
                        codefileOutcome(CodefileRunner::resultFromFiles(request, EventStore::kOutputCap));
                    ++report.interrupted;
                    break;
                }
            } else if (step.kind == ActionKind::Notify) {
                ++report.restarted; // showing a message twice is harmless; not showing it is not
            } else if (m_github && (step.kind == ActionKind::Dispatch || step.kind == ActionKind::Comment)) {
                step.lookUp = true;
                step.startedAt = record.startedAt;
                ++report.lookedUp;
            } else {
                step.known = ended(ActionStatus::Interrupted, unknownOutcome(step.kind, step.target));
                ++report.interrupted;
            }
        }
        steps.append(std::move(step));
    }
    firing->steps = steps;
    ++report.firings;
    settle(int(firing->steps.size()));
    QTimer::singleShot(0, this, [this, firing]() { runNext(firing); });
}

void TriggerEngine::restoreDeferred(ResumeReport &report)
{
    const Result<QList<DeferredFiring>> deferred = m_store.deferredFirings();
    const Result<QList<Trigger>> all = triggers();
    if (!deferred || !all) {
        qCWarning(lcTriggers) << "cannot restore debounced events:"
                              << (!deferred ? deferred.error().message : all.error().message);
        return;
    }
    for (const DeferredFiring &waiting : *deferred) {
        const auto trigger = std::find_if(all->cbegin(), all->cend(),
                                          [&](const Trigger &t) { return t.name == waiting.triggerId; });
        const Result<std::optional<Event>> event = m_store.event(waiting.eventId);
        if (trigger == all->cend() || !trigger->enabled || !event || !event->has_value()) {
            (void)m_store.settleDeferred(waiting.eventId, waiting.triggerId,
                                         QStringLiteral("dropped: the trigger was removed or disabled"));
            continue;
        }
        const EventContext context = EventContext::fromPayload(
            (*event)->type, QJsonDocument::fromJson((*event)->payload).object(), (*event)->id);
        // The quiet period counts from when the event was first held back, not from this start.
        const TriggerGate::Outcome gate = m_gate.offer(*trigger, context, waiting.deferredAt);
        ProcessReport ignored;
        switch (gate.decision) {
        case TriggerGate::Decision::Deferred:
            if (!gate.supersededEventId.isEmpty())
                (void)m_store.settleDeferred(gate.supersededEventId, trigger->name,
                                             QStringLiteral("superseded"));
            ++report.deferred;
            break;
        case TriggerGate::Decision::Suppressed:
            (void)m_store.settleDeferred(waiting.eventId, trigger->name,
                                         QStringLiteral("suppressed: ") + gate.reason);
            break;
        case TriggerGate::Decision::Fire:
            (void)fire(*trigger, context, ignored, true);
            break;
        }
    }
    scheduleGate();
}

void TriggerEngine::removeFinishedRunFiles()
{
    if (m_options.dataDir.isEmpty())
        return;
    const QDir runs(QDir(m_options.dataDir).filePath(QStringLiteral("runs")));
    const QStringList leftovers = runs.entryList({QStringLiteral("*.lock"), QStringLiteral("*.status"),
                                                  QStringLiteral("*.event.json"), QStringLiteral("*.temp")},
                                                 QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &name : leftovers) {
        const RunFiles files(runs.filePath(name));
        const QString actionId = QFileInfo(files.log()).completeBaseName();
        const Result<std::optional<ActionRecord>> action = m_store.action(actionId);
        // Only once the action log has the outcome (a crash can come between recording and removing).
        if (action && (!action->has_value() || isFinished((*action)->status)) &&
            files.inspect() != RunFiles::State::Running)
            files.removeBookkeeping();
    }
}

} // namespace exeserver
