#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <functional>

namespace exeserver {

// What a shared database answered to one batch.
struct SyncReply
{
    enum Outcome
    {
        Stored,       // every row is there (inserted or updated)
        Retry,        // temporary: 5xx, 429, timeout, connection lost — same rows again after a backoff
        Refused,      // the rows were rejected (4xx, constraint): retrying the same rows will not help
        Unauthorized, // wrong key or password: nothing is wrong with the rows, the configuration is
    };
    Outcome outcome = Stored;
    int httpStatus = 0;
    QString message;         // for people and for the parked row; never contains a secret
    int retryAfterSecs = -1; // from Retry-After, when given
};

// A shared database that takes upserts keyed on `id`. Rows are compact JSON objects in the schema of
// packaging/supabase/schema.sql, all with the same keys.
class SyncTarget
{
public:
    virtual ~SyncTarget() = default;
    virtual QString describe() const = 0; // "Supabase https://x.supabase.co" — no credentials
    virtual void upsert(const QString &table, const QList<QByteArray> &rows,
                        std::function<void(SyncReply)> done) = 0;
};

} // namespace exeserver
