#pragma once

#include "triggers/eventcontext.h"
#include "triggers/trigger.h"
#include "util/clock.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

#include <deque>
#include <optional>

namespace exeserver {

// Decides *when* a matched trigger fires: a per-trigger rate limit (sliding window) and a per-pull-request
// debounce. Debounce is trailing: during a `synchronize` storm only the latest event fires, once the PR
// has been quiet for `debounce` seconds; earlier ones are reported as superseded. Time comes from the
// injected Clock; the owner polls takeDue() (e.g. from a QTimer set to nextDue()). Not thread-safe.
class TriggerGate
{
public:
    enum class Decision
    {
        Fire,
        Deferred,
        Suppressed
    };

    struct Outcome
    {
        Decision decision = Decision::Fire;
        QString reason;            // for Deferred / Suppressed
        QDateTime due;             // Deferred: when it will fire if nothing newer arrives
        QString supersededEventId; // Deferred: the pending event this one replaced, if any
    };

    struct Release
    {
        QString triggerName;
        EventContext event;
        Outcome outcome; // Fire, or Suppressed by the rate limit at release time
    };

    explicit TriggerGate(const Clock *clock);

    // Call after TriggerMatcher said the trigger matches the event. `offeredAt`: when it was first offered,
    // for an event held back before a restart (the quiet period counts from then); default now.
    Outcome offer(const Trigger &trigger, const EventContext &event, const QDateTime &offeredAt = {});
    // Debounced events whose quiet period has passed, oldest first. `triggers` supplies the current rate
    // limits (by name); a trigger no longer present releases nothing.
    QList<Release> takeDue(const QList<Trigger> &triggers);
    std::optional<QDateTime> nextDue() const;
    int pendingCount() const { return int(m_pending.size()); }

    // The debounce key: "owner/repo#number" for PRs and issues, "owner/repo@ref" otherwise; empty when the
    // event has neither, in which case debounce does not apply.
    static QString debounceKey(const EventContext &event);

private:
    struct Pending
    {
        QString triggerName;
        EventContext event;
        qint64 dueMs = 0;
        quint64 sequence = 0; // arrival order, to release ties in the order events came
    };

    Outcome admit(const QString &triggerName, const RateLimit &limit, qint64 nowMs);

    const Clock *m_clock;
    QHash<QString, Pending> m_pending;              // by trigger name + '\n' + debounce key
    QHash<QString, std::deque<qint64>> m_fireTimes; // by trigger name
    quint64 m_sequence = 0;
};

} // namespace exeserver
