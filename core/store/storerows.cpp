#include "store/storerows.h"

#include <QSqlQuery>
#include <QTimeZone>

namespace exeserver::storerows {

const QString kEventColumns =
    QStringLiteral("seq, id, type, action, repository, sender, source, occurred_at, received_at");

const QString kIndexedThrough =
    QStringLiteral("(SELECT value FROM store_state WHERE key = 'fts_indexed_through')");

QDateTime fromMs(const QVariant &value)
{
    if (value.isNull())
        return {};
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), QTimeZone::utc());
}

Event eventFromRow(const QSqlQuery &query)
{
    Event event;
    event.id = query.value(1).toString();
    event.type = query.value(2).toString();
    event.action = query.value(3).toString();
    event.repository = query.value(4).toString();
    event.sender = query.value(5).toString();
    event.source = query.value(6).toString();
    event.occurredAt = fromMs(query.value(7));
    event.receivedAt = fromMs(query.value(8));
    return event;
}

QString sessionLockDir(const QString &dbPath)
{
    return dbPath + QStringLiteral(".sessions");
}

} // namespace exeserver::storerows
