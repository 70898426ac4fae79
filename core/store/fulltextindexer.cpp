#include "store/fulltextindexer.h"

#include "config/logging.h"
#include "store/eventstore.h"

#include <algorithm>

namespace exeserver {

FullTextIndexer::FullTextIndexer(EventStore &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &FullTextIndexer::indexChunk);
}

void FullTextIndexer::start()
{
    if (m_store.hasFullTextSearch())
        m_timer.start(0); // a backlog left by the last run (or a CLI ingest) first
}

void FullTextIndexer::stop()
{
    m_timer.stop();
}

void FullTextIndexer::indexChunk()
{
    if (!m_store.isOpen())
        return;
    // Most checks of an idle store find nothing new: a read says so without taking the write lock.
    const Result<qint64> pending = m_store.unindexedEvents();
    const Result<int> indexed = pending && *pending == 0 ? Result<int>(0) : m_store.indexFullText(kChunk);
    if (!indexed) {
        qCWarning(lcStore) << "could not index event text; retrying:" << indexed.error().message;
        m_timer.start(kRetryMs);
        return;
    }
    // A full chunk means more may be waiting: go on in the next turn, after whatever else is queued.
    if (*indexed == kChunk) {
        m_timer.start(0);
        return;
    }
    m_idleMs = *indexed > 0 ? kIdleMs : std::min(m_idleMs * 2, kMaxIdleMs);
    m_timer.start(m_idleMs);
    // Nothing came since the last check: the store sits idle until the next one, so the pages this check
    // read (and the block SQLite takes for its first pages, ~330 KB) go back instead of staying until then.
    if (*indexed == 0)
        m_store.releaseMemory();
}

} // namespace exeserver
