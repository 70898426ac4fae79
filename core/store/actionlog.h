#pragma once

#include "store/actionrecord.h"
#include "util/result.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace exeserver {

class EventStore;
struct RecoveryReport;
struct TriggerActivity;

// The action log inside the event store (table actions): every action is written before it starts and
// updated when it ends, its text redacted and capped. Shares the store's connection, as Outbox does;
// EventStore's action methods forward here.
class ActionLog
{
public:
    explicit ActionLog(EventStore &store)
        : m_store(store)
    {
    }

    Result<QString> beginAction(const ActionRequest &request); // returns the new action's id
    Status startAction(const QString &id);                     // queued -> running
    Status finishAction(const QString &id, const ActionOutcome &outcome);
    // Running -> interrupted, queued -> skipped, for actions of processes that are gone.
    Result<RecoveryReport> recoverInterrupted();
    // Takes over the running and queued actions of processes that are gone, oldest first.
    Result<QList<ActionRecord>> adoptInterrupted();
    Result<std::optional<ActionRecord>> action(const QString &id) const; // id, or its local seq number
    Result<QList<ActionRecord>> actions(const ActionQuery &query) const;
    Result<QHash<QString, TriggerActivity>> triggerActivity() const; // per trigger id

private:
    // Owners of unfinished actions whose process no longer holds its session lock.
    Result<QStringList> goneSessions() const;

    EventStore &m_store;
};

} // namespace exeserver
