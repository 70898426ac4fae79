#include "events/journalledstoresink.h"

#include "config/logging.h"
#include "events/storeeventsink.h"
#include "store/eventstore.h"
#include "util/heaptrim.h"

#include <QMetaObject>

#include <algorithm>

namespace exeserver {

namespace {

// Leftovers are stored in slices: one transaction per slice keeps a long journal's memory bounded.
constexpr qsizetype kRecoverySlice = 1000;

} // namespace

JournalledStoreSink::JournalledStoreSink(EventStore &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_journal(IntakeJournal::directoryFor(store.path()))
{
    m_idleTimer.setSingleShot(true);
    m_idleTimer.setInterval(kWorkerIdleMs);
    connect(&m_idleTimer, &QTimer::timeout, this, [this]() {
        if (m_held.isEmpty()) {
            stopWorker();
            m_journal.shrink();
            // The burst's batches, payload copies and the worker's arenas are free now, but glibc keeps
            // them mapped: serve stayed at 31 MB after a one-second burst, against 21.5 MB fresh.
            releaseFreeHeap();
        }
    });
}

JournalledStoreSink::~JournalledStoreSink()
{
    stop();
}

Status JournalledStoreSink::recoverLeftovers()
{
    const Result<QList<IntakeJournal::Leftover>> leftovers = m_journal.leftovers();
    if (!leftovers)
        return leftovers.error();
    const auto failed = [this](const Error &error) {
        return Error{error.kind,
                     QStringLiteral("Cannot store the events accepted before the last exit (kept in "
                                    "%1 for the next start): %2")
                         .arg(m_journal.directory(), error.message)};
    };
    for (const IntakeJournal::Leftover &leftover : *leftovers) {
        for (qsizetype at = 0; at < leftover.events.size(); at += kRecoverySlice) {
            // One event the store refuses must not hold the others back, nor every later start.
            const Result<int> added =
                m_store.addEventsSkippingRefused(leftover.events.mid(at, kRecoverySlice));
            if (!added)
                return failed(added.error());
            m_recovered += *added;
        }
        if (const Status removed = m_journal.remove(leftover); !removed)
            return removed;
    }
    if (m_recovered > 0)
        qCInfo(lcEvents) << "stored" << m_recovered << "events accepted before the last exit";
    return success();
}

Status JournalledStoreSink::start()
{
    if (m_running)
        return success();
    m_recovered = 0;
    m_recoveryError.clear();
    m_storeError.reset();
    if (const Status claimed = m_journal.claim(); !claimed) {
        if (claimed.error().kind != QLatin1StringView("journal_busy"))
            return claimed;
        // The window and `serve` on one data folder: the first owns the journal, this one stores first.
        qCInfo(lcEvents).noquote() << claimed.error().message << "Deliveries here are stored, then answered.";
        m_direct = std::make_unique<StoreEventSink>(m_store);
        m_running = true;
        return success();
    }
    // Before anything new: a leftover's events were acknowledged first, and keep their place in the log. If
    // the store refuses them now (a full disk), they stay for the next start and this one goes on.
    if (const Status recovered = recoverLeftovers(); !recovered) {
        qCWarning(lcEvents).noquote() << recovered.error().message;
        m_recoveryError = recovered.error().message;
    }
    if (const Status opened = m_journal.open(); !opened) {
        m_journal.close();
        return opened;
    }
    m_running = true;
    return success();
}

Status JournalledStoreSink::startWorker()
{
    if (m_worker)
        return success();
    EventStore::Options options = m_store.options();
    // The worker appends: the indexes' right edges and the id index's recent pages fit in the host's cache.
    options.cacheSizeKb = std::min(options.cacheSizeKb, EventStore::kServeCacheKb);
    auto worker = std::make_unique<IngestWorker>(m_store.path(), options,
                                                 [this](IngestWorker::Outcome outcome) { report(outcome); });
    if (const Status started = worker->start(); !started)
        return started;
    m_worker = std::move(worker);
    return success();
}

void JournalledStoreSink::stopWorker()
{
    m_idleTimer.stop();
    if (!m_worker)
        return;
    const qsizetype left = m_worker->stop();
    m_worker.reset();
    takeReports(); // announce what the worker stored last
    if (left > 0)
        qCWarning(lcEvents) << left << "accepted events could not be stored now; they are kept in"
                            << m_journal.directory() << "and stored at the next start";
}

void JournalledStoreSink::stop()
{
    if (!m_running)
        return;
    stopWorker();
    m_running = false;
    m_direct.reset();
    m_journal.close();
    m_held.clear();
    m_heldIds.clear();
    m_heldKeys.clear();
}

Result<EventSink::Outcome> JournalledStoreSink::accept(const NormalizedEvent &event)
{
    return acceptAll({event}).first();
}

bool JournalledStoreSink::isHeld(const NormalizedEvent &event) const
{
    return m_heldIds.contains(event.id) ||
           (!event.dedupeKey.isEmpty() && m_heldKeys.contains(event.dedupeKey));
}

void JournalledStoreSink::hold(const NormalizedEvent &event)
{
    ++m_heldIds[event.id];
    if (!event.dedupeKey.isEmpty())
        ++m_heldKeys[event.dedupeKey];
}

void JournalledStoreSink::unhold(const NormalizedEvent &event)
{
    const auto drop = [](QHash<QString, int> &held, const QString &key) {
        const auto it = held.find(key);
        if (it != held.end() && --it.value() <= 0)
            held.erase(it);
    };
    drop(m_heldIds, event.id);
    if (!event.dedupeKey.isEmpty())
        drop(m_heldKeys, event.dedupeKey);
}

QList<Result<EventSink::Outcome>> JournalledStoreSink::acceptAll(const QList<NormalizedEvent> &events)
{
    takeReports(); // a commit that just ended may clear a failure
    QList<Result<Outcome>> results;
    results.reserve(events.size());
    if (!m_running) {
        const Error closed{QStringLiteral("io"), QStringLiteral("The event intake is not running.")};
        for (qsizetype i = 0; i < events.size(); ++i)
            results.append(closed);
        return results;
    }
    if (m_direct)
        return acceptDirectly(events);
    if (m_storeError) {
        for (qsizetype i = 0; i < events.size(); ++i)
            results.append(*m_storeError);
        return results;
    }
    QList<Event> candidates;
    candidates.reserve(events.size());
    for (const NormalizedEvent &event : events)
        candidates.append(toEvent(event));
    const Result<QList<bool>> inStore = m_store.holdCopiesOf(candidates);
    if (!inStore) {
        for (qsizetype i = 0; i < events.size(); ++i)
            results.append(inStore.error());
        return results;
    }
    Held held;
    QList<Event> fresh;
    QList<qsizetype> freshAt; // where each fresh event's result is
    for (qsizetype i = 0; i < events.size(); ++i) {
        const NormalizedEvent &event = events[i];
        if (event.payload.size() > IntakeJournal::kMaxPayloadBytes) {
            results.append(
                Error{QStringLiteral("too_large"), QStringLiteral("The event is too large to store (%1 MB).")
                                                       .arg(event.payload.size() / (1024 * 1024))});
            continue;
        }
        if (inStore->at(i) || isHeld(event)) {
            results.append(Outcome::Duplicate);
            continue;
        }
        hold(event); // before the next event: a copy later in this batch is a duplicate
        held.events.append(event);
        fresh.append(candidates[i]);
        freshAt.append(results.size());
        results.append(Outcome::Stored);
    }
    if (fresh.isEmpty())
        return results;
    if (const Status started = startWorker(); !started) {
        for (const NormalizedEvent &event : std::as_const(held.events))
            unhold(event);
        for (const qsizetype at : std::as_const(freshAt))
            results[at] = started.error();
        return results;
    }

    const Result<IntakeJournal::Ticket> ticket = m_journal.append(fresh);
    if (!ticket) {
        for (const NormalizedEvent &event : std::as_const(held.events))
            unhold(event);
        for (const qsizetype at : std::as_const(freshAt))
            results[at] = ticket.error();
        return results;
    }
    held.ticket = *ticket;
    const quint64 tag = m_nextTag++;
    m_held.insert(tag, std::move(held));
    m_worker->post(IngestWorker::Batch{tag, std::move(fresh)});
    return results;
}

QList<Result<EventSink::Outcome>> JournalledStoreSink::acceptDirectly(const QList<NormalizedEvent> &events)
{
    const QList<Result<Outcome>> results = m_direct->acceptAll(events);
    QList<NormalizedEvent> stored;
    for (qsizetype i = 0; i < events.size(); ++i)
        if (results[i] && *results[i] == Outcome::Stored)
            stored.append(events[i]);
    // Announced from the event loop, as the journalled path does: never before the sender's answer.
    if (!stored.isEmpty())
        QMetaObject::invokeMethod(
            this,
            [this, stored]() {
                if (m_committed)
                    m_committed(stored);
            },
            Qt::QueuedConnection);
    return results;
}

void JournalledStoreSink::report(IngestWorker::Outcome outcome)
{
    bool first = false;
    {
        const std::lock_guard lock(m_reportsMutex);
        first = m_reports.isEmpty();
        m_reports.append(std::move(outcome));
    }
    if (first)
        QMetaObject::invokeMethod(this, &JournalledStoreSink::takeReports, Qt::QueuedConnection);
}

void JournalledStoreSink::takeReports()
{
    QList<IngestWorker::Outcome> reports;
    {
        const std::lock_guard lock(m_reportsMutex);
        reports.swap(m_reports);
    }
    for (const IngestWorker::Outcome &outcome : std::as_const(reports))
        apply(outcome);
}

void JournalledStoreSink::apply(const IngestWorker::Outcome &outcome)
{
    if (outcome.error) {
        // New deliveries are refused only when the store cannot take more (a full or read-only disk, a
        // damaged file); a passing lock is waited out while the journal keeps them.
        const QString &kind = outcome.error->kind;
        const bool refuse = kind == QLatin1StringView("disk_full") ||
                            kind == QLatin1StringView("read_only") || kind == QLatin1StringView("corrupt");
        const bool wasFailing = m_storeError.has_value();
        if (refuse)
            m_storeError = outcome.error;
        if (refuse && !wasFailing)
            Q_EMIT storeFailing(outcome.error->message);
        return;
    }
    if (m_storeError) {
        m_storeError.reset();
        Q_EMIT storeRecovered();
    }
    QList<NormalizedEvent> committed;
    for (qsizetype b = 0; b < outcome.tags.size(); ++b) {
        const Held held = m_held.take(outcome.tags[b]);
        const QList<bool> &stored = outcome.stored[b];
        for (qsizetype i = 0; i < held.events.size(); ++i) {
            unhold(held.events[i]);
            // Not stored: the same GitHub event came from another source first (the poller); it ran there.
            if (stored.value(i))
                committed.append(held.events[i]);
        }
        m_journal.release(held.ticket);
    }
    if (!committed.isEmpty() && m_committed)
        m_committed(committed);
    if (m_held.isEmpty() && m_worker)
        m_idleTimer.start(); // restarted by every commit: fires once deliveries stop
}

} // namespace exeserver
