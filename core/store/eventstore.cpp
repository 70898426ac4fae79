#include "store/eventstore.h"

#include "config/logging.h"
#include "config/secretredactor.h"
#include "config/settings.h"
#include "store/migrations.h"
#include "store/payloadcodec.h"
#include "store/payloadscan.h"
#include "store/sqlitestatement.h"
#include "store/walcheckpointer.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUuid>

#include <atomic>
#include <thread>
#include <vector>

namespace exeserver {

namespace {

// SQLite primary result codes we explain to people.
constexpr int kSqliteBusy = 5;
constexpr int kSqliteReadOnly = 8;
constexpr int kSqliteCorrupt = 11;
constexpr int kSqliteFull = 13;
constexpr int kSqliteCantOpen = 14;
constexpr int kSqliteNotADb = 26;

// Below this many events per core a batch is prepared on the calling thread: starting a thread costs
// about what preparing a few events does.
constexpr qsizetype kEventsPerWorker = 64;
// Small enough that the inserting thread rarely waits, large enough that claiming one costs nothing.
constexpr qsizetype kEventsPerChunk = 32;
// Rows a text search may have to scan (a GLOB per row) because the full-text index has not reached them:
// about 2.5 ms of scanning on the bench machine. addEvents indexes beyond it.
constexpr qint64 kMaxUnindexedEvents = 10000;

const QString kEventColumns =
    QStringLiteral("seq, id, type, action, repository, sender, source, occurred_at, received_at");

// Qt binds a null QString as SQL NULL; NOT NULL text columns want ''.
QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

qint64 toMs(const QDateTime &when)
{
    return when.isValid() ? when.toMSecsSinceEpoch() : 0;
}

QDateTime fromMs(const QVariant &value)
{
    if (value.isNull())
        return {};
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), QTimeZone::utc());
}

std::optional<int> optionalInt(const QVariant &value)
{
    return value.isNull() ? std::nullopt : std::optional<int>(value.toInt());
}

QVariant toVariant(const std::optional<int> &value)
{
    return value ? QVariant(*value) : QVariant(QMetaType::fromType<int>());
}

// Keeps the start and the end of long output: the command line and the failure are what matter.
QString capOutput(const QString &text)
{
    const qsizetype cap = EventStore::kOutputCap;
    if (text.size() <= cap)
        return text;
    const qsizetype head = cap / 4;
    const qsizetype tail = cap - head;
    return text.left(head) +
           QStringLiteral("\n… [%1 characters omitted] …\n").arg(text.size() - head - tail) +
           text.right(tail);
}

// A summary is read from its top, so the end is what goes.
QString capSummary(const QString &text)
{
    if (text.size() <= EventStore::kSummaryCap)
        return text;
    return text.left(EventStore::kSummaryCap) +
           QStringLiteral("\n\n*[… %1 more characters of the summary are in the run's files]*")
               .arg(text.size() - EventStore::kSummaryCap);
}

// GITHUB_OUTPUT values as a JSON object, each redacted; NULL when there are none.
QVariant outputsText(const QJsonObject &outputs)
{
    if (outputs.isEmpty())
        return QVariant(QMetaType::fromType<QString>());
    QJsonObject redacted;
    for (auto it = outputs.begin(); it != outputs.end(); ++it)
        redacted.insert(it.key(), SecretRedactor::redact(it.value().toString()));
    return QString::fromUtf8(QJsonDocument(redacted).toJson(QJsonDocument::Compact));
}

// FTS5 query: every word quoted, so user text cannot inject FTS syntax; words are ANDed.
QString ftsQuery(const QString &text)
{
    QStringList terms;
    for (const QString &word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        QString quoted = word;
        quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        terms.append(QLatin1Char('"') + quoted + QLatin1Char('"'));
    }
    return terms.join(QLatin1Char(' '));
}

QString likePattern(const QString &word)
{
    QString escaped = word;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('%'), QStringLiteral("\\%"))
        .replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

const QString kIndexedThrough =
    QStringLiteral("(SELECT value FROM store_state WHERE key = 'fts_indexed_through')");

// The rowids (column r) of events whose text matches, as one SELECT: FTS5 for the rows indexed so far,
// and a scan of the rows above the indexing mark, which the indexer has not reached yet (schema 7).
// Each query word is an FTS5 phrase of its tokens; the scan's form of it is a GLOB (phraseGlob) over
// the lower-cased text that wants the same tokens, whole and in order.
struct TextMatches
{
    QString sql;
    QVariantList values;
};

// unicode61 splits text into runs of letters and digits and folds case; a phrase matches where its
// tokens follow each other. The GLOB wants each token whole (a non-alphanumeric character or the text's
// edge on either side, hence the spaces added around the text) with one separator between tokens.
// Differences from FTS5, for the seconds until the indexer reaches a row: case folding is ASCII only
// (SQLite's lower()), no diacritic folding, non-ASCII letters count as separators at a token's edge, and
// two or more separator characters between a phrase's tokens ("project - 7") do not match.
QString phraseGlob(const QString &word)
{
    QStringList tokens;
    QString token;
    for (const QChar c : word) {
        if (c.isLetterOrNumber()) {
            token.append(c.unicode() < 128 ? c.toLower() : c); // what SQLite's lower() does
        } else if (!token.isEmpty()) {
            tokens.append(token);
            token.clear();
        }
    }
    if (!token.isEmpty())
        tokens.append(token);
    if (tokens.isEmpty())
        return {};
    // Tokens are letters and digits only: nothing in them is GLOB syntax.
    const QString edge = QStringLiteral("[^0-9a-z]");
    return QStringLiteral("*") + edge + tokens.join(edge) + edge + QStringLiteral("*");
}

// Appends to `sql` one whole-token GLOB test of `column` per word of a search text (see phraseGlob), and
// their patterns to `values`: the one test of an unindexed row, shared by every search path so they agree.
void appendWordGlobs(const QString &text, const QString &column, QString &sql, QVariantList &values)
{
    for (const QString &word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QString pattern = phraseGlob(word);
        if (pattern.isEmpty()) {
            sql += QStringLiteral(" AND 0"); // a phrase without tokens matches nothing in FTS5 either
            continue;
        }
        sql += QStringLiteral(" AND lower(' ' || %1 || ' ') GLOB ?").arg(column);
        values.append(pattern);
    }
}

// `low`/`high` (both > 0) keep only rowids in that range; `newest` > 0 orders by rowid descending and
// keeps that many (SQLite merges the two arms, each read in rowid order, and stops early).
TextMatches textMatches(const QString &text, qint64 low = 0, qint64 high = 0, qint64 newest = 0)
{
    TextMatches matches;
    const bool ranged = low > 0 && high > 0;
    // One lower bound on seq (SQLite would pick one of two and test the other on every row it reads).
    QString tail = ranged ? QStringLiteral("SELECT seq AS r FROM events WHERE seq > max(%1, ?) AND seq <= ?")
                                .arg(kIndexedThrough)
                          : QStringLiteral("SELECT seq AS r FROM events WHERE seq > %1").arg(kIndexedThrough);
    if (ranged)
        matches.values << low - 1 << high;
    appendWordGlobs(text, QStringLiteral("search_text"), tail, matches.values);
    QString fts = QStringLiteral("SELECT rowid AS r FROM events_fts WHERE events_fts MATCH ?");
    matches.values.append(ftsQuery(text));
    if (ranged) {
        fts += QStringLiteral(" AND rowid BETWEEN ? AND ?");
        matches.values << low << high;
    }
    matches.sql = tail + QStringLiteral(" UNION ALL ") + fts;
    if (newest > 0)
        matches.sql += QStringLiteral(" ORDER BY 1 DESC LIMIT %1").arg(newest);
    return matches;
}

Event eventFromRow(const QSqlQuery &query)
{
    Event event;
    event.id = query.value(1).toString();
    event.type = query.value(2).toString();
    event.action = query.value(3).toString();
    event.repository = query.value(4).toString();
    event.sender = query.value(5).toString();
    event.source = query.value(6).toString();
    event.occurredAt = fromMs(query.value(7));
    event.receivedAt = fromMs(query.value(8));
    return event;
}

const QString kActionColumns = QStringLiteral(
    "seq, id, kind, status, target, event_id, trigger_id, requested_at, started_at, finished_at, exit_code, "
    "http_status, output, error, outputs, summary");

ActionRecord actionFromRow(const QSqlQuery &query)
{
    ActionRecord record;
    record.seq = query.value(0).toLongLong();
    record.id = query.value(1).toString();
    record.kind = actionKindFromString(query.value(2).toString()).value_or(ActionKind::Notify);
    record.status = actionStatusFromString(query.value(3).toString()).value_or(ActionStatus::Failure);
    record.target = query.value(4).toString();
    record.eventId = query.value(5).toString();
    record.triggerId = query.value(6).toString();
    record.requestedAt = fromMs(query.value(7));
    record.startedAt = fromMs(query.value(8));
    record.finishedAt = fromMs(query.value(9));
    record.exitCode = optionalInt(query.value(10));
    record.httpStatus = optionalInt(query.value(11));
    record.output = query.value(12).toString();
    record.error = query.value(13).toString();
    record.outputs = QJsonDocument::fromJson(query.value(14).toString().toUtf8()).object();
    record.summary = query.value(15).toString();
    return record;
}

QString sessionLockDir(const QString &dbPath)
{
    return dbPath + QStringLiteral(".sessions");
}

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
    m_insertEvent.reset();
    m_claimKey.reset();
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
    const QString dir = sessionLockDir(m_path);
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
    // The walk's default, 32,768 entries: enough for a term in one event of a few hundred, and cheap (an
    // index step and an in-memory probe each) when the matches are all older than that.
    m_textSearchWalk = std::max<qint64>(options.textSearchWalk, 4);
    m_sqliteCApi = options.sqliteCApi;
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
        // 32 MB of page cache instead of 2 MB: at a million events the indexes' upper levels stop fitting
        // in 2 MB and every insert and lookup starts reading pages.
        QStringLiteral("PRAGMA cache_size = -32768"),
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
    if (m_sqliteCApi && options.walCheckpointPages > 0) {
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

    // Validating, extracting the search text and compressing cost about as much as SQLite's insert, so
    // they run as a pipeline: the batch is cut into chunks that helper threads prepare in order while this
    // thread inserts the chunks already prepared, and prepares the next unclaimed chunk itself rather than
    // wait. So the write lock is held while this thread prepares too, and a bad payload late in a batch
    // costs a rollback: the price of overlapping the two halves of the work.
    struct Prepared
    {
        QByteArray blob;
        QString searchText;
        QString error;
    };
    struct Chunk
    {
        qsizetype from = 0;
        qsizetype to = 0;
        std::atomic<bool> ready{false};
    };
    std::vector<Prepared> prepared(size_t(events.size()));
    std::vector<Chunk> chunks(size_t((events.size() + kEventsPerChunk - 1) / kEventsPerChunk));
    for (size_t k = 0; k < chunks.size(); ++k) {
        chunks[k].from = qsizetype(k) * kEventsPerChunk;
        chunks[k].to = std::min(events.size(), chunks[k].from + kEventsPerChunk);
    }
    std::atomic<size_t> unclaimed{0};
    const auto prepareNextChunk = [&]() {
        const size_t k = unclaimed.fetch_add(1);
        if (k >= chunks.size())
            return false;
        for (qsizetype i = chunks[k].from; i < chunks[k].to; ++i) {
            PayloadScan scan = scanPayload(events[i].payload);
            Prepared &out = prepared[size_t(i)];
            if (!scan.valid) {
                out.error = std::move(scan.error);
                continue;
            }
            out.searchText = std::move(scan.searchText);
            out.blob = PayloadCodec::encode(events[i].payload);
        }
        chunks[k].ready.store(true, std::memory_order_release);
        chunks[k].ready.notify_one();
        return true;
    };
    // Declared after everything they use: an early return joins them before those go away.
    std::vector<std::jthread> helpers;
    const qsizetype helperCount =
        std::clamp<qsizetype>(events.size() / kEventsPerWorker, 1, std::max(1, QThread::idealThreadCount())) -
        1;
    for (qsizetype h = 0; h < helperCount; ++h)
        helpers.emplace_back([&]() {
            while (prepareNextChunk()) {
            }
        });
    const auto stopHelpers = [&]() { unclaimed.store(chunks.size()); };

    if (m_checkpointer)
        m_checkpointer->settleBeforeWrite();
    QSqlDatabase db = database();
    if (!db.transaction()) {
        stopHelpers();
        return sqlError(db.lastError(), QStringLiteral("store events"));
    }
    const char *const insertSql =
        "INSERT INTO events (id, type, action, repository, sender, source, occurred_at, received_at, "
        "payload, search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";
    // An event whose dedupe key is already taken is the same GitHub event seen from another source (or
    // earlier in this batch): it is not stored again. Claiming the key first makes that one statement.
    const char *const claimKeySql =
        "INSERT INTO event_keys (key, event_id) VALUES (?, ?) ON CONFLICT (key) DO NOTHING";
    // The C API path (SqliteStatement) skips a QVariant per value and QSqlQuery's per-row bookkeeping;
    // the QSqlQuery path stays for a Qt whose driver carries its own SQLite. Both bind the same values.
    if (m_sqliteCApi && !m_insertEvent) {
        if (sqlite3 *handle = SqliteStatement::handleOf(db)) {
            m_insertEvent = std::make_unique<SqliteStatement>(handle, insertSql);
            if (!m_insertEvent->isValid()) {
                const Error error = sqlError(m_insertEvent->lastError(), QStringLiteral("store events"));
                m_insertEvent.reset();
                stopHelpers();
                db.rollback();
                return error;
            }
        } else {
            m_sqliteCApi = false;
        }
    }
    QSqlQuery insert(db);
    QSqlQuery claimKey(db);
    if (!m_insertEvent)
        insert.prepare(QString::fromLatin1(insertSql));
    // Each returns whether it changed a row; on an error, lastError is set. The key statement is prepared
    // when first needed (a batch without keys never needs it).
    QSqlError lastError;
    const auto claim = [&](const Event &event) -> std::optional<bool> {
        if (m_insertEvent) {
            if (!m_claimKey) {
                m_claimKey = std::make_unique<SqliteStatement>(m_insertEvent->connection(), claimKeySql);
                if (!m_claimKey->isValid()) {
                    lastError = m_claimKey->lastError();
                    m_claimKey.reset();
                    return std::nullopt;
                }
            }
            m_claimKey->bindText(1, event.dedupeKey);
            m_claimKey->bindText(2, event.id);
            if (!m_claimKey->execute()) {
                lastError = m_claimKey->lastError();
                return std::nullopt;
            }
            return m_claimKey->changes() > 0;
        }
        if (claimKey.lastQuery().isEmpty())
            claimKey.prepare(QString::fromLatin1(claimKeySql));
        claimKey.bindValue(0, event.dedupeKey);
        claimKey.bindValue(1, event.id);
        if (!claimKey.exec()) {
            lastError = claimKey.lastError();
            return std::nullopt;
        }
        return claimKey.numRowsAffected() > 0;
    };
    qint64 lastSeq = 0;
    const auto insertEvent = [&](const Event &event, const Prepared &ready,
                                 qint64 received) -> std::optional<bool> {
        const QString &source = event.source.isEmpty() ? eventsource::Manual : event.source;
        const qint64 occurred = event.occurredAt.isValid() ? toMs(event.occurredAt) : received;
        if (m_insertEvent) {
            SqliteStatement &statement = *m_insertEvent;
            statement.bindText(1, event.id);
            statement.bindText(2, event.type);
            statement.bindText(3, event.action);
            statement.bindText(4, event.repository);
            statement.bindText(5, event.sender);
            statement.bindText(6, source);
            statement.bindInt64(7, occurred);
            statement.bindInt64(8, received);
            statement.bindBlob(9, ready.blob);
            statement.bindText(10, ready.searchText);
            if (!statement.execute()) {
                lastError = statement.lastError();
                return std::nullopt;
            }
            lastSeq = statement.lastInsertRowId();
            return statement.changes() > 0;
        }
        insert.bindValue(0, event.id);
        insert.bindValue(1, event.type);
        insert.bindValue(2, text(event.action));
        insert.bindValue(3, text(event.repository));
        insert.bindValue(4, text(event.sender));
        insert.bindValue(5, source);
        insert.bindValue(6, occurred);
        insert.bindValue(7, received);
        insert.bindValue(8, ready.blob);
        insert.bindValue(9, text(ready.searchText));
        if (!insert.exec()) {
            lastError = insert.lastError();
            return std::nullopt;
        }
        lastSeq = insert.lastInsertId().toLongLong();
        return insert.numRowsAffected() > 0;
    };
    int added = 0;
    qint64 firstSeq = 0; // of the first event this batch stores: every later one has a higher seq
    QList<bool> flags(events.size(), false);
    const qint64 now = m_clock->nowMSecs();
    for (Chunk &chunk : chunks) {
        while (!chunk.ready.load(std::memory_order_acquire))
            if (!prepareNextChunk())
                chunk.ready.wait(false, std::memory_order_acquire);
        for (qsizetype i = chunk.from; i < chunk.to; ++i) {
            if (!prepared[size_t(i)].error.isEmpty()) {
                stopHelpers();
                db.rollback(); // a batch is stored whole or not at all
                return Error{QStringLiteral("invalid_payload"),
                             QStringLiteral("The payload of event %1 is not JSON: %2")
                                 .arg(events[i].id, prepared[size_t(i)].error)};
            }
            const Event &event = events[i];
            if (!event.dedupeKey.isEmpty()) {
                const std::optional<bool> claimed = claim(event);
                if (!claimed) {
                    stopHelpers();
                    db.rollback();
                    return sqlError(lastError, QStringLiteral("store events"));
                }
                if (!*claimed) {
                    prepared[size_t(i)] = {};
                    continue;
                }
            }
            const qint64 received = event.receivedAt.isValid() ? toMs(event.receivedAt) : now;
            const std::optional<bool> inserted = insertEvent(event, prepared[size_t(i)], received);
            if (!inserted) {
                stopHelpers();
                db.rollback();
                return sqlError(lastError, QStringLiteral("store events"));
            }
            flags[i] = *inserted;
            if (*inserted && added++ == 0)
                firstSeq = lastSeq;
            prepared[size_t(i)] = {}; // the blob is in SQLite now; free it before the batch ends
        }
    }
    if (added > 0) {
        if (const Status enqueued = enqueueForSync(firstSeq); !enqueued) {
            db.rollback();
            return enqueued.error();
        }
    }
    if (!db.commit()) {
        const Error error = sqlError(db.lastError(), QStringLiteral("store events"));
        db.rollback();
        return error;
    }
    if (stored)
        *stored = std::move(flags);
    // The full-text index is filled after ingest (indexFullText, normally in the owner's idle turns). A
    // writer that outruns it, or a process that never runs it, indexes the excess here, outside the batch's
    // transaction: the rows above the mark are searched by a scan, which must stay short.
    if (m_fts && added > 0) {
        const Result<qint64> pending = unindexedEvents();
        if (pending && *pending > kMaxUnindexedEvents) {
            if (const Result<int> indexed = indexFullText(int(*pending - kMaxUnindexedEvents / 2)); !indexed)
                qCWarning(lcStore) << "could not index event text:" << indexed.error().message;
        }
    }
    return added;
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
                        .arg(kIndexedThrough)) ||
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
                      .arg(kIndexedThrough));
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
                           .arg(kIndexedThrough));
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
    query.prepare(QStringLiteral("SELECT %1, payload FROM events WHERE id = ?").arg(kEventColumns));
    query.addBindValue(id);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("read an event"));
    if (!query.next())
        return std::optional<Event>();
    Event event = eventFromRow(query);
    Result<QByteArray> payload = PayloadCodec::decode(query.value(9).toByteArray());
    if (!payload)
        return payload.error();
    event.payload = std::move(payload).value();
    return std::optional<Event>(std::move(event));
}

Result<QList<SequencedEvent>> EventStore::eventsAfter(qint64 seq, int limit) const
{
    QSqlQuery query(database());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT %1, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?")
                      .arg(kEventColumns));
    query.addBindValue(seq);
    query.addBindValue(limit);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("read events"));
    QList<SequencedEvent> events;
    while (query.next()) {
        SequencedEvent row;
        row.event = eventFromRow(query);
        Result<QByteArray> payload = PayloadCodec::decode(query.value(9).toByteArray());
        if (!payload)
            return payload.error();
        row.event.payload = std::move(payload).value();
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

namespace {

// The WHERE terms of a query's filters (not its paging); text goes through FTS when the store has it.
struct EventFilter
{
    QStringList where;
    QVariantList values;
};

EventFilter eventFilter(const EventQuery &request, bool fts, bool includeFtsText)
{
    EventFilter filter;
    QStringList &where = filter.where;
    QVariantList &values = filter.values;
    const auto equals = [&](const char *column, const QString &value) {
        if (value.isEmpty())
            return;
        where.append(QLatin1String(column) + QStringLiteral(" = ?"));
        values.append(value);
    };
    equals("type", request.type);
    equals("action", request.action);
    equals("repository", request.repository);
    equals("sender", request.sender);
    equals("source", request.source);
    if (request.since.isValid()) {
        where.append(QStringLiteral("occurred_at >= ?"));
        values.append(toMs(request.since));
    }
    if (request.until.isValid()) {
        where.append(QStringLiteral("occurred_at < ?"));
        values.append(toMs(request.until));
    }
    const QString text = request.text.simplified();
    if (!text.isEmpty() && !fts) {
        for (const QString &word : text.split(QLatin1Char(' '))) {
            where.append(QStringLiteral("search_text LIKE ? ESCAPE '\\'"));
            values.append(likePattern(word));
        }
    } else if (!text.isEmpty() && includeFtsText) {
        const TextMatches matches = textMatches(text);
        where.append(QStringLiteral("seq IN (%1)").arg(matches.sql));
        values.append(matches.values);
    }
    return filter;
}

} // namespace

Result<qint64> EventStore::eventCount(const EventQuery &request, qint64 atMost) const
{
    EventFilter filter = eventFilter(request, m_fts, true);
    // The row-value bounds as events() has them: a view finds an event's row by counting those above it.
    if (!request.after.isNull()) {
        filter.where.append(QStringLiteral("(occurred_at, seq) < (?, ?)"));
        filter.values << request.after.occurredAtMs << request.after.seq;
    }
    if (!request.before.isNull()) {
        filter.where.append(QStringLiteral("(occurred_at, seq) > (?, ?)"));
        filter.values << request.before.occurredAtMs << request.before.seq;
    }
    const QString where = filter.where.isEmpty()
                              ? QString()
                              : QStringLiteral("WHERE ") + filter.where.join(QStringLiteral(" AND "));
    QSqlQuery query(database());
    query.setForwardOnly(true);
    query.prepare(
        atMost > 0
            ? QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM events %1 LIMIT %2)").arg(where).arg(atMost)
            : QStringLiteral("SELECT count(*) FROM events %1").arg(where));
    for (int i = 0; i < filter.values.size(); ++i)
        query.bindValue(i, filter.values[i]);
    if (!query.exec() || !query.next())
        return sqlError(query.lastError(), QStringLiteral("count events"));
    return query.value(0).toLongLong();
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

Result<EventPage> EventStore::events(const EventQuery &request) const
{
    // The filters as eventCount() has them; FTS text is added below, by the text search's own strategy.
    EventFilter filter = eventFilter(request, m_fts, /*includeFtsText=*/false);
    QStringList &where = filter.where;
    QVariantList &values = filter.values;
    if (!request.after.isNull()) {
        where.append(QStringLiteral("(occurred_at, seq) < (?, ?)"));
        values.append(request.after.occurredAtMs);
        values.append(request.after.seq);
    }
    if (!request.before.isNull()) {
        where.append(QStringLiteral("(occurred_at, seq) > (?, ?)"));
        values.append(request.before.occurredAtMs);
        values.append(request.before.seq);
    }
    const QString text = request.text.simplified();
    const int limit = std::clamp(request.limit, 1, 10000);

    // One page; `matches` (a subquery of FTS rowids) restricts it to text matches when given. Also
    // reports the position of the row after the page, which the text search needs. `walk` instead gives
    // a FROM clause whose rows already come in page order (with its values and extra WHERE terms): then
    // there is no ORDER BY, so SQLite stops reading at the page's end.
    struct Run
    {
        EventPage page;
        bool more = false;
        qint64 beyondOccurred = 0;
    };
    struct Walk
    {
        QString from;
        QVariantList fromValues;
        QStringList where;
        QVariantList whereValues;
    };
    const auto run = [&](const QString &matches, const QVariantList &matchValues,
                         const Walk &walk = {}) -> Result<Run> {
        const QString source =
            !walk.from.isEmpty() ? walk.from
            : matches.isEmpty()
                ? QStringLiteral("events")
                // CROSS JOIN keeps SQLite from scanning events and probing the matches.
                : QStringLiteral("(%1) AS matches CROSS JOIN events ON events.seq = matches.r").arg(matches);
        const QStringList terms = walk.where + where;
        const QString order = !walk.from.isEmpty()  ? QString()
                              : request.oldestFirst ? QStringLiteral("ORDER BY occurred_at ASC, seq ASC")
                                                    : QStringLiteral("ORDER BY occurred_at DESC, seq DESC");
        const QString sql =
            QStringLiteral("SELECT %1%2 FROM %3 %4 %5 LIMIT %6 OFFSET %7")
                .arg(kEventColumns, request.includePayload ? QStringLiteral(", payload") : QString(), source,
                     terms.isEmpty() ? QString()
                                     : QStringLiteral("WHERE ") + terms.join(QStringLiteral(" AND ")),
                     order)
                .arg(limit + 1)
                .arg(std::max<qint64>(0, request.offset));
        QSqlQuery query(database());
        query.setForwardOnly(true);
        query.prepare(sql);
        int index = 0;
        for (const QVariantList *list : std::initializer_list<const QVariantList *>{
                 &matchValues, &walk.fromValues, &walk.whereValues, &values})
            for (const QVariant &value : *list)
                query.bindValue(index++, value);
        if (!query.exec())
            return sqlError(query.lastError(), QStringLiteral("query events"));
        Run result;
        qint64 lastSeq = 0;
        qint64 lastOccurred = 0;
        while (query.next()) {
            if (result.page.events.size() == limit) {
                result.page.next = {lastOccurred, lastSeq};
                result.more = true;
                result.beyondOccurred = query.value(7).toLongLong();
                break;
            }
            Event event = eventFromRow(query);
            if (request.includePayload) {
                Result<QByteArray> payload = PayloadCodec::decode(query.value(9).toByteArray());
                if (!payload)
                    return payload.error();
                event.payload = std::move(payload).value();
            }
            lastSeq = query.value(0).toLongLong();
            lastOccurred = query.value(7).toLongLong();
            result.page.positions.append({lastOccurred, lastSeq});
            result.page.events.append(std::move(event));
        }
        return result;
    };

    // The windowed search below assumes newest first from the top; windowed views take the plain path.
    const bool windowed = request.oldestFirst || request.offset > 0 || !request.before.isNull();
    if (text.isEmpty() || !m_fts || windowed) {
        if (!text.isEmpty() && m_fts) {
            const TextMatches matches = textMatches(text);
            where.append(QStringLiteral("seq IN (%1)").arg(matches.sql));
            values.append(matches.values);
        }
        Result<Run> result = run(QString(), {});
        if (!result)
            return result.error();
        return std::move(result->page);
    }

    // The walks below follow the time order of the narrowest indexed filter (a repository, a sender or a
    // type, each indexed with occurred_at), else of every event; only that filter and the time terms
    // narrow the walk itself, and every filter is applied again outside it.
    QStringList range;
    QVariantList rangeValues;
    QString walkIndex = QStringLiteral("events_by_time");
    for (const auto &[column, value] :
         {std::pair{"repository", &request.repository}, std::pair{"sender", &request.sender},
          std::pair{"type", &request.type}}) {
        if (value->isEmpty())
            continue;
        walkIndex = QStringLiteral("events_by_") + QLatin1String(column);
        range.append(QLatin1String(column) + QStringLiteral(" = ?"));
        rangeValues.append(*value);
        break;
    }
    if (request.since.isValid()) {
        range.append(QStringLiteral("occurred_at >= ?"));
        rangeValues.append(toMs(request.since));
    }
    if (request.until.isValid()) {
        range.append(QStringLiteral("occurred_at < ?"));
        rangeValues.append(toMs(request.until));
    }
    if (!request.after.isNull()) {
        // The plain bound lets SQLite start the index scan at the cursor; the row value is exact.
        range.append(QStringLiteral("occurred_at <= ?"));
        range.append(QStringLiteral("(occurred_at, seq) < (?, ?)"));
        rangeValues << request.after.occurredAtMs << request.after.occurredAtMs << request.after.seq;
    }
    const QString rangeWhere =
        range.isEmpty() ? QString() : QStringLiteral("WHERE ") + range.join(QStringLiteral(" AND "));
    const auto walkedRows = [&](qint64 entries) {
        return QStringLiteral("SELECT seq AS s FROM events INDEXED BY %1 %2 ORDER BY occurred_at DESC, seq "
                              "DESC LIMIT %3")
            .arg(walkIndex, rangeWhere)
            .arg(entries);
    };
    struct Span
    {
        qint64 count = 0;
        qint64 low = 0;
        qint64 high = 0;
    };
    // How many entries the walk reaches, and the seq range they cover.
    const auto spanOf = [&](qint64 entries) -> Result<Span> {
        QSqlQuery span(database());
        span.setForwardOnly(true);
        span.prepare(QStringLiteral("SELECT count(*), min(s), max(s) FROM (%1)").arg(walkedRows(entries)));
        for (int i = 0; i < rangeValues.size(); ++i)
            span.bindValue(i, rangeValues[i]);
        if (!span.exec() || !span.next())
            return sqlError(span.lastError(), QStringLiteral("query events"));
        return Span{span.value(0).toLongLong(), span.value(1).toLongLong(), span.value(2).toLongLong()};
    };
    const auto walkOver = [&](qint64 entries) {
        Walk walk;
        walk.from =
            QStringLiteral("(%1) AS walk CROSS JOIN events ON events.seq = walk.s").arg(walkedRows(entries));
        walk.fromValues = rangeValues;
        return walk;
    };

    // First, how arrival (seq) relates to time here: the newest few entries by time in a narrow seq range
    // (a live server, an import in either order) suit the newest-matches window and the ranged walks
    // below. Scattered over every seq (times shuffled against arrival), neither can help: every match
    // must be known before the walk, or, for a term most events contain, each walked entry asks FTS5.
    const qint64 orderProbe = std::max<qint64>(16, m_textSearchWalk / 128);
    bool scattered = false; // seqs of neighbouring times are far apart: a seq range would not help
    {
        const Result<Span> newest = spanOf(orderProbe);
        if (!newest)
            return newest.error();
        scattered = newest->count == orderProbe && newest->high - newest->low >= 32 * orderProbe;
    }

    // Text search, newest first without collecting every match: FTS5 yields matches by rowid (seq)
    // descending, and seq grows with arrival, which tracks occurred time. Take the newest `window`
    // matches; the page is exact when they are all the matches, or when no event outside the window
    // (seq below its oldest) occurred after the row following the page.
    if (!scattered) {
        // A few pages' worth: enough when the filters keep most matches; the walk below handles the rest.
        const qint64 window = std::clamp<qint64>(4 * (limit + 1), 256, 1024);
        const TextMatches newest = textMatches(text, 0, 0, window);
        Result<Run> result = run(newest.sql, newest.values);
        if (!result)
            return result.error();
        QSqlQuery bounds(database());
        bounds.prepare(QStringLiteral("SELECT count(*), min(r) FROM (%1)").arg(newest.sql));
        for (const QVariant &value : newest.values)
            bounds.addBindValue(value);
        if (!bounds.exec() || !bounds.next())
            return sqlError(bounds.lastError(), QStringLiteral("query events"));
        if (bounds.value(0).toLongLong() < window)
            return std::move(result->page); // every match was in the window
        if (result->more) {
            QSqlQuery outside(database());
            outside.prepare(QStringLiteral("SELECT 1 FROM events WHERE occurred_at > ? AND seq < ? LIMIT 1"));
            outside.addBindValue(result->beyondOccurred);
            outside.addBindValue(bounds.value(1));
            if (!outside.exec())
                return sqlError(outside.lastError(), QStringLiteral("query events"));
            if (!outside.next())
                return std::move(result->page);
        }
    }

    // Scattered, and a term most events contain: materialising its matches reads FTS5's whole doclist
    // (a word in every event: hundreds of milliseconds over a million), while the page is a few hundred
    // entries into the walk. Then each walked entry asks FTS5 about its own rowid (~30 µs each), for a
    // walk bounded by a few times the expected length; the density comes from the matches among the
    // last few thousand indexed seqs (FTS5 seeks its doclists to that range).
    if (scattered) {
        constexpr qint64 kSample = 4096;
        constexpr qint64 kLongestProbeWalk = 256; // expected entries; ~8 ms of probes
        QSqlQuery sample(database());
        sample.setForwardOnly(true);
        sample.prepare(
            QStringLiteral("SELECT count(*), %1 FROM events_fts WHERE events_fts MATCH ? AND rowid > %1 - ?")
                .arg(kIndexedThrough));
        sample.addBindValue(ftsQuery(text));
        sample.addBindValue(kSample);
        if (!sample.exec() || !sample.next())
            return sqlError(sample.lastError(), QStringLiteral("query events"));
        const qint64 sampled = sample.value(0).toLongLong();
        const qint64 sampledSeqs = std::clamp<qint64>(sample.value(1).toLongLong(), 0, kSample);
        sample.finish();
        // Expected entries per page: (limit + 1) / density.
        if (sampled > 0 && (limit + 1) * sampledSeqs <= kLongestProbeWalk * sampled) {
            const qint64 entries = std::max<qint64>(4 * (limit + 1) * sampledSeqs / sampled, limit + 1);
            Walk walk = walkOver(entries);
            // The walk's row matches: the unindexed tail by the scan's GLOBs, indexed rows by FTS5.
            QString tail = QStringLiteral("walk.s > %1").arg(kIndexedThrough);
            appendWordGlobs(text, QStringLiteral("events.search_text"), tail, walk.whereValues);
            walk.where.append(
                QStringLiteral("((%1) OR (walk.s <= %2 AND EXISTS (SELECT 1 FROM events_fts WHERE events_fts "
                               "MATCH ? AND rowid = walk.s)))")
                    .arg(tail, kIndexedThrough));
            walk.whereValues.append(ftsQuery(text));
            Result<Run> result = run(QString(), {}, walk);
            if (!result)
                return result.error();
            if (result->more)
                return std::move(result->page);
            const Result<Span> walked = spanOf(entries);
            if (!walked)
                return walked.error();
            if (walked->count < entries)
                return std::move(result->page); // the walk reached the oldest event
        }
    }

    // Arrival and time disagree (an imported history), or the filters thin the window out: walk the time
    // index newest first and keep the rows whose seq is among the matches (SQLite materialises the match
    // list once, as an in-memory index), stopping at the page. The walk is bounded, so a term whose
    // matches are all old costs a bounded walk and then the full sort below, not a walk of every event.
    // Materialising every match of a common phrase is most of the cost (FTS5 reads the whole doclist of
    // each word), and an imported history keeps neighbouring times in neighbouring seqs: so each stage
    // first takes the seq range of the entries it will walk, and when that range is narrow, asks FTS5
    // only for matches inside it (FTS5 seeks its doclists to a rowid range). Scattered, the first stage
    // would materialise every match only to do it again in the second: it is skipped.
    for (const qint64 entries : {m_textSearchWalk / 4, m_textSearchWalk}) {
        if (scattered && entries < m_textSearchWalk)
            continue;
        Walk walk = walkOver(entries);
        qint64 walkable = -1; // entries the walk can reach, when known
        if (!scattered) {
            const Result<Span> span = spanOf(entries);
            if (!span)
                return span.error();
            walkable = span->count;
            scattered = span->high - span->low >= 32 * entries;
            if (!scattered) {
                const TextMatches matches = textMatches(text, span->low, span->high);
                walk.where.append(QStringLiteral("walk.s IN (%1)").arg(matches.sql));
                walk.whereValues = matches.values;
            } else if (entries < m_textSearchWalk) {
                continue; // the longer walk below materialises every match once instead
            }
        }
        if (walk.where.isEmpty()) {
            const TextMatches matches = textMatches(text);
            walk.where.append(QStringLiteral("walk.s IN (%1)").arg(matches.sql));
            walk.whereValues = matches.values;
        }
        Result<Run> result = run(QString(), {}, walk);
        if (!result)
            return result.error();
        if (result->more)
            return std::move(result->page); // a full page, found within the walk
        // Fewer than a page: that is every match if the walk reached the oldest event.
        if (walkable < 0) {
            const Result<Span> walked = spanOf(entries);
            if (!walked)
                return walked.error();
            walkable = walked->count;
        }
        if (walkable < entries)
            return std::move(result->page);
    }

    const TextMatches matches = textMatches(text);
    where.append(QStringLiteral("seq IN (%1)").arg(matches.sql));
    values.append(matches.values);
    Result<Run> result = run(QString(), {});
    if (!result)
        return result.error();
    return std::move(result->page);
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

// --- actions ---------------------------------------------------------------------------------------------

Result<QString> EventStore::beginAction(const ActionRequest &request)
{
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const qint64 now = m_clock->nowMSecs();
    QSqlQuery query(database());
    query.prepare(QStringLiteral("INSERT INTO actions (id, event_id, trigger_id, kind, target, status, "
                                 "owner, requested_at, started_at, "
                                 "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    query.addBindValue(id);
    query.addBindValue(request.eventId.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                                 : request.eventId);
    query.addBindValue(request.triggerId.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                                   : request.triggerId);
    query.addBindValue(toString(request.kind));
    query.addBindValue(text(SecretRedactor::redact(request.target)));
    query.addBindValue(toString(request.startNow ? ActionStatus::Running : ActionStatus::Queued));
    query.addBindValue(m_sessionId);
    query.addBindValue(now);
    query.addBindValue(request.startNow ? QVariant(now) : QVariant(QMetaType::fromType<qint64>()));
    query.addBindValue(now);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("record an action"));
    return id;
}

Status EventStore::startAction(const QString &id)
{
    const qint64 now = m_clock->nowMSecs();
    QSqlQuery query(database());
    query.prepare(QStringLiteral("UPDATE actions SET status = 'running', started_at = ?, updated_at = ? "
                                 "WHERE id = ? AND status = 'queued'"));
    query.addBindValue(now);
    query.addBindValue(now);
    query.addBindValue(id);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("start an action"));
    if (query.numRowsAffected() != 1)
        return Error{QStringLiteral("not_found"), QStringLiteral("No queued action %1.").arg(id)};
    return success();
}

Status EventStore::finishAction(const QString &id, const ActionOutcome &outcome)
{
    if (!isFinished(outcome.status))
        return Error{QStringLiteral("invalid_status"),
                     QStringLiteral("An action cannot finish as %1.").arg(toString(outcome.status))};
    const qint64 now = m_clock->nowMSecs();
    QSqlQuery query(database());
    query.prepare(QStringLiteral("UPDATE actions SET status = ?, finished_at = ?, updated_at = ?, started_at "
                                 "= COALESCE(started_at, ?), "
                                 "exit_code = ?, http_status = ?, output = ?, error = ?, outputs = ?, "
                                 "summary = ? WHERE id = ?"));
    query.addBindValue(toString(outcome.status));
    query.addBindValue(now);
    query.addBindValue(now);
    query.addBindValue(now);
    query.addBindValue(toVariant(outcome.exitCode));
    query.addBindValue(toVariant(outcome.httpStatus));
    // Redact before capping: a secret cut in half by the cap would no longer be recognised.
    query.addBindValue(text(capOutput(SecretRedactor::redact(outcome.output))));
    query.addBindValue(text(capOutput(SecretRedactor::redact(outcome.error))));
    query.addBindValue(outputsText(outcome.outputs));
    query.addBindValue(text(capSummary(SecretRedactor::redact(outcome.summary))));
    query.addBindValue(id);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("record an action's outcome"));
    if (query.numRowsAffected() != 1)
        return Error{QStringLiteral("not_found"), QStringLiteral("No action %1.").arg(id)};
    return success();
}

Result<QStringList> EventStore::goneSessions() const
{
    QSqlQuery owners(database());
    if (!owners.exec(
            QStringLiteral("SELECT DISTINCT owner FROM actions WHERE status IN ('running', 'queued')")))
        return sqlError(owners.lastError(), QStringLiteral("look for interrupted actions"));
    QStringList gone;
    while (owners.next()) {
        const QString owner = owners.value(0).toString();
        if (owner == m_sessionId)
            continue;
        // A session's lock is held while its process lives; taking it means the process is gone.
        QLockFile lock(QDir(sessionLockDir(m_path)).filePath(owner + QStringLiteral(".lock")));
        lock.setStaleLockTime(0);
        if (owner.isEmpty() || lock.tryLock(0)) {
            gone.append(owner);
            lock.unlock();
        }
    }
    return gone;
}

Result<RecoveryReport> EventStore::recoverInterrupted()
{
    const Result<QStringList> gone = goneSessions();
    if (!gone)
        return gone.error();
    RecoveryReport report;
    const qint64 now = m_clock->nowMSecs();
    for (const QString &owner : *gone) {
        QSqlQuery update(database());
        update.prepare(QStringLiteral(
            "UPDATE actions SET status = 'interrupted', finished_at = ?, updated_at = ?, error = CASE WHEN "
            "error = '' THEN 'ExeServer stopped while this action was running; its outcome is unknown.' "
            "ELSE error END WHERE status = 'running' AND owner = ?"));
        update.addBindValue(now);
        update.addBindValue(now);
        update.addBindValue(owner);
        if (!update.exec())
            return sqlError(update.lastError(), QStringLiteral("mark interrupted actions"));
        report.interrupted += update.numRowsAffected();
        update.prepare(QStringLiteral(
            "UPDATE actions SET status = 'skipped', finished_at = ?, updated_at = ?, error = "
            "'ExeServer stopped before this queued action started.' WHERE status = 'queued' AND owner = ?"));
        update.addBindValue(now);
        update.addBindValue(now);
        update.addBindValue(owner);
        if (!update.exec())
            return sqlError(update.lastError(), QStringLiteral("mark interrupted actions"));
        report.skipped += update.numRowsAffected();
    }
    if (report.interrupted || report.skipped)
        qCInfo(lcStore) << "marked" << report.interrupted << "actions interrupted and" << report.skipped
                        << "skipped after an earlier stop";
    return report;
}

Result<QList<ActionRecord>> EventStore::adoptInterrupted()
{
    const Result<QStringList> gone = goneSessions();
    if (!gone)
        return gone.error();
    QList<ActionRecord> adopted;
    for (const QString &owner : *gone) {
        QSqlDatabase db = database();
        if (!db.transaction())
            return sqlError(db.lastError(), QStringLiteral("take over interrupted actions"));
        QSqlQuery select(db);
        select.prepare(
            QStringLiteral("SELECT %1 FROM actions WHERE status IN ('running', 'queued') AND owner = ? "
                           "ORDER BY seq")
                .arg(kActionColumns));
        select.addBindValue(owner);
        QSqlQuery update(db);
        update.prepare(
            QStringLiteral("UPDATE actions SET owner = ? WHERE status IN ('running', 'queued') AND "
                           "owner = ?"));
        update.addBindValue(m_sessionId);
        update.addBindValue(owner);
        if (!select.exec()) {
            db.rollback();
            return sqlError(select.lastError(), QStringLiteral("take over interrupted actions"));
        }
        while (select.next())
            adopted.append(actionFromRow(select));
        if (!update.exec() || !db.commit()) {
            const QSqlError error = update.lastError().isValid() ? update.lastError() : db.lastError();
            db.rollback();
            return sqlError(error, QStringLiteral("take over interrupted actions"));
        }
    }
    std::sort(adopted.begin(), adopted.end(),
              [](const ActionRecord &a, const ActionRecord &b) { return a.seq < b.seq; });
    return adopted;
}

Result<std::optional<ActionRecord>> EventStore::action(const QString &id) const
{
    QSqlQuery query(database());
    bool isNumber = false;
    const qint64 seq = id.toLongLong(&isNumber);
    query.prepare(QStringLiteral("SELECT %1 FROM actions WHERE %2 = ?")
                      .arg(kActionColumns, isNumber ? QStringLiteral("seq") : QStringLiteral("id")));
    query.addBindValue(isNumber ? QVariant(seq) : QVariant(id));
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("read an action"));
    if (!query.next())
        return std::optional<ActionRecord>();
    return std::optional<ActionRecord>(actionFromRow(query));
}

Result<QList<ActionRecord>> EventStore::actions(const ActionQuery &request) const
{
    QStringList where;
    QVariantList values;
    if (request.status) {
        where.append(QStringLiteral("status = ?"));
        values.append(toString(*request.status));
    }
    if (request.kind) {
        where.append(QStringLiteral("kind = ?"));
        values.append(toString(*request.kind));
    }
    if (!request.eventId.isEmpty()) {
        where.append(QStringLiteral("event_id = ?"));
        values.append(request.eventId);
    }
    if (request.beforeSeq > 0) {
        where.append(QStringLiteral("seq < ?"));
        values.append(request.beforeSeq);
    }
    if (request.fromSeq > 0) {
        where.append(QStringLiteral("seq >= ?"));
        values.append(request.fromSeq);
    }
    QSqlQuery query(database());
    query.setForwardOnly(true);
    query.prepare(
        QStringLiteral("SELECT %1 FROM actions %2 ORDER BY seq DESC LIMIT %3")
            .arg(kActionColumns,
                 where.isEmpty() ? QString() : QStringLiteral("WHERE ") + where.join(QStringLiteral(" AND ")))
            .arg(std::clamp(request.limit, 1, 10000)));
    for (qsizetype i = 0; i < values.size(); ++i)
        query.bindValue(int(i), values[i]);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("query actions"));
    QList<ActionRecord> records;
    while (query.next())
        records.append(actionFromRow(query));
    return records;
}

// --- triggers --------------------------------------------------------------------------------------------

Status EventStore::saveTrigger(const StoredTrigger &trigger)
{
    const qint64 now = m_clock->nowMSecs();
    QSqlQuery query(database());
    query.prepare(
        QStringLiteral("INSERT INTO triggers (id, name, enabled, definition, created_at, updated_at) VALUES "
                       "(?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (id) DO UPDATE SET name = excluded.name, enabled = excluded.enabled, "
                       "definition = excluded.definition, updated_at = excluded.updated_at"));
    query.addBindValue(trigger.id);
    query.addBindValue(trigger.name);
    query.addBindValue(trigger.enabled ? 1 : 0);
    query.addBindValue(text(trigger.definition));
    query.addBindValue(trigger.createdAt.isValid() ? toMs(trigger.createdAt) : now);
    query.addBindValue(now);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("save a trigger"));
    return success();
}

Result<QList<StoredTrigger>> EventStore::triggers() const
{
    QSqlQuery query(database());
    if (!query.exec(QStringLiteral(
            "SELECT id, name, enabled, definition, created_at, updated_at FROM triggers ORDER BY name, id")))
        return sqlError(query.lastError(), QStringLiteral("read triggers"));
    QList<StoredTrigger> result;
    while (query.next())
        result.append({query.value(0).toString(), query.value(1).toString(), query.value(2).toBool(),
                       query.value(3).toString(), fromMs(query.value(4)), fromMs(query.value(5))});
    return result;
}

Status EventStore::removeTrigger(const QString &id)
{
    QSqlQuery query(database());
    query.prepare(QStringLiteral("DELETE FROM triggers WHERE id = ?"));
    query.addBindValue(id);
    if (!query.exec())
        return sqlError(query.lastError(), QStringLiteral("remove a trigger"));
    return success();
}

Result<QHash<QString, TriggerActivity>> EventStore::triggerActivity() const
{
    QSqlQuery query(database());
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral(
            "SELECT trigger_id, max(requested_at), sum(status = 'success'), "
            "sum(status IN ('failure', 'interrupted')) FROM actions WHERE trigger_id IS NOT NULL "
            "GROUP BY trigger_id")))
        return sqlError(query.lastError(), QStringLiteral("read trigger activity"));
    QHash<QString, TriggerActivity> activity;
    while (query.next())
        activity.insert(query.value(0).toString(),
                        {fromMs(query.value(1)), query.value(2).toLongLong(), query.value(3).toLongLong()});
    return activity;
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
        query.addBindValue(toMs(options.olderThan));
        if (!query.exec())
            return fail(query);
        report.events += query.numRowsAffected();
        query.prepare(QStringLiteral(
            "DELETE FROM actions WHERE finished_at < ? AND status NOT IN ('queued', 'running')"));
        query.addBindValue(toMs(options.olderThan));
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
