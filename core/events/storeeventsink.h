#pragma once

#include "events/event.h"
#include "events/eventsink.h"

namespace exeserver {

class EventStore;

// The store's Event for a normalised event. The event time falls back to the receive time when the
// payload does not say (the store orders by it).
Event toEvent(const NormalizedEvent &event);

// Stores accepted events in the EventStore, which dedupes by id and by the secondary dedupe key (the same
// GitHub event from a webhook and from the poller), durably: see "Event ids and duplicates" in
// docs/ARCHITECTURE.md.
class StoreEventSink final : public EventSink
{
public:
    explicit StoreEventSink(EventStore &store);
    Result<Outcome> accept(const NormalizedEvent &event) override;
    // In one transaction; if it fails (one event the store refuses), each event on its own, so one bad
    // delivery does not fail the others that arrived with it.
    QList<Result<Outcome>> acceptAll(const QList<NormalizedEvent> &events) override;

private:
    EventStore &m_store;
};

} // namespace exeserver
