#include "catch.h"
#include "storetestutil.h"

#include "store/eventstore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>

namespace {

struct CliRun
{
    int exitCode = -1;
    QString out;
    QString err;
};

CliRun runCli(const QString &dataDir, QStringList arguments)
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
    env.insert(QStringLiteral("HOME"), dataDir);
    env.insert(QStringLiteral("EXESERVER_NO_KEYCHAIN"), QStringLiteral("1"));
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(EXESERVER_CLI_PATH),
                  QStringList{QStringLiteral("--data-dir"), dataDir} + arguments);
    REQUIRE(process.waitForStarted());
    process.closeWriteChannel();
    REQUIRE(process.waitForFinished(30000));
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

QString writePayload(const QTemporaryDir &dir, int n)
{
    const QString path = QDir(dir.path()).filePath(QStringLiteral("payload-%1.json").arg(n));
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(exeserver::test::sampleEvent(n).payload);
    return path;
}

} // namespace

TEST_CASE("CLI: events ingest, list and show", "[cli][store]")
{
    QTemporaryDir dir;
    const QString data = dir.path() + QStringLiteral("/data");
    const CliRun first =
        runCli(data, {QStringLiteral("events"), QStringLiteral("ingest"), writePayload(dir, 1),
                      QStringLiteral("--event"), QStringLiteral("pull_request"), QStringLiteral("--delivery"),
                      QStringLiteral("d-1")});
    CHECK(first.exitCode == 0);
    CHECK(first.out.contains(QLatin1String("stored d-1")));
    const CliRun again =
        runCli(data, {QStringLiteral("events"), QStringLiteral("ingest"), writePayload(dir, 1),
                      QStringLiteral("--event"), QStringLiteral("pull_request"), QStringLiteral("--delivery"),
                      QStringLiteral("d-1")});
    CHECK(again.out.contains(QLatin1String("already stored")));
    const CliRun hashed =
        runCli(data, {QStringLiteral("events"), QStringLiteral("ingest"), writePayload(dir, 2),
                      QStringLiteral("--event"), QStringLiteral("issues")});
    CHECK(hashed.exitCode == 0);
    CHECK(hashed.out.contains(QLatin1String("sha256:")));

    const CliRun list =
        runCli(data, {QStringLiteral("events"), QStringLiteral("list"), QStringLiteral("--json")});
    CHECK(list.exitCode == 0);
    const QJsonArray rows = QJsonDocument::fromJson(list.out.toUtf8()).array();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].toObject().value(QStringLiteral("type")).toString() ==
          QLatin1String("issues")); // newest first
    CHECK(rows[1].toObject().value(QStringLiteral("action")).toString() == QLatin1String("opened"));
    CHECK(rows[1].toObject().value(QStringLiteral("repository")).toString() ==
          QLatin1String("acme/service-1"));
    CHECK(rows[1].toObject().value(QStringLiteral("sender")).toString() == QLatin1String("dev1"));

    const CliRun filtered = runCli(data, {QStringLiteral("events"), QStringLiteral("list"),
                                          QStringLiteral("--type"), QStringLiteral("pull_request"),
                                          QStringLiteral("--since"), QStringLiteral("2020-01-01T00:00:00Z"),
                                          QStringLiteral("--limit"), QStringLiteral("5")});
    CHECK(filtered.out.contains(QLatin1String("d-1")));
    CHECK_FALSE(filtered.out.contains(QLatin1String("sha256:")));

    const CliRun show =
        runCli(data, {QStringLiteral("events"), QStringLiteral("show"), QStringLiteral("d-1")});
    CHECK(show.exitCode == 0);
    CHECK(QJsonDocument::fromJson(show.out.toUtf8())
              .object()
              .value(QStringLiteral("payload"))
              .toObject()
              .value(QStringLiteral("number")) == 1);
    CHECK(runCli(data, {QStringLiteral("events"), QStringLiteral("show"), QStringLiteral("nope")}).exitCode ==
          1);
    CHECK(runCli(data, {QStringLiteral("events"), QStringLiteral("ingest"), writePayload(dir, 3)}).exitCode ==
          2);
    CHECK(runCli(data, {QStringLiteral("events"), QStringLiteral("list"), QStringLiteral("--since"),
                        QStringLiteral("yesterday")})
              .exitCode == 2);
}

TEST_CASE("CLI: actions, db backup and prune, sync without configuration", "[cli][store]")
{
    QTemporaryDir dir;
    const QString data = dir.path() + QStringLiteral("/data");
    CHECK(runCli(data, {QStringLiteral("actions"), QStringLiteral("list")})
              .out.contains(QLatin1String("No actions")));
    CHECK(runCli(data, {QStringLiteral("actions"), QStringLiteral("list"), QStringLiteral("--json")})
              .out.trimmed() == QLatin1String("[\n]"));
    CHECK(runCli(data, {QStringLiteral("actions"), QStringLiteral("list"), QStringLiteral("--status"),
                        QStringLiteral("exploded")})
              .exitCode == 2);
    CHECK(runCli(data, {QStringLiteral("actions"), QStringLiteral("show"), QStringLiteral("42")}).exitCode ==
          1);

    runCli(data, {QStringLiteral("events"), QStringLiteral("ingest"), writePayload(dir, 1),
                  QStringLiteral("--event"), QStringLiteral("pull_request")});
    const QString backup = dir.path() + QStringLiteral("/backup.db");
    CHECK(runCli(data, {QStringLiteral("db"), QStringLiteral("backup"), backup}).exitCode == 0);
    CHECK(QFile::exists(backup));
    CHECK(runCli(data, {QStringLiteral("db"), QStringLiteral("backup"), backup}).exitCode == 1);
    // The ingested event has no timestamp in its payload, so it occurred when it was received: just now.
    const CliRun prune = runCli(data, {QStringLiteral("db"), QStringLiteral("prune"),
                                       QStringLiteral("--older-than"), QStringLiteral("1d")});
    CHECK(prune.exitCode == 0);
    CHECK(prune.out.contains(QLatin1String("Deleted 0 events")));
    const CliRun keep = runCli(
        data, {QStringLiteral("db"), QStringLiteral("prune"), QStringLiteral("--keep"), QStringLiteral("0")});
    CHECK(keep.out.contains(QLatin1String("Deleted 1 events")));
    CHECK(runCli(data, {QStringLiteral("db"), QStringLiteral("prune"), QStringLiteral("--older-than"),
                        QStringLiteral("soon")})
              .exitCode == 2);
    const CliRun sync = runCli(data, {QStringLiteral("sync"), QStringLiteral("--once")});
    CHECK(sync.exitCode == 1);
    CHECK(sync.err.contains(QLatin1String("SUPABASE_URL")));
}

TEST_CASE("CLI: events list --limit pages past the store's page size", "[cli][store]")
{
    QTemporaryDir dir;
    const QString data = dir.path() + QStringLiteral("/data");
    const int count = exeserver::EventStore::kMaxPageSize + 25;
    {
        REQUIRE(QDir().mkpath(data));
        exeserver::EventStore store;
        REQUIRE(store.open(QDir(data).filePath(QStringLiteral("exeserver.db"))).ok());
        QList<exeserver::Event> events;
        for (int n = 0; n < count; ++n)
            events.append(exeserver::test::sampleEvent(n));
        REQUIRE(store.addEvents(events).ok());
    }
    // It stopped at 10,000 rows before, whatever --limit said.
    const CliRun all =
        runCli(data, {QStringLiteral("events"), QStringLiteral("list"), QStringLiteral("--limit"),
                      QString::number(count + 100), QStringLiteral("--json")});
    REQUIRE(all.exitCode == 0);
    const QJsonArray rows = QJsonDocument::fromJson(all.out.toUtf8()).array();
    CHECK(rows.size() == count);
    CHECK(rows.first().toObject().value(QStringLiteral("id")).toString() ==
          QStringLiteral("delivery-%1").arg(count - 1));
    CHECK(rows.last().toObject().value(QStringLiteral("id")).toString() == QStringLiteral("delivery-0"));
    QSet<QString> ids;
    for (const QJsonValue &row : rows)
        ids.insert(row.toObject().value(QStringLiteral("id")).toString());
    CHECK(ids.size() == count);

    const CliRun some =
        runCli(data, {QStringLiteral("events"), QStringLiteral("list"), QStringLiteral("--limit"),
                      QString::number(count - 5), QStringLiteral("--json")});
    CHECK(QJsonDocument::fromJson(some.out.toUtf8()).array().size() == count - 5);
}
