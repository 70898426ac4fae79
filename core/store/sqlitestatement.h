#pragma once

#include <QByteArray>
#include <QSqlError>
#include <QString>

#include <optional>

struct sqlite3;
struct sqlite3_stmt;
class QSqlDatabase;

namespace exeserver {

// One prepared statement on the SQLite connection of a QSqlDatabase, bound and run through SQLite's C API:
// no QVariant per value and no QSqlQuery bookkeeping per row, for the ingest's per-event statements. It
// stays prepared between uses (SQLite re-prepares it itself after a schema change); the owner destroys it
// before the connection closes, or the close fails with the statement still open.
class SqliteStatement
{
public:
    // The connection's sqlite3 handle, when Qt's SQLite driver runs on the very SQLite library this program
    // links (Debian's and most distributions' Qt do: libqsqlite links the system libsqlite3); nullptr when
    // the driver carries its own copy (Qt's binary installers) or is not SQLite — use QSqlQuery then.
    static sqlite3 *handleOf(const QSqlDatabase &db);

    SqliteStatement(sqlite3 *db, const char *sql);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;

    bool isValid() const { return m_statement != nullptr; }
    sqlite3 *connection() const { return m_db; }

    // Parameters count from 1, as in SQL. Text and blobs are not copied: the value must stay alive and
    // unchanged until execute() returns. A null QString binds '' (NOT NULL columns), not SQL NULL.
    void bindText(int index, const QString &value);
    void bindUtf8(int index, const QByteArray &value); // text already in UTF-8: SQLite keeps it as given
    void bindInt64(int index, qint64 value);
    void bindBlob(int index, const QByteArray &value);

    // Runs a statement that returns no rows, then resets it for the next binding. False on an error,
    // described by lastError() in QSqlQuery's terms (native code = SQLite's extended result code).
    bool execute();
    // Runs a query and tells whether it returned a row (then resets it); nullopt on an error.
    std::optional<bool> hasRow();
    // Rows the last execute() inserted, updated or deleted; and the rowid of the last row it inserted.
    int changes() const;
    qint64 lastInsertRowId() const;
    QSqlError lastError() const { return m_error; }

private:
    void fail(int code);

    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    QSqlError m_error;
};

} // namespace exeserver
