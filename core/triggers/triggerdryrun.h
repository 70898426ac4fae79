#pragma once

#include "events/event.h"
#include "triggers/eventcontext.h"
#include "triggers/trigger.h"
#include "triggers/triggermatcher.h"
#include "util/result.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace exeserver {

class EventStore;

// What a trigger would do with a stored event, without doing it: every gate and condition with what the
// event had (traced, a disabled trigger evaluated as if enabled), and each action rendered with the event's
// values. `exeserver-cli triggers test`, the trigger editor's "Test against a past event" and the
// assistant's explain_trigger all show it.
struct TriggerDryRun
{
    struct Action
    {
        QString kind;         // "codefile", "workflow", ...
        QJsonObject rendered; // the action in the file format, templates filled in
        QStringList warnings; // template fields the event did not have
    };

    Trigger trigger;
    EventContext event;
    MatchResult result;
    QList<Action> wouldRun; // empty unless result.matched

    static TriggerDryRun run(const Trigger &trigger, const Event &event);
    // The stored trigger named `triggerName` against the stored event `eventId`; not_found names the missing
    // one.
    static Result<TriggerDryRun> run(EventStore &store, const QString &triggerName, const QString &eventId);

    // One line per action: `notify: [{"notify":...}]  (warnings: ...)`.
    QStringList wouldRunLines() const;
};

// The store's triggers, compiled.
Result<QList<Trigger>> loadStoredTriggers(EventStore &store);

} // namespace exeserver
