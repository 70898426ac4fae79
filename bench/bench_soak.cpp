// A simulated day of the host's parts (issue 24): a signed `push` webhook every simulated second through
// the WebhookReceiver, its intake journal and ingest worker into the SQLite store, a trigger firing on each,
// the poller against the fake GitHub, sync to a fake PostgREST and the full-text indexer, all on one
// ManualClock that moves a second per delivery, so a day takes minutes. Samples RSS every simulated five
// minutes and prints each hour's median (with SQLite's page cache and what malloc holds); the goal is growth
// of at most 5 MB from the first hour's median to the last hour's. Medians, because one sample lands wherever
// a sync batch or a checkpoint happens to be, and single samples of the same run differ by 3 MB.
//
//   bench_soak [--hours N] [--examples PATH/TO/webhooks-examples/api.github.com/index.json]
//              [--no-triggers] [--no-poll] [--no-sync] [--cache-mb N] [--glibc-threshold]
//
// The parts are put together here as AutomationHost does, because AutomationHost takes no clock.
#include "events/eventintake.h"
#include "events/journalledstoresink.h"
#include "events/poller.h"
#include "events/storeeventsink.h"
#include "events/webhookreceiver.h"
#include "events/webhooksignature.h"
#include "fakegithubserver.h"
#include "fakepostgrest.h"
#include "github/githubclient.h"
#include "store/eventstore.h"
#include "store/fulltextindexer.h"
#include "store/sqlitestatement.h"
#include "sync/supabasetarget.h"
#include "sync/syncservice.h"
#include "triggers/codefilerunner.h"
#include "triggers/presetstore.h"
#include "triggers/triggerengine.h"
#include "triggers/triggerfile.h"
#include "util/heaptrim.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTimer>

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib> // defines __GLIBC__ with glibc
#include <cstring>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

using namespace exeserver;
using namespace exeserver::test;

namespace {

const QByteArray kSecret = "soak-secret";
const QString kSyncKey = QStringLiteral("soak-key");

// What malloc has handed out and not had back (in use), and what it holds from the system (held): growth of
// the first is something kept; growth of only the second is fragmentation.
struct HeapMb
{
    double inUse = 0;
    double held = 0;
};

HeapMb heapMb()
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
    const struct mallinfo2 info = mallinfo2();
    constexpr double mb = 1024.0 * 1024.0;
    return {double(info.uordblks + info.hblkhd) / mb, double(info.arena + info.hblkhd) / mb};
#else
    return {};
#endif
}

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    const auto middle = values.begin() + values.size() / 2;
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
}

double pageCacheMb(const EventStore &store)
{
    int used = 0, highwater = 0;
    if (sqlite3 *db = SqliteStatement::handleOf(store.database()))
        sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_USED, &used, &highwater, 0);
    return double(used) / (1024.0 * 1024.0);
}

// All that SQLite has allocated, on every connection (the ingest worker's and the indexer's too): page
// caches, schemas, prepared statements. Part of malloc's in-use figure.
double sqliteMb()
{
    sqlite3_int64 used = 0, highwater = 0;
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &used, &highwater, 0);
    return double(used) / (1024.0 * 1024.0);
}

// One simulated hour's samples, each measure read at the same moment.
struct HourSamples
{
    std::vector<double> rss, anonymous, cache, sqlite, heapInUse, heapHeld;

    void take(const EventStore &store)
    {
        rss.push_back(double(residentKb()) / 1024.0);
        anonymous.push_back(double(anonymousResidentKb()) / 1024.0);
        cache.push_back(pageCacheMb(store));
        sqlite.push_back(sqliteMb());
        const HeapMb heap = heapMb();
        heapInUse.push_back(heap.inUse);
        heapHeld.push_back(heap.held);
    }
};

QByteArray pushTemplate(const QString &examplesPath)
{
    QFile file(examplesPath);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s (set --examples or EXESERVER_WEBHOOK_EXAMPLES)", qPrintable(examplesPath));
    for (const QJsonValue &entry : QJsonDocument::fromJson(file.readAll()).array())
        if (entry[QLatin1String("name")].toString() == QLatin1String("push"))
            return QJsonDocument(entry[QLatin1String("examples")].toArray().first().toObject())
                .toJson(QJsonDocument::Compact);
    qFatal("no push example");
}

// A unique `after` per delivery: each is a new push, not a copy.
QByteArray pushBody(const QByteArray &templ, qint64 n)
{
    QByteArray body = templ;
    const QByteArray key = "\"after\":\"";
    const qsizetype at = body.indexOf(key) + key.size();
    body.replace(at, 40, QByteArray::number(n).rightJustified(40, '0'));
    return body;
}

} // namespace

int main(int argc, char *argv[])
{
    // As `exeserver-cli` and the window do; --glibc-threshold leaves glibc's moving mmap threshold on, to
    // compare.
    const bool movingThreshold = std::find_if(argv, argv + argc, [](const char *arg) {
                                     return std::strcmp(arg, "--glibc-threshold") == 0;
                                 }) != argv + argc;
    if (!movingThreshold)
        keepLargeBlocksOutOfHeap();
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("exeserver.*.debug=false\nexeserver.*.info=false"));
    const QStringList args = app.arguments();
    int hours = 24;
    if (const qsizetype at = args.indexOf(QStringLiteral("--hours")); at >= 0)
        hours = std::max(1, args.value(at + 1).toInt());
    QString examples = qEnvironmentVariable("EXESERVER_WEBHOOK_EXAMPLES");
    if (const qsizetype at = args.indexOf(QStringLiteral("--examples")); at >= 0)
        examples = args.value(at + 1);
    const QByteArray templ = pushTemplate(examples);
    // To find what grows: leave one part out.
    const bool withTriggers = !args.contains(QStringLiteral("--no-triggers"));
    const bool withPoller = !args.contains(QStringLiteral("--no-poll"));
    const bool withSync = !args.contains(QStringLiteral("--no-sync"));

    QTemporaryDir dir;
    ManualClock clock;
    QNetworkAccessManager network;

    FakeGitHubServer github;
    github.setClock(&clock);
    if (!github.start())
        qFatal("fake GitHub did not start");
    github.clearData();
    QStringList repos;
    for (int i = 0; i < 5; ++i) {
        const QString repo = QStringLiteral("octocat/soak-%1").arg(i);
        repos.append(repo);
        github.addRepository({.fullName = repo});
        github.addRun({.repo = repo, .workflowId = github.addWorkflow({.repo = repo})});
    }
    MemoryResponseCache cache;
    GitHubClient::Options clientOptions;
    clientOptions.connection.apiUrl = github.baseUrl();
    clientOptions.connection.token = QString::fromLatin1(FakeGitHubServer::DefaultToken);
    clientOptions.connection.network = &network;
    clientOptions.connection.cache = &cache;
    clientOptions.connection.clock = &clock;
    GitHubClient client(clientOptions);

    // The cache `exeserver-cli serve` uses unless --cache-mb asks for another (the cache is most growth).
    EventStore::Options storeOptions;
    storeOptions.cacheSizeKb = EventStore::kServeCacheKb;
    if (const qsizetype at = args.indexOf(QStringLiteral("--cache-mb")); at >= 0)
        storeOptions.cacheSizeKb = args.value(at + 1).toInt() * 1024;
    EventStore store(&clock);
    if (const Status opened = store.open(dir.filePath(QStringLiteral("exeserver.db")), storeOptions); !opened)
        qFatal("%s", qPrintable(opened.error().message));
    const auto triggers = TriggerFile::parse(R"(triggers:
  - name: every push
    event: push
    run: [{notify: {title: "push to {{ event.repository.full_name }}", body: "{{ event.after }}"}}]
)");
    if (!triggers)
        qFatal("%s", qPrintable(triggers.error().message));
    for (const Trigger &trigger : *triggers)
        store.saveTrigger(toStoredTrigger(trigger));

    StoreEventSink sink(store);         // the poller's
    JournalledStoreSink journal(store); // the intake's: answered from the journal, stored by the worker
    if (const Status started = journal.start(); !started)
        qFatal("%s", qPrintable(started.error().message));
    EventIntake intake(journal, clock);
    intake.setSecret(kSecret);
    WebhookReceiver receiver(intake);
    if (!receiver.listen(QHostAddress::LocalHost, 0))
        qFatal("cannot listen");
    CodefileRunner runner;
    PresetStore presets(dir.path());
    qint64 notifications = 0;
    TriggerEngine::Options engineOptions;
    engineOptions.notifier = [&](const TriggerNotification &) { ++notifications; };
    TriggerEngine engine(store, nullptr, runner, presets, &clock, engineOptions);
    if (withTriggers)
        QObject::connect(&intake, &EventIntake::eventAccepted, &engine, [&]() { engine.decidePending(); });
    Poller poller(client, sink, &clock, repos);
    FakePostgrest postgrest(kSyncKey);
    SyncService sync(store, std::make_unique<SupabaseTarget>(network, QUrl(postgrest.url()), kSyncKey),
                     &clock);
    if (const Status started = withSync ? sync.start() : success(); !started)
        qFatal("%s", qPrintable(started.error().message));
    FullTextIndexer indexer(store);
    indexer.start();

    const QUrl url(receiver.baseUrl() + QStringLiteral("/webhook"));
    qint64 failures = 0;
    qint64 synced = 0;
    const auto deliver = [&](qint64 n) {
        const QByteArray body = pushBody(templ, n);
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("X-GitHub-Event", "push");
        request.setRawHeader("X-GitHub-Delivery", "soak-" + QByteArray::number(n));
        request.setRawHeader("X-Hub-Signature-256", WebhookSignature::sign(kSecret, body));
        QNetworkReply *reply = network.post(request, body);
        // An event loop, not QTest::qWaitFor, whose 10 ms naps would make the day last hours.
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(10000, &loop, &QEventLoop::quit);
        if (!reply->isFinished())
            loop.exec();
        if (!reply->isFinished() || reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 202)
            ++failures;
        reply->deleteLater();
    };
    bool polling = false;
    const auto pollIfDue = [&]() {
        const QDateTime next = poller.nextPollAt();
        if (polling || (next.isValid() && next > clock.now()))
            return;
        polling = true;
        poller.pollOnce([&](Status) { polling = false; });
    };

    std::printf("bench_soak: %d simulated hours, a webhook every simulated second, 1 trigger, 5 polled "
                "repositories, sync to a fake PostgREST\n",
                hours);
    std::fflush(stdout);
    std::printf("%5s %9s %9s %8s %9s %10s %12s %10s %11s %9s %8s\n", "hour", "events", "rss_mb", "anon_mb",
                "cache_mb", "sqlite_mb", "heap_used_mb", "heap_held", "notified", "synced", "wall_s");
    QElapsedTimer wall;
    wall.start();
    HourSamples first;
    HourSamples last;
    qint64 n = 0;
    for (int hour = 1; hour <= hours; ++hour) {
        HourSamples samples;
        for (int second = 0; second < 3600; ++second) {
            clock.advance(1000);
            deliver(++n);
            if (second % 60 == 0) {
                if (withPoller)
                    pollIfDue();
                if (withSync)
                    sync.syncNow();
                // The fakes keep every request and row; they share the process, so they forget them here
                // to leave only ExeServer's parts in the RSS.
                QHash<QString, QJsonObject> &rows = postgrest.table(QStringLiteral("exeserver_events"));
                synced += rows.size();
                rows.clear();
                postgrest.table(QStringLiteral("exeserver_actions")).clear();
                postgrest.received.clear();
                github.clearRequests();
            }
            if (second % 300 == 299)
                samples.take(store);
        }
        QCoreApplication::processEvents(QEventLoop::AllEvents, 100);
        std::printf("%5d %9lld %9.1f %8.1f %9.1f %10.1f %12.1f %10.1f %11lld %9lld %8.1f\n", hour,
                    static_cast<long long>(*store.eventCount()), median(samples.rss),
                    median(samples.anonymous), median(samples.cache), median(samples.sqlite),
                    median(samples.heapInUse), median(samples.heapHeld),
                    static_cast<long long>(notifications), static_cast<long long>(synced),
                    double(wall.elapsed()) / 1000.0);
        std::fflush(stdout);
        if (hour == 1)
            first = samples;
        last = std::move(samples);
    }
    std::printf(
        "Medians of the first and the last hour: RSS %.1f -> %.1f MB, growth %.1f MB (anonymous %+.1f MB; "
        "the store's page cache %+.1f MB, all of SQLite %+.1f MB, malloc in use %+.1f MB, held %+.1f MB); "
        "failures %lld\n",
        median(first.rss), median(last.rss), median(last.rss) - median(first.rss),
        median(last.anonymous) - median(first.anonymous), median(last.cache) - median(first.cache),
        median(last.sqlite) - median(first.sqlite), median(last.heapInUse) - median(first.heapInUse),
        median(last.heapHeld) - median(first.heapHeld), static_cast<long long>(failures));
    return failures == 0 ? 0 : 1;
}
