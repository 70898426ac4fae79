#pragma once

#include "triggers/commentcommand.h"
#include "triggers/condition.h"
#include "triggers/eventcontext.h"
#include "triggers/trigger.h"

#include <QList>
#include <QString>

#include <optional>

namespace exeserver {

// One gate of the dry run before the conditions: enabled, event type, action, repository, ignore rules.
struct MatchStep
{
    QString check; // "enabled", "event", "action", "repository", "ignore"
    bool passed = false;
    QString detail; // what the event had, or why it was ignored
};

struct MatchResult
{
    bool matched = false;
    QString reason;                        // empty when matched; else the first thing that failed, for people
    QList<MatchStep> steps;                // filled only with Options::trace
    QList<ConditionTrace> conditions;      // filled only with Options::trace
    std::optional<CommentCommand> command; // set when a comment_command condition matched
};

// Decides whether a trigger fires for an event. Stateless and thread-safe: debounce and rate limits are
// TriggerGate's job, after a match. The fast path (matches()) allocates nothing for typical triggers; the
// traced path (evaluate() with trace) evaluates every gate and condition so a dry run can show all of them.
class TriggerMatcher
{
public:
    struct Options
    {
        bool trace = false;
        bool ignoreEnabled = false; // dry runs of a disabled trigger
    };

    static bool matches(const Trigger &trigger, const EventContext &event, CommentCommand *command = nullptr);
    static MatchResult evaluate(const Trigger &trigger, const EventContext &event, Options options);
    static MatchResult evaluate(const Trigger &trigger, const EventContext &event)
    {
        return evaluate(trigger, event, Options{});
    }

    // Why the ignore rules leave this event alone ("sender is a bot", ...), or an empty string.
    static QString ignoredBecause(const IgnoreRules &rules, const EventContext &event);
};

} // namespace exeserver
