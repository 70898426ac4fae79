// The text search's fast paths (newest-matches window, time-index walk) against the plain query that
// sorts every match, on histories whose arrival order disagrees with their occurred times.
#include "catch.h"

#include "store/eventstore.h"

#include <QDir>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTimeZone>

#include <algorithm>
#include <limits>
#include <numeric>

using namespace exeserver;

namespace {

const QDateTime kBase = QDateTime::fromMSecsSinceEpoch(1700000000000, QTimeZone::utc());

// Events whose occurred times are a shuffled permutation of their arrival (pairs share a second, so the
// seq tie-break matters too). Every 7th says "rare", the others "common"; every 3rd is a push; four
// repositories.
QList<Event> shuffledHistory(int count, quint32 seed)
{
    std::vector<int> order(static_cast<size_t>(count));
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), QRandomGenerator(seed));
    QList<Event> events;
    for (int n = 0; n < count; ++n) {
        Event event;
        event.id = QStringLiteral("e-%1").arg(n);
        event.type = n % 3 ? QStringLiteral("issues") : QStringLiteral("push");
        event.repository = QStringLiteral("acme/repo-%1").arg(n % 4);
        event.source = eventsource::Webhook;
        event.occurredAt = kBase.addSecs(order[size_t(n)] / 2);
        event.receivedAt = kBase;
        event.payload = QStringLiteral(R"({"issue":{"title":"needle %1 item-%2"}})")
                            .arg(n % 7 ? QStringLiteral("common") : QStringLiteral("rare"))
                            .arg(n % 11)
                            .toUtf8();
        events.append(event);
    }
    return events;
}

// Every id the store's paged search returns, following its cursors.
QStringList pagedIds(const EventStore &store, EventQuery query)
{
    QStringList ids;
    while (true) {
        const Result<EventPage> page = store.events(query);
        REQUIRE(page.ok());
        for (const Event &event : page->events)
            ids.append(event.id);
        if (page->next.isNull())
            return ids;
        query.after = page->next;
    }
}

// The naive answer: every match, sorted.
QStringList naiveIds(const EventStore &store, const QString &phrase, const QString &type,
                     const QString &repository, const QDateTime &since)
{
    QSqlQuery query(store.database());
    query.prepare(
        QStringLiteral("SELECT id FROM events WHERE seq IN (SELECT rowid FROM events_fts WHERE "
                       "events_fts MATCH ?) AND (? = '' OR type = ?) AND (? = '' OR repository = ?) "
                       "AND occurred_at >= ? "
                       "ORDER BY occurred_at DESC, seq DESC"));
    query.addBindValue(phrase);
    const QString typeOrEmpty = type.isNull() ? QStringLiteral("") : type; // a null QString binds as NULL
    query.addBindValue(typeOrEmpty);
    query.addBindValue(typeOrEmpty);
    const QString repositoryOrEmpty = repository.isNull() ? QStringLiteral("") : repository;
    query.addBindValue(repositoryOrEmpty);
    query.addBindValue(repositoryOrEmpty);
    query.addBindValue(since.isValid() ? since.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min());
    REQUIRE(query.exec());
    QStringList ids;
    while (query.next())
        ids.append(query.value(0).toString());
    return ids;
}

} // namespace

TEST_CASE("EventStore: text search in a shuffled history equals sorting every match", "[store][query]")
{
    // The default walk covers these 4,000 events in one narrow seq range; a walk of 512 entries sees
    // them scattered over the whole range (its order probe, 16 entries, already does), so it probes
    // FTS5 per walked entry for the dense terms, takes the second stage for the others and falls back
    // for the rare terms.
    const qint64 walk = GENERATE(qint64(32768), qint64(512));
    INFO("walk " << walk);
    QTemporaryDir dir;
    EventStore store;
    EventStore::Options options;
    options.textSearchWalk = walk;
    REQUIRE(store.open(QDir(dir.path()).filePath(QStringLiteral("exeserver.db")), options).ok());
    if (!store.hasFullTextSearch()) {
        WARN("this SQLite has no FTS5: the search is a LIKE scan, nothing to compare");
        return;
    }
    REQUIRE(*store.addEvents(shuffledHistory(4000, 7)) == 4000);

    struct Case
    {
        QString text;
        QString phrase; // the same words as an FTS5 query, for the naive query
        QString type;
        QString repository;
        QDateTime since;
        int limit;
    };
    const QList<Case> cases{
        {QStringLiteral("needle common"), QStringLiteral("\"needle\" \"common\""), {}, {}, {}, 100},
        {QStringLiteral("needle rare"), QStringLiteral("\"needle\" \"rare\""), {}, {}, {}, 37},
        {QStringLiteral("item-3"), QStringLiteral("\"item-3\""), QStringLiteral("push"), {}, {}, 25},
        {QStringLiteral("rare"),
         QStringLiteral("\"rare\""),
         QStringLiteral("issues"),
         {},
         kBase.addSecs(1500),
         10},
        {QStringLiteral("common"),
         QStringLiteral("\"common\""),
         QStringLiteral("issues"),
         QStringLiteral("acme/repo-1"),
         {},
         30},
        // Terms (nearly) every event contains: scattered, the walk asks FTS5 per entry; the filters
        // below thin that walk out past its bound, so it hands over to the materialising walk.
        {QStringLiteral("needle"), QStringLiteral("\"needle\""), QStringLiteral("push"), {}, {}, 50},
        {QStringLiteral("needle common"),
         QStringLiteral("\"needle\" \"common\""),
         {},
         QStringLiteral("acme/repo-2"),
         kBase.addSecs(400),
         20},
        {QStringLiteral("common item-5"),
         QStringLiteral("\"common\" \"item-5\""),
         QStringLiteral("push"),
         QStringLiteral("acme/repo-3"),
         {},
         3},
    };
    const auto queryFor = [](const Case &c) {
        EventQuery query;
        query.text = c.text;
        query.type = c.type;
        query.repository = c.repository;
        query.since = c.since;
        query.limit = c.limit;
        return query;
    };
    // The search in three states of the full-text index (schema 7 fills it after ingest): nothing
    // indexed (every row found by the LIKE scan), half indexed, everything indexed.
    QList<QList<QStringList>> found(3);
    for (int state = 0; state < 3; ++state) {
        if (state == 1)
            REQUIRE(*store.indexFullText(2000) == 2000);
        if (state == 2)
            while (*store.indexFullText(1500) > 0) {
            }
        for (const Case &c : cases)
            found[state].append(pagedIds(store, queryFor(c)));
    }
    CHECK(*store.unindexedEvents() == 0);
    for (qsizetype i = 0; i < cases.size(); ++i) {
        const Case &c = cases[i];
        INFO(c.text.toStdString() << " type " << c.type.toStdString() << " limit " << c.limit);
        const QStringList expected = naiveIds(store, c.phrase, c.type, c.repository, c.since);
        REQUIRE(expected.size() > c.limit); // more than one page, so the cursors are exercised
        for (int state = 0; state < 3; ++state) {
            INFO("index state " << state);
            CHECK(found[state][i] == expected);
        }
    }
}

TEST_CASE("EventStore: text search for a term only the oldest events contain", "[store][query]")
{
    // More events than the time-index walk covers; the matches are all older than the walk reaches, so
    // the search must fall back to sorting them, not return an empty or partial page. There are more
    // matches than the newest-matches window holds, and they arrived last, so the window cannot prove
    // its page either.
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(QDir(dir.path()).filePath(QStringLiteral("exeserver.db"))).ok());
    if (!store.hasFullTextSearch()) {
        WARN("this SQLite has no FTS5: the search is a LIKE scan, nothing to compare");
        return;
    }
    constexpr int kCount = 36000;
    constexpr int kMatches = 1100;
    QList<Event> events;
    for (int n = 0; n < kCount; ++n) {
        Event event;
        event.id = QStringLiteral("e-%1").arg(n);
        event.type = QStringLiteral("push");
        event.source = eventsource::Webhook;
        // Arrival opposite to time, so the newest-matches window cannot prove its page either.
        event.occurredAt = kBase.addSecs(-n);
        event.receivedAt = kBase;
        event.payload = (n >= kCount - kMatches ? QByteArrayLiteral(R"({"ref":"ancient fossil"})")
                                                : QByteArrayLiteral(R"({"ref":"plain"})"));
        events.append(event);
    }
    REQUIRE(*store.addEvents(events) == kCount);
    EventQuery query;
    query.text = QStringLiteral("ancient fossil");
    query.limit = 25;
    QStringList expected;
    for (int n = kCount - kMatches; n < kCount; ++n)
        expected.append(QStringLiteral("e-%1").arg(n));
    CHECK(pagedIds(store, query) == expected);
}
