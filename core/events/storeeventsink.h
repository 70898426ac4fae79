#pragma once

#include "events/event.h"
#include "events/eventsink.h"

#include <QSet>

namespace exeserver {

class EventStore;

// The store's Event for a normalised event. The event time falls back to the receive time when the
// payload does not say (the store orders by it).
Event toEvent(const NormalizedEvent &event);

// Stores accepted events in the EventStore. The store knows only ids; the secondary dedupe key (the same
// GitHub event from a webhook and from the poller) is matched against the keys this sink has seen since it
// was created — see docs/architecture-events.md for why that is enough for now and what would make it
// durable.
class StoreEventSink final : public EventSink
{
public:
    explicit StoreEventSink(EventStore &store);
    Result<Outcome> accept(const NormalizedEvent &event) override;

private:
    EventStore &m_store;
    QSet<QString> m_dedupeKeys;
};

} // namespace exeserver
