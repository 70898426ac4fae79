#include "catch.h"
#include "fakepostgrest.h"
#include "storetestutil.h"

#include "config/settings.h"
#include "store/eventstore.h"
#include "sync/backgroundsynctarget.h"
#include "sync/supabasetarget.h"
#include "sync/syncservice.h"

#include <QDir>
#include <QNetworkAccessManager>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace exeserver;
using exeserver::test::FakePostgrest;
using exeserver::test::sampleEvent;

namespace {

const QString kKey = QStringLiteral("eyJhbGciOiJIUzI1NiJ9.service-anon-key");

QProcessEnvironment environment(const QList<std::pair<QString, QString>> &values)
{
    QProcessEnvironment env;
    for (const auto &[name, value] : values)
        env.insert(name, value);
    return env;
}

// A target that blocks like QPSQL does, and records which threads it was made, used and destroyed on.
struct ThreadLog
{
    std::atomic<QThread *> createdOn{nullptr};
    std::atomic<QThread *> upsertOn{nullptr};
    std::atomic<QThread *> destroyedOn{nullptr};
    QSemaphore proceed;
};

class BlockingTarget final : public SyncTarget
{
public:
    explicit BlockingTarget(ThreadLog &log)
        : m_log(log)
    {
        m_log.createdOn = QThread::currentThread();
    }
    ~BlockingTarget() override { m_log.destroyedOn = QThread::currentThread(); }
    QString describe() const override { return QStringLiteral("blocking"); }
    void upsert(const QString &, const QList<QByteArray> &rows, std::function<void(SyncReply)> done) override
    {
        m_log.upsertOn = QThread::currentThread();
        m_log.proceed.acquire(); // the test decides when the "network" answers
        done({SyncReply::Stored, 201, QStringLiteral("%1 rows").arg(rows.size()), -1});
    }

private:
    ThreadLog &m_log;
};

} // namespace

TEST_CASE("SyncService: keeps the team database in step while it runs", "[sync][service]")
{
    QTemporaryDir dir;
    ManualClock clock;
    EventStore store{&clock};
    REQUIRE(store.open(QDir(dir.path()).filePath(QStringLiteral("exeserver.db"))).ok());
    QList<Event> history;
    for (int n = 0; n < 25; ++n)
        history.append(sampleEvent(n));
    REQUIRE(store.addEvents(history).ok());

    QNetworkAccessManager network;
    FakePostgrest fake{kKey};
    SyncService::Options options;
    options.intervalMs = 50;
    SyncService sync(store, std::make_unique<SupabaseTarget>(network, QUrl(fake.url()), kKey), &clock,
                     options);
    REQUIRE(sync.start().ok());
    const auto events = [&]() { return fake.table(QStringLiteral("exeserver_events")).size(); };
    REQUIRE(QTest::qWaitFor([&]() { return events() == 25; }, 5000));
    CHECK(QTest::qWaitFor([&]() { return sync.status().pending == 0; }, 5000));
    CHECK(sync.summary().startsWith(QLatin1String("Sync: up to date")));

    // New events reach the team database without anyone asking.
    REQUIRE(store.addEvents({sampleEvent(100), sampleEvent(101)}).ok());
    CHECK(QTest::qWaitFor([&]() { return events() == 27; }, 5000));

    // A failing target backs off and says so; the rows wait in the outbox.
    fake.failNext = 3;
    REQUIRE(store.addEvent(sampleEvent(102)).ok());
    sync.syncNow();
    REQUIRE(QTest::qWaitFor([&]() { return sync.status().nextAttemptAt.isValid(); }, 5000));
    CHECK(sync.status().pending == 1);
    CHECK(sync.summary().contains(QLatin1String("1 pending")));
    CHECK(sync.summary().contains(QLatin1String("retry in")));
    CHECK_FALSE(sync.summary().contains(kKey));
}

TEST_CASE("SyncService: the settings choose the target, and a missing setting is named", "[sync][service]")
{
    QNetworkAccessManager network;
    QString problem;
    CHECK_FALSE(SyncService::isConfigured(Settings(environment({}))));
    CHECK(SyncService::targetFrom(Settings(environment({})), network, true, &problem) == nullptr);
    CHECK(problem.contains(QLatin1String("SUPABASE_URL")));

    const Settings supabase(
        environment({{QStringLiteral("SUPABASE_URL"), QStringLiteral("https://x.supabase.co")},
                     {QStringLiteral("SUPABASE_ANON_KEY"), kKey}}));
    CHECK(SyncService::isConfigured(supabase));
    const std::unique_ptr<SyncTarget> rest = SyncService::targetFrom(supabase, network, true, &problem);
    REQUIRE(rest != nullptr);
    CHECK(rest->describe().contains(QLatin1String("x.supabase.co")));
    CHECK_FALSE(rest->describe().contains(kKey));

    const Settings postgres(
        environment({{QStringLiteral("EXESERVER_DATABASE_URL"),
                      QStringLiteral("postgresql://team:s3cret@db.example:6543/ops")},
                     {QStringLiteral("SUPABASE_URL"), QStringLiteral("https://x.supabase.co")},
                     {QStringLiteral("SUPABASE_ANON_KEY"), kKey}}));
    const std::unique_ptr<SyncTarget> pg = SyncService::targetFrom(postgres, network, true, &problem);
    REQUIRE(pg != nullptr);
    CHECK(dynamic_cast<BackgroundSyncTarget *>(pg.get()) !=
          nullptr); // PostgreSQL wins, off the caller's thread
    CHECK(pg->describe().contains(QLatin1String("db.example:6543")));
    CHECK_FALSE(pg->describe().contains(QLatin1String("s3cret")));

    problem.clear();
    const Settings bad(
        environment({{QStringLiteral("EXESERVER_DATABASE_URL"), QStringLiteral("mysql://x")}}));
    CHECK(SyncService::targetFrom(bad, network, true, &problem) == nullptr);
    CHECK_FALSE(problem.isEmpty());
}

TEST_CASE("BackgroundSyncTarget: a blocking target never blocks the caller", "[sync][service]")
{
    ThreadLog log;
    QThread *const caller = QThread::currentThread();
    bool replied = false;
    QThread *repliedOn = nullptr;
    {
        BackgroundSyncTarget target(QStringLiteral("blocking"),
                                    [&log]() { return std::make_unique<BlockingTarget>(log); });
        target.upsert(QStringLiteral("exeserver_events"), {"{}", "{}"}, [&](SyncReply reply) {
            replied = reply.outcome == SyncReply::Stored && reply.message == QLatin1String("2 rows");
            repliedOn = QThread::currentThread();
        });
        // upsert() came back while the target is still blocked inside its own upsert.
        REQUIRE(QTest::qWaitFor([&]() { return log.upsertOn.load() != nullptr; }, 5000));
        CHECK_FALSE(replied);
        log.proceed.release();
        REQUIRE(QTest::qWaitFor([&]() { return replied; }, 5000));
        CHECK(repliedOn == caller);
        CHECK(log.createdOn.load() != caller);
        CHECK(log.upsertOn.load() == log.createdOn.load());
    }
    // The connection is closed on the thread that opened it.
    CHECK(log.destroyedOn.load() == log.createdOn.load());
}
