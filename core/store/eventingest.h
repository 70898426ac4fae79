#pragma once

#include "events/event.h"

#include <QByteArray>
#include <QList>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace exeserver {

class SqliteStatement;

// An event's payload made ready for the events table: compressed, with its search text; or why not.
struct PreparedEvent
{
    QByteArray blob;
    // UTF-8, as SQLite stores text: given UTF-16, SQLite converts it a byte at a time on the inserting
    // thread, while Qt's conversion is vectorised and runs here, on the pipeline's helpers.
    QByteArray searchText;
    QString error; // the payload is not JSON
};

// Validating, extracting the search text and compressing cost about as much as SQLite's insert, so they
// run as a pipeline: the batch is cut into chunks that helper threads prepare in order while the
// inserting thread takes the chunks already prepared, and prepares the next unclaimed chunk itself rather
// than wait. So the write lock is held while that thread prepares too, and a bad payload late in a batch
// costs a rollback: the price of overlapping the two halves of the work.
class IngestPipeline
{
public:
    explicit IngestPipeline(const QList<Event> &events); // starts the helpers
    ~IngestPipeline();                                   // stops and joins them
    IngestPipeline(const IngestPipeline &) = delete;
    IngestPipeline &operator=(const IngestPipeline &) = delete;

    // Event i, prepared; waits for (or prepares) its chunk. Call in order of i, from one thread.
    PreparedEvent &prepared(qsizetype i);
    // Frees event i's prepared form (once stored, its blob lives in SQLite).
    void release(qsizetype i) { m_prepared[size_t(i)] = {}; }
    void stop(); // helpers finish their chunk and claim no more

private:
    struct Chunk
    {
        qsizetype from = 0;
        qsizetype to = 0;
        std::atomic<bool> ready{false};
    };
    bool prepareNextChunk();

    const QList<Event> &m_events;
    std::vector<PreparedEvent> m_prepared;
    std::vector<Chunk> m_chunks;
    std::atomic<size_t> m_unclaimed{0};
    // Last: destroyed (joined) first, before what they use goes away.
    std::vector<std::jthread> m_helpers;
};

// The ingest's statements on SQLite's C API, prepared once per connection; the store drops them before
// its connection closes. The QSqlQuery path stays for a Qt whose driver carries its own SQLite.
struct IngestStatements
{
    bool cApi = true; // cleared when the driver's SQLite is not reachable
    std::unique_ptr<SqliteStatement> insertEvent;
    std::unique_ptr<SqliteStatement> claimKey;
    // The intake's duplicate probe (EventStore::holdsCopyOf): the id and the dedupe key in one statement,
    // prepared when first needed.
    std::unique_ptr<SqliteStatement> hasCopy;
    std::unique_ptr<SqliteStatement> beginRead; // BEGIN and COMMIT around a batch of probes
    std::unique_ptr<SqliteStatement> endRead;
    ~IngestStatements();
};

// Writes one batch's rows inside the caller's transaction, through IngestStatements when it can, else
// QSqlQuery; both bind the same values. Each write returns whether it changed a row, or nullopt with
// lastError() set.
class EventInserter
{
public:
    EventInserter(QSqlDatabase db, IngestStatements &statements);
    ~EventInserter();
    bool isReady() const { return !m_lastError.isValid(); } // else the insert could not be prepared

    // An event whose dedupe key is already taken is the same GitHub event seen from another source (or
    // earlier in this batch): it is not stored again. Claiming the key first makes that one statement.
    std::optional<bool> claimKey(const Event &event);
    std::optional<bool> insert(const Event &event, const PreparedEvent &ready, qint64 received);
    qint64 lastSeq() const { return m_lastSeq; } // of the row insert() stored last
    QSqlError lastError() const { return m_lastError; }

private:
    QSqlDatabase m_db;
    IngestStatements &m_statements;
    QSqlQuery m_insert;
    QSqlQuery m_claimKey;
    QSqlError m_lastError;
    qint64 m_lastSeq = 0;
};

} // namespace exeserver
