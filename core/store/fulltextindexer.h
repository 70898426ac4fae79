#pragma once

#include <QObject>
#include <QTimer>

namespace exeserver {

class EventStore;

// Keeps the store's full-text index caught up with its events in the owner's idle turns: ingest stores
// events unindexed (schema 7), and this indexes them a chunk per turn through
// EventStore::indexFullText(). A chunk takes a few milliseconds, so a backlog after a burst never holds
// the event loop (or the write lock) for long; when caught up it looks again after a second, and after
// twice as long each time it finds nothing, up to a minute (an idle app then wakes once a minute for it,
// not every second; search scans what is not indexed yet). Runs on the thread that owns the store, like
// every other use of it.
class FullTextIndexer : public QObject
{
    Q_OBJECT
public:
    static constexpr int kChunk = 2000;      // events per turn: ~5-8 ms on the bench machine
    static constexpr int kIdleMs = 1000;     // the first check once caught up
    static constexpr int kMaxIdleMs = 60000; // checks that find nothing double the wait up to this
    static constexpr int kRetryMs = 5000;    // after an error (a busy or full database)

    explicit FullTextIndexer(EventStore &store, QObject *parent = nullptr);

    void start();
    void stop();
    bool isActive() const { return m_timer.isActive(); }
    // The wait before the next check while caught up.
    int idleIntervalMs() const { return m_idleMs; }

private:
    void indexChunk();

    EventStore &m_store;
    QTimer m_timer;
    int m_idleMs = kIdleMs;
};

} // namespace exeserver
