#include "sync/postgresqltarget.h"

#include "config/logging.h"
#include "config/secretredactor.h"
#include "store/outbox.h"

#include <QAtomicInteger>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrlQuery>

namespace exeserver {

namespace {

const QStringList kEventColumns{
    QStringLiteral("id"),          QStringLiteral("type"),        QStringLiteral("action"),
    QStringLiteral("repository"),  QStringLiteral("sender"),      QStringLiteral("source"),
    QStringLiteral("occurred_at"), QStringLiteral("received_at"), QStringLiteral("payload")};
const QStringList kActionColumns{
    QStringLiteral("id"),           QStringLiteral("event_id"),    QStringLiteral("trigger_id"),
    QStringLiteral("kind"),         QStringLiteral("target"),      QStringLiteral("status"),
    QStringLiteral("requested_at"), QStringLiteral("started_at"),  QStringLiteral("finished_at"),
    QStringLiteral("exit_code"),    QStringLiteral("http_status"), QStringLiteral("output"),
    QStringLiteral("error"),        QStringLiteral("updated_at")};

QString upsertSql(const QString &table)
{
    const QStringList &columns = table == Outbox::kEventsTable ? kEventColumns : kActionColumns;
    QStringList updates;
    for (const QString &column : columns)
        if (column != QLatin1String("id"))
            updates.append(QStringLiteral("%1 = EXCLUDED.%1").arg(column));
    const QString list = columns.join(QStringLiteral(", "));
    return QStringLiteral(
               "INSERT INTO %1 (%2) SELECT %2 FROM jsonb_populate_recordset(NULL::%1, CAST(? AS jsonb)) "
               "ON CONFLICT (id) DO UPDATE SET %3, synced_at = now()")
        .arg(table, list, updates.join(QStringLiteral(", ")));
}

// SQLSTATE classes: 08 connection, 57 operator intervention (shutdown), 53 resources, 40 rollback
// (serialization, deadlock) are worth retrying; 28 is a bad password; 42 a missing table or column.
SyncReply classify(const QSqlError &error)
{
    const QString state = error.nativeErrorCode();
    const QString text =
        SecretRedactor::redact(error.databaseText().isEmpty() ? error.text() : error.databaseText());
    SyncReply reply;
    reply.message =
        QStringLiteral("PostgreSQL: %1%2")
            .arg(text, state.isEmpty() ? QString() : QStringLiteral(" [") + state + QLatin1Char(']'));
    if (state.startsWith(QLatin1String("28")))
        reply.outcome = SyncReply::Unauthorized;
    else if (state.startsWith(QLatin1String("22")) || state.startsWith(QLatin1String("23")))
        reply.outcome = SyncReply::Refused;
    else
        reply.outcome = SyncReply::Retry;
    return reply;
}

} // namespace

Result<PostgresAddress> PostgresAddress::fromUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() ||
        (url.scheme() != QLatin1String("postgresql") && url.scheme() != QLatin1String("postgres")))
        return Error{
            QStringLiteral("invalid_url"),
            QStringLiteral("EXESERVER_DATABASE_URL must look like postgresql://user:password@host:5432/db "
                           "(or postgresql:///db?host=/socket/dir).")};
    PostgresAddress address;
    address.host = url.host();
    address.port = url.port(5432);
    address.database = url.path().mid(1);
    address.user = url.userName(QUrl::FullyDecoded);
    address.password = url.password(QUrl::FullyDecoded);
    QStringList options;
    const QUrlQuery query(url);
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key == QLatin1String("host"))
            address.host = value;
        else if (key == QLatin1String("port"))
            address.port = value.toInt();
        else if (key == QLatin1String("user"))
            address.user = value;
        else if (key == QLatin1String("password"))
            address.password = value;
        else
            options.append(key + QLatin1Char('=') + value);
    }
    address.options = options.join(QLatin1Char(';'));
    if (address.database.isEmpty())
        address.database = address.user;
    SecretRedactor::add(address.password);
    return address;
}

QString PostgresAddress::describe() const
{
    return QStringLiteral("postgresql://%1@%2:%3/%4").arg(user, host).arg(port).arg(database);
}

bool PostgresAddress::addConnection(const QString &connectionName) const
{
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        return false;
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
    db.setHostName(host);
    db.setPort(port);
    db.setDatabaseName(database);
    db.setUserName(user);
    db.setPassword(password);
    QStringList connectOptions = options.split(QLatin1Char(';'), Qt::SkipEmptyParts);
    if (!options.contains(QLatin1String("connect_timeout")))
        connectOptions.append(QStringLiteral("connect_timeout=10"));
    // A server that vanishes mid-query (a dropped VPN, a sleeping laptop) is noticed within about a
    // minute instead of never, so a batch in flight, and with it quitting the app, cannot hang for good.
    if (!options.contains(QLatin1String("keepalives")))
        connectOptions.append({QStringLiteral("keepalives=1"), QStringLiteral("keepalives_idle=30"),
                               QStringLiteral("keepalives_interval=10"),
                               QStringLiteral("keepalives_count=3")});
    db.setConnectOptions(connectOptions.join(QLatin1Char(';')));
    return true;
}

PostgresqlTarget::PostgresqlTarget(PostgresAddress address)
    : m_address(std::move(address))
{
    static QAtomicInteger<quint64> counter;
    m_connectionName = QStringLiteral("exeserver-sync-pg-%1").arg(counter.fetchAndAddRelaxed(1));
}

PostgresqlTarget::~PostgresqlTarget()
{
    if (QSqlDatabase::contains(m_connectionName)) {
        QSqlDatabase::database(m_connectionName, false).close();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

SyncReply PostgresqlTarget::connect()
{
    if (!QSqlDatabase::contains(m_connectionName) && !m_address.addConnection(m_connectionName))
        return {SyncReply::Unauthorized, 0,
                QStringLiteral("Qt's PostgreSQL driver (QPSQL) is missing; install libqt6sql6-psql."), -1};
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (db.isOpen())
        return {};
    if (!db.open()) {
        SyncReply reply = classify(db.lastError());
        // libpq reports a refused password in the message only.
        if (reply.message.contains(QLatin1String("password authentication failed")))
            reply.outcome = SyncReply::Unauthorized;
        else if (reply.outcome == SyncReply::Refused)
            reply.outcome = SyncReply::Retry;
        db.close();
        return reply;
    }
    return {};
}

void PostgresqlTarget::upsert(const QString &table, const QList<QByteArray> &rows,
                              std::function<void(SyncReply)> done)
{
    if (SyncReply connected = connect(); connected.outcome != SyncReply::Stored) {
        done(connected);
        return;
    }
    QByteArray body;
    body += '[';
    for (qsizetype i = 0; i < rows.size(); ++i) {
        if (i)
            body += ',';
        body += rows[i];
    }
    body += ']';
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery query(db);
    query.prepare(upsertSql(table));
    query.addBindValue(QString::fromUtf8(body));
    if (!query.exec()) {
        SyncReply reply = classify(query.lastError());
        // A dropped connection must be reopened next time, not reused.
        if (reply.outcome == SyncReply::Retry)
            db.close();
        qCDebug(lcSync) << "upsert into" << table << rows.size() << "rows failed:" << reply.message;
        done(reply);
        return;
    }
    qCDebug(lcSync) << "upsert into" << table << rows.size() << "rows";
    done({});
}

} // namespace exeserver
