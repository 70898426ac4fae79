#include "store/eventstore.h"

#include "config/logging.h"
#include "config/secretredactor.h"
#include "config/settings.h"
#include "store/actionlog.h"
#include "store/eventingest.h"
#include "store/eventsearch.h"
#include "store/firingtable.h"
#include "store/migrations.h"
#include "store/payloadcodec.h"
#include "store/sqlitestatement.h"
#include "store/storerows.h"
#include "store/triggertable.h"
#include "store/walcheckpointer.h"
#include "util/heaptrim.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QLockFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <sqlite3.h>

namespace exeserver {

namespace {

// SQLite primary result codes we explain to people.
constexpr int kSqliteBusy = 5;
constexpr int kSqliteReadOnly = 8;
constexpr int kSqliteCorrupt = 11;
constexpr int kSqliteFull = 13;
constexpr int kSqliteCantOpen = 14;
constexpr int kSqliteNotADb = 26;

// Rows a text search may have to scan (a GLOB per row) because the full-text index has not reached them:
// about 2.5 ms of scanning on the bench machine. addEvents indexes beyond it.
constexpr qint64 kMaxUnindexedEvents = 10000;

} // namespace

EventStore::EventStore(Clock *clock)
    : m_clock(clock ? clock : SystemClock::instance())
{
    static QAtomicInteger<quint64> counter;
    m_connectionName = QStringLiteral("exeserver-store-%1").arg(counter.fetchAndAddRelaxed(1));
    m_sessionId = QUuid::createUuid().toString(QUuid::WithoutBraces);
}

EventStore::~EventStore()
{
    close();
}

QString EventStore::defaultPath(const Settings &settings)
{
    return QDir(settings.dataDir()).filePath(QStringLiteral("exeserver.db"));
}

QSqlDatabase EventStore::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

bool EventStore::isOpen() const
{
    return QSqlDatabase::contains(m_connectionName) && database().isOpen();
}

int EventStore::backgroundCheckpoints() const
{
    return m_checkpointer ? m_checkpointer->backgroundCheckpoints() : 0;
}

int EventStore::inlineCheckpoints() const
{
    return m_checkpointer ? m_checkpointer->inlineCheckpoints() : 0;
}

void EventStore::close()
{
    m_checkpointer.reset(); // before the writer connection goes: it holds a hook on it
    m_ingest.reset();
    if (QSqlDatabase::contains(m_connectionName)) {
        {
            QSqlDatabase db = database();
            if (db.isOpen())
                db.close();
        }
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    m_sessionLock.reset();
}

Error EventStore::sqlError(const QSqlError &error, const QString &doing) const
{
    const int code = error.nativeErrorCode().toInt() & 0xff;
    const QString detail = SecretRedactor::redact(error.text());
    switch (code) {
    case kSqliteFull:
        return {QStringLiteral("disk_full"),
                QStringLiteral("Cannot %1: the event database is full (no space left on the disk or its size "
                               "limit reached): %2. Free some space, or prune old events with "
                               "`exeserver-cli db prune`.")
                    .arg(doing, m_path)};
    case kSqliteReadOnly:
    case kSqliteCantOpen:
        return {QStringLiteral("read_only"),
                QStringLiteral("Cannot %1: the event database %2 (or its folder) cannot be written (%3). "
                               "Check its permissions or choose another --data-dir.")
                    .arg(doing, m_path, detail)};
    case kSqliteBusy:
        return {QStringLiteral("busy"),
                QStringLiteral("Cannot %1: another ExeServer process kept the event database locked (%2).")
                    .arg(doing, detail)};
    case kSqliteCorrupt:
    case kSqliteNotADb:
        return {QStringLiteral("corrupt"),
                QStringLiteral("Cannot %1: %2 is damaged or not an ExeServer database (%3). Restore a backup "
                               "(`exeserver-cli db backup` makes them).")
                    .arg(doing, m_path, detail)};
    default:
        return {QStringLiteral("io"), QStringLiteral("Cannot %1: %2").arg(doing, detail)};
    }
}

Status EventStore::exec(const QString &sql, const QString &doing) const
{
    QSqlQuery query(database());
    if (!query.exec(sql))
        return sqlError(query.lastError(), doing);
    return success();
}

Status EventStore::acquireSessionLock()
{
    // Held while this instance is open; recoverInterrupted() treats actions whose owner still holds its
    // lock as alive (the GUI and the CLI may run side by side).
    const QString dir = storerows::sessionLockDir(m_path);
    if (!QDir().mkpath(dir))
        return Error{QStringLiteral("read_only"),
                     QStringLiteral("Cannot create %1: the data directory is not writable.").arg(dir)};
    m_sessionLock = std::make_unique<QLockFile>(QDir(dir).filePath(m_sessionId + QStringLiteral(".lock")));
    m_sessionLock->setStaleLockTime(0);
    if (!m_sessionLock->tryLock(0))
        return Error{QStringLiteral("read_only"),
                     QStringLiteral("Cannot create a session lock in %1.").arg(dir)};
    return success();
}

Status EventStore::open(const QString &path, const Options &options)
{
    close();
    m_path = QFileInfo(path).absoluteFilePath();
    m_options = options;
    // The walk's default, 32,768 entries: enough for a term in one event of a few hundred, and cheap (an
    // index step and an in-memory probe each) when the matches are all older than that.
    m_textSearchWalk = std::max<qint64>(options.textSearchWalk, 4);
    m_ingest = std::make_unique<IngestStatements>();
    m_ingest->cApi = options.sqliteCApi;
    const QString dir = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(dir))
        return Error{QStringLiteral("read_only"),
                     QStringLiteral("Cannot create the folder %1 for the event database.").arg(dir)};

    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        if (!db.isValid())
            return Error{
                QStringLiteral("no_driver"),
                QStringLiteral("Qt's SQLite driver (QSQLITE) is missing; install libqt6sql6-sqlite.")};
        db.setDatabaseName(m_path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(options.busyTimeoutMs));
        if (!db.open()) {
            const Error error = sqlError(db.lastError(), QStringLiteral("open the event database"));
            close();
            return error;
        }
    }
    const QStringList pragmas{
        // 16 KB pages for a new file (an existing file keeps its page size): events rows are ~1.3 KB and
        // vary, so a 4 KB page often held two rows and a third of it stayed empty.
        QStringLiteral("PRAGMA page_size = 16384"),
        QStringLiteral("PRAGMA journal_mode = WAL"),
        QStringLiteral("PRAGMA synchronous = NORMAL"),
        QStringLiteral("PRAGMA foreign_keys = ON"),
        QStringLiteral("PRAGMA busy_timeout = %1").arg(options.busyTimeoutMs),
        QStringLiteral("PRAGMA temp_store = MEMORY"),
        // 32 MB of page cache by default instead of 2 MB: at a million events the indexes' upper levels
        // stop fitting in 2 MB and every insert and lookup starts reading pages. Negative means KB.
        QStringLiteral("PRAGMA cache_size = -%1").arg(std::max(options.cacheSizeKb, 64)),
    };
    for (const QString &pragma : pragmas) {
        QSqlQuery query(database());
        if (!query.exec(pragma)) {
            const Error error = sqlError(query.lastError(), QStringLiteral("open the event database"));
            close();
            return error;
        }
    }
    {
        // journal_mode answers with the mode it got; a read-only file stays in its old mode.
        QSqlQuery query(database());
        if (query.exec(QStringLiteral("PRAGMA journal_mode")) && query.next() &&
            query.value(0).toString() != QLatin1String("wal"))
            qCWarning(lcStore) << "event database is not in WAL mode:" << query.value(0).toString();
    }
    if (options.maxPageCount > 0)
        exec(QStringLiteral("PRAGMA max_page_count = %1").arg(options.maxPageCount), QStringLiteral("limit"));

    QSqlDatabase db = database();
    if (const Status migrated =
            migrations::migrate(db, options.migrateTo > 0 ? options.migrateTo : migrations::kLatest);
        !migrated) {
        Error error = migrated.error();
        if (error.message.contains(QLatin1String("readonly")) ||
            error.message.contains(QLatin1String("read-only")))
            error = Error{QStringLiteral("read_only"),
                          QStringLiteral("Cannot prepare the event database %1: it is read-only (%2).")
                              .arg(m_path, error.message)};
        close();
        return error;
    }
    {
        QSqlQuery query(database());
        m_fts = query.exec(QStringLiteral("SELECT 1 FROM sqlite_master WHERE name = 'events_fts'")) &&
                query.next();
    }
    if (const Status locked = acquireSessionLock(); !locked) {
        close();
        return locked;
    }
    if (options.sqliteCApi && options.walCheckpointPages > 0) {
        QSqlQuery mode(database());
        if (sqlite3 *handle = SqliteStatement::handleOf(database());
            handle && mode.exec(QStringLiteral("PRAGMA journal_mode")) && mode.next() &&
            mode.value(0).toString() == QLatin1String("wal"))
            m_checkpointer = std::make_unique<WalCheckpointer>(handle, m_path, options.walCheckpointPages,
                                                               options.walCapPages);
    }
    qCDebug(lcStore) << "opened" << m_path << "schema" << schemaVersion() << (m_fts ? "fts5" : "like");
    return success();
}

void EventStore::releaseMemory()
{
    // An empty page cache also frees the block SQLite took for its first pages (330 KB with 16 KB pages).
    if (sqlite3 *handle = isOpen() ? SqliteStatement::handleOf(database()) : nullptr)
        sqlite3_db_release_memory(handle);
    releaseFreeHeap(); // what SQLite freed is malloc's until trimmed
}

int EventStore::schemaVersion() const
{
    return migrations::version(database());
}

// --- events ----------------------------------------------------------------------------------------------

Result<bool> EventStore::addEvent(const Event &event)
{
    const Result<int> added = addEvents({event});
    if (!added)
        return added.error();
    return *added == 1;
}

Result<int> EventStore::addEvents(const QList<Event> &events, QList<bool> *stored)
{
    for (const Event &event : events)
        if (event.id.isEmpty() || event.type.isEmpty())
            return Error{QStringLiteral("invalid_event"), QStringLiteral("An event needs an id and a type.")};
    IngestPipeline pipeline(events); // helper threads start preparing before the write lock is taken
    if (m_checkpointer)
        m_checkpointer->settleBeforeWrite();
    QSqlDatabase db = database();
    if (!db.transaction())
        return sqlError(db.lastError(), QStringLiteral("store events"));
    const Result<InsertedBatch> inserted = insertBatch(events, pipeline);
    Status done = inserted ? success() : Status(inserted.error());
    if (done && inserted->added > 0)
        done = enqueueForSync(inserted->firstSeq);
    if (done && !db.commit())
        done = sqlError(db.lastError(), QStringLiteral("store events"));
    if (!done) {
        pipeline.stop();
        db.rollback(); // a batch is stored whole or not at all
        return done.error();
    }
    if (inserted->added > 0)
        keepTextScanShort();
    if (stored)
        *stored = inserted->stored;
    return inserted->added;
}

Result<int> EventStore::addEventsSkippingRefused(const QList<Event> &events, QList<bool> *stored)
{
    const auto refused = [](const Error &error) {
        return error.kind.startsWith(QLatin1StringView("invalid_"));
    };
    Result<int> added = addEvents(events, stored);
    if (added || !refused(added.error()))
        return added;
    QList<bool> flags;
    int count = 0;
    for (const Event &event : events) {
        const Result<bool> one = addEvent(event);
        if (!one && !refused(one.error()))
            return one.error();
        if (!one)
            qCWarning(lcStore).noquote() << "event" << event.id << "not stored:" << one.error().message;
        flags.append(one && *one);
        count += flags.last() ? 1 : 0;
    }
    if (stored)
        *stored = flags;
    return count;
}

Result<EventStore::InsertedBatch> EventStore::insertBatch(const QList<Event> &events,
                                                          IngestPipeline &pipeline)
{
    EventInserter inserter(database(), *m_ingest);
    if (!inserter.isReady())
        return sqlError(inserter.lastError(), QStringLiteral("store events"));
    InsertedBatch batch;
    batch.stored.fill(false, events.size());
    const qint64 now = m_clock->nowMSecs();
    for (qsizetype i = 0; i < events.size(); ++i) {
        const Event &event = events[i];
        const PreparedEvent &prepared = pipeline.prepared(i);
        if (!prepared.error.isEmpty())
            return Error{
                QStringLiteral("invalid_payload"),
                QStringLiteral("The payload of event %1 is not JSON: %2").arg(event.id, prepared.error)};
        if (!event.dedupeKey.isEmpty()) {
            const std::optional<bool> claimed = inserter.claimKey(event);
            if (!claimed)
                return sqlError(inserter.lastError(), QStringLiteral("store events"));
            if (!*claimed) {
                pipeline.release(i);
                continue;
            }
        }
        const qint64 received = event.receivedAt.isValid() ? storerows::toMs(event.receivedAt) : now;
        const std::optional<bool> stored = inserter.insert(event, prepared, received);
        if (!stored)
            return sqlError(inserter.lastError(), QStringLiteral("store events"));
        batch.stored[i] = *stored;
        if (*stored && batch.added++ == 0)
            batch.firstSeq = inserter.lastSeq();
        pipeline.release(i); // the blob is in SQLite now; free it before the batch ends
    }
    return batch;
}

// The full-text index is filled after ingest (indexFullText, normally in the owner's idle turns). A writer
// that outruns it, or a process that never runs it, indexes the excess here, outside the batch's
// transaction: the rows above the mark are searched by a scan, which must stay short.
void EventStore::keepTextScanShort()
{
    if (!m_fts)
        return;
    const Result<qint64> pending = unindexedEvents();
    if (pending && *pending > kMaxUnindexedEvents) {
        if (const Result<int> indexed = indexFullText(int(*pending - kMaxUnindexedEvents / 2)); !indexed)
            qCWarning(lcStore) << "could not index event text:" << indexed.error().message;
    }
}

// Once sync is enabled, every stored event goes to the outbox in the transaction that stores it (schema
// 8 replaced the per-row trigger that did this; see migrations.cpp, step8). Rows are appended with seqs
// above every existing one and nobody else writes inside our transaction, so the batch is seq >= first.
Status EventStore::enqueueForSync(qint64 firstSeq)
{
    QSqlQuery enqueue(database());
    enqueue.prepare(QStringLiteral(
        "INSERT OR REPLACE INTO outbox (entity, row_id, enqueued_at) SELECT 'events', id, received_at "
        "FROM events WHERE seq >= ? AND (SELECT value FROM store_state WHERE key = 'sync_enabled') = 1 "
        "ORDER BY seq"));
    enqueue.addBindValue(firstSeq);
    if (!enqueue.exec())
        return sqlError(enqueue.lastError(), QStringLiteral("store events"));
    return success();
}

Result<qint64> EventStore::unindexedEvents() const
{
    if (!m_fts)
        return 0;
    // An upper bound (seq gaps count), and two index lookups however long the tail is.
    QSqlQuery query(database());
    if (!query.exec(QStringLiteral("SELECT max(0, coalesce((SELECT max(seq) FROM events), 0) - %1)")
                        .arg(storerows::kIndexedThrough)) ||
        !query.next())
        return sqlError(query.lastError(), QStringLiteral("count unindexed events"));
    return query.value(0).toLongLong();
}

Result<int> EventStore::indexFullText(int maxEvents)
{
    if (!m_fts || maxEvents <= 0)
        return 0;
    // IMMEDIATE: the mark is read and moved under the write lock, so two processes indexing at once
    // cannot both index the same rows (FTS5 would then hold them twice).
    QSqlQuery query(database());
    if (!query.exec(QStringLiteral("BEGIN IMMEDIATE")))
        return sqlError(query.lastError(), QStringLiteral("index event text"));
    const auto fail = [&](const QSqlQuery &failed) {
        const Error error = sqlError(failed.lastError(), QStringLiteral("index event text"));
        QSqlQuery(database()).exec(QStringLiteral("ROLLBACK"));
        return error;
    };
    QSqlQuery chunk(database());
    chunk.prepare(QStringLiteral("SELECT count(*), max(seq) FROM (SELECT seq FROM events WHERE seq > %1 "
                                 "ORDER BY seq LIMIT ?)")
                      .arg(storerows::kIndexedThrough));
    chunk.addBindValue(maxEvents);
    if (!chunk.exec() || !chunk.next())
        return fail(chunk);
    const int count = chunk.value(0).toInt();
    const qint64 through = chunk.value(1).toLongLong();
    chunk.finish();
    if (count > 0) {
        QSqlQuery insert(database());
        insert.prepare(QStringLiteral("INSERT INTO events_fts(rowid, search_text) SELECT seq, search_text "
                                      "FROM events WHERE seq > %1 AND seq <= ?")
                           .arg(storerows::kIndexedThrough));
        insert.addBindValue(through);
        if (!insert.exec())
            return fail(insert);
        QSqlQuery mark(database());
        mark.prepare(QStringLiteral("UPDATE store_state SET value = ? WHERE key = 'fts_indexed_through'"));
        mark.addBindValue(through);
        if (!mark.exec())
            return fail(mark);
    }
    if (!query.exec(QStringLiteral("COMMIT")))
        return fail(query);
    return count;
}

Result<std::optional<Event>> EventStore::event(const QString &id) const
{
    QSqlQuery query(database());
    query.prepare(
        QStringLiteral("SELECT %1, payload FROM events WHERE id = ?").arg(storerows::kEventColumns));
    query.addBindValue(id);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("read an event"));
    if (!query.next())
        return std::optional<Event>();
    Event event = storerows::eventFromRow(query);
    Result<QByteArray> payload = PayloadCodec::decode(query.value(9).toByteArray());
    if (!payload)
        return payload.error();
    event.payload = std::move(payload).value();
    return std::optional<Event>(std::move(event));
}

Result<QList<SequencedEvent>>
EventStore::eventsAfter(qint64 seq, int limit, const std::function<bool(const Event &)> &needsPayload) const
{
    QSqlQuery query(database());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT %1, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?")
                      .arg(storerows::kEventColumns));
    query.addBindValue(seq);
    query.addBindValue(limit);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("read events"));
    QList<SequencedEvent> events;
    while (query.next()) {
        SequencedEvent row;
        row.event = storerows::eventFromRow(query);
        if (!needsPayload || needsPayload(row.event)) {
            Result<QByteArray> payload = PayloadCodec::decode(query.value(9).toByteArray());
            if (!payload)
                return payload.error();
            row.event.payload = std::move(payload).value();
        }
        row.seq = query.value(0).toLongLong();
        events.append(std::move(row));
    }
    return events;
}

Result<qint64> EventStore::lastEventSeq() const
{
    QSqlQuery query(database());
    if (!query.exec(QStringLiteral("SELECT coalesce(max(seq), 0) FROM events")) || !query.next())
        return sqlError(query.lastError(), QStringLiteral("read events"));
    return query.value(0).toLongLong();
}

Result<std::optional<Event>> EventStore::storedCopyOf(const Event &event) const
{
    Result<std::optional<Event>> byId = this->event(event.id);
    if (!byId || *byId || event.dedupeKey.isEmpty())
        return byId;
    QSqlQuery query(database());
    query.prepare(QStringLiteral("SELECT event_id FROM event_keys WHERE key = ?"));
    query.addBindValue(event.dedupeKey);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("look up an event by its dedupe key"));
    if (!query.next())
        return std::optional<Event>();
    return this->event(query.value(0).toString());
}

Result<bool> EventStore::holdsCopyOf(const QString &id, const QString &dedupeKey) const
{
    if (!m_ingest)
        return Error{QStringLiteral("io"), QStringLiteral("The event store is not open.")};
    const QString failed = QStringLiteral("look for a stored copy of an event");
    std::unique_ptr<SqliteStatement> &statement = m_ingest->hasCopy;
    if (m_ingest->cApi && !statement) {
        // One step for both lookups, and none of the key's when there is no key (AND stops there).
        if (sqlite3 *handle = SqliteStatement::handleOf(database()))
            statement = std::make_unique<SqliteStatement>(
                handle, "SELECT 1 WHERE EXISTS (SELECT 1 FROM events WHERE id = ?1) OR (?2 <> '' AND "
                        "EXISTS (SELECT 1 FROM event_keys WHERE key = ?2))");
        if (statement && !statement->isValid()) {
            const QSqlError error = statement->lastError();
            statement.reset();
            return sqlError(error, failed);
        }
    }
    if (statement) {
        statement->bindText(1, id);
        statement->bindText(2, dedupeKey);
        const std::optional<bool> found = statement->hasRow();
        if (!found)
            return sqlError(statement->lastError(), failed);
        return *found;
    }
    const auto probe = [&](const char *sql, const QString &value) -> Result<bool> {
        QSqlQuery query(database());
        query.prepare(QString::fromLatin1(sql));
        query.addBindValue(value);
        if (!query.exec())
            return sqlError(query.lastError(), failed);
        return query.next();
    };
    const Result<bool> byId = probe("SELECT 1 FROM events WHERE id = ?", id);
    if (!byId || *byId || dedupeKey.isEmpty())
        return byId;
    return probe("SELECT 1 FROM event_keys WHERE key = ?", dedupeKey);
}

// A read transaction left open would pin an old snapshot: later reads would miss new events, and checkpoints
// could not pass it.
void EventStore::endReadTransaction(SqliteStatement *commit) const
{
    if (commit && !commit->execute())
        QSqlQuery(database()).exec(QStringLiteral("ROLLBACK"));
}

Result<QList<bool>> EventStore::holdCopiesOf(const QList<Event> &events) const
{
    // One read transaction for all: one snapshot (and one round of WAL read locks) instead of one a probe.
    // BEGIN and COMMIT are kept prepared too: through QSqlDatabase each cost more than a probe.
    SqliteStatement *commit = nullptr; // set once BEGIN ran
    if (m_ingest && m_ingest->cApi && events.size() > 1) {
        if (!m_ingest->beginRead) {
            if (sqlite3 *handle = SqliteStatement::handleOf(database())) {
                m_ingest->beginRead = std::make_unique<SqliteStatement>(handle, "BEGIN");
                m_ingest->endRead = std::make_unique<SqliteStatement>(handle, "COMMIT");
            }
        }
        if (m_ingest->beginRead && m_ingest->beginRead->isValid() && m_ingest->endRead->isValid() &&
            m_ingest->beginRead->execute())
            commit = m_ingest->endRead.get();
    }
    QList<bool> held;
    held.reserve(events.size());
    for (const Event &event : events) {
        const Result<bool> found = holdsCopyOf(event.id, event.dedupeKey);
        if (!found) {
            endReadTransaction(commit);
            return found.error();
        }
        held.append(*found);
    }
    endReadTransaction(commit);
    return held;
}

Result<qint64> EventStore::eventCount(const EventQuery &filter, qint64 atMost) const
{
    return EventSearch(*this, m_textSearchWalk).count(filter, atMost);
}

Result<EventPage> EventStore::events(const EventQuery &query) const
{
    return EventSearch(*this, m_textSearchWalk).page(query);
}

Result<std::optional<EventCursor>> EventStore::eventPosition(const QString &id) const
{
    QSqlQuery query(database());
    query.prepare(QStringLiteral("SELECT occurred_at, seq FROM events WHERE id = ?"));
    query.addBindValue(id);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("find an event"));
    if (!query.next())
        return std::optional<EventCursor>();
    return std::optional<EventCursor>(EventCursor{query.value(0).toLongLong(), query.value(1).toLongLong()});
}

Result<qint64> EventStore::eventCount() const
{
    QSqlQuery query(database());
    if (!query.exec(QStringLiteral("SELECT count(*) FROM events")) || !query.next())
        return sqlError(query.lastError(), QStringLiteral("count events"));
    return query.value(0).toLongLong();
}

QString EventCursor::toString() const
{
    return isNull() ? QString() : QStringLiteral("%1:%2").arg(occurredAtMs).arg(seq);
}

EventCursor EventCursor::fromString(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char(':'));
    if (parts.size() != 2)
        return {};
    return {parts[0].toLongLong(), parts[1].toLongLong()};
}

// --- the action log, triggers and their decisions: classes of their own on this connection --------------

Result<QString> EventStore::beginAction(const ActionRequest &request)
{
    return ActionLog(*this).beginAction(request);
}

Status EventStore::startAction(const QString &id)
{
    return ActionLog(*this).startAction(id);
}

Status EventStore::finishAction(const QString &id, const ActionOutcome &outcome)
{
    return ActionLog(*this).finishAction(id, outcome);
}

Result<RecoveryReport> EventStore::recoverInterrupted()
{
    return ActionLog(*this).recoverInterrupted();
}

Result<QList<ActionRecord>> EventStore::adoptInterrupted()
{
    return ActionLog(*this).adoptInterrupted();
}

Result<std::optional<ActionRecord>> EventStore::action(const QString &id) const
{
    return ActionLog(const_cast<EventStore &>(*this)).action(id);
}

Result<QList<ActionRecord>> EventStore::actions(const ActionQuery &query) const
{
    return ActionLog(const_cast<EventStore &>(*this)).actions(query);
}

Result<QHash<QString, TriggerActivity>> EventStore::triggerActivity() const
{
    return ActionLog(const_cast<EventStore &>(*this)).triggerActivity();
}

Status EventStore::saveTrigger(const StoredTrigger &trigger)
{
    return TriggerTable(*this).save(trigger);
}

Result<QList<StoredTrigger>> EventStore::triggers() const
{
    return TriggerTable(const_cast<EventStore &>(*this)).all();
}

Status EventStore::removeTrigger(const QString &id)
{
    return TriggerTable(*this).remove(id);
}

Result<bool> EventStore::recordFiring(const QString &eventId, const QString &triggerId,
                                      const QString &decision, const QString &actionId)
{
    return FiringTable(*this).record(eventId, triggerId, decision, actionId);
}

Result<std::optional<QStringList>>
EventStore::recordFiringWithActions(const QString &eventId, const QString &triggerId, const QString &decision,
                                    const QList<ActionRequest> &actions, bool fromDeferred)
{
    return FiringTable(*this).recordWithActions(eventId, triggerId, decision, actions, fromDeferred);
}

Result<QSet<QString>> EventStore::decidedTriggers(const QString &eventId) const
{
    return FiringTable(const_cast<EventStore &>(*this)).decidedTriggers(eventId);
}

Result<QList<DeferredFiring>> EventStore::deferredFirings() const
{
    return FiringTable(const_cast<EventStore &>(*this)).deferred();
}

Result<bool> EventStore::settleDeferred(const QString &eventId, const QString &triggerId,
                                        const QString &decision)
{
    return FiringTable(*this).replaceDeferred(eventId, triggerId, decision);
}

// --- small durable values --------------------------------------------------------------------------------

Result<std::optional<qint64>> EventStore::stateNumber(const QString &key) const
{
    QSqlQuery query(database());
    query.prepare(QStringLiteral("SELECT value FROM store_state WHERE key = ?"));
    query.addBindValue(key);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("read %1").arg(key));
    if (!query.next() || query.value(0).isNull())
        return std::optional<qint64>();
    return std::optional<qint64>(query.value(0).toLongLong());
}

Status EventStore::setStateNumber(const QString &key, qint64 value)
{
    QSqlQuery query(database());
    query.prepare(QStringLiteral("INSERT INTO store_state (key, value) VALUES (?, ?) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
    query.addBindValue(key);
    query.addBindValue(value);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("write %1").arg(key));
    return success();
}

// --- retention -------------------------------------------------------------------------------------------

Result<PruneReport> EventStore::prune(const PruneOptions &options)
{
    QSqlDatabase db = database();
    if (!db.transaction())
        return sqlError(db.lastError(), QStringLiteral("prune"));
    PruneReport report;
    QSqlQuery query(db);
    const auto fail = [&](const QSqlQuery &failed) {
        const Error error = sqlError(failed.lastError(), QStringLiteral("prune"));
        db.rollback();
        return error;
    };
    if (options.olderThan.isValid()) {
        query.prepare(QStringLiteral("DELETE FROM events WHERE occurred_at < ?"));
        query.addBindValue(storerows::toMs(options.olderThan));
        if (!query.exec())
            return fail(query);
        report.events += query.numRowsAffected();
        query.prepare(QStringLiteral(
            "DELETE FROM actions WHERE finished_at < ? AND status NOT IN ('queued', 'running')"));
        query.addBindValue(storerows::toMs(options.olderThan));
        if (!query.exec())
            return fail(query);
        report.actions += query.numRowsAffected();
    }
    if (options.keepNewestEvents >= 0) {
        query.prepare(QStringLiteral("DELETE FROM events WHERE seq NOT IN "
                                     "(SELECT seq FROM events ORDER BY occurred_at DESC, seq DESC LIMIT ?)"));
        query.addBindValue(options.keepNewestEvents);
        if (!query.exec())
            return fail(query);
        report.events += query.numRowsAffected();
    }
    // The keys of pruned events go with them (no foreign key: a cascade would scan event_keys per row).
    if (report.events > 0 &&
        !query.exec(QStringLiteral("DELETE FROM event_keys WHERE event_id NOT IN (SELECT id FROM events)")))
        return fail(query);
    if (!db.commit())
        return sqlError(db.lastError(), QStringLiteral("prune"));
    return report;
}

Status EventStore::backup(const QString &file) const
{
    const QString target = QFileInfo(file).absoluteFilePath();
    if (QFileInfo::exists(target))
        return Error{QStringLiteral("exists"),
                     QStringLiteral("%1 already exists; choose a new file for the backup.").arg(target)};
    QSqlQuery query(database());
    query.prepare(QStringLiteral("VACUUM INTO ?"));
    query.addBindValue(target);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("write the backup %1").arg(target));
    return success();
}

Status EventStore::checkIntegrity() const
{
    QSqlQuery query(database());
    if (!query.exec(QStringLiteral("PRAGMA integrity_check")))
        return sqlError(query.lastError(), QStringLiteral("check the database"));
    QStringList problems;
    while (query.next())
        if (query.value(0).toString() != QLatin1String("ok"))
            problems.append(query.value(0).toString());
    if (!problems.isEmpty())
        return Error{QStringLiteral("corrupt"), QStringLiteral("The event database is damaged: %1")
                                                    .arg(problems.mid(0, 5).join(QStringLiteral("; ")))};
    return success();
}

} // namespace exeserver
