#pragma once

#include "util/result.h"

#include <QList>
#include <QString>

namespace exeserver {

class EventStore;
struct StoredTrigger;

// The trigger definitions inside the event store (table triggers); the definition text is the trigger
// engine's business. Shares the store's connection, as Outbox does; EventStore's trigger methods forward
// here.
class TriggerTable
{
public:
    explicit TriggerTable(EventStore &store)
        : m_store(store)
    {
    }

    Status save(const StoredTrigger &trigger); // inserts, or replaces the one with its id
    Result<QList<StoredTrigger>> all() const;  // by name
    Status remove(const QString &id);

private:
    EventStore &m_store;
};

} // namespace exeserver
