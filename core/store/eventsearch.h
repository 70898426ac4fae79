#pragma once

#include "store/eventquery.h"
#include "util/result.h"

namespace exeserver {

class EventStore;

// Answers EventStore's event queries: the filters as SQL, and for a text search newest first, the
// strategy that finds the page without sorting every match. Reads through the store's connection.
class EventSearch
{
public:
    // `textSearchWalk`: how many time-index entries a text search walks before it sorts every match
    // (EventStore::Options::textSearchWalk).
    EventSearch(const EventStore &store, qint64 textSearchWalk)
        : m_store(store)
        , m_textSearchWalk(textSearchWalk)
    {
    }

    Result<EventPage> page(const EventQuery &query) const;              // EventStore::events()
    Result<qint64> count(const EventQuery &query, qint64 atMost) const; // EventStore::eventCount(query)

private:
    const EventStore &m_store;
    qint64 m_textSearchWalk;
};

} // namespace exeserver
