#pragma once

#include "events/eventsink.h"
#include "events/storeeventsink.h"
#include "store/ingestworker.h"
#include "store/intakejournal.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>
#include <mutex>
#include <optional>

namespace exeserver {

class EventStore;

// The event store behind an intake journal: the sink the webhook intake uses when there is a store.
// acceptAll() checks each event against the store and the events not yet stored (duplicates), writes the
// new ones to the journal in one write and answers Stored — durable, though not yet in the store. An
// IngestWorker moves them into the store in large transactions on its own thread; once committed they are
// released from the journal and announced (setCommittedHandler), which is when triggers can see them.
// Answering webhooks thus never waits for SQLite, and SQLite's cost per event is that of a large batch.
//
// While the store fails (a full disk), held events stay journalled and are retried, and new events are
// refused with the store's error, so a sender retries them later; nothing acknowledged is lost.
class JournalledStoreSink : public QObject, public EventSink
{
    Q_OBJECT

public:
    explicit JournalledStoreSink(EventStore &store, QObject *parent = nullptr);
    ~JournalledStoreSink() override;

    // Stores what an earlier run left in the journal (before anything new is accepted), then opens the
    // journal and starts the worker on its own connection to the store's file.
    Status start();
    // Waits until the worker has stored what was accepted, announces it, and closes the journal. What the
    // store refused stays journalled for the next start.
    void stop();
    bool isRunning() const { return m_running; }

    // The worker (a thread, a connection and its page cache) runs only while deliveries come: it starts
    // with the first and ends once everything is stored and none came for this long; the journal then
    // drops its spare segment files (IntakeJournal::shrink). A host that waits for webhooks for days
    // holds none of it.
    static constexpr int kWorkerIdleMs = 30 * 1000;
    void setWorkerIdleMs(int ms) { m_idleTimer.setInterval(ms); } // tests
    bool isWorkerRunning() const { return m_worker != nullptr; }

    Result<Outcome> accept(const NormalizedEvent &event) override;
    QList<Result<Outcome>> acceptAll(const QList<NormalizedEvent> &events) override;
    bool announcesCommits() const override { return true; }
    void setCommittedHandler(Committed handler) override { m_committed = std::move(handler); }

    // Accepted and journalled, not yet committed to the store.
    qsizetype uncommittedCount() const { return m_heldIds.size(); }
    // Events a previous run left in the journal that start() stored; why it could not, when it could not.
    int recoveredCount() const { return m_recovered; }
    QString recoveryError() const { return m_recoveryError; }
    // Another process owns the journal: deliveries are stored before they are answered (StoreEventSink).
    bool storesDirectly() const { return m_direct != nullptr; }
    QString journalDirectory() const { return m_journal.directory(); }

Q_SIGNALS:
    // The store refused the journalled events (they are kept and retried), and when it takes them again.
    void storeFailing(const QString &message);
    void storeRecovered();

private:
    struct Held
    {
        IntakeJournal::Ticket ticket;
        QList<NormalizedEvent> events;
    };

    Status recoverLeftovers();
    Status startWorker();
    void stopWorker();                               // after storing what it holds
    bool isHeld(const NormalizedEvent &event) const; // accepted, not yet committed
    QList<Result<Outcome>> acceptDirectly(const QList<NormalizedEvent> &events);
    void hold(const NormalizedEvent &event);
    void unhold(const NormalizedEvent &event);
    // Called on the worker's thread: queues the outcome for the owner's thread.
    void report(IngestWorker::Outcome outcome);
    void takeReports();
    void apply(const IngestWorker::Outcome &outcome);

    EventStore &m_store;
    IntakeJournal m_journal;
    std::unique_ptr<IngestWorker> m_worker;
    bool m_running = false; // between start() and stop()
    QTimer m_idleTimer;
    Committed m_committed;
    QHash<quint64, Held> m_held; // by the worker's batch tag
    quint64 m_nextTag = 1;
    QHash<QString, int> m_heldIds; // ids and dedupe keys of held events: a copy of one is a duplicate
    QHash<QString, int> m_heldKeys;
    std::optional<Error> m_storeError; // the worker's last failure, until a commit succeeds
    int m_recovered = 0;
    QString m_recoveryError;
    std::unique_ptr<StoreEventSink> m_direct; // while another process owns the journal

    std::mutex m_reportsMutex;
    QList<IngestWorker::Outcome> m_reports; // from the worker, not yet applied
};

} // namespace exeserver
