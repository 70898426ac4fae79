#include "store/actionlog.h"

#include "config/logging.h"
#include "config/secretredactor.h"
#include "store/eventstore.h"
#include "store/storerows.h"

#include <QDir>
#include <QJsonDocument>
#include <QLockFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace exeserver {

using storerows::fromMs;
using storerows::text;

namespace {

std::optional<int> optionalInt(const QVariant &value)
{
    return value.isNull() ? std::nullopt : std::optional<int>(value.toInt());
}

QVariant toVariant(const std::optional<int> &value)
{
    return value ? QVariant(*value) : QVariant(QMetaType::fromType<int>());
}

// Keeps the start and the end of long output: the command line and the failure are what matter.
QString capOutput(const QString &text)
{
    const qsizetype cap = EventStore::kOutputCap;
    if (text.size() <= cap)
        return text;
    const qsizetype head = cap / 4;
    const qsizetype tail = cap - head;
    return text.left(head) +
           QStringLiteral("\n… [%1 characters omitted] …\n").arg(text.size() - head - tail) +
           text.right(tail);
}

// A summary is read from its top, so the end is what goes.
QString capSummary(const QString &text)
{
    if (text.size() <= EventStore::kSummaryCap)
        return text;
    return text.left(EventStore::kSummaryCap) +
           QStringLiteral("\n\n*[… %1 more characters of the summary are in the run's files]*")
               .arg(text.size() - EventStore::kSummaryCap);
}

// GITHUB_OUTPUT values as a JSON object, each redacted; NULL when there are none.
QVariant outputsText(const QJsonObject &outputs)
{
    if (outputs.isEmpty())
        return QVariant(QMetaType::fromType<QString>());
    QJsonObject redacted;
    for (auto it = outputs.begin(); it != outputs.end(); ++it)
        redacted.insert(it.key(), SecretRedactor::redact(it.value().toString()));
    return QString::fromUtf8(QJsonDocument(redacted).toJson(QJsonDocument::Compact));
}

const QString kActionColumns = QStringLiteral(
    "seq, id, kind, status, target, event_id, trigger_id, requested_at, started_at, finished_at, exit_code, "
    "http_status, output, error, outputs, summary");

ActionRecord actionFromRow(const QSqlQuery &query)
{
    ActionRecord record;
    record.seq = query.value(0).toLongLong();
    record.id = query.value(1).toString();
    record.kind = actionKindFromString(query.value(2).toString()).value_or(ActionKind::Notify);
    record.status = actionStatusFromString(query.value(3).toString()).value_or(ActionStatus::Failure);
    record.target = query.value(4).toString();
    record.eventId = query.value(5).toString();
    record.triggerId = query.value(6).toString();
    record.requestedAt = fromMs(query.value(7));
    record.startedAt = fromMs(query.value(8));
    record.finishedAt = fromMs(query.value(9));
    record.exitCode = optionalInt(query.value(10));
    record.httpStatus = optionalInt(query.value(11));
    record.output = query.value(12).toString();
    record.error = query.value(13).toString();
    record.outputs = QJsonDocument::fromJson(query.value(14).toString().toUtf8()).object();
    record.summary = query.value(15).toString();
    return record;
}

} // namespace

Result<QString> ActionLog::beginAction(const ActionRequest &request)
{
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const qint64 now = m_store.clock()->nowMSecs();
    QSqlQuery query(m_store.database());
    query.prepare(QStringLiteral("INSERT INTO actions (id, event_id, trigger_id, kind, target, status, "
                                 "owner, requested_at, started_at, "
                                 "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    query.addBindValue(id);
    query.addBindValue(request.eventId.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                                 : request.eventId);
    query.addBindValue(request.triggerId.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                                   : request.triggerId);
    query.addBindValue(toString(request.kind));
    query.addBindValue(text(SecretRedactor::redact(request.target)));
    query.addBindValue(toString(request.startNow ? ActionStatus::Running : ActionStatus::Queued));
    query.addBindValue(m_store.sessionId());
    query.addBindValue(now);
    query.addBindValue(request.startNow ? QVariant(now) : QVariant(QMetaType::fromType<qint64>()));
    query.addBindValue(now);
    if (!query.exec())
        return m_store.sqlError(query.lastError(), QStringLiteral("record an action"));
    return id;
}

Status ActionLog::startAction(const QString &id)
{
    const qint64 now = m_store.clock()->nowMSecs();
    QSqlQuery query(m_store.database());
    query.prepare(QStringLiteral("UPDATE actions SET status = 'running', started_at = ?, updated_at = ? "
                                 "WHERE id = ? AND status = 'queued'"));
    query.addBindValue(now);
    query.addBindValue(now);
    query.addBindValue(id);
    if (!query.exec())
        return m_store.sqlError(query.lastError(), QStringLiteral("start an action"));
    if (query.numRowsAffected() != 1)
        return Error{QStringLiteral("not_found"), QStringLiteral("No queued action %1.").arg(id)};
    return success();
}

Status ActionLog::finishAction(const QString &id, const ActionOutcome &outcome)
{
    if (!isFinished(outcome.status))
        return Error{QStringLiteral("invalid_status"),
                     QStringLiteral("An action cannot finish as %1.").arg(toString(outcome.status))};
    const qint64 now = m_store.clock()->nowMSecs();
    QSqlQuery query(m_store.database());
    query.prepare(QStringLiteral("UPDATE actions SET status = ?, finished_at = ?, updated_at = ?, started_at "
                                 "= COALESCE(started_at, ?), "
                                 "exit_code = ?, http_status = ?, output = ?, error = ?, outputs = ?, "
                                 "summary = ? WHERE id = ?"));
    query.addBindValue(toString(outcome.status));
    query.addBindValue(now);
    query.addBindValue(now);
    query.addBindValue(now);
    query.addBindValue(toVariant(outcome.exitCode));
    query.addBindValue(toVariant(outcome.httpStatus));
    // Redact before capping: a secret cut in half by the cap would no longer be recognised.
    query.addBindValue(text(capOutput(SecretRedactor::redact(outcome.output))));
    query.addBindValue(text(capOutput(SecretRedactor::redact(outcome.error))));
    query.addBindValue(outputsText(outcome.outputs));
    query.addBindValue(text(capSummary(SecretRedactor::redact(outcome.summary))));
    query.addBindValue(id);
    if (!query.exec())
        return m_store.sqlError(query.lastError(), QStringLiteral("record an action's outcome"));
    if (query.numRowsAffected() != 1)
        return Error{QStringLiteral("not_found"), QStringLiteral("No action %1.").arg(id)};
    return success();
}

Result<QStringList> ActionLog::goneSessions() const
{
    QSqlQuery owners(m_store.database());
    if (!owners.exec(
            QStringLiteral("SELECT DISTINCT owner FROM actions WHERE status IN ('running', 'queued')")))
        return m_store.sqlError(owners.lastError(), QStringLiteral("look for interrupted actions"));
    QStringList gone;
    while (owners.next()) {
        const QString owner = owners.value(0).toString();
        if (owner == m_store.sessionId())
            continue;
        // A session's lock is held while its process lives; taking it means the process is gone.
        QLockFile lock(
            QDir(storerows::sessionLockDir(m_store.path())).filePath(owner + QStringLiteral(".lock")));
        lock.setStaleLockTime(0);
        if (owner.isEmpty() || lock.tryLock(0)) {
            gone.append(owner);
            lock.unlock();
        }
    }
    return gone;
}

Result<RecoveryReport> ActionLog::recoverInterrupted()
{
    const Result<QStringList> gone = goneSessions();
    if (!gone)
        return gone.error();
    RecoveryReport report;
    const qint64 now = m_store.clock()->nowMSecs();
    for (const QString &owner : *gone) {
        QSqlQuery update(m_store.database());
        update.prepare(QStringLiteral(
            "UPDATE actions SET status = 'interrupted', finished_at = ?, updated_at = ?, error = CASE WHEN "
            "error = '' THEN 'ExeServer stopped while this action was running; its outcome is unknown.' "
            "ELSE error END WHERE status = 'running' AND owner = ?"));
        update.addBindValue(now);
        update.addBindValue(now);
        update.addBindValue(owner);
        if (!update.exec())
            return m_store.sqlError(update.lastError(), QStringLiteral("mark interrupted actions"));
        report.interrupted += update.numRowsAffected();
        update.prepare(QStringLiteral(
            "UPDATE actions SET status = 'skipped', finished_at = ?, updated_at = ?, error = "
            "'ExeServer stopped before this queued action started.' WHERE status = 'queued' AND owner = ?"));
        update.addBindValue(now);
        update.addBindValue(now);
        update.addBindValue(owner);
        if (!update.exec())
            return m_store.sqlError(update.lastError(), QStringLiteral("mark interrupted actions"));
        report.skipped += update.numRowsAffected();
    }
    if (report.interrupted || report.skipped)
        qCInfo(lcStore) << "marked" << report.interrupted << "actions interrupted and" << report.skipped
                        << "skipped after an earlier stop";
    return report;
}

Result<QList<ActionRecord>> ActionLog::adoptInterrupted()
{
    const Result<QStringList> gone = goneSessions();
    if (!gone)
        return gone.error();
    QList<ActionRecord> adopted;
    for (const QString &owner : *gone) {
        QSqlDatabase db = m_store.database();
        if (!db.transaction())
            return m_store.sqlError(db.lastError(), QStringLiteral("take over interrupted actions"));
        QSqlQuery select(db);
        select.prepare(
            QStringLiteral("SELECT %1 FROM actions WHERE status IN ('running', 'queued') AND owner = ? "
                           "ORDER BY seq")
                .arg(kActionColumns));
        select.addBindValue(owner);
        QSqlQuery update(db);
        update.prepare(
            QStringLiteral("UPDATE actions SET owner = ? WHERE status IN ('running', 'queued') AND "
                           "owner = ?"));
        update.addBindValue(m_store.sessionId());
        update.addBindValue(owner);
        if (!select.exec()) {
            db.rollback();
            return m_store.sqlError(select.lastError(), QStringLiteral("take over interrupted actions"));
        }
        while (select.next())
            adopted.append(actionFromRow(select));
        if (!update.exec() || !db.commit()) {
            const QSqlError error = update.lastError().isValid() ? update.lastError() : db.lastError();
            db.rollback();
            return m_store.sqlError(error, QStringLiteral("take over interrupted actions"));
        }
    }
    std::sort(adopted.begin(), adopted.end(),
              [](const ActionRecord &a, const ActionRecord &b) { return a.seq < b.seq; });
    return adopted;
}

Result<std::optional<ActionRecord>> ActionLog::action(const QString &id) const
{
    QSqlQuery query(m_store.database());
    bool isNumber = false;
    const qint64 seq = id.toLongLong(&isNumber);
    query.prepare(QStringLiteral("SELECT %1 FROM actions WHERE %2 = ?")
                      .arg(kActionColumns, isNumber ? QStringLiteral("seq") : QStringLiteral("id")));
    query.addBindValue(isNumber ? QVariant(seq) : QVariant(id));
    if (!query.exec())
        return m_store.sqlError(query.lastError(), QStringLiteral("read an action"));
    if (!query.next())
        return std::optional<ActionRecord>();
    return std::optional<ActionRecord>(actionFromRow(query));
}

Result<QList<ActionRecord>> ActionLog::actions(const ActionQuery &request) const
{
    QStringList where;
    QVariantList values;
    if (request.status) {
        where.append(QStringLiteral("status = ?"));
        values.append(toString(*request.status));
    }
    if (request.kind) {
        where.append(QStringLiteral("kind = ?"));
        values.append(toString(*request.kind));
    }
    if (!request.eventId.isEmpty()) {
        where.append(QStringLiteral("event_id = ?"));
        values.append(request.eventId);
    }
    if (request.beforeSeq > 0) {
        where.append(QStringLiteral("seq < ?"));
        values.append(request.beforeSeq);
    }
    if (request.fromSeq > 0) {
        where.append(QStringLiteral("seq >= ?"));
        values.append(request.fromSeq);
    }
    QSqlQuery query(m_store.database());
    query.setForwardOnly(true);
    query.prepare(
        QStringLiteral("SELECT %1 FROM actions %2 ORDER BY seq DESC LIMIT %3")
            .arg(kActionColumns,
                 where.isEmpty() ? QString() : QStringLiteral("WHERE ") + where.join(QStringLiteral(" AND ")))
            .arg(std::clamp(request.limit, 1, EventStore::kMaxPageSize)));
    for (qsizetype i = 0; i < values.size(); ++i)
        query.bindValue(int(i), values[i]);
    if (!query.exec())
        return m_store.sqlError(query.lastError(), QStringLiteral("query actions"));
    QList<ActionRecord> records;
    while (query.next())
        records.append(actionFromRow(query));
    return records;
}

Result<QHash<QString, TriggerActivity>> ActionLog::triggerActivity() const
{
    QSqlQuery query(m_store.database());
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral(
            "SELECT trigger_id, max(requested_at), sum(status = 'success'), "
            "sum(status IN ('failure', 'interrupted')) FROM actions WHERE trigger_id IS NOT NULL "
            "GROUP BY trigger_id")))
        return m_store.sqlError(query.lastError(), QStringLiteral("read trigger activity"));
    QHash<QString, TriggerActivity> activity;
    while (query.next())
        activity.insert(query.value(0).toString(),
                        {fromMs(query.value(1)), query.value(2).toLongLong(), query.value(3).toLongLong()});
    return activity;
}

} // namespace exeserver
