#pragma once

#include "sync/postgrestarget.h"
#include "util/result.h"

#include <QString>

namespace exeserver {

// Team mode's shared decision: before an instance fires trigger T for event E it claims (E, T) in the team's
// PostgreSQL (`trigger_claims`, primary key (event_id, trigger_id), created when missing). The first
// instance to insert the row fires; every other one sees the conflict and leaves the event alone.
// QPSQL blocks while a statement runs; claims are one short INSERT each.
class TriggerClaims
{
public:
    explicit TriggerClaims(PostgresAddress address, QString owner);
    ~TriggerClaims();
    TriggerClaims(const TriggerClaims &) = delete;
    TriggerClaims &operator=(const TriggerClaims &) = delete;

    // True when this instance made the claim; false when another one already had.
    Result<bool> claim(const QString &eventId, const QString &triggerId);
    QString describe() const { return m_address.describe(); }

private:
    Status connect();

    PostgresAddress m_address;
    QString m_owner;
    QString m_connectionName;
    bool m_tableReady = false;
};

} // namespace exeserver
