#include "events/storeeventsink.h"

#include "store/eventstore.h"

namespace exeserver {

Event toEvent(const NormalizedEvent &event)
{
    Event stored;
    stored.id = event.id;
    stored.type = event.name;
    stored.action = event.action;
    stored.repository = event.repository;
    stored.sender = event.sender;
    switch (event.source) {
    case EventSource::Webhook:
        stored.source = eventsource::Webhook;
        break;
    case EventSource::Relay:
        stored.source = eventsource::Relay;
        break;
    case EventSource::EventsApi:
        stored.source = eventsource::Poll;
        break;
    case EventSource::Manual:
        stored.source = eventsource::Manual;
        break;
    }
    stored.receivedAt = event.receivedAt;
    stored.occurredAt = event.occurredAt.isValid() ? event.occurredAt : event.receivedAt;
    stored.payload = event.payload;
    stored.dedupeKey = event.dedupeKey;
    return stored;
}

StoreEventSink::StoreEventSink(EventStore &store)
    : m_store(store)
{
}

Result<EventSink::Outcome> StoreEventSink::accept(const NormalizedEvent &event)
{
    const Result<bool> added = m_store.addEvent(toEvent(event));
    if (!added)
        return added.error();
    return *added ? Outcome::Stored : Outcome::Duplicate;
}

QList<Result<EventSink::Outcome>> StoreEventSink::acceptAll(const QList<NormalizedEvent> &events)
{
    QList<Event> batch;
    batch.reserve(events.size());
    for (const NormalizedEvent &event : events)
        batch.append(toEvent(event));
    QList<bool> stored;
    const Result<int> added = m_store.addEvents(batch, &stored);
    QList<Result<Outcome>> results;
    results.reserve(events.size());
    if (!added && events.size() > 1)
        return EventSink::acceptAll(events);
    for (qsizetype i = 0; i < events.size(); ++i) {
        if (!added)
            results.append(added.error());
        else
            results.append(stored.value(i) ? Outcome::Stored : Outcome::Duplicate);
    }
    return results;
}

} // namespace exeserver
