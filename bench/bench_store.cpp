// Event store and sync benchmark: ingest of real webhook payloads, database size per million events,
// newest-100 filtered queries over a million rows, sync throughput to PostgreSQL.
//
// Payloads: the npm package @octokit/webhooks-examples (set EXESERVER_WEBHOOK_EXAMPLES to its
// api.github.com/index.json, or `npm ci` in tests/contract, as scripts/test does); without it,
// generated payloads of similar shape. Each event gets its own id, and owner/repository names are varied
// (20 owners x 50 repositories) so compression cannot lean on one repeated name.
// PostgreSQL: EXESERVER_TEST_PG_URL (scripts/test.d/20-postgres.sh starts one).
#include "events/eventnormalizer.h"
#include "events/storeeventsink.h"
#include "store/eventstore.h"
#include "store/fulltextindexer.h"
#include "store/payloadcodec.h"
#include "store/payloadscan.h"
#include "store/searchtext.h"
#include "sync/postgresqltarget.h"
#include "sync/syncengine.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QThread>
#include <QUuid>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include <zdict.h>
#include <zstd.h>

using namespace exeserver;

namespace {

struct Example
{
    QString type;
    QByteArray payload;
};

double median(QList<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double threadCpuSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + now.tv_nsec / 1e9;
}

double processCpuSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return double(now.tv_sec) + now.tv_nsec / 1e9;
}

void say(const QString &line)
{
    std::printf("%s\n", line.toUtf8().constData());
    std::fflush(stdout);
}

// GitHub sends keys in its own order, and that is what the store compresses; QJsonDocument would sort
// them. So the examples are cut out of the index text itself: whitespace outside strings dropped...
QByteArray compactJson(const QByteArray &json)
{
    QByteArray out;
    out.reserve(json.size());
    bool inString = false;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json.at(i);
        if (inString) {
            out.append(c);
            if (c == '\\' && i + 1 < json.size())
                out.append(json.at(++i));
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
            out.append(c);
        } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            out.append(c);
        }
    }
    return out;
}

// ...and each element of the "examples" array that follows `"name":"<event>"` taken as it stands.
// `from` walks the groups in order, so a payload that happens to contain `"name":"push"` is never taken
// for a group header.
QList<QByteArray> rawExamples(const QByteArray &compactIndex, const QString &event, qsizetype *from)
{
    QList<QByteArray> examples;
    const qsizetype named = compactIndex.indexOf("\"name\":\"" + event.toUtf8() + "\"", *from);
    const qsizetype array = compactIndex.indexOf("\"examples\":[", named);
    if (named < 0 || array < 0)
        return examples;
    int depth = 0;
    bool inString = false;
    qsizetype start = -1;
    for (qsizetype i = array + 12; i < compactIndex.size(); ++i) {
        const char c = compactIndex.at(i);
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            if (depth++ == 0)
                start = i;
        } else if (c == '}' || c == ']') {
            if (depth == 0) {
                *from = i; // the end of the examples array
                break;
            }
            if (--depth == 0)
                examples.append(compactIndex.mid(start, i - start + 1));
        }
    }
    return examples;
}

QList<Example> loadExamples(QString *origin)
{
    QStringList candidates{
        qEnvironmentVariable("EXESERVER_WEBHOOK_EXAMPLES"),
        QStringLiteral(EXESERVER_SOURCE_DIR
                       "/tests/contract/node_modules/@octokit/webhooks-examples/api.github.com/index.json")};
    for (const QString &path : candidates) {
        QFile file(path);
        if (path.isEmpty() || !file.open(QIODevice::ReadOnly))
            continue;
        QList<Example> examples;
        const QByteArray index = compactJson(file.readAll());
        qsizetype from = 0;
        for (const QJsonValue &group : QJsonDocument::fromJson(index).array()) {
            const QString name = group.toObject().value(QStringLiteral("name")).toString();
            const QList<QByteArray> raw = rawExamples(index, name, &from);
            for (const QByteArray &example : raw)
                examples.append({name, example});
        }
        if (!examples.isEmpty()) {
            *origin = QStringLiteral("@octokit/webhooks-examples (%1 payloads)").arg(examples.size());
            return examples;
        }
    }
    // Fallback: payloads shaped like GitHub's (repository and sender objects with their URL templates).
    QList<Example> examples;
    for (int n = 0; n < 200; ++n) {
        QJsonObject repo{{QStringLiteral("id"), 1000 + n},
                         {QStringLiteral("full_name"), QStringLiteral("Codertocat/Hello-World")},
                         {QStringLiteral("name"), QStringLiteral("Hello-World")}};
        for (const char *key :
             {"forks",       "keys",       "collaborators", "teams",      "hooks",         "issue_events",
              "events",      "assignees",  "branches",      "tags",       "blobs",         "git_tags",
              "git_refs",    "trees",      "statuses",      "languages",  "stargazers",    "contributors",
              "subscribers", "commits",    "contents",      "compare",    "merges",        "archive",
              "downloads",   "issues",     "pulls",         "milestones", "notifications", "labels",
              "releases",    "deployments"})
            repo.insert(QLatin1String(key) + QStringLiteral("_url"),
                        QStringLiteral("https://api.github.com/repos/Codertocat/Hello-World/%1")
                            .arg(QLatin1String(key)));
        const QJsonObject payload{
            {QStringLiteral("action"), n % 2 ? QStringLiteral("opened") : QStringLiteral("completed")},
            {QStringLiteral("number"), n},
            {QStringLiteral("pull_request"),
             QJsonObject{{QStringLiteral("title"), QStringLiteral("Fix flaky test %1").arg(n)},
                         {QStringLiteral("body"),
                          QStringLiteral("This changes %1 lines in module %2").arg(n * 7).arg(n % 13)},
                         {QStringLiteral("updated_at"),
                          QStringLiteral("2025-06-01T10:%1:00Z").arg(n % 60, 2, 10, QLatin1Char('0'))}}},
            {QStringLiteral("repository"), repo},
            {QStringLiteral("sender"),
             QJsonObject{{QStringLiteral("login"), QStringLiteral("Codertocat")},
                         {QStringLiteral("avatar_url"),
                          QStringLiteral("https://avatars.githubusercontent.com/u/21031067?v=4")}}}};
        examples.append({n % 2 ? QStringLiteral("pull_request") : QStringLiteral("workflow_run"),
                         QJsonDocument(payload).toJson(QJsonDocument::Compact)});
    }
    *origin = QStringLiteral("generated (%1 payloads; npm @octokit/webhooks-examples not found)")
                  .arg(examples.size());
    return examples;
}

// Variants with other owner and repository names, built once so the timed loop only stores.
QList<Event> makeVariants(const QList<Example> &examples, int count)
{
    QList<Event> variants;
    const QDateTime received = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < count; ++i) {
        const Example &example = examples[i % examples.size()];
        QByteArray payload = example.payload;
        payload.replace("Codertocat", QStringLiteral("owner%1").arg(i % 20).toUtf8());
        payload.replace("Hello-World", QStringLiteral("project-%1").arg(i % 50).toUtf8());
        const Result<NormalizedEvent> event =
            EventNormalizer::fromWebhook(example.type, QString(), payload, received);
        if (event)
            variants.append(toEvent(*event));
    }
    return variants;
}

qint64 fileSize(const QString &path)
{
    return QFileInfo(path).size() + QFileInfo(path + QStringLiteral("-wal")).size();
}

} // namespace

// The committed dictionary was trained on these same examples, so the sizes above flatter it. This trains
// a dictionary the same way on half of them and compresses the other half: what an unseen payload gets.
// zstd's fast (negative) levels with the committed dictionary: the codec's cost against its size.
void reportZstdLevels(const QList<Event> &variants)
{
    QFile file(QStringLiteral(EXESERVER_SOURCE_DIR "/core/store/payloaddictionary-v2.zstd"));
    if (!file.open(QIODevice::ReadOnly))
        return;
    const QByteArray dictionary = file.readAll();
    QStringList results;
    for (const int level : {1, -1, -3, -5, -7}) {
        ZSTD_CDict *cdict = ZSTD_createCDict(dictionary.constData(), size_t(dictionary.size()), level);
        ZSTD_CCtx *context = ZSTD_createCCtx();
        ZSTD_CCtx_refCDict(context, cdict);
        ZSTD_CCtx_setParameter(context, ZSTD_c_dictIDFlag, 0);
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 0);
        QByteArray out(1 << 20, Qt::Uninitialized);
        qsizetype bytes = 0;
        QList<double> rounds;
        for (int round = 0; round < 3; ++round) {
            bytes = 0;
            QElapsedTimer timer;
            timer.start();
            for (const Event &event : variants) {
                const size_t n = ZSTD_compress2(context, out.data(), size_t(out.size()),
                                                event.payload.constData(), size_t(event.payload.size()));
                bytes += ZSTD_isError(n) ? event.payload.size() : qsizetype(n);
            }
            rounds.append(timer.nsecsElapsed() / 1e3 / variants.size());
        }
        ZSTD_freeCCtx(context);
        ZSTD_freeCDict(cdict);
        results.append(QStringLiteral("level %1: %2 us, %3 bytes")
                           .arg(level)
                           .arg(median(rounds), 0, 'f', 1)
                           .arg(bytes / variants.size()));
    }
    say(QStringLiteral("zstd with the dictionary, per payload: ") + results.join(QStringLiteral("; ")));
}

void reportHeldOutDictionary(const QList<Example> &examples)
{
    QByteArray samples;
    std::vector<size_t> sizes;
    QList<QByteArray> heldOut;
    for (qsizetype i = 0; i < examples.size(); ++i) {
        if (i % 2 == 0) {
            samples += examples[i].payload;
            sizes.push_back(size_t(examples[i].payload.size()));
        } else {
            heldOut.append(examples[i].payload);
        }
    }
    QByteArray dictionary(32768, Qt::Uninitialized);
    const size_t trained = ZDICT_trainFromBuffer(dictionary.data(), size_t(dictionary.size()),
                                                 samples.constData(), sizes.data(), unsigned(sizes.size()));
    if (ZDICT_isError(trained) || heldOut.isEmpty())
        return;
    ZSTD_CCtx *context = ZSTD_createCCtx();
    qsizetype raw = 0, zstdBytes = 0, deflateBytes = 0;
    for (const QByteArray &payload : std::as_const(heldOut)) {
        QByteArray out(qsizetype(ZSTD_compressBound(size_t(payload.size()))), Qt::Uninitialized);
        const size_t n = ZSTD_compress_usingDict(context, out.data(), size_t(out.size()), payload.constData(),
                                                 size_t(payload.size()), dictionary.constData(), trained, 1);
        raw += payload.size();
        zstdBytes += ZSTD_isError(n) ? payload.size() : qsizetype(n);
        deflateBytes += PayloadCodec::encode(payload, PayloadCodec::DeflateDictV1).size();
    }
    ZSTD_freeCCtx(context);
    say(QStringLiteral("held-out half (%1 payloads, dictionary trained on the other half): zstd %2x, "
                       "deflate + preset dictionary %3x")
            .arg(heldOut.size())
            .arg(double(raw) / zstdBytes, 0, 'f', 1)
            .arg(double(raw) / deflateBytes, 0, 'f', 1));
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int ingestCount = qEnvironmentVariableIntValue("EXESERVER_BENCH_INGEST") > 0
                                ? qEnvironmentVariableIntValue("EXESERVER_BENCH_INGEST")
                                : 200000;
    constexpr int kBatch = 1000;
    constexpr qint64 kMillion = 1000000;

    QString origin;
    const QList<Example> examples = loadExamples(&origin);
    qint64 rawBytes = 0;
    for (const Example &example : examples)
        rawBytes += example.payload.size();
    const QList<Event> variants = makeVariants(examples, 4000);

    QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/exeserver-bench-XXXXXX"));
    // EXESERVER_BENCH_KEEP=1 keeps the million-row database for experiments with the sqlite3 shell.
    dir.setAutoRemove(!qEnvironmentVariableIsSet("EXESERVER_BENCH_KEEP"));
    if (!dir.autoRemove())
        say(QStringLiteral("keeping %1").arg(dir.path()));
    const QString path = QDir(dir.path()).filePath(QStringLiteral("bench.db"));
    EventStore store;
    EventStore::Options storeOptions;
    // EXESERVER_BENCH_QT_BINDINGS=1: the ingest binds through QSqlQuery (the fallback) instead of the C API.
    storeOptions.sqliteCApi = !qEnvironmentVariableIsSet("EXESERVER_BENCH_QT_BINDINGS");
    // EXESERVER_BENCH_INLINE_CHECKPOINTS=1: SQLite's automatic checkpoints in the writing thread, as before.
    if (qEnvironmentVariableIsSet("EXESERVER_BENCH_INLINE_CHECKPOINTS"))
        storeOptions.walCheckpointPages = 0;
    if (!store.open(path, storeOptions).ok())
        return 1;
    {
        QSqlQuery version(store.database());
        version.exec(QStringLiteral("SELECT sqlite_version()"));
        version.next();
        say(QStringLiteral("machine: %1, %2 cores; Qt %3; SQLite %4; FTS5 %5")
                .arg(QSysInfo::prettyProductName())
                .arg(QThread::idealThreadCount())
                .arg(QString::fromLatin1(qVersion()), version.value(0).toString(),
                     store.hasFullTextSearch() ? QStringLiteral("yes") : QStringLiteral("no")));
    }
    for (const QString &drop : qEnvironmentVariable("EXESERVER_BENCH_DROP").split(u',', Qt::SkipEmptyParts))
        QSqlQuery(store.database()).exec(drop);
    say(QStringLiteral("payloads: %1, mean %2 bytes of JSON").arg(origin).arg(rawBytes / examples.size()));

    // 0. Where an event's time goes before SQLite: parse (for validation and search text), search text,
    // compression.
    if (!qEnvironmentVariableIsSet("EXESERVER_BENCH_INGEST_ONLY")) {
        QElapsedTimer timer;
        timer.start();
        QList<QJsonDocument> documents;
        for (const Event &event : variants)
            documents.append(QJsonDocument::fromJson(event.payload));
        const double parseUs = timer.nsecsElapsed() / 1e3 / variants.size();
        timer.restart();
        qsizetype chars = 0;
        for (const QJsonDocument &document : std::as_const(documents))
            chars += searchTextOf(document.object()).size();
        const double searchUs = timer.nsecsElapsed() / 1e3 / variants.size();
        timer.restart();
        qsizetype bytes = 0;
        for (const Event &event : variants)
            bytes += PayloadCodec::encode(event.payload).size();
        const double encodeUs = timer.nsecsElapsed() / 1e3 / variants.size();
        timer.restart();
        qsizetype scanned = 0;
        for (const Event &event : variants)
            scanned += scanPayload(event.payload).searchText.size();
        const double scanUs = timer.nsecsElapsed() / 1e3 / variants.size();
        say(QStringLiteral("per event before SQLite: JSON parse %1 us, search text %2 us, compress %3 us "
                           "(%4 bytes/payload); one-pass scan (validation + search text) %5 us")
                .arg(parseUs, 0, 'f', 1)
                .arg(searchUs, 0, 'f', 1)
                .arg(encodeUs, 0, 'f', 1)
                .arg(bytes / variants.size())
                .arg(scanUs, 0, 'f', 1));
        Q_UNUSED(scanned);
        Q_UNUSED(chars);
        timer.restart();
        qsizetype deflateBytes = 0;
        for (const Event &event : variants)
            deflateBytes += PayloadCodec::encode(event.payload, PayloadCodec::DeflateDictV1).size();
        const double deflateUs = timer.nsecsElapsed() / 1e3 / variants.size();
        say(QStringLiteral("codec 1 (deflate 6 + preset dictionary): %1 us, %2 bytes/payload; "
                           "codec 2 (zstd 1 + trained dictionary): %3 us, %4 bytes/payload")
                .arg(deflateUs, 0, 'f', 1)
                .arg(deflateBytes / variants.size())
                .arg(encodeUs, 0, 'f', 1)
                .arg(bytes / variants.size()));
        reportHeldOutDictionary(examples);
        reportZstdLevels(variants);
    }
    const bool syncOnly = qEnvironmentVariableIsSet("EXESERVER_BENCH_SYNC_ONLY");
    if (!syncOnly) {
        // 1. Ingest in batches of 1000 (one transaction each), every event with a new id.
        QList<double> rates;
        const int copies = int(kMillion / ingestCount);
        const QDateTime firstOccurred =
            QDateTime::currentDateTimeUtc().addSecs(-qint64(ingestCount) * copies);
        QElapsedTimer total;
        total.start();
        double writerCpu = 0; // the thread that runs the SQLite transaction
        // The first 10,000 events: a burst that the full-text index may trail (schema 6); beyond it
        // addEvents indexes the excess itself.
        constexpr int kBurst = 10000;
        double burstWriterUs = -1;
        double burstAllUs = -1;
        const double processCpuBefore = processCpuSeconds();
        // EXESERVER_BENCH_BATCH_TIMES=1 prints every batch: where the overall rate loses to the median.
        const bool batchTimes = qEnvironmentVariableIsSet("EXESERVER_BENCH_BATCH_TIMES");
        double storeSeconds = 0; // inside addEvents; the rest of the loop builds the batches
        QList<double> batchSeconds;
        for (int done = 0; done < ingestCount; done += kBatch) {
            QList<Event> batch;
            batch.reserve(kBatch);
            for (int i = 0; i < kBatch; ++i) {
                Event event = variants[(done + i) % variants.size()];
                event.id = QStringLiteral("bench-%1").arg(done + i);
                // Every stored event is a distinct GitHub event: a variant reused after 4,000 keeps its
                // kind of dedupe key (and its cost, event_keys) but not its value.
                if (!event.dedupeKey.isEmpty())
                    event.dedupeKey += QStringLiteral(":%1").arg(done + i);
                // Occurred times follow arrival, as for a server receiving webhooks live.
                event.occurredAt = firstOccurred.addSecs(done + i);
                batch.append(std::move(event));
            }
            const qint64 waitingBefore = batchTimes ? *store.unindexedEvents() : 0;
            const int inlineBefore = store.inlineCheckpoints();
            const int backgroundBefore = store.backgroundCheckpoints();
            const double batchProcessCpuBefore = processCpuSeconds();
            QElapsedTimer timer;
            timer.start();
            const double threadCpuBefore = threadCpuSeconds();
            const Result<int> added = store.addEvents(batch);
            const double batchWriterCpu = threadCpuSeconds() - threadCpuBefore;
            writerCpu += batchWriterCpu;
            const double seconds = timer.nsecsElapsed() / 1e9;
            storeSeconds += seconds;
            batchSeconds.append(seconds);
            if (batchTimes)
                say(QStringLiteral("  batch %1: %2 ms wall, %3 ms writer CPU, %4 ms all CPU; full-text "
                                   "waiting %5 -> %6; checkpoints inline +%7, background +%8")
                        .arg(done / kBatch)
                        .arg(seconds * 1e3, 0, 'f', 1)
                        .arg(batchWriterCpu * 1e3, 0, 'f', 1)
                        .arg((processCpuSeconds() - batchProcessCpuBefore) * 1e3, 0, 'f', 1)
                        .arg(waitingBefore)
                        .arg(*store.unindexedEvents())
                        .arg(store.inlineCheckpoints() - inlineBefore)
                        .arg(store.backgroundCheckpoints() - backgroundBefore));
            if (!added || *added != kBatch) {
                say(QStringLiteral("ingest failed: %1")
                        .arg(added ? QStringLiteral("duplicates") : added.error().message));
                return 1;
            }
            rates.append(kBatch / seconds);
            if (done + kBatch == kBurst) {
                burstWriterUs = writerCpu * 1e6 / kBurst;
                burstAllUs = (processCpuSeconds() - processCpuBefore) * 1e6 / kBurst;
            }
        }
        const double wall = total.nsecsElapsed() / 1e9;
        const double processCpu = processCpuSeconds() - processCpuBefore;
        {
            // Overall vs median: how much the batches slower than the median cost, and how much time
            // the loop spent outside addEvents (building the batches: the bench's own producer).
            const double medianSeconds = median(batchSeconds);
            double aboveMedian = 0;
            int slow = 0;
            for (const double seconds : batchSeconds) {
                aboveMedian += std::max(0.0, seconds - medianSeconds);
                if (seconds > 1.25 * medianSeconds)
                    ++slow;
            }
            say(QStringLiteral("ingest wall: %1 s in addEvents (%2 events/s), %3 s building batches; %4 "
                               "batches > 1.25x the median, %5 s above the median in all")
                    .arg(storeSeconds, 0, 'f', 3)
                    .arg(qRound(ingestCount / storeSeconds))
                    .arg(wall - storeSeconds, 0, 'f', 3)
                    .arg(slow)
                    .arg(aboveMedian, 0, 'f', 3));
        }
        // CPU time is what a loaded machine cannot distort much: the writer thread's share is serial, the
        // rest (scan, compression) spreads over the cores.
        const double writerUs = writerCpu * 1e6 / ingestCount;
        const double allUs = processCpu * 1e6 / ingestCount;
        const int cores = QThread::idealThreadCount();
        say(QStringLiteral("ingest CPU per event: %1 us all threads, %2 us on the writer thread -> "
                           "%3 events/s on %4 idle cores")
                .arg(allUs, 0, 'f', 1)
                .arg(writerUs, 0, 'f', 1)
                .arg(1e6 / std::max(writerUs, allUs / cores), 0, 'f', 0)
                .arg(cores));
        if (burstWriterUs >= 0)
            say(QStringLiteral("  first %1 events (a burst): %2 us all threads, %3 us writer -> %4 events/s")
                    .arg(kBurst)
                    .arg(burstAllUs, 0, 'f', 1)
                    .arg(burstWriterUs, 0, 'f', 1)
                    .arg(1e6 / std::max(burstWriterUs, burstAllUs / cores), 0, 'f', 0));
        {
            // What the full-text index still owes after the ingest (FullTextIndexer's work in idle
            // turns), so the sustained rate below counts it.
            const qint64 waiting = *store.unindexedEvents();
            const double cpuBefore = threadCpuSeconds();
            QElapsedTimer timer;
            timer.start();
            qint64 indexed = 0;
            while (true) {
                const Result<int> n = store.indexFullText(FullTextIndexer::kChunk);
                if (!n || *n == 0)
                    break;
                indexed += *n;
            }
            const double cpu = threadCpuSeconds() - cpuBefore;
            const double sustainedWriterUs = writerUs + cpu * 1e6 / ingestCount;
            const double sustainedAllUs = allUs + cpu * 1e6 / ingestCount;
            say(QStringLiteral(
                    "full-text catch-up: %1 events waited, %2 us CPU and %3 us wall each; sustained "
                    "(ingest + catch-up) %4 us all threads, %5 us writer -> %6 events/s on %7 idle "
                    "cores")
                    .arg(waiting)
                    .arg(indexed ? cpu * 1e6 / indexed : 0.0, 0, 'f', 1)
                    .arg(indexed ? timer.nsecsElapsed() / 1e3 / indexed : 0.0, 0, 'f', 1)
                    .arg(sustainedAllUs, 0, 'f', 1)
                    .arg(sustainedWriterUs, 0, 'f', 1)
                    .arg(1e6 / std::max(sustainedWriterUs, sustainedAllUs / cores), 0, 'f', 0)
                    .arg(cores));
        }
        // TRUNCATE answers busy (first column 1) while the store's checkpoint thread is still copying; the
        // size below must not count a WAL that is only waiting for it.
        for (int attempt = 0; attempt < 100; ++attempt) {
            QSqlQuery truncate(store.database());
            if (truncate.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")) && truncate.next() &&
                truncate.value(0).toInt() == 0)
                break;
            QThread::msleep(10);
        }
        const qint64 size = fileSize(path);
        say(QStringLiteral(
                "ingest: %1 events in batches of %2: median %3 events/s per batch, %4 events/s overall")
                .arg(ingestCount)
                .arg(kBatch)
                .arg(qRound(median(rates)))
                .arg(qRound(ingestCount / wall)));
        say(QStringLiteral("size: %1 MB for %2 events = %3 bytes/event -> %4 GB per 1M events (goal <= 1.5)")
                .arg(size / 1e6, 0, 'f', 1)
                .arg(ingestCount)
                .arg(size / ingestCount)
                .arg(double(size) / ingestCount * kMillion / 1e9, 0, 'f', 2));
        {
            QSqlQuery parts(store.database());
            if (parts.exec(
                    QStringLiteral("SELECT avg(length(payload)), avg(length(search_text)) FROM events")) &&
                parts.next())
                say(QStringLiteral("  of which: payload blob %1 bytes/event, search text %2 chars/event")
                        .arg(qRound(parts.value(0).toDouble()))
                        .arg(qRound(parts.value(1).toDouble())));
        }

        {
            QSqlQuery parts(store.database());
            if (parts.exec(QStringLiteral(
                    "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY sum(pgsize) DESC"))) {
                QStringList sizes;
                while (parts.next())
                    sizes.append(QStringLiteral("%1 %2")
                                     .arg(parts.value(0).toString())
                                     .arg(qRound(parts.value(1).toDouble() / ingestCount)));
                say(QStringLiteral("  bytes/event by table and index: ") + sizes.join(QStringLiteral(", ")));
            }
        }

        // EXESERVER_BENCH_INGEST_ONLY=1 stops here: repeated ingest measurements without the 1M-row part.
        if (qEnvironmentVariableIsSet("EXESERVER_BENCH_INGEST_ONLY"))
            return 0;

        // 2. Grow to a million rows by copying the ingested rows with new ids and times (same payload blobs),
        // then time the views' queries.
        QElapsedTimer grow;
        grow.start();
        for (int copy = 1; qint64(ingestCount) * (copy + 1) <= kMillion; ++copy) {
            QSqlQuery copyQuery(store.database());
            copyQuery.exec(QStringLiteral("BEGIN"));
            if (!copyQuery.exec(
                    QStringLiteral(
                        "INSERT INTO events (id, type, action, repository, sender, source, occurred_at, "
                        "received_at, "
                        "payload, search_text) SELECT id || '-c%1', type, action, repository, sender, "
                        "source, "
                        "occurred_at + %1 * %2, received_at, payload, search_text FROM events WHERE id "
                        "NOT "
                        "LIKE '%-c%'")
                        .arg(copy)
                        .arg(qint64(ingestCount) * 1000))) {
                say(QStringLiteral("grow failed: %1").arg(copyQuery.lastError().text()));
                return 1;
            }
            copyQuery.exec(QStringLiteral("COMMIT"));
        }
        {
            // The copies went in without the full-text index (schema 6): index them as the idle
            // indexer would, before timing searches.
            QElapsedTimer timer;
            timer.start();
            qint64 indexed = 0;
            while (true) {
                const Result<int> n = store.indexFullText(FullTextIndexer::kChunk);
                if (!n || *n == 0)
                    break;
                indexed += *n;
            }
            if (indexed > 0)
                say(QStringLiteral("indexed the %1 copies' text in %2 s (%3 us each)")
                        .arg(indexed)
                        .arg(timer.elapsed() / 1000.0, 0, 'f', 1)
                        .arg(timer.nsecsElapsed() / 1e3 / indexed, 0, 'f', 1));
        }
        QSqlQuery(store.database()).exec(QStringLiteral("ANALYZE"));
        const qint64 rows = *store.eventCount();
        say(QStringLiteral("grown to %1 rows in %2 s; file %3 MB")
                .arg(rows)
                .arg(grow.elapsed() / 1000.0, 0, 'f', 1)
                .arg(fileSize(path) / 1e6, 0, 'f', 0));

        struct Case
        {
            const char *name;
            EventQuery query;
        };
        QList<Case> cases;
        cases.append(Case{"newest 100, no filter", EventQuery{}});
        EventQuery byType;
        byType.type = QStringLiteral("workflow_run");
        cases.append(Case{"type=workflow_run", byType});
        EventQuery byRepo;
        byRepo.repository = QStringLiteral("owner3/project-3");
        cases.append(Case{"repository", byRepo});
        EventQuery byTypeAction;
        byTypeAction.type = QStringLiteral("pull_request");
        byTypeAction.action = QStringLiteral("closed");
        cases.append(Case{"type+action", byTypeAction});
        EventQuery bySender;
        bySender.sender = QStringLiteral("owner7");
        cases.append(Case{"sender", bySender});
        EventQuery byTime;
        byTime.type = QStringLiteral("push");
        byTime.since = QDateTime::currentDateTimeUtc().addDays(-30);
        cases.append(Case{"type+since", byTime});
        EventQuery byText;
        byText.text = QStringLiteral("project-7");
        cases.append(Case{"text search (FTS5)", byText});
        EventQuery withPayload;
        withPayload.includePayload = true;
        cases.append(Case{"newest 100 with payloads", withPayload});
        for (Case &c : cases) {
            c.query.limit = 100;
            QList<double> times;
            int found = 0;
            for (int run = 0; run < 15; ++run) {
                QElapsedTimer timer;
                timer.start();
                const Result<EventPage> page = store.events(c.query);
                times.append(timer.nsecsElapsed() / 1e6);
                found = page ? int(page->events.size()) : -1;
            }
            say(QStringLiteral("query over %1 rows, %2: median %3 ms (%4 rows)")
                    .arg(rows)
                    .arg(QLatin1String(c.name))
                    .arg(median(times), 0, 'f', 2)
                    .arg(found));
        }
        {
            // Deep paging: the 50th page costs what the first does.
            EventQuery paging;
            paging.limit = 100;
            for (int page = 0; page < 49; ++page)
                paging.after = store.events(paging)->next;
            QList<double> times;
            for (int run = 0; run < 15; ++run) {
                QElapsedTimer timer;
                timer.start();
                (void)store.events(paging);
                times.append(timer.nsecsElapsed() / 1e6);
            }
            say(QStringLiteral("query, page 50 by keyset cursor: median %1 ms")
                    .arg(median(times), 0, 'f', 2));
        }
        {
            // Worst cases for the text search's early stop: arrival order opposite to time order (an
            // imported history), so no window of newest matches can be proven complete; then times
            // shuffled over every arrival (a pseudo-random permutation), so no seq range is narrow either.
            const auto timeText = [&](const char *order, const QString &type) {
                EventQuery byText;
                byText.text = QStringLiteral("project-7");
                byText.type = type;
                byText.limit = 100;
                QList<double> times;
                int found = 0;
                for (int run = 0; run < 15; ++run) {
                    QElapsedTimer timer;
                    timer.start();
                    const Result<EventPage> page = store.events(byText);
                    times.append(timer.nsecsElapsed() / 1e6);
                    found = page ? int(page->events.size()) : -1;
                }
                say(QStringLiteral("query, text search%1 with arrival order %2: median %3 ms (%4 rows)")
                        .arg(type.isEmpty() ? QString() : QStringLiteral(" + type=") + type,
                             QLatin1String(order))
                        .arg(median(times), 0, 'f', 2)
                        .arg(found));
            };
            QSqlQuery(store.database()).exec(QStringLiteral("UPDATE events SET occurred_at = -occurred_at"));
            timeText("opposite to time order", {});
            timeText("opposite to time order", QStringLiteral("pull_request"));
            QSqlQuery(store.database())
                .exec(QStringLiteral("UPDATE events SET occurred_at = (seq * 48271) % 1000003"));
            timeText("shuffled against time order", {});
            timeText("shuffled against time order", QStringLiteral("pull_request"));
        }
    }
    store.close();

    // 3. Sync throughput to a real PostgreSQL.
    const QString pgUrl = qEnvironmentVariable("EXESERVER_TEST_PG_URL");
    if (pgUrl.isEmpty()) {
        say(QStringLiteral("sync: skipped (EXESERVER_TEST_PG_URL not set)"));
        return 0;
    }
    Result<PostgresAddress> address = PostgresAddress::fromUrl(pgUrl);
    if (!address)
        return 1;
    const QString database =
        QStringLiteral("exeserver_bench_") + QUuid::createUuid().toString(QUuid::Id128).left(8);
    {
        QSqlDatabase admin =
            QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("bench-admin"));
        admin.setHostName(address->host);
        admin.setPort(address->port);
        admin.setUserName(address->user);
        admin.setDatabaseName(address->database);
        if (!admin.open() || !QSqlQuery(admin).exec(QStringLiteral("CREATE DATABASE ") + database))
            return 1;
        admin.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("bench-admin"));
    address.value().database = database;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("bench-schema"));
        db.setHostName(address->host);
        db.setPort(address->port);
        db.setUserName(address->user);
        db.setDatabaseName(database);
        QFile schema(QStringLiteral(EXESERVER_SOURCE_DIR "/packaging/supabase/schema.sql"));
        if (!db.open() || !schema.open(QIODevice::ReadOnly) ||
            !QSqlQuery(db).exec(QString::fromUtf8(schema.readAll())))
            return 1;
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("bench-schema"));

    constexpr int kSyncRows = 20000;
    EventStore source;
    if (!source.open(QDir(dir.path()).filePath(QStringLiteral("sync.db"))).ok())
        return 1;
    for (int done = 0; done < kSyncRows; done += kBatch) {
        QList<Event> batch;
        for (int i = 0; i < kBatch; ++i) {
            Event event = variants[(done + i) % variants.size()];
            event.id = QStringLiteral("sync-%1").arg(done + i);
            batch.append(event);
        }
        source.addEvents(batch);
    }
    PostgresqlTarget target(*address);
    for (const int batchSize : {100, 500}) {
        QSqlQuery(source.database()).exec(QStringLiteral("DELETE FROM outbox"));
        QSqlQuery(source.database())
            .exec(QStringLiteral("DELETE FROM store_state WHERE key = 'sync_enabled'"));
        SyncEngine::Options options;
        options.batchSize = batchSize;
        SyncEngine engine(source, target, SystemClock::instance(), options);
        engine.enable();
        QElapsedTimer timer;
        timer.start();
        SyncRun result;
        bool finished = false;
        engine.drain([&](SyncRun run) {
            result = run;
            finished = true;
        });
        while (!finished)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        const double seconds = timer.nsecsElapsed() / 1e9;
        say(QStringLiteral(
                "sync to PostgreSQL (local socket), batches of %1: %2 events in %3 s = %4 rows/s%5")
                .arg(batchSize)
                .arg(result.stored)
                .arg(seconds, 0, 'f', 2)
                .arg(qRound(result.stored / seconds))
                .arg(result.error.isEmpty() ? QString() : QStringLiteral(" (error: %1)").arg(result.error)));
    }
    return 0;
}
