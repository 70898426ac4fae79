#pragma once

#include "events/eventsink.h"

#include <QList>
#include <QSet>

#include <optional>

namespace exeserver {

// Keeps accepted events in memory: for tests, benchmarks, and `serve` until the event store is wired in.
class MemoryEventSink final : public EventSink
{
public:
    enum class Matching
    {
        IdAndDedupeKey, // what the store does: one GitHub event, one row, whichever source saw it
        IdOnly          // every distinct delivery is a row (for tests that count deliveries)
    };
    explicit MemoryEventSink(Matching matching = Matching::IdAndDedupeKey)
        : m_matching(matching)
    {
    }

    Result<Outcome> accept(const NormalizedEvent &event) override;

    const QList<NormalizedEvent> &events() const { return m_events; }
    qsizetype size() const { return m_events.size(); }
    int duplicates() const { return m_duplicates; }
    void clear();

    // Makes every following accept() fail, to test how callers report storage errors.
    void setFailure(std::optional<Error> failure) { m_failure = std::move(failure); }

private:
    QList<NormalizedEvent> m_events;
    QSet<QString> m_ids;
    QSet<QString> m_dedupeKeys;
    int m_duplicates = 0;
    Matching m_matching;
    std::optional<Error> m_failure;
};

} // namespace exeserver
