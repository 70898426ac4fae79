#pragma once

#include "events/event.h"
#include "store/actionrecord.h"
#include "store/eventquery.h"
#include "util/clock.h"
#include "util/result.h"

#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

class QLockFile;

namespace exeserver {

class IngestPipeline;
class SqliteStatement;
class Settings;
class WalCheckpointer;
struct IngestStatements;

// A trigger definition as the trigger engine stores it; the definition text is the engine's business.
struct StoredTrigger
{
    QString id;
    QString name;
    bool enabled = true;
    QString definition;
    QDateTime createdAt;
    QDateTime updatedAt;
};

// What a trigger's actions did, from the action log (the trigger list shows it).
struct TriggerActivity
{
    QDateTime lastFiredAt; // the newest action it requested
    qint64 successes = 0;
    qint64 failures = 0; // failed or interrupted
};

struct PruneOptions
{
    QDateTime olderThan;          // events that occurred, and actions that finished, before this
    qint64 keepNewestEvents = -1; // keep at most this many events (newest); -1: no count limit
};

struct PruneReport
{
    qint64 events = 0;
    qint64 actions = 0;
};

// An event with its arrival order (the events table's seq), for readers that walk the log in order.
struct SequencedEvent
{
    qint64 seq = 0;
    Event event;
};

// A trigger decision held back by a debounce (decision "deferred"), waiting for its quiet period.
struct DeferredFiring
{
    QString eventId;
    QString triggerId;
    QDateTime deferredAt;
};

struct RecoveryReport
{
    int interrupted = 0; // were running: the outcome is unknown
    int skipped = 0;     // were queued: never started
};

// Every event and every action, in one SQLite file: the app's memory and the source of the views and of
// sync. One connection per instance, used from the thread that opened it. WAL lets the GUI, the CLI and
// a sync run share the file; a killed writer leaves only whole transactions behind. The store owns the
// connection, the events table and retention; its other tables have classes of their own on the same
// connection (EventSearch, ActionLog, TriggerTable, FiringTable, Outbox), and the methods below that
// belong to them forward there.
class EventStore
{
public:
    struct Options
    {
        int busyTimeoutMs = 5000;
        qint64 maxPageCount = 0; // > 0 caps the file (tests simulate a full disk with it)
        int migrateTo = -1;      // tests: stop the migration ladder at this version
        // How many entries of the time index a text search walks before it sorts every match instead
        // (see EventSearch); tests shrink it to reach every stage with a few thousand events.
        qint64 textSearchWalk = 32768;
        // Bind the ingest's inserts through SQLite's C API when Qt's driver allows it (SqliteStatement);
        // tests turn it off to compare with the QSqlQuery path, which is the fallback.
        bool sqliteCApi = true;
        // WAL checkpoints run on a thread of their own past this many WAL pages, and on the writing
        // thread past walCapPages (WalCheckpointer; needs the C API path). 0: SQLite's automatic
        // checkpoint in the committing thread, as without the C API.
        int walCheckpointPages = 1000;
        int walCapPages = 4000;
        // SQLite's page cache per connection, in KB (the process's RSS grows into it). 32 MB keeps the
        // indexes' upper levels of a 1M-event store in memory for the window's queries; a long-running
        // host that mostly appends can trade that for a flatter RSS (kServeCacheKb).
        int cacheSizeKb = 32 * 1024;
    };
    // The headless host's cache: appends touch the indexes' right edges, which fit in a few MB.
    static constexpr int kServeCacheKb = 8 * 1024;

    explicit EventStore(Clock *clock = SystemClock::instance());
    ~EventStore();
    EventStore(const EventStore &) = delete;
    EventStore &operator=(const EventStore &) = delete;

    static QString defaultPath(const Settings &settings); // <dataDir>/exeserver.db

    // Opens (creating it and its folder) and migrates to the latest schema.
    Status open(const QString &path, const Options &options);
    Status open(const QString &path) { return open(path, Options{}); }
    void close();
    bool isOpen() const;
    // Gives the connection's page cache back to the system (then the heap's free pages, releaseFreeHeap),
    // for a store about to sit idle: the window's once a refresh is done, the indexer's after a check that
    // found nothing. Queries after it read their pages again from the OS's file cache.
    void releaseMemory();
    QString path() const { return m_path; }
    Options options() const { return m_options; } // as given to open()
    int schemaVersion() const;
    bool hasFullTextSearch() const { return m_fts; }
    Clock *clock() const { return m_clock; }
    // For the other store classes (ActionLog, Outbox, SqliteResponseCache, ...) that share this connection.
    QSqlDatabase database() const;
    QString sessionId() const { return m_sessionId; } // the owner written on this instance's actions
    // A SQLite error as a sentence a user can act on (disk full, read-only, locked, damaged).
    Error sqlError(const QSqlError &error, const QString &doing) const;

    // Events. Stored once per id, and once per dedupe key (the same GitHub event from another source,
    // remembered in event_keys across restarts): a second copy is ignored. Invalid events (no id, no type,
    // a payload that is not JSON) are refused whole.
    Result<bool> addEvent(const Event &event);
    // One transaction; returns how many were new. `stored`, when given, gets one flag per event: true for
    // those this call stored, false for copies of an event already stored (or earlier in the batch).
    Result<int> addEvents(const QList<Event> &events, QList<bool> *stored = nullptr);
    // The same, except that an event the store refuses (not JSON, no id: an "invalid_" error) is left out
    // and logged instead of failing the batch: the others are then stored one by one. Events already
    // accepted from a sender (the intake journal's) must not be held back by one bad one. An error is the
    // store's own (a full disk, a lock), with nothing of the batch stored by the failing call.
    Result<int> addEventsSkippingRefused(const QList<Event> &events, QList<bool> *stored = nullptr);
    Result<std::optional<Event>> event(const QString &id) const;
    // The stored event that `event` is a copy of: the one with its id, else the one holding its dedupe
    // key (the same GitHub event under another delivery id). What addEvent kept when it returned false.
    Result<std::optional<Event>> storedCopyOf(const Event &event) const;
    // Whether an event with this id, or one holding this dedupe key (when not empty), is stored: two index
    // probes through statements kept prepared, for the intake's duplicate check on every delivery.
    Result<bool> holdsCopyOf(const QString &id, const QString &dedupeKey) const;
    // The same for each event (its id and dedupe key), in one read transaction.
    Result<QList<bool>> holdCopiesOf(const QList<Event> &events) const;
    Result<EventPage> events(const EventQuery &query) const;
    Result<qint64> eventCount() const;
    // Up to `limit` events stored after `seq`, in arrival order (the trigger engine's catch-up).
    // `needsPayload`, when given, says which events' payloads to decode; the others come without one.
    Result<QList<SequencedEvent>>
    eventsAfter(qint64 seq, int limit, const std::function<bool(const Event &)> &needsPayload = {}) const;
    Result<qint64> lastEventSeq() const; // 0 when empty
    // Events matching the query's filters and text, older than its `after` and newer than its `before`
    // cursor when set (limit, offset and order are ignored), counting at most `atMost` (> 0) of them: a
    // bounded count costs the same however many events match.
    Result<qint64> eventCount(const EventQuery &filter, qint64 atMost = 0) const;
    // Where an event sits in the newest-first order (its occurred time and seq), for views that open the
    // log on one event; nullopt when no event has that id. With `filter` set, counting the rows
    // newer than it (eventCount of a filter whose `before` is this position) gives its row in that view.
    Result<std::optional<EventCursor>> eventPosition(const QString &id) const;

    // The full-text index follows the events table after ingest, not inside it (schema 7): this indexes
    // up to `maxEvents` of the oldest unindexed events in one transaction and returns how many it did (0:
    // caught up, or no FTS5). Search covers unindexed events too, by a scan, so this only keeps searches
    // fast; FullTextIndexer calls it in idle turns and addEvents when more than 10,000 are waiting.
    Result<int> indexFullText(int maxEvents);
    // How many events are waiting for the full-text index (an upper bound).
    Result<qint64> unindexedEvents() const;
    // WAL checkpoints run off the writing thread so far (diagnostics and tests; see Options).
    int backgroundCheckpoints() const;
    // …and on the writing thread, because the WAL reached the cap (diagnostics and benchmarks).
    int inlineCheckpoints() const;

    // The action log (ActionLog). Every action is written before it starts and updated when it ends.
    Result<QString> beginAction(const ActionRequest &request); // returns the new action's id
    Status startAction(const QString &id);                     // queued -> running
    Status finishAction(const QString &id, const ActionOutcome &outcome);
    // Marks actions of processes that are gone: running -> interrupted, queued -> skipped. Call at startup.
    Result<RecoveryReport> recoverInterrupted();
    // Takes over the running and queued actions of processes that are gone (they become this session's,
    // so no other process takes them too) and returns them, oldest first, for the trigger engine to
    // finish: the alternative to recoverInterrupted() for a caller that can find out what happened.
    Result<QList<ActionRecord>> adoptInterrupted();
    Result<std::optional<ActionRecord>> action(const QString &id) const; // id, or its local seq number
    Result<QList<ActionRecord>> actions(const ActionQuery &query) const;

    // Triggers (TriggerTable) and the once-per-(event, trigger) decision the trigger engine relies on
    // (FiringTable).
    Status saveTrigger(const StoredTrigger &trigger);
    Result<QList<StoredTrigger>> triggers() const;
    Status removeTrigger(const QString &id);
    // Per trigger id, from the action log.
    Result<QHash<QString, TriggerActivity>> triggerActivity() const;
    // True when this call made the decision; false when one was already recorded (another process, an
    // earlier run, a replay) — then the caller must not act.
    Result<bool> recordFiring(const QString &eventId, const QString &triggerId, const QString &decision,
                              const QString &actionId = {});
    // The decision and its actions (written as queued) in one transaction, so a crash leaves both or
    // neither. The new actions' ids in order, or nullopt when a decision already existed (nothing written).
    // `fromDeferred`: the decision replaces this pair's "deferred" one (a debounce that ran out) instead
    // of being the first; nullopt when that one was settled already.
    Result<std::optional<QStringList>>
    recordFiringWithActions(const QString &eventId, const QString &triggerId, const QString &decision,
                            const QList<ActionRequest> &actions, bool fromDeferred = false);
    // The triggers that have a decision about an event (of any kind: fired, suppressed, deferred, ...).
    Result<QSet<QString>> decidedTriggers(const QString &eventId) const;
    // Debounced decisions still waiting, oldest first (they are kept across restarts).
    Result<QList<DeferredFiring>> deferredFirings() const;
    // Replaces a "deferred" decision with a final one that runs nothing (superseded, suppressed); false
    // when it was no longer deferred.
    Result<bool> settleDeferred(const QString &eventId, const QString &triggerId, const QString &decision);
    // Small durable values of the store's users (store_state), such as the trigger engine's mark.
    Result<std::optional<qint64>> stateNumber(const QString &key) const;
    Status setStateNumber(const QString &key, qint64 value);

    // Retention and backup. Everything is kept unless pruned on request.
    Result<PruneReport> prune(const PruneOptions &options);
    Status backup(const QString &file) const; // VACUUM INTO: a consistent copy while others write
    Status checkIntegrity() const;

    static constexpr qsizetype kOutputCap = 16 * 1024;  // characters of output kept per action
    static constexpr qsizetype kSummaryCap = 64 * 1024; // characters of a step summary kept per action
    static constexpr int kMaxPageSize = 10000;          // events() and actions() return at most this many

private:
    void endReadTransaction(SqliteStatement *commit) const; // COMMIT, or ROLLBACK if that fails
    struct InsertedBatch
    {
        int added = 0;
        qint64 firstSeq = 0; // of the first event the batch stored: every later one has a higher seq
        QList<bool> stored;  // per event: stored now, or a copy of one stored before
    };
    Status exec(const QString &sql, const QString &doing) const;
    Status acquireSessionLock();
    Result<InsertedBatch> insertBatch(const QList<Event> &events, IngestPipeline &pipeline);
    Status enqueueForSync(qint64 firstSeq);
    void keepTextScanShort();

    Clock *m_clock;
    QString m_connectionName;
    QString m_path;
    QString m_sessionId;
    std::unique_ptr<QLockFile> m_sessionLock;
    Options m_options;
    bool m_fts = false;
    qint64 m_textSearchWalk = 32768;
    std::unique_ptr<IngestStatements> m_ingest; // addEvents' prepared statements; dropped before closing
    std::unique_ptr<WalCheckpointer> m_checkpointer;
};

} // namespace exeserver
