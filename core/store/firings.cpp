// EventStore's trigger decisions (trigger_firings): one per (event, trigger), ever, which is what lets the
// trigger engine fire exactly once across restarts, replays and processes.
#include "store/eventstore.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>
#include <QVariant>

namespace exeserver {

Result<bool> EventStore::recordFiring(const QString &eventId, const QString &triggerId,
                                      const QString &decision, const QString &actionId)
{
    QSqlQuery query(database());
    query.prepare(QStringLiteral("INSERT INTO trigger_firings (event_id, trigger_id, decision, action_id, "
                                 "decided_at) VALUES (?, ?, ?, ?, ?) "
                                 "ON CONFLICT (event_id, trigger_id) DO NOTHING"));
    query.addBindValue(eventId);
    query.addBindValue(triggerId);
    query.addBindValue(decision);
    query.addBindValue(actionId.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : actionId);
    query.addBindValue(m_clock->nowMSecs());
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("record a trigger decision"));
    return query.numRowsAffected() == 1;
}

Result<bool> EventStore::settleDeferred(const QString &eventId, const QString &triggerId,
                                        const QString &decision)
{
    return replaceDeferred(eventId, triggerId, decision, {});
}

Result<bool> EventStore::replaceDeferred(const QString &eventId, const QString &triggerId,
                                         const QString &decision, const QString &actionId)
{
    QSqlQuery query(database());
    query.prepare(QStringLiteral("UPDATE trigger_firings SET decision = ?, action_id = ?, decided_at = ? "
                                 "WHERE event_id = ? AND trigger_id = ? AND decision = 'deferred'"));
    query.addBindValue(decision);
    query.addBindValue(actionId.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : actionId);
    query.addBindValue(m_clock->nowMSecs());
    query.addBindValue(eventId);
    query.addBindValue(triggerId);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("record a trigger decision"));
    return query.numRowsAffected() == 1;
}

Result<std::optional<QStringList>>
EventStore::recordFiringWithActions(const QString &eventId, const QString &triggerId, const QString &decision,
                                    const QList<ActionRequest> &actions, bool fromDeferred)
{
    QSqlDatabase db = database();
    if (!db.transaction())
        return sqlError(db.lastError(), QStringLiteral("record a trigger decision"));
    const auto rollback = [&db](auto value) {
        db.rollback();
        return value;
    };
    QStringList ids;
    for (const ActionRequest &request : actions) {
        ActionRequest queued = request;
        queued.startNow = false;
        const Result<QString> id = beginAction(queued);
        if (!id)
            return rollback(Result<std::optional<QStringList>>(id.error()));
        ids.append(*id);
    }
    const Result<bool> decided = fromDeferred ? replaceDeferred(eventId, triggerId, decision, ids.value(0))
                                              : recordFiring(eventId, triggerId, decision, ids.value(0));
    if (!decided)
        return rollback(Result<std::optional<QStringList>>(decided.error()));
    if (!*decided)
        return rollback(Result<std::optional<QStringList>>(std::optional<QStringList>()));
    if (!db.commit())
        return rollback(Result<std::optional<QStringList>>(
            sqlError(db.lastError(), QStringLiteral("record a trigger decision"))));
    return std::optional<QStringList>(ids);
}

Result<QSet<QString>> EventStore::decidedTriggers(const QString &eventId) const
{
    QSqlQuery query(database());
    query.prepare(QStringLiteral("SELECT trigger_id FROM trigger_firings WHERE event_id = ?"));
    query.addBindValue(eventId);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("read trigger decisions"));
    QSet<QString> decided;
    while (query.next())
        decided.insert(query.value(0).toString());
    return decided;
}

Result<QList<DeferredFiring>> EventStore::deferredFirings() const
{
    QSqlQuery query(database());
    if (!query.exec(QStringLiteral("SELECT f.event_id, f.trigger_id, f.decided_at FROM trigger_firings f "
                                   "JOIN events e ON e.id = f.event_id WHERE f.decision = 'deferred' "
                                   "ORDER BY f.decided_at, e.seq")))
        return sqlError(query.lastError(), QStringLiteral("read deferred trigger decisions"));
    QList<DeferredFiring> deferred;
    while (query.next())
        deferred.append({query.value(0).toString(), query.value(1).toString(),
                         QDateTime::fromMSecsSinceEpoch(query.value(2).toLongLong(), QTimeZone::utc())});
    return deferred;
}

Result<std::optional<qint64>> EventStore::stateNumber(const QString &key) const
{
    QSqlQuery query(database());
    query.prepare(QStringLiteral("SELECT value FROM store_state WHERE key = ?"));
    query.addBindValue(key);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("read %1").arg(key));
    if (!query.next() || query.value(0).isNull())
        return std::optional<qint64>();
    return std::optional<qint64>(query.value(0).toLongLong());
}

Status EventStore::setStateNumber(const QString &key, qint64 value)
{
    QSqlQuery query(database());
    query.prepare(QStringLiteral("INSERT INTO store_state (key, value) VALUES (?, ?) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
    query.addBindValue(key);
    query.addBindValue(value);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("write %1").arg(key));
    return success();
}

} // namespace exeserver
