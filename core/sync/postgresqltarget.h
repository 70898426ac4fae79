#pragma once

#include "sync/synctarget.h"
#include "util/result.h"

#include <QString>
#include <QUrl>

namespace exeserver {

// Connection parameters from a libpq-style URL: postgresql://user:pass@host:port/db, where `?host=/dir`
// names a Unix socket directory instead.
struct PostgresAddress
{
    QString host;
    int port = 5432;
    QString database;
    QString user;
    QString password;
    QString options; // libpq key=value pairs from the query string (sslmode, connect_timeout, ...)

    static Result<PostgresAddress> fromUrl(const QString &url);
    QString describe() const; // "postgresql://user@host:port/db", no password
    // Registers a QPSQL connection under `connectionName` configured from this address (a 10 s connect
    // timeout unless the URL sets one). False when Qt's PostgreSQL driver is not installed.
    bool addConnection(const QString &connectionName) const;
};

// PostgreSQL through Qt's QPSQL driver with the schema of packaging/supabase/schema.sql: one INSERT …
// SELECT FROM jsonb_populate_recordset(…) ON CONFLICT (id) DO UPDATE per batch, so the rows travel as the
// same JSON the Supabase path sends. Blocks while the statement runs (run sync off the GUI thread).
class PostgresqlTarget final : public SyncTarget
{
public:
    explicit PostgresqlTarget(PostgresAddress address);
    ~PostgresqlTarget() override;

    QString describe() const override { return QStringLiteral("PostgreSQL ") + m_address.describe(); }
    void upsert(const QString &table, const QList<QByteArray> &rows,
                std::function<void(SyncReply)> done) override;

private:
    SyncReply connect();

    PostgresAddress m_address;
    QString m_connectionName;
};

} // namespace exeserver
