#pragma once

#include "sync/postgresqltarget.h"
#include "triggers/triggerclaims.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace exeserver {

// Team claims in PostgreSQL through QPSQL: one INSERT … ON CONFLICT DO NOTHING per claim on a worker
// thread with its own connection (QPSQL blocks for up to the connect timeout when the server is gone, and
// the caller may be the GUI thread). Claims run one after the other; when connecting fails, the claims
// that were already waiting get the same error at once instead of each waiting out the timeout again.
class PostgresqlClaims final : public TriggerClaims
{
public:
    PostgresqlClaims(PostgresAddress address, QString owner);
    // Waits for a claim in flight (bounded by the connect timeout) and closes the connection.
    ~PostgresqlClaims() override;
    PostgresqlClaims(const PostgresqlClaims &) = delete;
    PostgresqlClaims &operator=(const PostgresqlClaims &) = delete;

    QString describe() const override { return QStringLiteral("PostgreSQL ") + m_description; }
    void claim(const ClaimRequest &request, Done done) override;

private:
    class Worker;

    QString m_description;
    QThread m_thread;
    Worker *m_worker = nullptr;         // lives on m_thread
    std::unique_ptr<QObject> m_replies; // lives on the constructing thread; answers are delivered through it
};

} // namespace exeserver
