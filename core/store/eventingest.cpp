#include "store/eventingest.h"

#include "store/payloadcodec.h"
#include "store/payloadscan.h"
#include "store/sqlitestatement.h"
#include "store/storerows.h"

#include <QThread>

namespace exeserver {

namespace {

// Below this many events per core a batch is prepared on the calling thread: starting a thread costs
// about what preparing a few events does.
constexpr qsizetype kEventsPerWorker = 64;
// Small enough that the inserting thread rarely waits, large enough that claiming one costs nothing.
constexpr qsizetype kEventsPerChunk = 32;

const char *const kInsertSql =
    "INSERT INTO events (id, type, action, repository, sender, source, occurred_at, received_at, "
    "payload, search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";
const char *const kClaimKeySql =
    "INSERT INTO event_keys (key, event_id) VALUES (?, ?) ON CONFLICT (key) DO NOTHING";

} // namespace

// --- IngestPipeline --------------------------------------------------------------------------------------

IngestPipeline::IngestPipeline(const QList<Event> &events)
    : m_events(events)
    , m_prepared(size_t(events.size()))
    , m_chunks(size_t((events.size() + kEventsPerChunk - 1) / kEventsPerChunk))
{
    for (size_t k = 0; k < m_chunks.size(); ++k) {
        m_chunks[k].from = qsizetype(k) * kEventsPerChunk;
        m_chunks[k].to = std::min(events.size(), m_chunks[k].from + kEventsPerChunk);
    }
    const qsizetype helperCount =
        std::clamp<qsizetype>(events.size() / kEventsPerWorker, 1, std::max(1, QThread::idealThreadCount())) -
        1;
    for (qsizetype h = 0; h < helperCount; ++h)
        m_helpers.emplace_back([this]() {
            while (prepareNextChunk()) {
            }
        });
}

IngestPipeline::~IngestPipeline()
{
    stop();
}

void IngestPipeline::stop()
{
    m_unclaimed.store(m_chunks.size());
}

bool IngestPipeline::prepareNextChunk()
{
    const size_t k = m_unclaimed.fetch_add(1);
    if (k >= m_chunks.size())
        return false;
    for (qsizetype i = m_chunks[k].from; i < m_chunks[k].to; ++i) {
        PayloadScan scan = scanPayload(m_events[i].payload);
        PreparedEvent &out = m_prepared[size_t(i)];
        if (!scan.valid) {
            out.error = std::move(scan.error);
            continue;
        }
        out.searchText = scan.searchText.toUtf8();
        out.blob = PayloadCodec::encode(m_events[i].payload);
    }
    m_chunks[k].ready.store(true, std::memory_order_release);
    m_chunks[k].ready.notify_one();
    return true;
}

PreparedEvent &IngestPipeline::prepared(qsizetype i)
{
    Chunk &chunk = m_chunks[size_t(i / kEventsPerChunk)];
    while (!chunk.ready.load(std::memory_order_acquire))
        if (!prepareNextChunk())
            chunk.ready.wait(false, std::memory_order_acquire);
    return m_prepared[size_t(i)];
}

// --- EventInserter ---------------------------------------------------------------------------------------

IngestStatements::~IngestStatements() = default;

EventInserter::EventInserter(QSqlDatabase db, IngestStatements &statements)
    : m_db(db)
    , m_statements(statements)
    , m_insert(db)
    , m_claimKey(db)
{
    // The C API path skips a QVariant per value and QSqlQuery's per-row bookkeeping.
    if (m_statements.cApi && !m_statements.insertEvent) {
        if (sqlite3 *handle = SqliteStatement::handleOf(db)) {
            m_statements.insertEvent = std::make_unique<SqliteStatement>(handle, kInsertSql);
            if (!m_statements.insertEvent->isValid()) {
                m_lastError = m_statements.insertEvent->lastError();
                m_statements.insertEvent.reset();
                return;
            }
        } else {
            m_statements.cApi = false;
        }
    }
    if (!m_statements.insertEvent)
        m_insert.prepare(QString::fromLatin1(kInsertSql));
}

EventInserter::~EventInserter() = default;

std::optional<bool> EventInserter::claimKey(const Event &event)
{
    if (m_statements.insertEvent) {
        // Prepared when first needed: a batch without keys never needs it.
        std::unique_ptr<SqliteStatement> &claim = m_statements.claimKey;
        if (!claim) {
            claim = std::make_unique<SqliteStatement>(m_statements.insertEvent->connection(), kClaimKeySql);
            if (!claim->isValid()) {
                m_lastError = claim->lastError();
                claim.reset();
                return std::nullopt;
            }
        }
        claim->bindText(1, event.dedupeKey);
        claim->bindText(2, event.id);
        if (!claim->execute()) {
            m_lastError = claim->lastError();
            return std::nullopt;
        }
        return claim->changes() > 0;
    }
    if (m_claimKey.lastQuery().isEmpty())
        m_claimKey.prepare(QString::fromLatin1(kClaimKeySql));
    m_claimKey.bindValue(0, event.dedupeKey);
    m_claimKey.bindValue(1, event.id);
    if (!m_claimKey.exec()) {
        m_lastError = m_claimKey.lastError();
        return std::nullopt;
    }
    return m_claimKey.numRowsAffected() > 0;
}

std::optional<bool> EventInserter::insert(const Event &event, const PreparedEvent &ready, qint64 received)
{
    using storerows::text;
    const QString &source = event.source.isEmpty() ? eventsource::Manual : event.source;
    const qint64 occurred = event.occurredAt.isValid() ? storerows::toMs(event.occurredAt) : received;
    if (m_statements.insertEvent) {
        SqliteStatement &statement = *m_statements.insertEvent;
        statement.bindText(1, event.id);
        statement.bindText(2, event.type);
        statement.bindText(3, event.action);
        statement.bindText(4, event.repository);
        statement.bindText(5, event.sender);
        statement.bindText(6, source);
        statement.bindInt64(7, occurred);
        statement.bindInt64(8, received);
        statement.bindBlob(9, ready.blob);
        statement.bindUtf8(10, ready.searchText);
        if (!statement.execute()) {
            m_lastError = statement.lastError();
            return std::nullopt;
        }
        m_lastSeq = statement.lastInsertRowId();
        return statement.changes() > 0;
    }
    m_insert.bindValue(0, event.id);
    m_insert.bindValue(1, event.type);
    m_insert.bindValue(2, text(event.action));
    m_insert.bindValue(3, text(event.repository));
    m_insert.bindValue(4, text(event.sender));
    m_insert.bindValue(5, source);
    m_insert.bindValue(6, occurred);
    m_insert.bindValue(7, received);
    m_insert.bindValue(8, ready.blob);
    m_insert.bindValue(9, text(QString::fromUtf8(ready.searchText)));
    if (!m_insert.exec()) {
        m_lastError = m_insert.lastError();
        return std::nullopt;
    }
    m_lastSeq = m_insert.lastInsertId().toLongLong();
    return m_insert.numRowsAffected() > 0;
}

} // namespace exeserver
