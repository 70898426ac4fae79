#pragma once

// Row conversions the store's classes share (EventStore, EventSearch, ActionLog, TriggerTable): one
// definition of how a time, a text column and an events row are stored.
#include "events/event.h"

#include <QDateTime>
#include <QString>
#include <QVariant>

class QSqlQuery;

namespace exeserver::storerows {

// The columns eventFromRow() reads, in its order; the payload, when selected, follows them (column 9).
extern const QString kEventColumns;
// The full-text index's mark: events above this seq are not in events_fts yet (schema 7).
extern const QString kIndexedThrough;

// Qt binds a null QString as SQL NULL; NOT NULL text columns want ''.
inline QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

inline qint64 toMs(const QDateTime &when)
{
    return when.isValid() ? when.toMSecsSinceEpoch() : 0;
}

QDateTime fromMs(const QVariant &value);
Event eventFromRow(const QSqlQuery &query); // without the payload
// Where the session locks of the store at `dbPath` live (see EventStore::acquireSessionLock).
QString sessionLockDir(const QString &dbPath);

} // namespace exeserver::storerows
