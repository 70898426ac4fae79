#include "store/sqlitestatement.h"

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QVariant>

#include <sqlite3.h>

namespace exeserver {

sqlite3 *SqliteStatement::handleOf(const QSqlDatabase &db)
{
    if (!db.isOpen() || !db.driver())
        return nullptr;
    const QVariant handle = db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    // The same source id means the same SQLite build; a driver with its own copy of SQLite would differ
    // (a bundled copy is rarely the system's exact check-in). Initialising ours first makes its global
    // state (mutexes, allocator) ready even in the unlikely case of a second, identical copy.
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("SELECT sqlite_source_id()")) || !query.next() ||
        query.value(0).toString() != QString::fromLatin1(sqlite3_sourceid()) ||
        sqlite3_initialize() != SQLITE_OK)
        return nullptr;
    return *static_cast<sqlite3 *const *>(handle.constData());
}

SqliteStatement::SqliteStatement(sqlite3 *db, const char *sql)
    : m_db(db)
{
    if (const int code = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr);
        code != SQLITE_OK) {
        fail(code);
        sqlite3_finalize(m_statement);
        m_statement = nullptr;
    }
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_statement);
}

void SqliteStatement::bindText(int index, const QString &value)
{
    // SQLite takes a null pointer for SQL NULL; an empty string needs a real one.
    static const char16_t kEmpty[] = u"";
    const void *data = value.isEmpty() ? static_cast<const void *>(kEmpty) : value.utf16();
    sqlite3_bind_text16(m_statement, index, data, int(value.size() * 2), SQLITE_STATIC);
}

void SqliteStatement::bindUtf8(int index, const QByteArray &value)
{
    static const char kEmpty[] = "";
    sqlite3_bind_text(m_statement, index, value.isEmpty() ? kEmpty : value.constData(), int(value.size()),
                      SQLITE_STATIC);
}

void SqliteStatement::bindInt64(int index, qint64 value)
{
    sqlite3_bind_int64(m_statement, index, value);
}

void SqliteStatement::bindBlob(int index, const QByteArray &value)
{
    // A null pointer would bind SQL NULL; an empty blob is still a blob.
    static const char kEmpty = 0;
    sqlite3_bind_blob(m_statement, index, value.isEmpty() ? &kEmpty : value.constData(), int(value.size()),
                      SQLITE_STATIC);
}

bool SqliteStatement::execute()
{
    const int code = sqlite3_step(m_statement);
    // Reset at once: a statement left mid-step would hold the connection's read snapshot open.
    sqlite3_reset(m_statement);
    if (code == SQLITE_DONE || code == SQLITE_ROW)
        return true;
    fail(code);
    return false;
}

std::optional<bool> SqliteStatement::hasRow()
{
    const int code = sqlite3_step(m_statement);
    sqlite3_reset(m_statement);
    if (code == SQLITE_ROW || code == SQLITE_DONE)
        return code == SQLITE_ROW;
    fail(code);
    return std::nullopt;
}

int SqliteStatement::changes() const
{
    return sqlite3_changes(m_db);
}

qint64 SqliteStatement::lastInsertRowId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

void SqliteStatement::fail(int code)
{
    // QSqlQuery reports the extended code as the native error code; EventStore::sqlError reads its low byte.
    const int extended = sqlite3_extended_errcode(m_db);
    m_error =
        QSqlError(QStringLiteral("Unable to execute statement"), QString::fromUtf8(sqlite3_errmsg(m_db)),
                  QSqlError::StatementError, QString::number(extended ? extended : code));
}

} // namespace exeserver
