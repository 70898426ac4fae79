#include "store/migrations.h"

#include "config/logging.h"
#include "events/occurrence.h"
#include "store/payloadcodec.h"
#include "store/searchtext.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

#include <functional>

namespace exeserver::migrations {

namespace {

Status run(QSqlDatabase &db, const QStringList &statements)
{
    QSqlQuery query(db);
    for (const QString &sql : statements) {
        if (!query.exec(sql))
            return Error{QStringLiteral("migration"),
                         QStringLiteral("Database migration failed: %1").arg(query.lastError().text())};
    }
    return success();
}

Status step1(QSqlDatabase &db)
{
    return run(db, {
                       QStringLiteral(R"(CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            action TEXT NOT NULL DEFAULT '',
            repository TEXT NOT NULL DEFAULT '',
            sender TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL,
            occurred_at INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            payload BLOB NOT NULL))"),
                       QStringLiteral("CREATE INDEX events_by_time ON events(occurred_at)"),
                       QStringLiteral("CREATE INDEX events_by_type ON events(type, occurred_at)"),
                       QStringLiteral("CREATE INDEX events_by_repository ON events(repository, occurred_at)"),
                       QStringLiteral(R"(CREATE TABLE actions (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            event_id TEXT REFERENCES events(id) ON DELETE SET NULL,
            trigger_id TEXT,
            kind TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL CHECK (status IN
                ('queued', 'running', 'success', 'failure', 'interrupted', 'skipped')),
            owner TEXT NOT NULL DEFAULT '',
            requested_at INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER,
            exit_code INTEGER,
            http_status INTEGER,
            output TEXT NOT NULL DEFAULT '',
            error TEXT NOT NULL DEFAULT ''))"),
                       QStringLiteral("CREATE INDEX actions_by_status ON actions(status)"),
                       QStringLiteral("CREATE INDEX actions_by_event ON actions(event_id)"),
                   });
}

// The outbox is filled by SQLite triggers so no write path can forget it, but only once sync has been
// enabled (store_state.sync_enabled); enabling it enqueues everything stored before.
Status step2(QSqlDatabase &db)
{
    const QString enabled = QStringLiteral("(SELECT value FROM store_state WHERE key = 'sync_enabled') = 1");
    return run(
        db,
        {
            QStringLiteral("CREATE INDEX events_by_sender ON events(sender, occurred_at)"),
            QStringLiteral("ALTER TABLE actions ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0"),
            QStringLiteral("UPDATE actions SET updated_at = COALESCE(finished_at, started_at, requested_at)"),
            QStringLiteral(R"(CREATE TABLE http_cache (
            url TEXT PRIMARY KEY,
            etag BLOB,
            last_modified BLOB,
            link BLOB,
            body BLOB NOT NULL,
            stored_at INTEGER NOT NULL))"),
            QStringLiteral("CREATE TABLE store_state (key TEXT PRIMARY KEY, value) WITHOUT ROWID"),
            QStringLiteral(R"(CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            entity TEXT NOT NULL,
            row_id TEXT NOT NULL,
            enqueued_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            parked INTEGER NOT NULL DEFAULT 0,
            last_error TEXT NOT NULL DEFAULT '',
            UNIQUE (entity, row_id)))"),
            QStringLiteral("CREATE INDEX outbox_pending ON outbox(parked, seq)"),
            // REPLACE gives a changed row a new seq: a batch in flight deletes only the seqs it sent, so an
            // update made meanwhile stays queued.
            QStringLiteral("CREATE TRIGGER events_to_outbox AFTER INSERT ON events WHEN %1 BEGIN "
                           "INSERT OR REPLACE INTO outbox(entity, row_id, enqueued_at) "
                           "VALUES ('events', NEW.id, NEW.received_at); END")
                .arg(enabled),
            QStringLiteral("CREATE TRIGGER actions_insert_to_outbox AFTER INSERT ON actions WHEN %1 BEGIN "
                           "INSERT OR REPLACE INTO outbox(entity, row_id, enqueued_at) "
                           "VALUES ('actions', NEW.id, NEW.updated_at); END")
                .arg(enabled),
            QStringLiteral("CREATE TRIGGER actions_update_to_outbox AFTER UPDATE ON actions WHEN %1 BEGIN "
                           "INSERT OR REPLACE INTO outbox(entity, row_id, enqueued_at) "
                           "VALUES ('actions', NEW.id, NEW.updated_at); END")
                .arg(enabled),
        });
}

Status step3(QSqlDatabase &db)
{
    Status created =
        run(db, {
                    QStringLiteral(R"(CREATE TABLE triggers (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            definition TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL))"),
                    // One decision per (event, trigger), ever: the trigger engine's exactly-once guarantee.
                    QStringLiteral(R"(CREATE TABLE trigger_firings (
            event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            trigger_id TEXT NOT NULL,
            decision TEXT NOT NULL,
            action_id TEXT,
            decided_at INTEGER NOT NULL,
            UNIQUE (event_id, trigger_id)))"),
                    QStringLiteral("CREATE INDEX trigger_firings_by_trigger ON trigger_firings(trigger_id)"),
                    QStringLiteral("ALTER TABLE events ADD COLUMN search_text TEXT NOT NULL DEFAULT ''"),
                });
    if (!created)
        return created;

    // Backfill the search text of events stored by version 2.
    QSqlQuery select(db);
    select.setForwardOnly(true);
    if (!select.exec(QStringLiteral("SELECT seq, payload FROM events")))
        return Error{QStringLiteral("migration"), select.lastError().text()};
    QSqlQuery update(db);
    update.prepare(QStringLiteral("UPDATE events SET search_text = ? WHERE seq = ?"));
    while (select.next()) {
        const Result<QByteArray> json = PayloadCodec::decode(select.value(1).toByteArray());
        if (!json)
            continue;
        update.bindValue(0,
                         QString(searchTextOf(QJsonDocument::fromJson(*json).object()) + QStringLiteral("")));
        update.bindValue(1, select.value(0));
        if (!update.exec())
            return Error{QStringLiteral("migration"), update.lastError().text()};
    }

    if (!fts5Available(db)) {
        qCInfo(lcStore) << "SQLite has no FTS5; event text search falls back to LIKE";
        return success();
    }
    // External-content FTS5: the text lives once, in events.search_text; the index follows by triggers.
    return run(db,
               {
                   QStringLiteral("CREATE VIRTUAL TABLE events_fts USING fts5(search_text, content='events', "
                                  "content_rowid='seq', tokenize='unicode61')"),
                   QStringLiteral("INSERT INTO events_fts(events_fts) VALUES ('rebuild')"),
                   QStringLiteral(
                       "CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN "
                       "INSERT INTO events_fts(rowid, search_text) VALUES (NEW.seq, NEW.search_text); END"),
                   QStringLiteral("CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN "
                                  "INSERT INTO events_fts(events_fts, rowid, search_text) "
                                  "VALUES ('delete', OLD.seq, OLD.search_text); END"),
                   QStringLiteral(
                       "CREATE TRIGGER events_fts_update AFTER UPDATE OF search_text ON events BEGIN "
                       "INSERT INTO events_fts(events_fts, rowid, search_text) "
                       "VALUES ('delete', OLD.seq, OLD.search_text); "
                       "INSERT INTO events_fts(rowid, search_text) VALUES (NEW.seq, NEW.search_text); END"),
               });
}

// A smaller full-text index: no per-row column sizes (only bm25 ranking reads them; results are ordered
// by time). Same external content and triggers, so the index is rebuilt from events.search_text.
Status step4(QSqlDatabase &db)
{
    bool fts = false;
    {
        QSqlQuery exists(db);
        fts = exists.exec(QStringLiteral("SELECT 1 FROM sqlite_master WHERE name = 'events_fts'")) &&
              exists.next();
    } // an open statement would keep DROP TABLE from running
    if (!fts)
        return success(); // this SQLite has no FTS5: search falls back to LIKE
    return run(db,
               {
                   QStringLiteral("DROP TABLE events_fts"),
                   QStringLiteral("CREATE VIRTUAL TABLE events_fts USING fts5(search_text, content='events', "
                                  "content_rowid='seq', tokenize='unicode61', columnsize=0)"),
                   QStringLiteral("INSERT INTO events_fts(events_fts) VALUES ('rebuild')"),
               });
}

// The assistant's conversations: one row per conversation, its messages in order. Cards (runs, proposals)
// are JSON; nothing here is synced, and no secret is ever part of a message.
Status step5(QSqlDatabase &db)
{
    return run(db, {
                       QStringLiteral(R"(CREATE TABLE assistant_conversations (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL))"),
                       QStringLiteral(R"(CREATE TABLE assistant_messages (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id TEXT NOT NULL REFERENCES assistant_conversations(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            content TEXT NOT NULL DEFAULT '',
            display TEXT NOT NULL DEFAULT '',
            cards TEXT NOT NULL DEFAULT '[]',
            tool_calls TEXT NOT NULL DEFAULT '[]',
            tool_call_id TEXT NOT NULL DEFAULT '',
            local INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL))"),
                       QStringLiteral("CREATE INDEX assistant_messages_by_conversation ON "
                                      "assistant_messages(conversation_id, seq)"),
                   });
}

// Stores the occurrence key (Occurrence::key) of every event of `types` the Events API could still return
// (it goes back 90 days at most), so an event stored before its type had a key is still matched by the
// copy another source brings later.
Status backfillKeys(QSqlDatabase &db, const QStringList &types)
{
    QSqlQuery select(db);
    select.setForwardOnly(true);
    select.prepare(
        QStringLiteral("SELECT id, type, payload FROM events WHERE received_at >= ? AND type IN (%1)")
            .arg(QStringList(types.size(), QStringLiteral("?")).join(QLatin1Char(','))));
    select.addBindValue(QDateTime::currentMSecsSinceEpoch() - 90LL * 24 * 3600 * 1000);
    for (const QString &type : types)
        select.addBindValue(type);
    if (!select.exec())
        return Error{QStringLiteral("migration"), select.lastError().text()};
    QSqlQuery insert(db);
    insert.prepare(
        QStringLiteral("INSERT INTO event_keys (key, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING"));
    while (select.next()) {
        const Result<QByteArray> json = PayloadCodec::decode(select.value(2).toByteArray());
        if (!json)
            continue;
        const QString key =
            Occurrence::key(select.value(1).toString(), QJsonDocument::fromJson(*json).object());
        if (key.isEmpty())
            continue;
        insert.bindValue(0, key);
        insert.bindValue(1, select.value(0));
        if (!insert.exec())
            return Error{QStringLiteral("migration"), insert.lastError().text()};
    }
    return success();
}

// The secondary dedupe key of each event that has one (see Occurrence::key), so an event seen by the
// webhook and by the poller is stored once across restarts too. Its own small table rather than a column
// with a unique index: most events have no key and would pay for the index on every insert.
Status step6(QSqlDatabase &db)
{
    Status created = run(db, {QStringLiteral(R"(CREATE TABLE event_keys (
            key TEXT PRIMARY KEY,
            event_id TEXT NOT NULL) WITHOUT ROWID)")});
    if (!created)
        return created;
    return backfillKeys(db, Occurrence::keyedTypes());
}

// Full-text indexing leaves the ingest transaction: rows are stored with their search text and indexed
// later, in chunks, by EventStore::indexFullText() (the automation host runs it in idle turns). Every
// row with seq <= store_state.fts_indexed_through is in events_fts, no row above it is; text search
// asks FTS5 below the mark and scans the few rows above it (EventStore::events()). The delete and update
// triggers touch the index only below the mark (deleting a row FTS5 never saw would corrupt it), and a
// delete of the newest rows lowers the mark to the new max(seq), so a later insert that reuses their seq
// is not mistaken for indexed.
Status step7(QSqlDatabase &db)
{
    bool fts = false;
    {
        QSqlQuery exists(db);
        fts = exists.exec(QStringLiteral("SELECT 1 FROM sqlite_master WHERE name = 'events_fts'")) &&
              exists.next();
    }
    if (!fts)
        return success(); // no FTS5 here: search is a LIKE scan, nothing to defer
    const QString mark = QStringLiteral("(SELECT value FROM store_state WHERE key = 'fts_indexed_through')");
    return run(
        db,
        {
            QStringLiteral("DROP TRIGGER events_fts_insert"),
            QStringLiteral("DROP TRIGGER events_fts_delete"),
            QStringLiteral("DROP TRIGGER events_fts_update"),
            QStringLiteral("INSERT OR REPLACE INTO store_state (key, value) VALUES "
                           "('fts_indexed_through', (SELECT coalesce(max(seq), 0) FROM events))"),
            QStringLiteral("CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN "
                           "INSERT INTO events_fts(events_fts, rowid, search_text) "
                           "SELECT 'delete', OLD.seq, OLD.search_text WHERE OLD.seq <= %1; "
                           "UPDATE store_state SET value = (SELECT coalesce(max(seq), 0) FROM events) "
                           "WHERE key = 'fts_indexed_through' AND "
                           "value > (SELECT coalesce(max(seq), 0) FROM events); END")
                .arg(mark),
            QStringLiteral("CREATE TRIGGER events_fts_update AFTER UPDATE OF search_text ON events "
                           "WHEN OLD.seq <= %1 BEGIN "
                           "INSERT INTO events_fts(events_fts, rowid, search_text) "
                           "VALUES ('delete', OLD.seq, OLD.search_text); "
                           "INSERT INTO events_fts(rowid, search_text) VALUES (NEW.seq, NEW.search_text); "
                           "END")
                .arg(mark),
        });
}

// Events reach the outbox from EventStore::addEvents, one INSERT … SELECT per batch, instead of a trigger
// per row. Any trigger on events makes SQLite give every INSERT a statement journal (the insert could
// abort halfway through its trigger), which copies each 16 KB page the row touches — the table's and
// every index's — once per row: about a third of the writer's time at ingest, even with sync off (the
// trigger's WHEN is evaluated after the journal is paid for). The actions triggers stay (few rows).
Status step8(QSqlDatabase &db)
{
    return run(db, {QStringLiteral("DROP TRIGGER IF EXISTS events_to_outbox")});
}

// workflow_run got an occurrence key (run, attempt, action), equal for the webhook and the poller's event.
// The other types' key formats are unchanged, so their stored keys stay valid.
Status step9(QSqlDatabase &db)
{
    return backfillKeys(db, {QStringLiteral("workflow_run")});
}

// What a code file wrote to Actions' GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, kept with its action: later
// actions of the firing read the outputs (`{{ steps.ID.outputs.NAME }}`), the action log shows the summary.
Status step10(QSqlDatabase &db)
{
    return run(db, {QStringLiteral("ALTER TABLE actions ADD COLUMN outputs TEXT"),
                    QStringLiteral("ALTER TABLE actions ADD COLUMN summary TEXT NOT NULL DEFAULT ''")});
}

const std::function<Status(QSqlDatabase &)> kSteps[] = {step1, step2, step3, step4, step5,
                                                        step6, step7, step8, step9, step10};
static_assert(std::size(kSteps) == kLatest);

} // namespace

int version(const QSqlDatabase &db)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
        return -1;
    return query.value(0).toInt();
}

bool fts5Available(const QSqlDatabase &db)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("CREATE VIRTUAL TABLE temp.exeserver_fts5_probe USING fts5(x)")))
        return false;
    query.exec(QStringLiteral("DROP TABLE temp.exeserver_fts5_probe"));
    return true;
}

Status migrate(QSqlDatabase &db, int target)
{
    const int current = version(db);
    if (current < 0)
        return Error{
            QStringLiteral("io"),
            QStringLiteral("Cannot read the database's schema version: %1").arg(db.lastError().text())};
    if (current > kLatest)
        return Error{QStringLiteral("too_new"),
                     QStringLiteral("The event database has schema version %1, newer than this ExeServer "
                                    "understands (%2). Update ExeServer or use another data directory.")
                         .arg(current)
                         .arg(kLatest)};
    QSqlQuery query(db);
    for (int next = current + 1; next <= target; ++next) {
        // IMMEDIATE takes the write lock up front, so two processes opening a fresh file don't both migrate.
        if (!query.exec(QStringLiteral("BEGIN IMMEDIATE")))
            return Error{QStringLiteral("io"), QStringLiteral("Cannot start migrating the event database: %1")
                                                   .arg(query.lastError().text())};
        // Another process may have migrated while we waited for the lock.
        if (version(db) >= next) {
            query.exec(QStringLiteral("COMMIT"));
            continue;
        }
        Status status = kSteps[next - 1](db);
        if (status && !query.exec(QStringLiteral("PRAGMA user_version = %1").arg(next)))
            status = Error{QStringLiteral("migration"), query.lastError().text()};
        if (status && !query.exec(QStringLiteral("COMMIT")))
            status = Error{QStringLiteral("migration"), query.lastError().text()};
        if (!status) {
            query.exec(QStringLiteral("ROLLBACK"));
            return Error{status.error().kind, QStringLiteral("Migrating the event database to version %1: %2")
                                                  .arg(next)
                                                  .arg(status.error().message)};
        }
        qCInfo(lcStore) << "event database migrated to schema version" << next;
    }
    return success();
}

} // namespace exeserver::migrations
