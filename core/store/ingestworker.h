#pragma once

#include "events/event.h"
#include "store/eventstore.h"
#include "util/result.h"

#include <QList>
#include <QString>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace exeserver {

// Stores events in the event database on a thread of its own, through its own connection, so the thread
// that answers webhooks never waits for SQLite. Batches posted while it is busy are stored together in the
// next transaction: the busier the intake, the larger (and cheaper per event) its commits. After each
// commit it indexes the new events' text while nothing else is waiting, off the answering thread too.
//
// A failed transaction (a full disk, a locked file) is reported and retried with a growing pause; the
// events stay in the caller's journal meanwhile, so nothing is lost if the process ends first.
class IngestWorker
{
public:
    struct Batch
    {
        quint64 tag = 0; // the caller's: handed back with the outcome
        QList<Event> events;
    };
    // What became of batches: one per batch, in the order posted. Reported from the worker's thread.
    struct Outcome
    {
        QList<quint64> tags;
        QList<QList<bool>> stored;  // per batch, per event: false for a copy of an event already stored
        std::optional<Error> error; // set when the transaction failed (tags and stored are then empty)
    };
    using Report = std::function<void(Outcome)>;

    static constexpr int kFirstRetryMs = 100;
    static constexpr int kMaxRetryMs = 5000;
    static constexpr int kIndexChunk = 2000; // events indexed per turn once nothing waits
    // While deliveries keep coming (a commit ended less than kBusyMs ago), a small queue waits up to
    // kGatherMs for company: a transaction's fixed cost (its WAL pages — whole 16 KB pages of every index's
    // right edge —, the commit, the sync outbox query, and every other connection's page cache, which
    // SQLite drops after a commit) is then shared by hundreds of events. The sender has its answer already
    // (the journal holds the delivery), so only triggers wait, and not for long. A delivery after a quiet
    // spell is stored at once.
    static constexpr int kBusyMs = 50;
    static constexpr int kGatherMs = 20;
    static constexpr qsizetype kGatherEvents = 512;

    IngestWorker(const QString &databasePath, const EventStore::Options &options, Report report);
    ~IngestWorker();
    IngestWorker(const IngestWorker &) = delete;
    IngestWorker &operator=(const IngestWorker &) = delete;

    // Opens the worker's connection on its thread; the store's open() error when it cannot.
    Status start();
    void post(Batch batch);
    // Stores what is queued (one more try when the store is failing), then ends the thread. Returns how
    // many events were left unstored (they stay in the journal for the next start).
    qsizetype stop();

private:
    void run();

    QString m_path;
    EventStore::Options m_options;
    Report m_report;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Batch> m_queue; // guarded by m_mutex, as are the count and flags below
    qsizetype m_queuedEvents = 0;
    bool m_stopping = false;
    bool m_idle = false; // waiting for a batch (not gathering, not retrying)
    bool m_opened = false;
    std::optional<Error> m_openError;
    qsizetype m_leftAtStop = 0;
};

} // namespace exeserver
