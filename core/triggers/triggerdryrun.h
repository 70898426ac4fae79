#pragma once

#include "triggers/eventcontext.h"
#include "triggers/trigger.h"
#include "triggers/triggermatcher.h"
#include "util/result.h"

#include <QStringList>

namespace exeserver {

class EventStore;

// A stored trigger tried against a stored event with every gate and condition traced; nothing runs. The
// `exeserver-cli triggers test` dry run, as a value the assistant (and any view) can show.
struct TriggerDryRun
{
    Trigger trigger;
    EventContext event;
    MatchResult result;
    QStringList wouldRun; // one line per action, templates rendered, when it matched

    static Result<TriggerDryRun> run(EventStore &store, const QString &triggerName, const QString &eventId);
};

// The store's triggers, compiled.
Result<QList<Trigger>> loadStoredTriggers(EventStore &store);

} // namespace exeserver
