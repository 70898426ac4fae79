#include "triggers/postgresqlclaims.h"

#include <QPointer>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <chrono>
#include <optional>

namespace exeserver {

namespace {

using SteadyClock = std::chrono::steady_clock;

// The same table as packaging/supabase/schema.sql, for a team database nobody ran the script on.
const char *const kCreateTable =
    "CREATE TABLE IF NOT EXISTS exeserver_trigger_claims (occurrence text NOT NULL, trigger_id text NOT "
    "NULL, event_id text NOT NULL, owner text NOT NULL, claimed_at timestamptz NOT NULL DEFAULT now(), "
    "PRIMARY KEY (occurrence, trigger_id))";

} // namespace

// The blocking part; created, used and destroyed on the worker thread, as Qt's SQL connections require.
class PostgresqlClaims::Worker : public QObject
{
public:
    Worker(PostgresAddress address, QString owner)
        : m_address(std::move(address))
        , m_owner(std::move(owner))
        , m_connectionName(QStringLiteral("exeserver-claims-") + QUuid::createUuid().toString(QUuid::Id128))
    {
    }

    void release()
    {
        if (QSqlDatabase::contains(m_connectionName)) {
            QSqlDatabase::database(m_connectionName, false).close();
            QSqlDatabase::removeDatabase(m_connectionName);
        }
    }

    Result<bool> claim(const ClaimRequest &request, SteadyClock::time_point requestedAt)
    {
        // Asked before the last failed connect ended: that attempt already stood for this claim.
        if (m_lastFailure && requestedAt < m_lastFailureAt)
            return *m_lastFailure;
        if (const Status connected = connect(); !connected) {
            m_lastFailure = connected.error();
            m_lastFailureAt = SteadyClock::now();
            return connected.error();
        }
        m_lastFailure.reset();
        QSqlQuery insert(QSqlDatabase::database(m_connectionName, false));
        insert.prepare(
            QStringLiteral("INSERT INTO exeserver_trigger_claims (occurrence, trigger_id, event_id, "
                           "owner) VALUES (?, ?, ?, ?) ON CONFLICT (occurrence, trigger_id) DO "
                           "NOTHING"));
        insert.addBindValue(request.occurrence);
        insert.addBindValue(request.triggerId);
        insert.addBindValue(request.eventId);
        insert.addBindValue(m_owner);
        if (!insert.exec()) {
            QSqlDatabase::database(m_connectionName, false).close(); // reconnect next time
            return Error{QStringLiteral("team_database"),
                         QStringLiteral("Cannot claim trigger %1 for event %2 in %3: %4")
                             .arg(request.triggerId, request.eventId, m_address.describe(),
                                  insert.lastError().text())};
        }
        return insert.numRowsAffected() == 1;
    }

private:
    Status connect()
    {
        if (!QSqlDatabase::contains(m_connectionName) && !m_address.addConnection(m_connectionName))
            return Error{
                QStringLiteral("no_driver"),
                QStringLiteral("Qt's PostgreSQL driver (QPSQL) is missing; install libqt6sql6-psql.")};
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        if (!db.isOpen() && !db.open())
            return Error{QStringLiteral("team_database"),
                         QStringLiteral("Cannot reach the team database %1 to claim a trigger: %2")
                             .arg(m_address.describe(), db.lastError().text())};
        if (!m_tableReady) {
            QSqlQuery create(db);
            if (!create.exec(QString::fromLatin1(kCreateTable)) &&
                // Two instances creating the table at once: one of them loses the race on the catalog.
                !create.exec(QStringLiteral("SELECT 1 FROM exeserver_trigger_claims LIMIT 1")))
                return Error{QStringLiteral("team_database"),
                             QStringLiteral("Cannot create exeserver_trigger_claims in %1: %2")
                                 .arg(m_address.describe(), create.lastError().text())};
            m_tableReady = true;
        }
        return success();
    }

    PostgresAddress m_address;
    QString m_owner;
    QString m_connectionName;
    bool m_tableReady = false;
    std::optional<Error> m_lastFailure;
    SteadyClock::time_point m_lastFailureAt;
};

PostgresqlClaims::PostgresqlClaims(PostgresAddress address, QString owner)
    : m_description(address.describe())
    , m_worker(new Worker(std::move(address), std::move(owner)))
    , m_replies(std::make_unique<QObject>())
{
    m_thread.setObjectName(QStringLiteral("exeserver-claims"));
    m_worker->moveToThread(&m_thread);
    m_thread.start();
}

PostgresqlClaims::~PostgresqlClaims()
{
    // The connection must be closed on the thread that opened it; then the worker goes with the thread.
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker]() { worker->release(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_worker;
}

void PostgresqlClaims::claim(const ClaimRequest &request, Done done)
{
    // An answer that arrives after this object is gone is dropped: m_replies dies with it.
    QPointer<QObject> replies = m_replies.get();
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, request, requestedAt = SteadyClock::now(), replies, done = std::move(done)]() {
            Result<bool> claimed = worker->claim(request, requestedAt);
            if (replies)
                QMetaObject::invokeMethod(
                    replies.data(), [done, claimed = std::move(claimed)]() { done(claimed); },
                    Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

} // namespace exeserver
