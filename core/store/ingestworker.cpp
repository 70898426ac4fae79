#include "store/ingestworker.h"

#include "config/logging.h"

#include <algorithm>
#include <chrono>

namespace exeserver {

namespace {

// Stores the batches in one transaction and says, per batch and event, what was new; an event the store
// refuses is left out alone (EventStore::addEventsSkippingRefused).
IngestWorker::Outcome storeBatches(EventStore &store, const std::deque<IngestWorker::Batch> &batches)
{
    QList<Event> events;
    for (const IngestWorker::Batch &batch : batches)
        events.append(batch.events);
    QList<bool> stored;
    const Result<int> added = store.addEventsSkippingRefused(events, &stored);
    IngestWorker::Outcome outcome;
    if (!added) {
        outcome.error = added.error();
        return outcome;
    }
    qsizetype at = 0;
    for (const IngestWorker::Batch &batch : batches) {
        outcome.tags.append(batch.tag);
        outcome.stored.append(stored.mid(at, batch.events.size()));
        at += batch.events.size();
    }
    return outcome;
}

} // namespace

IngestWorker::IngestWorker(const QString &databasePath, const EventStore::Options &options, Report report)
    : m_path(databasePath)
    , m_options(options)
    , m_report(std::move(report))
{
}

IngestWorker::~IngestWorker()
{
    stop();
}

Status IngestWorker::start()
{
    if (m_thread.joinable())
        return success();
    {
        const std::lock_guard lock(m_mutex); // a worker stopped before starts afresh
        m_opened = m_stopping = false;
        m_openError.reset();
        m_leftAtStop = 0;
    }
    m_thread = std::thread([this]() { run(); });
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [this]() { return m_opened; });
    if (m_openError) {
        lock.unlock();
        m_thread.join();
        return *m_openError;
    }
    return success();
}

void IngestWorker::post(Batch batch)
{
    bool wake = false;
    {
        const std::lock_guard lock(m_mutex);
        m_queuedEvents += batch.events.size();
        m_queue.push_back(std::move(batch));
        // A wake-up costs both threads a context switch: only when the worker waits for work, or has
        // gathered enough. While it stores or gathers, it finds the batch when it next looks.
        wake = m_idle || m_queuedEvents >= kGatherEvents;
    }
    if (wake)
        m_wake.notify_all();
}

qsizetype IngestWorker::stop()
{
    if (!m_thread.joinable())
        return 0;
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_thread.join();
    return m_leftAtStop;
}

void IngestWorker::run()
{
    EventStore store;
    const Status opened = store.open(m_path, m_options);
    std::unique_lock lock(m_mutex);
    m_opened = true;
    if (!opened)
        m_openError = opened.error();
    m_wake.notify_all();
    if (!opened)
        return;

    int retryMs = 0;
    auto lastCommit = std::chrono::steady_clock::time_point();
    bool indexed = true; // nothing to index until something is stored
    for (;;) {
        if (m_queue.empty()) {
            if (m_stopping)
                break;
            if (!indexed) {
                // Idle: catch the full-text index up, a chunk at a time, checking for new batches between.
                lock.unlock();
                const Result<int> count = store.indexFullText(kIndexChunk);
                lock.lock();
                indexed = !count || *count < kIndexChunk;
                if (!count)
                    qCWarning(lcStore).noquote() << "could not index event text:" << count.error().message;
                continue;
            }
            m_idle = true;
            m_wake.wait(lock, [this]() { return !m_queue.empty() || m_stopping; });
            m_idle = false;
            continue;
        }

        if (!m_stopping && m_queuedEvents < kGatherEvents &&
            std::chrono::steady_clock::now() - lastCommit < std::chrono::milliseconds(kBusyMs))
            m_wake.wait_for(lock, std::chrono::milliseconds(kGatherMs),
                            [this]() { return m_queuedEvents >= kGatherEvents || m_stopping; });
        std::deque<Batch> taken;
        taken.swap(m_queue);
        m_queuedEvents = 0;
        lock.unlock();
        Outcome outcome = storeBatches(store, taken);
        const std::optional<Error> failed = outcome.error;
        if (!failed)
            indexed = false;
        m_report(std::move(outcome));
        lastCommit = std::chrono::steady_clock::now();

        lock.lock();
        if (!failed) {
            retryMs = 0;
            continue;
        }
        qCWarning(lcStore).noquote() << "could not store accepted events (kept in the intake journal):"
                                     << failed->message;
        if (m_stopping) {
            // Stopping: no more tries; the journal keeps them for the next start.
            for (const Batch &batch : taken)
                m_leftAtStop += batch.events.size();
            for (const Batch &batch : m_queue)
                m_leftAtStop += batch.events.size();
            m_queue.clear();
            m_queuedEvents = 0;
            break;
        }
        for (auto it = taken.rbegin(); it != taken.rend(); ++it) {
            m_queuedEvents += it->events.size();
            m_queue.push_front(std::move(*it));
        }
        retryMs = retryMs ? std::min(retryMs * 2, kMaxRetryMs) : kFirstRetryMs;
        m_wake.wait_for(lock, std::chrono::milliseconds(retryMs), [this]() { return m_stopping; });
    }
    lock.unlock();
    store.close();
}

} // namespace exeserver
