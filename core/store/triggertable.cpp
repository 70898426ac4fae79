#include "store/triggertable.h"

#include "store/eventstore.h"
#include "store/storerows.h"

#include <QSqlError>
#include <QSqlQuery>

namespace exeserver {

using storerows::fromMs;
using storerows::toMs;

Status TriggerTable::save(const StoredTrigger &trigger)
{
    const qint64 now = m_store.clock()->nowMSecs();
    QSqlQuery query(m_store.database());
    query.prepare(
        QStringLiteral("INSERT INTO triggers (id, name, enabled, definition, created_at, updated_at) VALUES "
                       "(?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (id) DO UPDATE SET name = excluded.name, enabled = excluded.enabled, "
                       "definition = excluded.definition, updated_at = excluded.updated_at"));
    query.addBindValue(trigger.id);
    query.addBindValue(trigger.name);
    query.addBindValue(trigger.enabled ? 1 : 0);
    query.addBindValue(storerows::text(trigger.definition));
    query.addBindValue(trigger.createdAt.isValid() ? toMs(trigger.createdAt) : now);
    query.addBindValue(now);
    if (!query.exec())
        return m_store.sqlError(query.lastError(), QStringLiteral("save a trigger"));
    return success();
}

Result<QList<StoredTrigger>> TriggerTable::all() const
{
    QSqlQuery query(m_store.database());
    if (!query.exec(QStringLiteral(
            "SELECT id, name, enabled, definition, created_at, updated_at FROM triggers ORDER BY name, id")))
        return m_store.sqlError(query.lastError(), QStringLiteral("read triggers"));
    QList<StoredTrigger> result;
    while (query.next())
        result.append({query.value(0).toString(), query.value(1).toString(), query.value(2).toBool(),
                       query.value(3).toString(), fromMs(query.value(4)), fromMs(query.value(5))});
    return result;
}

Status TriggerTable::remove(const QString &id)
{
    QSqlQuery query(m_store.database());
    query.prepare(QStringLiteral("DELETE FROM triggers WHERE id = ?"));
    query.addBindValue(id);
    if (!query.exec())
        return m_store.sqlError(query.lastError(), QStringLiteral("remove a trigger"));
    return success();
}

} // namespace exeserver
