#include "catch.h"
#include "fakepostgrest.h"
#include "storetestutil.h"
#include "synctestutil.h"

#include "store/eventstore.h"
#include "store/outbox.h"
#include "sync/postgresqltarget.h"
#include "sync/supabasetarget.h"
#include "sync/syncengine.h"

#include <QDir>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTest>

using namespace exeserver;
using exeserver::test::drainNow;
using exeserver::test::FakePostgrest;
using exeserver::test::sampleEvent;

namespace {

const QString kKey = QStringLiteral("eyJhbGciOiJIUzI1NiJ9.test-anon-key");

struct Fixture
{
    QTemporaryDir dir;
    ManualClock clock;
    EventStore store{&clock};
    QNetworkAccessManager network;
    FakePostgrest fake{kKey};

    Fixture()
    {
        REQUIRE(store.open(QDir(dir.path()).filePath(QStringLiteral("exeserver.db"))).ok());
        QList<Event> events;
        for (int n = 0; n < 25; ++n)
            events.append(sampleEvent(n));
        REQUIRE(store.addEvents(events).ok());
    }
};

} // namespace

TEST_CASE("Sync to Supabase: batches upsert with PostgREST's headers, and only once", "[sync][postgrest]")
{
    Fixture f;
    SupabaseTarget target(f.network, QUrl(f.fake.url()), kKey);
    SyncEngine::Options options;
    options.batchSize = 10;
    SyncEngine engine(f.store, target, &f.clock, options);
    REQUIRE(engine.enable().ok());
    const QString action =
        *f.store.beginAction({ActionKind::Dispatch, QStringLiteral("acme/x:ci.yml"), {}, {}});
    CHECK(engine.status().pending == 26);

    const SyncRun run = drainNow(engine);
    CHECK(run.stored == 26);
    CHECK(run.error.isEmpty());
    CHECK(f.fake.table(QStringLiteral("exeserver_events")).size() == 25);
    CHECK(f.fake.table(QStringLiteral("exeserver_actions")).size() == 1);
    CHECK(f.fake.requests() == 4); // 10 + 10 + 5 events, 1 action
    const HttpRequest &first = f.fake.received.first();
    CHECK(first.path == QLatin1String("/rest/v1/exeserver_events"));
    CHECK(first.query.queryItemValue(QStringLiteral("on_conflict")) == QLatin1String("id"));
    CHECK(first.headers.value("prefer") == "resolution=merge-duplicates,return=minimal");
    CHECK(first.headers.value("content-type") == "application/json");
    const QJsonObject row =
        f.fake.table(QStringLiteral("exeserver_events")).value(QStringLiteral("delivery-3"));
    CHECK(row.value(QStringLiteral("payload")).toObject().value(QStringLiteral("number")).toInt() == 3);
    CHECK(row.value(QStringLiteral("occurred_at")).toString() ==
          sampleEvent(3).occurredAt.toString(Qt::ISODateWithMs));
    CHECK(engine.status().pending == 0);
    CHECK(engine.status().lagMs == 0);

    // An update travels as an upsert of the same id.
    REQUIRE(f.store.finishAction(action, {ActionStatus::Success, std::nullopt, 204, {}, {}}).ok());
    CHECK(drainNow(engine).stored == 1);
    CHECK(f.fake.table(QStringLiteral("exeserver_actions"))
              .value(action)
              .value(QStringLiteral("status"))
              .toString() == QLatin1String("success"));
    CHECK(drainNow(engine).stored == 0);
}

TEST_CASE("Sync to Supabase: 5xx backs off on the injected clock, then resumes", "[sync][postgrest]")
{
    Fixture f;
    SupabaseTarget target(f.network, QUrl(f.fake.url()), kKey);
    SyncEngine engine(f.store, target, &f.clock);
    REQUIRE(engine.enable().ok());
    f.fake.failNext = 2;

    SyncRun run = drainNow(engine);
    CHECK(run.backingOff);
    CHECK(run.error.contains(QLatin1String("503")));
    CHECK(engine.status().pending == 25);
    CHECK(engine.status().parked == 0);
    f.clock.advance(500);
    CHECK(engine.status().lagMs > 0);
    const int before = f.fake.requests();
    CHECK(drainNow(engine).backingOff); // still waiting: no request made
    CHECK(f.fake.requests() == before);
    f.clock.advance(600);
    CHECK(drainNow(engine).backingOff); // second 503; the wait doubles
    const QDateTime next = engine.status().nextAttemptAt;
    CHECK(f.clock.now().msecsTo(next) == 2000);
    f.clock.advance(2000);
    run = drainNow(engine);
    CHECK(run.stored == 25);
    CHECK(f.fake.table(QStringLiteral("exeserver_events")).size() == 25);
}

TEST_CASE("Sync to Supabase: a wrong key stops sync without parking rows", "[sync][postgrest]")
{
    Fixture f;
    SupabaseTarget target(f.network, QUrl(f.fake.url()), QStringLiteral("wrong-key-123456"));
    SyncEngine engine(f.store, target, &f.clock);
    REQUIRE(engine.enable().ok());
    const SyncRun run = drainNow(engine);
    CHECK(run.backingOff);
    CHECK(run.error.contains(QLatin1String("401")));
    CHECK(run.error.contains(QLatin1String("SUPABASE_ANON_KEY")));
    CHECK_FALSE(run.error.contains(QLatin1String("wrong-key-123456")));
    CHECK(engine.status().pending == 25);
    CHECK(engine.status().parked == 0);
}

TEST_CASE("Sync to Supabase: a refused row is parked with its error, the rest arrive", "[sync][postgrest]")
{
    Fixture f;
    f.fake.poisonId = QStringLiteral("delivery-7");
    SupabaseTarget target(f.network, QUrl(f.fake.url()), kKey);
    SyncEngine::Options options;
    options.batchSize = 10;
    SyncEngine engine(f.store, target, &f.clock, options);
    REQUIRE(engine.enable().ok());
    const SyncRun run = drainNow(engine);
    CHECK(run.stored == 24);
    CHECK(run.parked == 1);
    CHECK(f.fake.table(QStringLiteral("exeserver_events")).size() == 24);
    CHECK(engine.status().pending == 0);
    CHECK(engine.status().parked == 1);
    Outbox outbox(f.store);
    const QList<OutboxItem> parked = *outbox.parkedItems(10);
    REQUIRE(parked.size() == 1);
    CHECK(parked.first().rowId == QLatin1String("delivery-7"));
    CHECK(parked.first().lastError.contains(QLatin1String("400")));
    // Not retried forever, not lost: it comes back on request.
    CHECK(drainNow(engine).stored == 0);
    f.fake.poisonId.clear();
    REQUIRE(outbox.retryParked().ok());
    CHECK(drainNow(engine).stored == 1);
}

TEST_CASE("Sync to Supabase: a batch whose answer was lost is sent again and stored once",
          "[sync][postgrest]")
{
    Fixture f;
    f.fake.dropAnswers = 5; // more than Qt's own resend of a request on a dropped connection
    {
        SupabaseTarget target(f.network, QUrl(f.fake.url()), kKey);
        SyncEngine engine(f.store, target, &f.clock);
        REQUIRE(engine.enable().ok());
        const SyncRun run = drainNow(engine);
        CHECK(run.backingOff); // it looked like a network failure
        CHECK(f.fake.table(QStringLiteral("exeserver_events")).size() == 25);
    }
    f.fake.dropAnswers = 0;
    // A restart: new engine, same outbox.
    SupabaseTarget target(f.network, QUrl(f.fake.url()), kKey);
    SyncEngine engine(f.store, target, &f.clock);
    CHECK(engine.status().pending == 25);
    CHECK(drainNow(engine).stored == 25);
    CHECK(f.fake.table(QStringLiteral("exeserver_events")).size() == 25);
}

TEST_CASE("Fake PostgREST: duplicates without merge-duplicates are 409, as PostgREST answers",
          "[sync][postgrest]")
{
    FakePostgrest fake(kKey);
    QNetworkAccessManager network;
    const auto post = [&](const QByteArray &prefer) {
        QNetworkRequest request(QUrl(fake.url() + QStringLiteral("/rest/v1/exeserver_events")));
        request.setRawHeader("apikey", kKey.toUtf8());
        request.setRawHeader("Authorization", "Bearer " + kKey.toUtf8());
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        if (!prefer.isEmpty())
            request.setRawHeader("Prefer", prefer);
        QNetworkReply *reply = network.post(request, R"([{"id":"x1","type":"push"}])");
        REQUIRE(QTest::qWaitFor([&]() { return reply->isFinished(); }, 10000));
        reply->deleteLater();
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    };
    CHECK(post({}) == 201);
    CHECK(post({}) == 409);
    CHECK(post("resolution=merge-duplicates,return=minimal") == 201); // upserts on the primary key
    const SyncReply conflict = SupabaseTarget::classify(
        409,
        R"json({"code":"23505","message":"duplicate key","details":"Key (id)=(x1) already exists."})json", {},
        {});
    CHECK(conflict.outcome == SyncReply::Refused);
    CHECK(SupabaseTarget::classify(429, {}, "7", {}).retryAfterSecs == 7);
    CHECK(SupabaseTarget::classify(0, {}, {}, QStringLiteral("Connection refused")).outcome ==
          SyncReply::Retry);
}

TEST_CASE("PostgresAddress: URLs with host and port or a socket directory", "[sync][postgres]")
{
    const auto tcp = PostgresAddress::fromUrl(
        QStringLiteral("postgresql://app:s3cr%40t@db.example:6543/events?sslmode=require"));
    REQUIRE(tcp.ok());
    CHECK(tcp->host == QLatin1String("db.example"));
    CHECK(tcp->port == 6543);
    CHECK(tcp->database == QLatin1String("events"));
    CHECK(tcp->user == QLatin1String("app"));
    CHECK(tcp->password == QLatin1String("s3cr@t"));
    CHECK(tcp->options == QLatin1String("sslmode=require"));
    CHECK_FALSE(tcp->describe().contains(QLatin1String("s3cr")));
    const auto socket = PostgresAddress::fromUrl(
        QStringLiteral("postgresql://postgres@/exeserver?host=/tmp/pg-sock&port=5499"));
    REQUIRE(socket.ok());
    CHECK(socket->host == QLatin1String("/tmp/pg-sock"));
    CHECK(socket->port == 5499);
    CHECK_FALSE(PostgresAddress::fromUrl(QStringLiteral("mysql://x/y")).ok());
}
