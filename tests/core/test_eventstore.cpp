#include "catch.h"
#include "storetestutil.h"

#include "config/secretredactor.h"
#include "events/eventnormalizer.h"
#include "events/storeeventsink.h"
#include "store/eventstore.h"
#include "store/migrations.h"
#include "store/outbox.h"
#include "store/payloadcodec.h"
#include "store/payloadscan.h"
#include "store/searchtext.h"
#include "store/sqliteresponsecache.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <algorithm>

#include <unistd.h>

using namespace exeserver;
using exeserver::test::dbPath;
using exeserver::test::sampleEvent;

namespace {

QStringList tables(const EventStore &store)
{
    QSqlQuery query(store.database());
    query.exec(
        QStringLiteral("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') ORDER BY name"));
    QStringList names;
    while (query.next())
        names.append(query.value(0).toString());
    return names;
}

QString pragma(const EventStore &store, const QString &name)
{
    QSqlQuery query(store.database());
    query.exec(QStringLiteral("PRAGMA ") + name);
    query.next();
    return query.value(0).toString();
}

} // namespace

TEST_CASE("EventStore: a new database gets the latest schema, WAL and foreign keys", "[store]")
{
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    CHECK(store.schemaVersion() == migrations::kLatest);
    CHECK(pragma(store, QStringLiteral("journal_mode")) == QLatin1String("wal"));
    CHECK(pragma(store, QStringLiteral("foreign_keys")) == QLatin1String("1"));
    CHECK(pragma(store, QStringLiteral("synchronous")) == QLatin1String("1")); // NORMAL
    const QStringList names = tables(store);
    for (const char *table :
         {"events", "actions", "http_cache", "outbox", "triggers", "trigger_firings", "event_keys"})
        CHECK(names.contains(QLatin1String(table)));
    CHECK(store.hasFullTextSearch() == migrations::fts5Available(store.database()));
}

TEST_CASE("EventStore: the page cache size option reaches SQLite", "[store]")
{
    QTemporaryDir dir;
    EventStore defaults;
    REQUIRE(defaults.open(dbPath(dir)).ok());
    CHECK(pragma(defaults, QStringLiteral("cache_size")) == QLatin1String("-32768"));
    defaults.close();

    EventStore serving;
    EventStore::Options options;
    options.cacheSizeKb = EventStore::kServeCacheKb;
    REQUIRE(serving.open(dbPath(dir), options).ok());
    CHECK(pragma(serving, QStringLiteral("cache_size")) == QLatin1String("-8192"));
}

#if defined(__GLIBC__)
TEST_CASE("EventStore: releaseMemory gives its page cache back", "[store]")
{
    // SQLite keeps the pages it read, and the block it took for its first 20 (330 KB with 16 KB pages),
    // until the connection closes; an idle window gives them back.
    QTemporaryDir dir;
    {
        EventStore store;
        REQUIRE(store.open(dbPath(dir)).ok());
        QList<Event> events;
        for (int n = 1; n <= 400; ++n)
            events.append(sampleEvent(n));
        REQUIRE(store.addEvents(events).ok());
    }
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    EventQuery query;
    query.limit = 20;
    query.includePayload = true;
    REQUIRE(store.events(query).ok());
    const size_t before = test::heapInUse();
    store.releaseMemory();
    const size_t after = test::heapInUse();
    CHECK(before > after);
    CHECK(before - after >= 300 * 1024);
    REQUIRE(store.events(query).ok()); // and the store reads them again
}
#endif

TEST_CASE("EventStore: upgrades a database from every earlier schema version", "[store][migrations]")
{
    for (int from = 1; from < migrations::kLatest; ++from) {
        INFO("from version " << from);
        QTemporaryDir dir;
        {
            EventStore old;
            EventStore::Options options;
            options.migrateTo = from;
            REQUIRE(old.open(dbPath(dir), options).ok());
            REQUIRE(old.schemaVersion() == from);
            // Write rows the way that version's code did: raw SQL against its columns only.
            QSqlQuery insert(old.database());
            for (int n = 0; n < 20; ++n) {
                const Event event = sampleEvent(n);
                // Version 3 added the search text, filled from the parsed payload.
                insert.prepare(QStringLiteral("INSERT INTO events (id, type, action, repository, sender, "
                                              "source, occurred_at, received_at, payload%1) "
                                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?%2)")
                                   .arg(from >= 3 ? QStringLiteral(", search_text") : QString(),
                                        from >= 3 ? QStringLiteral(", ?") : QString()));
                for (const QVariant &value :
                     {QVariant(event.id), QVariant(event.type), QVariant(event.action),
                      QVariant(event.repository), QVariant(event.sender), QVariant(event.source),
                      QVariant(event.occurredAt.toMSecsSinceEpoch()),
                      QVariant(event.receivedAt.toMSecsSinceEpoch()),
                      QVariant(PayloadCodec::encode(event.payload))})
                    insert.addBindValue(value);
                if (from >= 3)
                    insert.addBindValue(searchTextOf(QJsonDocument::fromJson(event.payload).object()));
                REQUIRE(insert.exec());
            }
            REQUIRE(insert.exec(QStringLiteral("INSERT INTO actions (id, kind, status, requested_at, owner) "
                                               "VALUES ('a1', 'dispatch', 'success', 1, '')")));
        }
        EventStore store;
        REQUIRE(store.open(dbPath(dir)).ok());
        CHECK(store.schemaVersion() == migrations::kLatest);
        CHECK(*store.eventCount() == 20);
        const Result<std::optional<Event>> event = store.event(QStringLiteral("delivery-7"));
        REQUIRE(event.ok());
        REQUIRE(event->has_value());
        CHECK((*event)->payload == sampleEvent(7).payload);
        // The search text was backfilled from old payloads.
        EventQuery query;
        query.text = QStringLiteral("number 7 fixes");
        CHECK(store.events(query)->events.size() == 1);
        REQUIRE(store.action(QStringLiteral("a1"))->has_value());
        // Version 10: rows from before have no outputs and no summary.
        CHECK((*store.action(QStringLiteral("a1")))->outputs.isEmpty());
        CHECK((*store.action(QStringLiteral("a1")))->summary.isEmpty());
        CHECK(store.checkIntegrity().ok());
    }
}

TEST_CASE("EventStore: a code file's outputs and summary are kept with its action, redacted", "[store]")
{
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    SecretRedactor::add(QStringLiteral("ghp_outputsecret123456"));
    const Result<QString> id =
        store.beginAction({ActionKind::CodeFile, QStringLiteral("/opt/check.sh"), {}, {}, true});
    REQUIRE(id.ok());
    ActionOutcome outcome;
    outcome.outputs = QJsonObject{{QStringLiteral("verdict"), QStringLiteral("pass")},
                                  {QStringLiteral("token"), QStringLiteral("ghp_outputsecret123456")}};
    outcome.summary = QStringLiteral("# Done\nwith ghp_outputsecret123456\n") +
                      QString(EventStore::kSummaryCap, QLatin1Char('x'));
    REQUIRE(store.finishAction(*id, outcome).ok());
    SecretRedactor::remove(QStringLiteral("ghp_outputsecret123456"));
    const ActionRecord record = **store.action(*id);
    CHECK(record.outputs.value(QLatin1String("verdict")).toString() == QLatin1String("pass"));
    CHECK(record.outputs.value(QLatin1String("token")).toString() == QLatin1String("***"));
    CHECK(record.summary.startsWith(QLatin1String("# Done\nwith ***\n")));
    CHECK(record.summary.size() < EventStore::kSummaryCap + 200);
    CHECK(record.summary.endsWith(QLatin1String("characters of the summary are in the run's files]*")));
    // Actions that write none keep none.
    const Result<QString> other = store.beginAction({ActionKind::Notify, QStringLiteral("hi"), {}, {}, true});
    REQUIRE(store.finishAction(*other, ActionOutcome{}).ok());
    CHECK((*store.action(*other))->outputs.isEmpty());
}

TEST_CASE("EventStore: refuses a database from a newer ExeServer", "[store][migrations]")
{
    QTemporaryDir dir;
    {
        EventStore store;
        REQUIRE(store.open(dbPath(dir)).ok());
        QSqlQuery(store.database()).exec(QStringLiteral("PRAGMA user_version = 99"));
    }
    EventStore store;
    const Status opened = store.open(dbPath(dir));
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.error().kind == QLatin1String("too_new"));
}

TEST_CASE("EventStore: the same id is stored once, and invalid events are refused", "[store]")
{
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    CHECK(*store.addEvent(sampleEvent(1)) == true);
    CHECK(*store.addEvent(sampleEvent(1)) == false);
    CHECK(*store.addEvents({sampleEvent(1), sampleEvent(2), sampleEvent(2), sampleEvent(3)}) == 2);
    CHECK(*store.eventCount() == 3);

    Event broken = sampleEvent(9);
    broken.payload = "{not json";
    const Result<int> refused = store.addEvents({sampleEvent(8), broken});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == QLatin1String("invalid_payload"));
    CHECK(*store.eventCount() == 3); // the whole batch was refused
}

TEST_CASE("EventStore: an event seen from two sources is stored once, across restarts and after prune",
          "[store][dedupe]")
{
    QTemporaryDir dir;
    Event fromWebhook = sampleEvent(1);
    fromWebhook.dedupeKey = QStringLiteral("push:o/r:refs/heads/main:aaa:bbb");
    Event fromPoll = sampleEvent(2);
    fromPoll.source = eventsource::Poll;
    fromPoll.dedupeKey = fromWebhook.dedupeKey;
    {
        EventStore store;
        REQUIRE(store.open(dbPath(dir)).ok());
        CHECK(*store.addEvent(fromWebhook) == true);
        // In one batch too: the first copy wins, keyless events are unaffected.
        Event twin = sampleEvent(3);
        twin.dedupeKey = QStringLiteral("issues:o/r:7:opened:2025-11-20T08:15:30Z");
        Event twinCopy = sampleEvent(4);
        twinCopy.dedupeKey = twin.dedupeKey;
        QList<bool> stored;
        CHECK(*store.addEvents({twin, sampleEvent(5), twinCopy, sampleEvent(1)}, &stored) == 2);
        CHECK(stored == QList<bool>{true, true, false, false}); // which ones: for group commit's answers
        CHECK_FALSE(store.event(sampleEvent(4).id)->has_value());
    }
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    CHECK(*store.addEvent(fromPoll) == false); // the key outlived the process that stored it
    CHECK_FALSE(store.event(fromPoll.id)->has_value());
    // What was kept in its place: found by the key, or by the id for a copy under the same id.
    const Result<std::optional<Event>> kept = store.storedCopyOf(fromPoll);
    REQUIRE(kept.ok());
    REQUIRE(kept->has_value());
    CHECK((*kept)->id == fromWebhook.id);
    CHECK((*kept)->payload == fromWebhook.payload);
    CHECK((**store.storedCopyOf(fromWebhook)).id == fromWebhook.id);
    CHECK_FALSE(store.storedCopyOf(sampleEvent(42))->has_value());
    CHECK(*store.eventCount() == 3);

    // A refused batch leaves no key behind.
    Event keyed = sampleEvent(6);
    keyed.dedupeKey = QStringLiteral("fork:o/r:6");
    Event broken = sampleEvent(7);
    broken.payload = "{not json";
    REQUIRE_FALSE(store.addEvents({keyed, broken}).ok());
    CHECK(*store.addEvent(keyed) == true);

    // Pruning an event frees its key.
    PruneOptions all;
    all.keepNewestEvents = 0;
    REQUIRE(store.prune(all).ok());
    QSqlQuery keys(store.database());
    REQUIRE(keys.exec(QStringLiteral("SELECT COUNT(*) FROM event_keys")));
    REQUIRE(keys.next());
    CHECK(keys.value(0).toInt() == 0);
    CHECK(*store.addEvent(fromPoll) == true);
}

TEST_CASE("EventStore: upgrading to event_keys backfills the keys of the last 90 days",
          "[store][migrations][dedupe]")
{
    QTemporaryDir dir;
    const QByteArray push = R"({"ref":"refs/heads/main","before":"883efe0","after":"7a8f3ac",)"
                            R"("repository":{"id":1,"full_name":"o/r"},"sender":{"login":"octocat"}})";
    const auto pushEvent = [&](const QString &id, qint64 daysAgo) {
        Event event = sampleEvent(0);
        event.id = id;
        event.type = QStringLiteral("push");
        event.payload = push;
        event.receivedAt = QDateTime::currentDateTimeUtc().addDays(-daysAgo);
        event.occurredAt = event.receivedAt;
        return event;
    };
    const auto storeAtVersion5 = [](const QTemporaryDir &in, const Event &event) {
        EventStore old;
        EventStore::Options options;
        options.migrateTo = 5;
        REQUIRE(old.open(dbPath(in), options).ok());
        REQUIRE(old.addEvent(event).ok());
    };
    storeAtVersion5(dir, pushEvent(QStringLiteral("delivery-recent"), 2));
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    REQUIRE(store.schemaVersion() == migrations::kLatest);
    Event fromPoll = pushEvent(QStringLiteral("events-api:1"), 0);
    fromPoll.dedupeKey = QStringLiteral("push:o/r:refs/heads/main:883efe0:7a8f3ac");
    CHECK(*store.addEvent(fromPoll) == false);

    // Events older than the Events API reaches back get no key: nothing could duplicate them.
    QTemporaryDir oldDir;
    storeAtVersion5(oldDir, pushEvent(QStringLiteral("delivery-ancient"), 200));
    EventStore upgraded;
    REQUIRE(upgraded.open(dbPath(oldDir)).ok());
    CHECK(*upgraded.addEvent(fromPoll) == true);
}

TEST_CASE("EventStore: upgrading backfills workflow_run keys, so the poller's copy of a webhook's run is "
          "not stored again",
          "[store][migrations][dedupe]")
{
    QFile file(QStringLiteral(EXESERVER_SOURCE_DIR "/tests/data/webhooks/workflow_run.completed.json"));
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QByteArray body = file.readAll();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QTemporaryDir dir;
    {
        // Version 8 had no key for workflow_run: the webhook's run is stored without one.
        EventStore old;
        EventStore::Options options;
        options.migrateTo = 8;
        REQUIRE(old.open(dbPath(dir), options).ok());
        const auto hook =
            EventNormalizer::fromWebhook(QStringLiteral("workflow_run"), QStringLiteral("guid-1"), body, now);
        REQUIRE(hook.ok());
        Event stored = toEvent(*hook);
        stored.dedupeKey.clear();
        REQUIRE(*old.addEvent(stored));
    }
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    QJsonObject run = QJsonDocument::fromJson(body).object().value(QStringLiteral("workflow_run")).toObject();
    run.insert(QStringLiteral("status"), QStringLiteral("completed"));
    run.insert(QStringLiteral("repository"), // the example's run names another repository; GitHub's don't
               QJsonObject{{QStringLiteral("full_name"), QStringLiteral("Codertocat/Hello-World")}});
    const NormalizedEvent polled =
        EventNormalizer::fromWorkflowRun(run, QStringLiteral("Codertocat/Hello-World"), now);
    REQUIRE_FALSE(polled.dedupeKey.isEmpty());
    CHECK(*store.addEvent(toEvent(polled)) == false);
    CHECK(*store.eventCount() == 1);
}

TEST_CASE("EventStore: a large batch is stored in order, or not at all when one payload is bad", "[store]")
{
    // Large batches are prepared by helper threads while the calling thread inserts: the rows must still
    // arrive in the caller's order, and a bad payload anywhere must refuse the whole batch.
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    for (const int brokenAt : {0, 613, 1999}) {
        QList<Event> events;
        for (int n = 0; n < 2000; ++n)
            events.append(sampleEvent(10000 + n));
        events[brokenAt].payload = "{\"truncated\": ";
        const Result<int> refused = store.addEvents(events);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().message.contains(events[brokenAt].id));
        CHECK(*store.eventCount() == 0);
    }

    QList<Event> events;
    for (int n = 0; n < 2000; ++n)
        events.append(sampleEvent(n));
    REQUIRE(*store.addEvents(events) == 2000);
    QSqlQuery query(store.database());
    REQUIRE(query.exec(QStringLiteral("SELECT id FROM events ORDER BY seq")));
    int n = 0;
    bool inOrder = true;
    while (query.next())
        inOrder = inOrder && query.value(0).toString() == events[n++].id;
    CHECK(n == 2000);
    CHECK(inOrder);
    const Result<std::optional<Event>> last = store.event(events.last().id);
    REQUIRE(last.ok());
    REQUIRE(last->has_value());
    CHECK((*last)->payload == events.last().payload);
}

TEST_CASE("EventStore: filters, text search and keyset pages, newest first", "[store][query]")
{
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    QList<Event> events;
    for (int n = 0; n < 250; ++n)
        events.append(sampleEvent(n, n % 2 ? QStringLiteral("pull_request") : QStringLiteral("issues"),
                                  n % 3 ? QStringLiteral("opened") : QStringLiteral("closed")));
    REQUIRE(*store.addEvents(events) == 250);

    EventQuery all;
    all.limit = 100;
    QStringList seen;
    EventPage page = *store.events(all);
    CHECK(page.events.first().id == QLatin1String("delivery-249"));
    while (true) {
        for (const Event &event : page.events)
            seen.append(event.id);
        if (page.next.isNull())
            break;
        all.after = page.next;
        page = *store.events(all);
    }
    CHECK(seen.size() == 250);
    CHECK(seen.last() == QLatin1String("delivery-0"));
    CHECK(QSet<QString>(seen.begin(), seen.end()).size() == 250);

    EventQuery filtered;
    filtered.type = QStringLiteral("pull_request");
    filtered.action = QStringLiteral("closed");
    filtered.repository = QStringLiteral("acme/service-3");
    const EventPage matches = *store.events(filtered);
    REQUIRE_FALSE(matches.events.isEmpty());
    for (const Event &event : matches.events) {
        CHECK(event.type == QLatin1String("pull_request"));
        CHECK(event.action == QLatin1String("closed"));
        CHECK(event.repository == QLatin1String("acme/service-3"));
        CHECK(event.payload.isEmpty()); // lists skip payloads unless asked
    }

    EventQuery bySender;
    bySender.sender = QStringLiteral("dev4");
    bySender.since = sampleEvent(100).occurredAt;
    bySender.until = sampleEvent(200).occurredAt;
    CHECK(store.events(bySender)->events.size() == 20);

    EventQuery text;
    text.text = QStringLiteral("number 123 fixes");
    text.includePayload = true;
    const EventPage found = *store.events(text);
    REQUIRE(found.events.size() == 1);
    CHECK(found.events.first().id == QLatin1String("delivery-123"));
    CHECK(found.events.first().payload ==
          sampleEvent(123, QStringLiteral("pull_request"), QStringLiteral("closed")).payload);

    EventQuery quotes; // FTS syntax in user text is taken literally, not as an error
    quotes.text = QStringLiteral("\"widget1 OR NEAR(");
    CHECK(store.events(quotes).ok());
}

TEST_CASE("EventStore: text search stays newest first beyond the early-stop window", "[store][query]")
{
    // 3,000 events, more matches than the first window. In arrival order the window's proof holds; in
    // reversed order (an imported history) it cannot, and the search falls back to every match.
    for (const bool reversed : {false, true}) {
        INFO("arrival opposite to time: " << reversed);
        QTemporaryDir dir;
        EventStore store;
        REQUIRE(store.open(dbPath(dir)).ok());
        const QDateTime base = QDateTime::fromMSecsSinceEpoch(1700000000000, QTimeZone::utc());
        QList<Event> events;
        QList<QPair<QDateTime, QString>> expected;
        for (int n = 0; n < 3000; ++n) {
            Event event;
            event.id = QStringLiteral("e-%1").arg(n);
            event.type = QStringLiteral("issues");
            event.source = eventsource::Webhook;
            event.occurredAt = base.addSecs(reversed ? -n : n);
            event.receivedAt = base;
            const bool common = n % 7 != 0;
            event.payload = QStringLiteral(R"({"issue":{"title":"needle %1 %2"}})")
                                .arg(common ? QStringLiteral("common") : QStringLiteral("rare"))
                                .arg(n)
                                .toUtf8();
            events.append(event);
            if (common)
                expected.append({event.occurredAt, event.id});
        }
        REQUIRE(*store.addEvents(events) == 3000);
        std::sort(expected.begin(), expected.end(), [](const auto &a, const auto &b) { return a > b; });

        EventQuery query;
        query.text = QStringLiteral("needle common");
        query.limit = 100;
        QStringList seen;
        while (true) {
            const Result<EventPage> page = store.events(query);
            REQUIRE(page.ok());
            for (const Event &event : page->events)
                seen.append(event.id);
            if (page->next.isNull())
                break;
            query.after = page->next;
        }
        REQUIRE(seen.size() == expected.size());
        for (qsizetype i = 0; i < seen.size(); ++i)
            REQUIRE(seen[i] == expected[i].second);
    }
}

TEST_CASE("EventStore: the action log records start, outcome, redacted capped text", "[store][actions]")
{
    QTemporaryDir dir;
    ManualClock clock;
    EventStore store(&clock);
    REQUIRE(store.open(dbPath(dir)).ok());
    REQUIRE(store.addEvent(sampleEvent(1)).ok());
    SecretRedactor::add(QStringLiteral("ghp_topsecretvalue123"));

    const Result<QString> id = store.beginAction({ActionKind::CodeFile, QStringLiteral("scripts/deploy.sh"),
                                                  QStringLiteral("delivery-1"), QStringLiteral("t1")});
    REQUIRE(id.ok());
    CHECK((*store.action(*id))->status == ActionStatus::Running);
    clock.advance(1500);
    const QString longOutput =
        QStringLiteral("token=ghp_topsecretvalue123 ") + QString(100000, QLatin1Char('x'));
    REQUIRE(store
                .finishAction(*id, {ActionStatus::Failure, 3, std::nullopt, longOutput,
                                    QStringLiteral("failed with ghp_topsecretvalue123")})
                .ok());
    const ActionRecord record = **store.action(*id);
    CHECK(record.status == ActionStatus::Failure);
    CHECK(record.exitCode == 3);
    CHECK_FALSE(record.httpStatus.has_value());
    CHECK(record.startedAt.msecsTo(record.finishedAt) == 1500);
    CHECK(record.output.size() <= EventStore::kOutputCap + 100);
    CHECK_FALSE(record.output.contains(QLatin1String("ghp_topsecretvalue123")));
    CHECK_FALSE(record.error.contains(QLatin1String("ghp_topsecretvalue123")));
    CHECK(record.error.contains(QLatin1String("***")));
    SecretRedactor::remove(QStringLiteral("ghp_topsecretvalue123"));

    const Result<QString> queued =
        store.beginAction({ActionKind::Dispatch, QStringLiteral("acme/x:ci.yml"), {}, {}, false});
    CHECK((*store.action(*queued))->status == ActionStatus::Queued);
    REQUIRE(store.startAction(*queued).ok());
    REQUIRE(store.finishAction(*queued, {ActionStatus::Success, std::nullopt, 204, {}, {}}).ok());
    CHECK((*store.action(*queued))->httpStatus == 204);

    ActionQuery failures;
    failures.status = ActionStatus::Failure;
    CHECK(store.actions(failures)->size() == 1);
    CHECK(store.actions({})->size() == 2);
    CHECK_FALSE(store.finishAction(QStringLiteral("nope"), {}).ok());
}

TEST_CASE("EventStore: recoverInterrupted marks only actions of processes that are gone", "[store][actions]")
{
    QTemporaryDir dir;
    QString deadRunning;
    QString deadQueued;
    {
        EventStore crashed;
        REQUIRE(crashed.open(dbPath(dir)).ok());
        deadRunning = *crashed.beginAction({ActionKind::Comment, QStringLiteral("acme/x#1"), {}, {}});
        deadQueued = *crashed.beginAction({ActionKind::Rerun, QStringLiteral("acme/x run 5"), {}, {}, false});
    } // closing releases its session lock, as process death does
    EventStore alive;
    REQUIRE(alive.open(dbPath(dir)).ok());
    const QString liveRunning =
        *alive.beginAction({ActionKind::Dispatch, QStringLiteral("acme/x:ci.yml"), {}, {}});

    EventStore next;
    REQUIRE(next.open(dbPath(dir)).ok());
    const RecoveryReport report = *next.recoverInterrupted();
    CHECK(report.interrupted == 1);
    CHECK(report.skipped == 1);
    CHECK((*next.action(deadRunning))->status == ActionStatus::Interrupted);
    CHECK((*next.action(deadQueued))->status == ActionStatus::Skipped);
    CHECK((*next.action(liveRunning))->status == ActionStatus::Running); // its process still holds its lock
    CHECK(next.recoverInterrupted()->interrupted == 0);
}

TEST_CASE("EventStore: one decision per event and trigger", "[store][triggers]")
{
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    REQUIRE(store.addEvent(sampleEvent(1)).ok());
    REQUIRE(
        store
            .saveTrigger(
                {QStringLiteral("t1"), QStringLiteral("Deploy"), true, QStringLiteral("on: push"), {}, {}})
            .ok());
    CHECK(store.triggers()->size() == 1);
    CHECK(*store.recordFiring(QStringLiteral("delivery-1"), QStringLiteral("t1"), QStringLiteral("fired")) ==
          true);
    CHECK(*store.recordFiring(QStringLiteral("delivery-1"), QStringLiteral("t1"), QStringLiteral("fired")) ==
          false);
    EventStore other; // another process deciding the same event
    REQUIRE(other.open(dbPath(dir)).ok());
    CHECK(*other.recordFiring(QStringLiteral("delivery-1"), QStringLiteral("t1"), QStringLiteral("fired")) ==
          false);
    CHECK(*other.recordFiring(QStringLiteral("delivery-1"), QStringLiteral("t2"),
                              QStringLiteral("skipped")) == true);
}

TEST_CASE("EventStore: prune by age and count, backup with VACUUM INTO", "[store][retention]")
{
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    QList<Event> events;
    for (int n = 0; n < 100; ++n)
        events.append(sampleEvent(n));
    REQUIRE(store.addEvents(events).ok());
    const QString backupFile = QDir(dir.path()).filePath(QStringLiteral("backup.db"));
    REQUIRE(store.backup(backupFile).ok());
    CHECK(store.backup(backupFile).error().kind == QLatin1String("exists"));

    PruneOptions byAge;
    byAge.olderThan = sampleEvent(40).occurredAt;
    CHECK(store.prune(byAge)->events == 40);
    PruneOptions byCount;
    byCount.keepNewestEvents = 10;
    CHECK(store.prune(byCount)->events == 50);
    CHECK(*store.eventCount() == 10);
    EventQuery search;
    search.text = QStringLiteral("number 50 fixes");
    CHECK(store.events(search)->events.isEmpty()); // the text index followed the delete

    EventStore restored;
    REQUIRE(restored.open(backupFile).ok());
    CHECK(*restored.eventCount() == 100);
    CHECK(restored.checkIntegrity().ok());
}

TEST_CASE("EventStore: a full disk and a read-only folder give clear errors", "[store][errors]")
{
    QTemporaryDir dir;
    {
        EventStore store;
        EventStore::Options options;
        options.maxPageCount = 60; // a tiny "disk"
        REQUIRE(store.open(dbPath(dir), options).ok());
        Status last = success();
        for (int batch = 0; batch < 200 && last.ok(); ++batch) {
            QList<Event> events;
            for (int n = 0; n < 50; ++n)
                events.append(sampleEvent(batch * 50 + n));
            const Result<int> added = store.addEvents(events);
            last = added.ok() ? success() : Status(added.error());
        }
        REQUIRE_FALSE(last.ok());
        CHECK(last.error().kind == QLatin1String("disk_full"));
        CHECK(last.error().message.contains(QLatin1String("full")));
        CHECK(store.checkIntegrity().ok());
        const qint64 count = *store.eventCount();
        CHECK(count % 50 == 0); // no half batch
    }
    if (::geteuid() == 0) {
        WARN("running as root: permissions do not stop root, skipping the read-only folder check");
        return;
    }
    QTemporaryDir locked;
    QFile::setPermissions(locked.path(), QFile::ReadOwner | QFile::ExeOwner);
    EventStore store;
    const Status opened = store.open(QDir(locked.path()).filePath(QStringLiteral("sub/exeserver.db")));
    QFile::setPermissions(locked.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.error().kind == QLatin1String("read_only"));
}

TEST_CASE("EventStore: a read-only database file gives a clear error", "[store][errors]")
{
    QTemporaryDir dir;
    {
        EventStore store;
        REQUIRE(store.open(dbPath(dir)).ok());
    }
    // Read-only even for root: the file is opened read-only through a URI.
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    QSqlQuery(store.database()).exec(QStringLiteral("PRAGMA query_only = ON"));
    const Result<bool> added = store.addEvent(sampleEvent(1));
    REQUIRE_FALSE(added.ok());
    CHECK(added.error().kind == QLatin1String("read_only"));
    CHECK(added.error().message.contains(QLatin1String("cannot be written")));
}

TEST_CASE("PayloadCodec: round trips and shrinks real-looking payloads", "[store][codec]")
{
    const QByteArray json = sampleEvent(5).payload;
    const QByteArray blob = PayloadCodec::encode(json);
    CHECK(blob.size() < json.size());
    CHECK(*PayloadCodec::decode(blob) == json);
    CHECK(*PayloadCodec::decode(PayloadCodec::encode("{}")) == "{}");
    CHECK_FALSE(PayloadCodec::decode(QByteArray("\x07garbage")).ok());
    CHECK_FALSE(PayloadCodec::decode(QByteArray("\x01garbage")).ok());
    CHECK_FALSE(PayloadCodec::decode(QByteArray("\x02garbage")).ok());
}

TEST_CASE("PayloadCodec: new payloads use zstd and rows written with deflate stay readable", "[store][codec]")
{
    QFile file(QStringLiteral(EXESERVER_SOURCE_DIR "/tests/data/webhooks/pull_request.opened.json"));
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QByteArray json = QJsonDocument::fromJson(file.readAll()).toJson(QJsonDocument::Compact);
    REQUIRE(json.size() > 10000);

    const QByteArray zstd = PayloadCodec::encode(json);
    const QByteArray deflate = PayloadCodec::encode(json, PayloadCodec::DeflateDictV1);
    CHECK(zstd.at(0) == PayloadCodec::ZstdDictV2);
    CHECK(deflate.at(0) == PayloadCodec::DeflateDictV1);
    CHECK(*PayloadCodec::decode(zstd) == json);
    CHECK(*PayloadCodec::decode(deflate) == json);
    // The trained dictionary is what makes codec 2 worth a new codec number.
    CHECK(zstd.size() < deflate.size());

    // A truncated or bit-flipped frame is an error that says so, never wrong JSON.
    const Result<QByteArray> truncated = PayloadCodec::decode(zstd.left(zstd.size() / 2));
    REQUIRE_FALSE(truncated.ok());
    CHECK(truncated.error().message.contains(QLatin1String("damaged")));
    QByteArray flipped = zstd;
    flipped[flipped.size() / 2] = char(flipped.at(flipped.size() / 2) ^ 0x5a);
    const Result<QByteArray> damaged = PayloadCodec::decode(flipped);
    CHECK((!damaged.ok() || *damaged != json));
}

TEST_CASE("PayloadScan: validates like a JSON parser and picks the same search words", "[store][scan]")
{
    const QByteArray json = sampleEvent(5).payload;
    const PayloadScan scan = scanPayload(json);
    REQUIRE(scan.valid);
    const QString fromTree = searchTextOf(QJsonDocument::fromJson(json).object());
    QStringList scanned = scan.searchText.split(QLatin1Char(' '));
    QStringList parsed = fromTree.split(QLatin1Char(' '));
    scanned.sort();
    parsed.sort();
    CHECK(scanned == parsed); // same words; the scan keeps document order

    const QByteArray escaped =
        R"({"title":"caf\u00e9 \"quoted\" \ud83d\ude00 tab\tend","n":[1,-2.5e3,true,false,null],"x":{}})";
    const PayloadScan unescaped = scanPayload(escaped);
    REQUIRE(unescaped.valid);
    CHECK(unescaped.searchText == QStringLiteral("caf\u00e9 \"quoted\" \U0001F600 tab\tend"));
    CHECK(scanPayload(QByteArray("[]")).valid);
    CHECK(scanPayload(QByteArray(" {\"title\":\"t\u00e9\"} \n")).valid);

    for (const char *bad :
         {"", "{not json", "{\"a\":1,}", "[1 2]", "{\"a\":01}", "{\"a\":tru}", "{} x", "\"top-level string\"",
          "{\"a\":\"\xff\"}", "{\"a\":\"\xc0\xaf\"}", "{\"a\":-}", "{\"a\" 1}",
          // Numbers beyond double's range and a backslash before a non-ASCII character: Qt refuses both.
          "{\"a\":1e400}", "{\"a\":2e-324}", "{\"a\":\"\\\xc3\xa9\"}"}) {
        INFO(bad);
        CHECK_FALSE(scanPayload(QByteArray(bad)).valid);
        CHECK(QJsonDocument::fromJson(QByteArray(bad)).isNull()); // Qt's parser agrees
    }
    for (const char *lenient : {"{\"a\":\"\x01\"}", "{\"a\":\"\\x\"}", "{\"a\":1.}", "{\"a\":1e-320}"}) {
        INFO(lenient); // what QJsonDocument accepts, so events stored before stay storable
        CHECK(scanPayload(QByteArray(lenient)).valid);
        CHECK_FALSE(QJsonDocument::fromJson(QByteArray(lenient)).isNull());
    }
    QByteArray deep(2000, '[');
    deep += QByteArray(2000, ']');
    CHECK_FALSE(scanPayload(deep).valid);
}

TEST_CASE("SqliteResponseCache: keeps ETags across reopen", "[store][cache]")
{
    QTemporaryDir dir;
    {
        EventStore store;
        REQUIRE(store.open(dbPath(dir)).ok());
        SqliteResponseCache cache(store);
        cache.store(
            QStringLiteral("https://api.github.com/repos/a/b/actions/runs?per_page=5"),
            {"\"etag1\"", "Wed, 21 Oct 2015 07:28:00 GMT", "[{\"id\":1}]", "<next>; rel=\"next\"", {}});
    }
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    SqliteResponseCache cache(store);
    const auto found = cache.find(QStringLiteral("https://api.github.com/repos/a/b/actions/runs?per_page=5"));
    REQUIRE(found.has_value());
    CHECK(found->etag == "\"etag1\"");
    CHECK(found->body == "[{\"id\":1}]");
    CHECK(found->linkHeader == "<next>; rel=\"next\"");
    cache.remove(QStringLiteral("https://api.github.com/repos/a/b/actions/runs?per_page=5"));
    CHECK_FALSE(
        cache.find(QStringLiteral("https://api.github.com/repos/a/b/actions/runs?per_page=5")).has_value());
}

TEST_CASE("Outbox: filled only once sync is enabled, then with the whole history", "[store][outbox]")
{
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    Outbox outbox(store);
    REQUIRE(store.addEvent(sampleEvent(1)).ok());
    CHECK(outbox.stats()->pending == 0);
    REQUIRE(outbox.setEnabled(true).ok());
    CHECK(outbox.stats()->pending == 1);
    REQUIRE(store.addEvent(sampleEvent(2)).ok());
    const QString action = *store.beginAction({ActionKind::Notify, QStringLiteral("desktop"), {}, {}});
    CHECK(outbox.stats()->pending == 3);
    const QList<OutboxItem> items = *outbox.next(10);
    REQUIRE(items.size() == 2); // one table per batch
    CHECK(items.first().table == Outbox::kEventsTable);
    const QJsonObject row = QJsonDocument::fromJson(items.first().row).object();
    CHECK(row.value(QStringLiteral("id")).toString() == QLatin1String("delivery-1"));
    CHECK(row.value(QStringLiteral("payload")).toObject().value(QStringLiteral("number")).toInt() == 1);
    REQUIRE(outbox.complete({items[0].seq, items[1].seq}).ok());
    // An update while queued keeps one outbox row per action.
    REQUIRE(store.finishAction(action, {}).ok());
    CHECK(outbox.stats()->pending == 1);
}

TEST_CASE("Outbox: sync rows carry no known secret", "[store][outbox][security]")
{
    // The secret becomes known only after the action was stored (a token set while the action ran), so the
    // store kept it; the row built for sync and the error of a parked row must still not carry it.
    const QString secret = QStringLiteral("ghp_latesecretvalue456");
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    Outbox outbox(store);
    REQUIRE(outbox.setEnabled(true).ok());
    const QString action =
        *store.beginAction({ActionKind::CodeFile, QStringLiteral("scripts/deploy.sh"), {}, {}});
    REQUIRE(store
                .finishAction(action,
                              {ActionStatus::Failure, 1, std::nullopt, QStringLiteral("echo token=") + secret,
                               QStringLiteral("401 for ") + secret})
                .ok());
    SecretRedactor::add(secret);

    const QList<OutboxItem> items = *outbox.next(10);
    REQUIRE(items.size() == 1);
    CHECK(items.first().table == Outbox::kActionsTable);
    const QJsonObject row = QJsonDocument::fromJson(items.first().row).object();
    CHECK(row.value(QStringLiteral("output")).toString() == QLatin1String("echo token=***"));
    CHECK(row.value(QStringLiteral("error")).toString() == QLatin1String("401 for ***"));
    CHECK_FALSE(items.first().row.contains(secret.toUtf8()));

    REQUIRE(outbox.park(items.first().seq, QStringLiteral("refused: ") + secret).ok());
    const QList<OutboxItem> parked = *outbox.parkedItems(10);
    REQUIRE(parked.size() == 1);
    CHECK_FALSE(parked.first().lastError.contains(secret));
    CHECK(parked.first().lastError.contains(QLatin1String("***")));
    SecretRedactor::remove(secret);
}
