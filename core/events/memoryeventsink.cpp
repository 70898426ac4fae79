#include "events/memoryeventsink.h"

namespace exeserver {

Result<EventSink::Outcome> MemoryEventSink::accept(const NormalizedEvent &event)
{
    if (m_failure)
        return *m_failure;
    const bool byKey = m_matching == Matching::IdAndDedupeKey && !event.dedupeKey.isEmpty();
    if (m_ids.contains(event.id) || (byKey && m_dedupeKeys.contains(event.dedupeKey))) {
        ++m_duplicates;
        return Outcome::Duplicate;
    }
    m_ids.insert(event.id);
    if (byKey)
        m_dedupeKeys.insert(event.dedupeKey);
    m_events.append(event);
    return Outcome::Stored;
}

void MemoryEventSink::clear()
{
    m_events.clear();
    m_ids.clear();
    m_dedupeKeys.clear();
    m_duplicates = 0;
}

} // namespace exeserver
