#pragma once

#include "store/outbox.h"
#include "sync/synctarget.h"
#include "util/clock.h"

#include <QDateTime>
#include <QObject>

#include <functional>
#include <optional>

namespace exeserver {

class EventStore;

// What sync looks like from outside: for the status bar, `exeserver-cli sync` and monitoring.
struct SyncStatus
{
    qint64 pending = 0;
    qint64 parked = 0;
    qint64 lagMs = 0; // age of the oldest pending row; 0 when caught up
    QDateTime lastSuccessAt;
    QDateTime nextAttemptAt; // set while backing off
    QString lastError;
};

// The outcome of one drain().
struct SyncRun
{
    int stored = 0;
    int parked = 0;
    bool backingOff = false; // stopped early: the target is failing; try again at nextAttemptAt
    QString error;
};

// Drains the event store's outbox into one shared database in batches. Safe to stop at any point: a row
// leaves the outbox only after the target confirmed it, and targets upsert on the row's id, so a batch
// sent twice (crash between confirm and delete) is stored once. Backs off exponentially on temporary
// failures; a row the target refuses is isolated from its batch and parked with the reason.
class SyncEngine : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int batchSize = 500;
        qint64 minBackoffMs = 1000;
        qint64 maxBackoffMs = 5 * 60 * 1000;
    };

    SyncEngine(EventStore &store, SyncTarget &target, Clock *clock, Options options,
               QObject *parent = nullptr);
    SyncEngine(EventStore &store, SyncTarget &target, Clock *clock, QObject *parent = nullptr)
        : SyncEngine(store, target, clock, Options{}, parent)
    {
    }

    // Enables the outbox (first time: enqueues the whole history).
    Status enable();
    // Sends batches until the outbox is empty or the target fails; `done` runs once, later.
    void drain(std::function<void(SyncRun)> done);
    bool isDraining() const { return static_cast<bool>(m_done); }
    SyncStatus status() const;

Q_SIGNALS:
    void statusChanged();

private:
    void step();
    void sendBatch(const QList<OutboxItem> &items);
    void handle(const QList<OutboxItem> &items, const SyncReply &reply);
    void backOff(const SyncReply &reply);
    void finish();

    EventStore &m_store;
    Outbox m_outbox;
    SyncTarget &m_target;
    Clock *m_clock;
    Options m_options;
    std::function<void(SyncRun)> m_done;
    SyncRun m_run;
    QList<OutboxItem> m_isolating; // rows of a refused batch, sent one by one to find the bad ones
    int m_failures = 0;
    QDateTime m_nextAttemptAt;
    QDateTime m_lastSuccessAt;
    QString m_lastError;
};

} // namespace exeserver
