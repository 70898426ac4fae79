// The ingest path's own guarantees, beyond what test_eventstore covers: the sync outbox that addEvents
// fills itself since schema 8, and the C API binding path storing exactly what the QSqlQuery path does.
#include "catch.h"
#include "storetestutil.h"
#include "testutil.h"

#include "events/eventnormalizer.h"
#include "events/storeeventsink.h"
#include "store/eventstore.h"
#include "store/migrations.h"
#include "store/outbox.h"
#include "store/payloadscan.h"
#include "store/searchtext.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <algorithm>

using namespace exeserver;
using exeserver::test::dbPath;
using exeserver::test::sampleEvent;

namespace {

QStringList pendingEventIds(const Outbox &outbox)
{
    QStringList ids;
    const Result<QList<OutboxItem>> items = outbox.next(1000);
    REQUIRE(items.ok());
    for (const OutboxItem &item : *items)
        if (item.table == Outbox::kEventsTable)
            ids.append(item.rowId);
    return ids;
}

bool hasTrigger(const EventStore &store, const QString &name)
{
    QSqlQuery query(store.database());
    query.prepare(QStringLiteral("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?"));
    query.addBindValue(name);
    return query.exec() && query.next();
}

// Every payload of @octokit/webhooks-examples (EXESERVER_WEBHOOK_EXAMPLES, or tests/contract after
// `npm ci`) as the webhook receiver would store it; without the package, the payloads in tests/data.
QList<Event> examplePayloads()
{
    QList<QPair<QString, QByteArray>> payloads;
    bool fromPackage = false;
    for (const test::WebhookExample &example : test::webhookExamples(&fromPackage))
        payloads.append({example.name, QJsonDocument(example.payload).toJson(QJsonDocument::Compact)});
    if (!fromPackage)
        WARN("@octokit/webhooks-examples not found: comparing the payloads in tests/data/webhooks");
    QList<Event> events;
    const QDateTime received = QDateTime::fromSecsSinceEpoch(1764000000, QTimeZone::utc());
    for (qsizetype i = 0; i < payloads.size(); ++i) {
        const Result<NormalizedEvent> normalized = EventNormalizer::fromWebhook(
            payloads[i].first, QStringLiteral("delivery-%1").arg(i), payloads[i].second, received.addSecs(i));
        if (normalized)
            events.append(toEvent(*normalized));
    }
    return events;
}

// Every column of every events and event_keys row, with SQLite's storage class of each value, in order.
QStringList storedRows(const EventStore &store)
{
    QStringList rows;
    QSqlQuery query(store.database());
    REQUIRE(query.exec(QStringLiteral(
        "SELECT seq, id, type, action, repository, sender, source, occurred_at, received_at, hex(payload), "
        "search_text, typeof(action) || typeof(repository) || typeof(sender) || typeof(payload) || "
        "typeof(search_text) FROM events ORDER BY seq")));
    while (query.next()) {
        QStringList values;
        for (int c = 0; c < query.record().count(); ++c)
            values.append(query.value(c).toString());
        rows.append(values.join(u'|'));
    }
    REQUIRE(query.exec(QStringLiteral("SELECT key, event_id, typeof(key) FROM event_keys ORDER BY key")));
    while (query.next())
        rows.append(
            QStringLiteral("key %1 %2 %3")
                .arg(query.value(0).toString(), query.value(1).toString(), query.value(2).toString()));
    return rows;
}

} // namespace

TEST_CASE("EventStore: a stored batch reaches the sync outbox once per new event, in order",
          "[store][outbox][ingest]")
{
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    Outbox outbox(store);
    REQUIRE(*store.addEvents({sampleEvent(1), sampleEvent(2)}) == 2);
    CHECK(outbox.stats()->pending == 0); // sync off: nothing queued

    REQUIRE(outbox.setEnabled(true).ok());
    CHECK(pendingEventIds(outbox) == QStringList{"delivery-1", "delivery-2"});
    // A batch with an id already stored, one repeated inside the batch, and a second source's copy of an
    // event (same dedupe key): only the three new events are queued, after the history, in batch order.
    Event fromPoller = sampleEvent(5);
    fromPoller.id = QStringLiteral("poll-5");
    fromPoller.dedupeKey = QStringLiteral("pull_request:acme/service-5:5:opened");
    Event fromWebhook = sampleEvent(5);
    fromWebhook.dedupeKey = fromPoller.dedupeKey;
    const Result<int> added = store.addEvents(
        {sampleEvent(4), sampleEvent(2), sampleEvent(3), sampleEvent(4), fromWebhook, fromPoller});
    REQUIRE(added.ok());
    CHECK(*added == 3);
    CHECK(pendingEventIds(outbox) ==
          QStringList{"delivery-1", "delivery-2", "delivery-4", "delivery-3", "delivery-5"});
    CHECK(*store.eventCount() == 5);

    // A batch refused whole queues nothing.
    Event bad = sampleEvent(9);
    bad.payload = "{not json";
    REQUIRE_FALSE(store.addEvents({sampleEvent(8), bad}).ok());
    CHECK(outbox.stats()->pending == 5);

    REQUIRE(outbox.setEnabled(false).ok());
    REQUIRE(*store.addEvents({sampleEvent(10)}) == 1);
    CHECK(pendingEventIds(outbox).size() == 5); // off again: event 10 is not queued
}

TEST_CASE("EventStore: upgrading to schema 8 drops the per-row outbox trigger and keeps filling the outbox",
          "[store][outbox][migrations]")
{
    QTemporaryDir dir;
    {
        EventStore old;
        EventStore::Options options;
        options.migrateTo = 7;
        REQUIRE(old.open(dbPath(dir), options).ok());
        CHECK(hasTrigger(old, QStringLiteral("events_to_outbox")));
        Outbox outbox(old);
        REQUIRE(outbox.setEnabled(true).ok());
        REQUIRE(*old.addEvents({sampleEvent(1)}) == 1);
        CHECK(outbox.stats()->pending == 1);
    }
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    CHECK(store.schemaVersion() == migrations::kLatest);
    CHECK_FALSE(hasTrigger(store, QStringLiteral("events_to_outbox")));
    CHECK(hasTrigger(store, QStringLiteral("actions_insert_to_outbox"))); // actions keep theirs
    Outbox outbox(store);
    REQUIRE(*store.addEvents({sampleEvent(2), sampleEvent(3)}) == 2);
    CHECK(pendingEventIds(outbox) == QStringList{"delivery-1", "delivery-2", "delivery-3"});
}

TEST_CASE("EventStore: the C API ingest stores exactly what the QSqlQuery path stores", "[store][ingest]")
{
    QList<Event> events = examplePayloads();
    REQUIRE(events.size() >= 5);
    // Edge cases the payloads may not have: empty and missing fields, a default source and times, text
    // outside ASCII, an id and a dedupe key seen twice.
    Event bare = events.first();
    bare.id = QStringLiteral("bare-é-漢字");
    bare.action = QString();
    bare.repository = QStringLiteral("");
    bare.sender = QString();
    bare.source = QString();
    bare.occurredAt = QDateTime();
    bare.receivedAt = QDateTime();
    bare.dedupeKey = QStringLiteral("key-ü");
    Event sameKey = events.last();
    sameKey.id = QStringLiteral("same-key");
    sameKey.dedupeKey = bare.dedupeKey;
    events << bare << sameKey << events.first();

    QTemporaryDir dir;
    ManualClock clock;
    QStringList rows[2];
    int added[2] = {0, 0};
    for (const bool cApi : {true, false}) {
        INFO("C API " << cApi);
        EventStore store(&clock);
        EventStore::Options options;
        options.sqliteCApi = cApi;
        REQUIRE(store
                    .open(QDir(dir.path()).filePath(cApi ? QStringLiteral("c.db") : QStringLiteral("qt.db")),
                          options)
                    .ok());
        // Several batches: the prepared statements are reused. Some examples are copies of one GitHub event
        // (same dedupe key), so fewer than all are stored — the same ones on both paths.
        for (qsizetype from = 0; from < events.size(); from += 100)
            added[cApi ? 0 : 1] += *store.addEvents(events.mid(from, 100));
        rows[cApi ? 0 : 1] = storedRows(store);
        // What reads back is what went in (the payload decoded, the fields as given).
        const Result<std::optional<Event>> back = store.event(bare.id);
        REQUIRE(back.ok());
        REQUIRE(back->has_value());
        CHECK((*back)->payload == bare.payload);
        CHECK((*back)->action.isEmpty());
        CHECK((*back)->source == eventsource::Manual);
    }
    CHECK(added[0] == added[1]);
    CHECK(added[0] >= events.size() / 2);
    REQUIRE(rows[0].size() > added[0]); // the events and their keys
    CHECK(rows[0] == rows[1]);
}

namespace {

// Stores 40 batches of 50 sample events (numbered on from n) and returns the largest the WAL file grew.
qint64 ingestWatchingWal(EventStore &store, const QString &databaseFile, int &n)
{
    const QString wal = databaseFile + QStringLiteral("-wal");
    qint64 largestWal = 0;
    for (int batch = 0; batch < 40; ++batch) {
        QList<Event> events;
        for (int i = 0; i < 50; ++i)
            events.append(sampleEvent(n++));
        REQUIRE(*store.addEvents(events) == 50);
        largestWal = std::max(largestWal, QFileInfo(wal).size());
    }
    return largestWal;
}

} // namespace

TEST_CASE("EventStore: WAL checkpoints run off the writing thread and the WAL stays bounded",
          "[store][ingest][wal]")
{
    QTemporaryDir dir;
    EventStore store;
    EventStore::Options options;
    options.walCheckpointPages = 8;
    options.walCapPages = 32;
    REQUIRE(store.open(dbPath(dir), options).ok());
    int n = 0;
    const qint64 largestWal = ingestWatchingWal(store, dbPath(dir), n);
    CHECK(QTest::qWaitFor([&]() { return store.backgroundCheckpoints() > 0; }, 5000));
    // The cap plus what one batch adds before its commit sees the cap (16 KB pages + frame headers).
    constexpr qint64 kFrame = 16384 + 24;
    CHECK(largestWal > 0);
    CHECK(largestWal <= (options.walCapPages + 64) * kFrame + 32);
    CHECK(*store.eventCount() == n);
    CHECK(store.checkIntegrity().ok());

    // Another connection sees every committed event (the checkpoints lost nothing).
    store.close();
    EventStore reopened;
    REQUIRE(reopened.open(dbPath(dir)).ok());
    CHECK(*reopened.eventCount() == n);
}

TEST_CASE(
    "EventStore: background checkpoints reach the database file and the WAL restarts without the writer",
    "[store][ingest][wal]")
{
    QTemporaryDir dir;
    EventStore store;
    EventStore::Options options;
    options.walCheckpointPages = 8;
    options.walCapPages = 64;
    REQUIRE(store.open(dbPath(dir), options).ok());
    int n = 0;
    const qint64 largestWal = ingestWatchingWal(store, dbPath(dir), n);
    // The thread's checkpoints copied frames (a connection that never read the file used to "succeed"
    // without seeing the WAL), and the writer never reached the cap: it waited past half of it for the
    // running checkpoint, so its next commit started the WAL over.
    CHECK(store.backgroundCheckpoints() > 0);
    CHECK(store.inlineCheckpoints() == 0);
    constexpr qint64 kFrame = 16384 + 24;
    CHECK(largestWal < options.walCapPages * kFrame);

    // The database file itself grew while the store was open: the checkpoints copied pages into it.
    CHECK(QFileInfo(dbPath(dir)).size() > 40 * kFrame);
    CHECK(*store.eventCount() == n);
    CHECK(store.checkIntegrity().ok());
}

#ifdef Q_OS_LINUX
TEST_CASE("EventStore: the checkpoint thread and its connection start with the first checkpoint",
          "[store][ingest][wal]")
{
    const auto threads = []() {
        return QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size();
    };
    QTemporaryDir dir;
    {
        EventStore created; // the schema's creation alone crosses a checkpoint threshold of 8 pages
        REQUIRE(created.open(dbPath(dir)).ok());
    }
    EventStore store;
    EventStore::Options options;
    options.walCheckpointPages = 8;
    const auto before = threads();
    REQUIRE(store.open(dbPath(dir), options).ok());
    REQUIRE(*store.addEvents({sampleEvent(0), sampleEvent(1)}) == 2);
    // An idle window's store that writes a few events holds no thread and no second connection.
    CHECK(threads() == before);

    int n = 2;
    ingestWatchingWal(store, dbPath(dir), n);
    CHECK(QTest::qWaitFor([&]() { return store.backgroundCheckpoints() > 0; }, 5000));
    CHECK(threads() == before + 1);
    store.close();
    CHECK(threads() == before);
}
#endif

TEST_CASE("EventStore: without the checkpoint thread SQLite checkpoints as before", "[store][ingest][wal]")
{
    QTemporaryDir dir;
    EventStore store;
    EventStore::Options options;
    options.walCheckpointPages = 0;
    REQUIRE(store.open(dbPath(dir), options).ok());
    QList<Event> events;
    for (int i = 0; i < 200; ++i)
        events.append(sampleEvent(i));
    REQUIRE(*store.addEvents(events) == 200);
    CHECK(store.backgroundCheckpoints() == 0);
    CHECK(store.checkIntegrity().ok());
}

TEST_CASE("PayloadScan: a quote, backslash or non-ASCII byte is found at every offset of a word",
          "[store][scan][ingest]")
{
    // The scan skips string bytes eight at a time; a stop byte in any lane, near either end of a string
    // and at any alignment must end the skip exactly where the byte-by-byte scan would.
    const QByteArray stops[] = {QByteArray("\\\""), QByteArray("\\\\"), QByteArray("\xc3\xa9"),
                                QByteArray("\\u00e9"), QByteArray("\xf0\x9f\x98\x80")};
    for (int lead = 0; lead < 9; ++lead) {
        for (int length = 0; length < 26; ++length) {
            for (int at = 0; at <= length; ++at) {
                for (const QByteArray &stop : stops) {
                    QByteArray text(length, 'a');
                    text.insert(at, stop);
                    const QByteArray json =
                        "{" + QByteArray(lead, ' ') + "\"title\":\"" + text + "\",\"n\":1}";
                    INFO(json.toStdString());
                    const PayloadScan scan = scanPayload(json);
                    REQUIRE(scan.valid);
                    CHECK(scan.searchText ==
                          QJsonDocument::fromJson(json).object().value(QStringLiteral("title")).toString());
                }
            }
        }
    }
    // An unterminated string or a bad byte past a run of plain words is still refused.
    CHECK_FALSE(scanPayload(QByteArray("{\"title\":\"") + QByteArray(40, 'a')).valid);
    CHECK_FALSE(scanPayload(QByteArray("{\"title\":\"") + QByteArray(17, 'a') + "\xff\"}").valid);
}

TEST_CASE("PayloadScan: picks the same words as the parsed-payload search text for every example",
          "[store][scan][ingest]")
{
    // Every searched key (titles, branches, logins, shas, ...) occurs somewhere in the examples, so this
    // checks the scan's key list against searchTextOf's. Texts near the cap are left out: the two walk
    // keys in different orders, so a cut there keeps different words.
    int compared = 0;
    for (const Event &event : examplePayloads()) {
        const QString fromTree = searchTextOf(QJsonDocument::fromJson(event.payload).object());
        const PayloadScan scan = scanPayload(event.payload);
        REQUIRE(scan.valid);
        if (fromTree.size() > kSearchTextCap / 2 || scan.searchText.size() > kSearchTextCap / 2)
            continue;
        QStringList scanned = scan.searchText.split(u' ');
        QStringList parsed = fromTree.split(u' ');
        scanned.sort();
        parsed.sort();
        INFO(event.type.toStdString() << " " << event.payload.left(200).toStdString());
        CHECK(scanned == parsed);
        ++compared;
    }
    CHECK(compared >= 5);
}

TEST_CASE("StoreEventSink: a batch is one transaction; a refused event does not fail the others",
          "[store][ingest][groupcommit]")
{
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    StoreEventSink sink(store);
    const auto normalized = [](int n, QByteArray payload = {}) {
        NormalizedEvent event;
        event.id = QStringLiteral("sink-%1").arg(n);
        event.name = QStringLiteral("issues");
        event.receivedAt = QDateTime::fromSecsSinceEpoch(1764000000 + n, QTimeZone::utc());
        event.payload = payload.isEmpty() ? R"({"n":)" + QByteArray::number(n) + '}' : payload;
        return event;
    };
    REQUIRE(sink.accept(normalized(1)).ok());

    const QList<Result<EventSink::Outcome>> mixed =
        sink.acceptAll({normalized(2), normalized(1), normalized(3, "{not json"), normalized(4)});
    REQUIRE(mixed.size() == 4);
    CHECK(*mixed[0] == EventSink::Outcome::Stored);
    CHECK(*mixed[1] == EventSink::Outcome::Duplicate);
    CHECK_FALSE(mixed[2].ok());
    CHECK(*mixed[3] == EventSink::Outcome::Stored);
    CHECK(*store.eventCount() == 3);

    const QList<Result<EventSink::Outcome>> clean = sink.acceptAll({normalized(5), normalized(5)});
    REQUIRE(clean.size() == 2);
    CHECK(*clean[0] == EventSink::Outcome::Stored);
    CHECK(*clean[1] == EventSink::Outcome::Duplicate);
}
