#pragma once

#include "store/actionrecord.h"
#include "util/result.h"

#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace exeserver {

class EventStore;
struct DeferredFiring;

// The trigger decisions inside the event store (table trigger_firings): one per (event, trigger), ever,
// which is what lets the trigger engine fire exactly once across restarts, replays and processes. Shares
// the store's connection, as Outbox does; EventStore's firing methods forward here.
class FiringTable
{
public:
    explicit FiringTable(EventStore &store)
        : m_store(store)
    {
    }

    // True when this call made the decision; false when one was already recorded.
    Result<bool> record(const QString &eventId, const QString &triggerId, const QString &decision,
                        const QString &actionId = {});
    // The decision and its actions (written as queued) in one transaction; nullopt when a decision
    // already existed (nothing written). `fromDeferred`: it replaces this pair's "deferred" decision.
    Result<std::optional<QStringList>> recordWithActions(const QString &eventId, const QString &triggerId,
                                                         const QString &decision,
                                                         const QList<ActionRequest> &actions,
                                                         bool fromDeferred);
    Result<QSet<QString>> decidedTriggers(const QString &eventId) const;
    Result<QList<DeferredFiring>> deferred() const; // oldest first
    // Replaces a "deferred" decision; false when it was no longer deferred.
    Result<bool> replaceDeferred(const QString &eventId, const QString &triggerId, const QString &decision,
                                 const QString &actionId = {});

private:
    EventStore &m_store;
};

} // namespace exeserver
