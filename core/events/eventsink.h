#pragma once

#include "events/normalizedevent.h"
#include "util/result.h"

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
};

} // namespace exeserver
