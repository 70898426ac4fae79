#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

namespace exeserver {

class EventStore;

// One row waiting to be copied to the shared database.
struct OutboxItem
{
    qint64 seq = 0;
    QString table; // remote table: exeserver_events or exeserver_actions
    QString rowId;
    int attempts = 0;
    QByteArray row; // the row as a compact JSON object in the remote schema; empty if it was pruned
    QString lastError;
};

struct OutboxStats
{
    qint64 pending = 0;
    qint64 parked = 0;
    QDateTime oldestPending; // invalid when nothing is pending
};

// The sync outbox inside the event store: EventStore::addEvents enqueues every new event and SQLite
// triggers every action change, once sync is enabled; the sync engine reads batches, deletes what
// arrived and parks what was refused.
class Outbox
{
public:
    static const QString kEventsTable;
    static const QString kActionsTable;

    explicit Outbox(EventStore &store)
        : m_store(store)
    {
    }

    bool isEnabled() const;
    // Enabling enqueues everything stored so far (once): a team database gets the whole history.
    Status setEnabled(bool enabled);

    // The oldest pending rows of one table, at most `limit`.
    Result<QList<OutboxItem>> next(int limit) const;
    Status complete(const QList<qint64> &seqs);
    Status noteAttempt(const QList<qint64> &seqs, const QString &error);
    Status park(qint64 seq, const QString &error);
    Result<QList<OutboxItem>> parkedItems(int limit) const;
    Status retryParked();
    Result<OutboxStats> stats() const;
    // When a sync run last stored rows, kept in the store so the window shows a sync `exeserver-cli sync`
    // or another process ran; invalid when never.
    Status noteSynced(const QDateTime &when);
    QDateTime lastSynced() const;

private:
    EventStore &m_store;
};

} // namespace exeserver
