#include "triggers/triggerclaims.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace exeserver {

TriggerClaims::TriggerClaims(PostgresAddress address, QString owner)
    : m_address(std::move(address))
    , m_owner(std::move(owner))
    , m_connectionName(QStringLiteral("exeserver-claims-") + QUuid::createUuid().toString(QUuid::Id128))
{
}

TriggerClaims::~TriggerClaims()
{
    if (QSqlDatabase::contains(m_connectionName)) {
        QSqlDatabase::database(m_connectionName, false).close();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

Status TriggerClaims::connect()
{
    if (!QSqlDatabase::contains(m_connectionName) && !m_address.addConnection(m_connectionName))
        return Error{QStringLiteral("no_driver"),
                     QStringLiteral("Qt's PostgreSQL driver (QPSQL) is missing; install libqt6sql6-psql.")};
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.isOpen() && !db.open())
        return Error{QStringLiteral("team_database"),
                     QStringLiteral("Cannot reach the team database %1 to claim a trigger: %2")
                         .arg(m_address.describe(), db.lastError().text())};
    if (!m_tableReady) {
        QSqlQuery create(db);
        if (!create.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS trigger_claims (event_id text NOT NULL, "
                                        "trigger_id text NOT NULL, owner text NOT NULL, claimed_at "
                                        "timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (event_id, "
                                        "trigger_id))")) &&
            // Two instances creating the table at once: one of them loses the race on the catalog.
            !create.exec(QStringLiteral("SELECT 1 FROM trigger_claims LIMIT 1")))
            return Error{QStringLiteral("team_database"),
                         QStringLiteral("Cannot create trigger_claims in %1: %2")
                             .arg(m_address.describe(), create.lastError().text())};
        m_tableReady = true;
    }
    return success();
}

Result<bool> TriggerClaims::claim(const QString &eventId, const QString &triggerId)
{
    if (const Status connected = connect(); !connected)
        return connected.error();
    QSqlQuery insert(QSqlDatabase::database(m_connectionName, false));
    insert.prepare(QStringLiteral("INSERT INTO trigger_claims (event_id, trigger_id, owner) VALUES (?, ?, ?) "
                                  "ON CONFLICT (event_id, trigger_id) DO NOTHING"));
    insert.addBindValue(eventId);
    insert.addBindValue(triggerId);
    insert.addBindValue(m_owner);
    if (!insert.exec()) {
        QSqlDatabase::database(m_connectionName, false).close(); // reconnect next time
        return Error{QStringLiteral("team_database"),
                     QStringLiteral("Cannot claim trigger %1 for event %2 in %3: %4")
                         .arg(triggerId, eventId, m_address.describe(), insert.lastError().text())};
    }
    return insert.numRowsAffected() == 1;
}

} // namespace exeserver
