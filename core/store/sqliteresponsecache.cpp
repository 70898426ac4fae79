#include "store/sqliteresponsecache.h"

#include "config/logging.h"
#include "store/eventstore.h"

#include <QSqlError>
#include <QSqlQuery>

namespace exeserver {

std::optional<CachedResponse> SqliteResponseCache::find(const QString &url) const
{
    QSqlQuery query(m_store.database());
    query.prepare(
        QStringLiteral("SELECT etag, last_modified, link, body, stored_at FROM http_cache WHERE url = ?"));
    query.addBindValue(url);
    if (!query.exec() || !query.next())
        return std::nullopt;
    CachedResponse response;
    response.etag = query.value(0).toByteArray();
    response.lastModified = query.value(1).toByteArray();
    response.linkHeader = query.value(2).toByteArray();
    response.body = qUncompress(query.value(3).toByteArray());
    response.storedAt = QDateTime::fromMSecsSinceEpoch(query.value(4).toLongLong(), QTimeZone::utc());
    return response;
}

void SqliteResponseCache::store(const QString &url, const CachedResponse &response)
{
    QSqlQuery query(m_store.database());
    query.prepare(
        QStringLiteral("INSERT OR REPLACE INTO http_cache (url, etag, last_modified, link, body, stored_at) "
                       "VALUES (?, ?, ?, ?, ?, ?)"));
    query.addBindValue(url);
    query.addBindValue(response.etag);
    query.addBindValue(response.lastModified);
    query.addBindValue(response.linkHeader);
    query.addBindValue(qCompress(response.body));
    query.addBindValue(response.storedAt.isValid() ? response.storedAt.toMSecsSinceEpoch()
                                                   : m_store.clock()->nowMSecs());
    // A cache that cannot write only costs rate limit; the request itself goes on.
    if (!query.exec())
        qCWarning(lcStore) << "http cache write failed:" << query.lastError().text();
}

void SqliteResponseCache::remove(const QString &url)
{
    QSqlQuery query(m_store.database());
    query.prepare(QStringLiteral("DELETE FROM http_cache WHERE url = ?"));
    query.addBindValue(url);
    if (!query.exec())
        qCWarning(lcStore) << "http cache delete failed:" << query.lastError().text();
}

} // namespace exeserver
