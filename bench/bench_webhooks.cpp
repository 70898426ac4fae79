// Sustained webhook intake on loopback: 4 concurrent senders (one QNetworkAccessManager each, keep-alive,
// one request in flight per sender) POST signed deliveries to a WebhookReceiver running on its own thread.
// Reports events/s and response-time percentiles, with the in-memory sink and with the SQLite event store
// (its default page cache and the smaller one `exeserver-cli serve` uses).
//
//   bench_webhooks [--seconds S] [--senders N] [--payload-bytes B]
#include "events/eventintake.h"
#include "events/memoryeventsink.h"
#include "events/storeeventsink.h"
#include "events/webhookreceiver.h"
#include "events/webhooksignature.h"
#include "store/eventstore.h"
#include "util/clock.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

using namespace exeserver;

namespace {

const QByteArray kSecret = "bench-secret";

// Everything server-side lives on one thread, created and destroyed there (the store's connection and the
// server's sockets belong to the thread that made them).
struct ServerSide
{
    std::unique_ptr<EventStore> store;
    std::unique_ptr<EventSink> sink;
    std::unique_ptr<EventIntake> intake;
    std::unique_ptr<WebhookReceiver> receiver;
};

struct RunResult
{
    qint64 requests = 0;
    qint64 failures = 0;
    double seconds = 0;
    std::vector<double> latenciesMs;
    qint64 stored = 0;
};

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t index = std::min(values.size() - 1, size_t(p / 100.0 * double(values.size())));
    return values[index];
}

QByteArray payload(int sequence, int paddingBytes)
{
    return QByteArray(R"({"action":"opened","issue":{"id":)") + QByteArray::number(sequence) +
           R"(,"number":)" + QByteArray::number(sequence) +
           R"(,"title":"Benchmark issue","updated_at":"2025-11-20T08:15:30Z","body":")" +
           QByteArray(paddingBytes, 'x') +
           R"("},"repository":{"id":1,"full_name":"bench/repo"},"sender":{"login":"bench"}})";
}

// cacheKb: the store's page cache, or 0 for the in-memory sink.
RunResult run(int cacheKb, int senders, int seconds, int paddingBytes)
{
    QThread serverThread;
    QObject anchor;
    anchor.moveToThread(&serverThread);
    serverThread.start();
    QTemporaryDir dir;
    ServerSide server;
    quint16 port = 0;
    QMetaObject::invokeMethod(
        &anchor,
        [&]() {
            if (cacheKb > 0) {
                server.store = std::make_unique<EventStore>();
                EventStore::Options options;
                options.cacheSizeKb = cacheKb;
                const Status opened = server.store->open(dir.filePath(QStringLiteral("bench.db")), options);
                if (!opened)
                    qFatal("cannot open the store: %s", qPrintable(opened.error().message));
                server.sink = std::make_unique<StoreEventSink>(*server.store);
            } else {
                server.sink = std::make_unique<MemoryEventSink>();
            }
            server.intake = std::make_unique<EventIntake>(*server.sink, *SystemClock::instance());
            server.intake->setSecret(kSecret);
            server.receiver = std::make_unique<WebhookReceiver>(*server.intake);
            if (!server.receiver->listen(QHostAddress::LocalHost, 0))
                qFatal("cannot listen");
            port = server.receiver->port();
        },
        Qt::BlockingQueuedConnection);

    const QUrl url(QStringLiteral("http://127.0.0.1:%1/api/v1/github_webhooks").arg(port));
    std::vector<std::unique_ptr<QNetworkAccessManager>> managers;
    RunResult result;
    int sequence = 0;
    QElapsedTimer clock;
    clock.start();
    const qint64 deadline = qint64(seconds) * 1000;
    int inFlight = 0;
    QEventLoop loop;

    std::function<void(QNetworkAccessManager *)> sendNext = [&](QNetworkAccessManager *manager) {
        if (clock.elapsed() >= deadline) {
            if (inFlight == 0)
                loop.quit();
            return;
        }
        const QByteArray body = payload(++sequence, paddingBytes);
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("X-GitHub-Event", "issues");
        request.setRawHeader("X-GitHub-Delivery", "bench-" + QByteArray::number(sequence));
        request.setRawHeader("X-Hub-Signature-256", WebhookSignature::sign(kSecret, body));
        const qint64 started = clock.nsecsElapsed();
        ++inFlight;
        QNetworkReply *reply = manager->post(request, body);
        QObject::connect(reply, &QNetworkReply::finished, manager, [&, reply, manager, started]() {
            --inFlight;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            result.latenciesMs.push_back(double(clock.nsecsElapsed() - started) / 1e6);
            ++result.requests;
            if (status != 202)
                ++result.failures;
            reply->deleteLater();
            sendNext(manager);
        });
    };
    for (int i = 0; i < senders; ++i) {
        managers.push_back(std::make_unique<QNetworkAccessManager>());
        sendNext(managers.back().get());
    }
    loop.exec();
    result.seconds = double(clock.elapsed()) / 1000.0;

    QMetaObject::invokeMethod(
        &anchor,
        [&]() {
            result.stored = server.intake->storedCount();
            server.receiver.reset();
            server.intake.reset();
            server.sink.reset();
            server.store.reset();
        },
        Qt::BlockingQueuedConnection);
    serverThread.quit();
    serverThread.wait();
    return result;
}

void report(const char *label, const RunResult &r)
{
    std::printf("%-16s %8lld requests in %5.2f s  %8.0f events/s  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  "
                "stored %lld  failures %lld\n",
                label, static_cast<long long>(r.requests), r.seconds, double(r.stored) / r.seconds,
                percentile(r.latenciesMs, 50), percentile(r.latenciesMs, 99), percentile(r.latenciesMs, 100),
                static_cast<long long>(r.stored), static_cast<long long>(r.failures));
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // Per-event debug lines would measure the terminal, not the intake.
    QLoggingCategory::setFilterRules(QStringLiteral("exeserver.*.debug=false\nexeserver.*.info=false"));
    QCommandLineParser parser;
    const QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("Run length per sink."),
                                     QStringLiteral("S"), QStringLiteral("10"));
    const QCommandLineOption senders(QStringLiteral("senders"), QStringLiteral("Concurrent senders."),
                                     QStringLiteral("N"), QStringLiteral("4"));
    const QCommandLineOption padding(
        QStringLiteral("payload-bytes"),
        QStringLiteral("Extra bytes in each payload (a typical GitHub payload is "
                       "5-30 KB)."),
        QStringLiteral("B"), QStringLiteral("8000"));
    parser.addOptions({seconds, senders, padding});
    parser.addHelpOption();
    parser.process(app);
    const int s = parser.value(seconds).toInt();
    const int n = parser.value(senders).toInt();
    const int b = parser.value(padding).toInt();
    std::printf("bench_webhooks: %d senders, %d s per run, payload ~%d bytes, Qt %s\n", n, s, b + 200,
                qVersion());
    report("memory sink", run(0, n, s, b));
    report("sqlite store", run(EventStore::Options{}.cacheSizeKb, n, s, b));
    // serve's smaller page cache, in the same run so the two store figures pair.
    report("sqlite 8MB cache", run(EventStore::kServeCacheKb, n, s, b));
    return 0;
}
