#pragma once

#include "events/event.h"
#include "triggers/eventcontext.h"
#include "triggers/trigger.h"
#include "triggers/triggermatcher.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace exeserver {

// What a trigger would do with a stored event, without doing it: every gate and condition with what the
// event had (traced, a disabled trigger evaluated as if enabled), and each action rendered with the event's
// values. `exeserver-cli triggers test` and the trigger editor's "Test against a past event" show it.
struct TriggerDryRun
{
    struct Action
    {
        QString kind;         // "codefile", "workflow", ...
        QJsonObject rendered; // the action in the file format, templates filled in
        QStringList warnings; // template fields the event did not have
    };

    EventContext event;
    MatchResult result;
    QList<Action> wouldRun; // empty unless result.matched

    static TriggerDryRun run(const Trigger &trigger, const Event &event);
};

} // namespace exeserver
