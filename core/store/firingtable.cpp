#include "store/firingtable.h"

#include "store/actionlog.h"
#include "store/eventstore.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>
#include <QVariant>

namespace exeserver {

Result<bool> FiringTable::record(const QString &eventId, const QString &triggerId, const QString &decision,
                                 const QString &actionId)
{
    QSqlQuery query(m_store.database());
    query.prepare(QStringLiteral("INSERT INTO trigger_firings (event_id, trigger_id, decision, action_id, "
                                 "decided_at) VALUES (?, ?, ?, ?, ?) "
                                 "ON CONFLICT (event_id, trigger_id) DO NOTHING"));
    query.addBindValue(eventId);
    query.addBindValue(triggerId);
    query.addBindValue(decision);
    query.addBindValue(actionId.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : actionId);
    query.addBindValue(m_store.clock()->nowMSecs());
    if (!query.exec())
        return m_store.sqlError(query.lastError(), QStringLiteral("record a trigger decision"));
    return query.numRowsAffected() == 1;
}

Result<bool> FiringTable::replaceDeferred(const QString &eventId, const QString &triggerId,
                                          const QString &decision, const QString &actionId)
{
    QSqlQuery query(m_store.database());
    query.prepare(QStringLiteral("UPDATE trigger_firings SET decision = ?, action_id = ?, decided_at = ? "
                                 "WHERE event_id = ? AND trigger_id = ? AND decision = 'deferred'"));
    query.addBindValue(decision);
    query.addBindValue(actionId.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : actionId);
    query.addBindValue(m_store.clock()->nowMSecs());
    query.addBindValue(eventId);
    query.addBindValue(triggerId);
    if (!query.exec())
        return m_store.sqlError(query.lastError(), QStringLiteral("record a trigger decision"));
    return query.numRowsAffected() == 1;
}

Result<std::optional<QStringList>>
FiringTable::recordWithActions(const QString &eventId, const QString &triggerId, const QString &decision,
                               const QList<ActionRequest> &actions, bool fromDeferred)
{
    QSqlDatabase db = m_store.database();
    if (!db.transaction())
        return m_store.sqlError(db.lastError(), QStringLiteral("record a trigger decision"));
    const auto rollback = [&db](auto value) {
        db.rollback();
        return value;
    };
    QStringList ids;
    for (const ActionRequest &request : actions) {
        ActionRequest queued = request;
        queued.startNow = false;
        const Result<QString> id = ActionLog(m_store).beginAction(queued);
        if (!id)
            return rollback(Result<std::optional<QStringList>>(id.error()));
        ids.append(*id);
    }
    const Result<bool> decided = fromDeferred ? replaceDeferred(eventId, triggerId, decision, ids.value(0))
                                              : record(eventId, triggerId, decision, ids.value(0));
    if (!decided)
        return rollback(Result<std::optional<QStringList>>(decided.error()));
    if (!*decided)
        return rollback(Result<std::optional<QStringList>>(std::optional<QStringList>()));
    if (!db.commit())
        return rollback(Result<std::optional<QStringList>>(
            m_store.sqlError(db.lastError(), QStringLiteral("record a trigger decision"))));
    return std::optional<QStringList>(ids);
}

Result<QSet<QString>> FiringTable::decidedTriggers(const QString &eventId) const
{
    QSqlQuery query(m_store.database());
    query.prepare(QStringLiteral("SELECT trigger_id FROM trigger_firings WHERE event_id = ?"));
    query.addBindValue(eventId);
    if (!query.exec())
        return m_store.sqlError(query.lastError(), QStringLiteral("read trigger decisions"));
    QSet<QString> decided;
    while (query.next())
        decided.insert(query.value(0).toString());
    return decided;
}

Result<QList<DeferredFiring>> FiringTable::deferred() const
{
    QSqlQuery query(m_store.database());
    if (!query.exec(QStringLiteral("SELECT f.event_id, f.trigger_id, f.decided_at FROM trigger_firings f "
                                   "JOIN events e ON e.id = f.event_id WHERE f.decision = 'deferred' "
                                   "ORDER BY f.decided_at, e.seq")))
        return m_store.sqlError(query.lastError(), QStringLiteral("read deferred trigger decisions"));
    QList<DeferredFiring> deferred;
    while (query.next())
        deferred.append({query.value(0).toString(), query.value(1).toString(),
                         QDateTime::fromMSecsSinceEpoch(query.value(2).toLongLong(), QTimeZone::utc())});
    return deferred;
}

} // namespace exeserver
