#include "store/outbox.h"

#include "config/secretredactor.h"
#include "store/eventstore.h"
#include "store/payloadcodec.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

namespace exeserver {

const QString Outbox::kEventsTable = QStringLiteral("exeserver_events");
const QString Outbox::kActionsTable = QStringLiteral("exeserver_actions");

namespace {

Error dbError(const QSqlQuery &query, const QString &doing)
{
    return {QStringLiteral("io"), QStringLiteral("Cannot %1: %2").arg(doing, query.lastError().text())};
}

QJsonValue isoTime(const QVariant &ms)
{
    if (ms.isNull())
        return QJsonValue::Null;
    return QDateTime::fromMSecsSinceEpoch(ms.toLongLong(), QTimeZone::utc()).toString(Qt::ISODateWithMs);
}

QJsonValue nullable(const QVariant &value)
{
    if (value.isNull())
        return QJsonValue::Null;
    return QJsonValue::fromVariant(value);
}

QString remoteTable(const QString &entity)
{
    return entity == QLatin1String("events") ? Outbox::kEventsTable : Outbox::kActionsTable;
}

// The payload is spliced in as raw JSON: it is already JSON, and re-serialising 10 KB per row would
// dominate sync time. `o` is the column of the row's first field in the joined query.
QByteArray eventRow(const QSqlQuery &q, int o)
{
    const QJsonObject meta{{QStringLiteral("id"), q.value(o).toString()},
                           {QStringLiteral("type"), q.value(o + 1).toString()},
                           {QStringLiteral("action"), q.value(o + 2).toString()},
                           {QStringLiteral("repository"), q.value(o + 3).toString()},
                           {QStringLiteral("sender"), q.value(o + 4).toString()},
                           {QStringLiteral("source"), q.value(o + 5).toString()},
                           {QStringLiteral("occurred_at"), isoTime(q.value(o + 6))},
                           {QStringLiteral("received_at"), isoTime(q.value(o + 7))}};
    const Result<QByteArray> payload = PayloadCodec::decode(q.value(o + 8).toByteArray());
    QByteArray json = QJsonDocument(meta).toJson(QJsonDocument::Compact);
    json.chop(1);
    json += ",\"payload\":";
    json += (payload && !payload->trimmed().isEmpty()) ? *payload : QByteArray("null");
    json += '}';
    return json;
}

QByteArray actionRow(const QSqlQuery &q, int o)
{
    const QJsonObject row{{QStringLiteral("id"), q.value(o).toString()},
                          {QStringLiteral("event_id"), nullable(q.value(o + 1))},
                          {QStringLiteral("trigger_id"), nullable(q.value(o + 2))},
                          {QStringLiteral("kind"), q.value(o + 3).toString()},
                          {QStringLiteral("target"), q.value(o + 4).toString()},
                          {QStringLiteral("status"), q.value(o + 5).toString()},
                          {QStringLiteral("requested_at"), isoTime(q.value(o + 6))},
                          {QStringLiteral("started_at"), isoTime(q.value(o + 7))},
                          {QStringLiteral("finished_at"), isoTime(q.value(o + 8))},
                          {QStringLiteral("exit_code"), nullable(q.value(o + 9))},
                          {QStringLiteral("http_status"), nullable(q.value(o + 10))},
                          {QStringLiteral("output"), SecretRedactor::redact(q.value(o + 11).toString())},
                          {QStringLiteral("error"), SecretRedactor::redact(q.value(o + 12).toString())},
                          {QStringLiteral("updated_at"), isoTime(q.value(o + 13))}};
    return QJsonDocument(row).toJson(QJsonDocument::Compact);
}

} // namespace

bool Outbox::isEnabled() const
{
    QSqlQuery query(m_store.database());
    return query.exec(QStringLiteral("SELECT value FROM store_state WHERE key = 'sync_enabled'")) &&
           query.next() && query.value(0).toInt() == 1;
}

Status Outbox::setEnabled(bool enabled)
{
    if (enabled == isEnabled())
        return success();
    QSqlDatabase db = m_store.database();
    if (!db.transaction())
        return Error{QStringLiteral("io"), db.lastError().text()};
    QSqlQuery query(db);
    QStringList statements{QStringLiteral("INSERT OR REPLACE INTO store_state (key, value) VALUES "
                                          "('sync_enabled', %1)")
                               .arg(enabled ? 1 : 0)};
    if (enabled)
        statements << QStringLiteral("INSERT OR IGNORE INTO outbox (entity, row_id, enqueued_at) "
                                     "SELECT 'events', id, received_at FROM events ORDER BY seq")
                   << QStringLiteral("INSERT OR IGNORE INTO outbox (entity, row_id, enqueued_at) "
                                     "SELECT 'actions', id, updated_at FROM actions ORDER BY seq");
    for (const QString &sql : std::as_const(statements)) {
        if (!query.exec(sql)) {
            const Error error = dbError(query, QStringLiteral("enable sync"));
            db.rollback();
            return error;
        }
    }
    if (!db.commit())
        return Error{QStringLiteral("io"), db.lastError().text()};
    return success();
}

Result<QList<OutboxItem>> Outbox::next(int limit) const
{
    QSqlQuery head(m_store.database());
    if (!head.exec(QStringLiteral("SELECT entity FROM outbox WHERE parked = 0 ORDER BY seq LIMIT 1")))
        return dbError(head, QStringLiteral("read the sync outbox"));
    if (!head.next())
        return QList<OutboxItem>();
    const QString entity = head.value(0).toString();
    const bool events = entity == QLatin1String("events");
    QSqlQuery query(m_store.database());
    query.setForwardOnly(true);
    query.prepare(
        events
            ? QStringLiteral(
                  "SELECT o.seq, o.row_id, o.attempts, o.last_error, e.id, e.type, e.action, e.repository, "
                  "e.sender, e.source, e.occurred_at, e.received_at, e.payload FROM outbox o "
                  "LEFT JOIN events e ON e.id = o.row_id WHERE o.parked = 0 AND o.entity = 'events' "
                  "ORDER BY o.seq LIMIT ?")
            : QStringLiteral(
                  "SELECT o.seq, o.row_id, o.attempts, o.last_error, a.id, a.event_id, a.trigger_id, a.kind, "
                  "a.target, a.status, a.requested_at, a.started_at, a.finished_at, a.exit_code, "
                  "a.http_status, a.output, a.error, a.updated_at FROM outbox o "
                  "LEFT JOIN actions a ON a.id = o.row_id WHERE o.parked = 0 AND o.entity = 'actions' "
                  "ORDER BY o.seq LIMIT ?"));
    query.addBindValue(limit);
    if (!query.exec())
        return dbError(query, QStringLiteral("read the sync outbox"));
    QList<OutboxItem> items;
    while (query.next()) {
        OutboxItem item;
        item.seq = query.value(0).toLongLong();
        item.table = remoteTable(entity);
        item.rowId = query.value(1).toString();
        item.attempts = query.value(2).toInt();
        item.lastError = query.value(3).toString();
        if (!query.value(4).isNull())
            item.row = events ? eventRow(query, 4) : actionRow(query, 4);
        items.append(std::move(item));
    }
    return items;
}

Status Outbox::complete(const QList<qint64> &seqs)
{
    QSqlDatabase db = m_store.database();
    if (!db.transaction())
        return Error{QStringLiteral("io"), db.lastError().text()};
    QSqlQuery query(db);
    query.prepare(QStringLiteral("DELETE FROM outbox WHERE seq = ?"));
    for (const qint64 seq : seqs) {
        query.bindValue(0, seq);
        if (!query.exec()) {
            const Error error = dbError(query, QStringLiteral("update the sync outbox"));
            db.rollback();
            return error;
        }
    }
    if (!db.commit())
        return Error{QStringLiteral("io"), db.lastError().text()};
    return success();
}

Status Outbox::noteAttempt(const QList<qint64> &seqs, const QString &error)
{
    QSqlDatabase db = m_store.database();
    if (!db.transaction())
        return Error{QStringLiteral("io"), db.lastError().text()};
    QSqlQuery query(db);
    query.prepare(QStringLiteral("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?"));
    for (const qint64 seq : seqs) {
        query.bindValue(0, SecretRedactor::redact(error));
        query.bindValue(1, seq);
        if (!query.exec()) {
            const Error failure = dbError(query, QStringLiteral("update the sync outbox"));
            db.rollback();
            return failure;
        }
    }
    if (!db.commit())
        return Error{QStringLiteral("io"), db.lastError().text()};
    return success();
}

Status Outbox::park(qint64 seq, const QString &error)
{
    QSqlQuery query(m_store.database());
    query.prepare(QStringLiteral(
        "UPDATE outbox SET parked = 1, attempts = attempts + 1, last_error = ? WHERE seq = ?"));
    query.addBindValue(SecretRedactor::redact(error).left(2000));
    query.addBindValue(seq);
    if (!query.exec())
        return dbError(query, QStringLiteral("park a refused row"));
    return success();
}

Result<QList<OutboxItem>> Outbox::parkedItems(int limit) const
{
    QSqlQuery query(m_store.database());
    query.prepare(QStringLiteral("SELECT seq, entity, row_id, attempts, last_error FROM outbox WHERE parked "
                                 "= 1 ORDER BY seq LIMIT ?"));
    query.addBindValue(limit);
    if (!query.exec())
        return dbError(query, QStringLiteral("read parked rows"));
    QList<OutboxItem> items;
    while (query.next()) {
        OutboxItem item;
        item.seq = query.value(0).toLongLong();
        item.table = remoteTable(query.value(1).toString());
        item.rowId = query.value(2).toString();
        item.attempts = query.value(3).toInt();
        item.lastError = query.value(4).toString();
        items.append(item);
    }
    return items;
}

Status Outbox::retryParked()
{
    QSqlQuery query(m_store.database());
    if (!query.exec(QStringLiteral("UPDATE outbox SET parked = 0 WHERE parked = 1")))
        return dbError(query, QStringLiteral("retry parked rows"));
    return success();
}

Result<OutboxStats> Outbox::stats() const
{
    QSqlQuery query(m_store.database());
    if (!query.exec(QStringLiteral("SELECT (SELECT count(*) FROM outbox WHERE parked = 0), "
                                   "(SELECT count(*) FROM outbox WHERE parked = 1), "
                                   "(SELECT min(enqueued_at) FROM outbox WHERE parked = 0)")) ||
        !query.next())
        return dbError(query, QStringLiteral("count the sync outbox"));
    OutboxStats stats;
    stats.pending = query.value(0).toLongLong();
    stats.parked = query.value(1).toLongLong();
    if (!query.value(2).isNull())
        stats.oldestPending = QDateTime::fromMSecsSinceEpoch(query.value(2).toLongLong(), QTimeZone::utc());
    return stats;
}

Status Outbox::noteSynced(const QDateTime &when)
{
    QSqlQuery query(m_store.database());
    query.prepare(
        QStringLiteral("INSERT OR REPLACE INTO store_state (key, value) VALUES ('sync_last_success', ?)"));
    query.addBindValue(when.toMSecsSinceEpoch());
    if (!query.exec())
        return dbError(query, QStringLiteral("note the last sync"));
    return success();
}

QDateTime Outbox::lastSynced() const
{
    QSqlQuery query(m_store.database());
    if (!query.exec(QStringLiteral("SELECT value FROM store_state WHERE key = 'sync_last_success'")) ||
        !query.next())
        return {};
    return QDateTime::fromMSecsSinceEpoch(query.value(0).toLongLong(), QTimeZone::utc());
}

} // namespace exeserver
