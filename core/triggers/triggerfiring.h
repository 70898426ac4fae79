#pragma once

// TriggerEngine's firings in flight, shared by its run path (triggerengine.cpp) and its resume after a
// crash (triggerresume.cpp); nothing outside the engine uses them.
#include "triggers/eventcontext.h"
#include "triggers/triggerengine.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QStringList>

#include <optional>

namespace exeserver {

// One action of a firing: the trigger's action as written, rendered, and its row in the action log.
struct TriggerEngine::Step
{
    QString actionId;
    TriggerAction written;
    TriggerAction rendered;
    QStringList warnings; // from rendering, added to the outcome's output
    ActionKind kind = ActionKind::Notify;
    QString target;
    // Resumed after a crash: the step was already running in a process that is gone. Then either its
    // outcome is known (read from the run files), or it is still running (follow it), or it is unknown.
    bool running = false;
    std::optional<ActionOutcome> known;
    bool attach = false;
    bool lookUp = false; // a dispatch or comment: ask GitHub whether it happened
    QDateTime startedAt;
};

// The actions one (event, trigger) decision queued, run one after the other.
struct TriggerEngine::Firing
{
    QString triggerName;
    EventContext event;
    QJsonObject context;
    QList<Step> steps;
    qsizetype next = 0;
    bool failed = false;
    // What the code files that ran wrote to Actions' file commands, for the actions after them.
    QJsonObject outputs;                    // `steps.<id>.outputs.<name>`
    QList<std::pair<QString, QString>> env; // GITHUB_ENV, in order
    QStringList path;                       // GITHUB_PATH, the newest first
    bool fromDeferred = false; // replaces the pair's "deferred" decision (a debounce that ran out)
};

} // namespace exeserver
