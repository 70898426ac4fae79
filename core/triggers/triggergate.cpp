#include "triggers/triggergate.h"

#include "config/logging.h"

#include <algorithm>

namespace exeserver {

TriggerGate::TriggerGate(const Clock *clock)
    : m_clock(clock ? clock : SystemClock::instance())
{
}

QString TriggerGate::debounceKey(const EventContext &event)
{
    if (const qint64 number = event.number(); number > 0)
        return QStringLiteral("%1#%2").arg(event.repository).arg(number);
    if (!event.ref.isEmpty())
        return QStringLiteral("%1@%2").arg(event.repository, event.ref);
    return {};
}

TriggerGate::Outcome TriggerGate::admit(const QString &triggerName, const RateLimit &limit, qint64 nowMs)
{
    if (limit.max <= 0)
        return {};
    std::deque<qint64> &times = m_fireTimes[triggerName];
    const qint64 windowMs = qint64(std::max(1, limit.perSeconds)) * 1000;
    while (!times.empty() && times.front() <= nowMs - windowMs)
        times.pop_front();
    if (qsizetype(times.size()) >= limit.max) {
        Outcome out;
        out.decision = Decision::Suppressed;
        out.reason =
            QStringLiteral("rate limit: %1 runs per %2 s reached").arg(limit.max).arg(limit.perSeconds);
        qCInfo(lcTriggers) << "trigger" << triggerName << "suppressed:" << out.reason;
        return out;
    }
    times.push_back(nowMs);
    return {};
}

TriggerGate::Outcome TriggerGate::offer(const Trigger &trigger, const EventContext &event,
                                        const QDateTime &offeredAt)
{
    const qint64 now = offeredAt.isValid() ? offeredAt.toMSecsSinceEpoch() : m_clock->nowMSecs();
    const QString key = trigger.debounceSeconds > 0 ? debounceKey(event) : QString();
    if (key.isEmpty())
        return admit(trigger.name, trigger.rateLimit, now);

    Outcome out;
    out.decision = Decision::Deferred;
    const qint64 due = now + qint64(trigger.debounceSeconds) * 1000;
    out.due = QDateTime::fromMSecsSinceEpoch(due, QTimeZone::utc());
    out.reason = QStringLiteral("debounced for %1 s (%2)").arg(trigger.debounceSeconds).arg(key);
    Pending &slot = m_pending[trigger.name + u'\n' + key];
    if (!slot.triggerName.isEmpty())
        out.supersededEventId = slot.event.id;
    slot = Pending{trigger.name, event, due, ++m_sequence};
    return out;
}

QList<TriggerGate::Release> TriggerGate::takeDue(const QList<Trigger> &triggers)
{
    const qint64 now = m_clock->nowMSecs();
    QList<Pending> due;
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (it->dueMs <= now) {
            due.append(std::move(it.value()));
            it = m_pending.erase(it);
        } else {
            ++it;
        }
    }
    std::sort(due.begin(), due.end(), [](const Pending &a, const Pending &b) {
        return a.dueMs != b.dueMs ? a.dueMs < b.dueMs : a.sequence < b.sequence;
    });
    QList<Release> released;
    for (Pending &pending : due) {
        const auto trigger = std::find_if(triggers.cbegin(), triggers.cend(),
                                          [&](const Trigger &t) { return t.name == pending.triggerName; });
        if (trigger == triggers.cend())
            continue;
        released.append(Release{pending.triggerName, std::move(pending.event),
                                admit(pending.triggerName, trigger->rateLimit, now)});
    }
    return released;
}

std::optional<QDateTime> TriggerGate::nextDue() const
{
    std::optional<qint64> earliest;
    for (const Pending &pending : m_pending) {
        if (!earliest || pending.dueMs < *earliest)
            earliest = pending.dueMs;
    }
    if (!earliest)
        return std::nullopt;
    return QDateTime::fromMSecsSinceEpoch(*earliest, QTimeZone::utc());
}

} // namespace exeserver
