#pragma once

#include "events/normalizedevent.h"
#include "util/result.h"

#include <QList>

#include <functional>

namespace exeserver {

// Where accepted events go: the event store in the app, an in-memory list in tests. An event whose id
// (or non-empty dedupeKey) is already stored is reported as Duplicate and must not be stored again, so
// a redelivery or the same event from another source is acted on once.
class EventSink
{
public:
    enum class Outcome
    {
        Stored,
        Duplicate
    };

    virtual ~EventSink() = default;
    virtual Result<Outcome> accept(const NormalizedEvent &event) = 0;
    // One result per event, in order. A sink that can, stores them all at once (the event store: one
    // transaction, so group commit costs one commit for the lot); the default takes them one by one.
    // A sink that answers Stored once an event is durable but puts it where triggers read it later (the
    // journalled store) says so here, and calls the handler — on the thread that owns it — with the events
    // once they are there. Events must not be announced before: the trigger engine would not find them.
    using Committed = std::function<void(const QList<NormalizedEvent> &)>;
    virtual bool announcesCommits() const { return false; }
    virtual void setCommittedHandler(Committed handler) { Q_UNUSED(handler); }

    virtual QList<Result<Outcome>> acceptAll(const QList<NormalizedEvent> &events)
    {
        QList<Result<Outcome>> results;
        results.reserve(events.size());
        for (const NormalizedEvent &event : events)
            results.append(accept(event));
        return results;
    }
};

} // namespace exeserver
