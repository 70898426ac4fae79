// The crash soak: `exeserver-cli serve` is SIGKILLed and restarted at random while signed `push`
// deliveries arrive from several senders, each re-sending what was not acknowledged with the same
// X-GitHub-Delivery (as GitHub's redelivery does). Afterwards every acknowledged delivery must be stored
// once, and its code file must have run exactly once with a known outcome.
//
// CI runs the short form; by hand, the long one:
//   EXESERVER_SOAK_DELIVERIES=2000 EXESERVER_SOAK_KILLS=100 build/dev/tests/test_crashsoak
#include "catch.h"

#include "events/webhooksignature.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <csignal>

namespace {

const QByteArray kSecret = "soak-secret";

int fromEnvironment(const char *name, int fallback)
{
    bool ok = false;
    const int value = qEnvironmentVariableIntValue(name, &ok);
    return ok && value > 0 ? value : fallback;
}

QProcessEnvironment soakEnvironment(const QString &home, const QString &marks)
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("EXESERVER_NO_KEYCHAIN"), QStringLiteral("1"));
    env.insert(QStringLiteral("GITHUB_WEBHOOK_SECRET"), QString::fromLatin1(kSecret));
    env.insert(QStringLiteral("MARKS"), marks);
    return env;
}

int freePort()
{
    QTcpServer probe;
    REQUIRE(probe.listen(QHostAddress::LocalHost, 0));
    return probe.serverPort();
}

struct Delivery
{
    QByteArray id;
    QByteArray body;
    QByteArray after; // the payload field the code file records
    bool acknowledged = false;
};

// What the soak did and found, printed so a long run's figures can be copied into the docs.
struct Tally
{
    int kills = 0;
    int restarts = 0;
    int sends = 0;
    int duplicates = 0; // re-sent deliveries answered "duplicate"
};

} // namespace

TEST_CASE("Crash soak: every acknowledged delivery is stored once and fires its code file exactly once",
          "[soak][crash][serve]")
{
    const int deliveryCount = fromEnvironment("EXESERVER_SOAK_DELIVERIES", 300);
    const int killTarget = fromEnvironment("EXESERVER_SOAK_KILLS", 20);
    constexpr int kSenders = 4;

    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString dataDir = dir.filePath(QStringLiteral("data"));
    const QString marks = dir.filePath(QStringLiteral("marks"));
    const QProcessEnvironment env = soakEnvironment(dir.path(), marks);

    // The code file: takes a moment (so kills land while code files run), then appends the delivery's
    // unique `after` under flock.
    const QString script = dir.filePath(QStringLiteral("record.sh"));
    {
        QFile file(script);
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write(
            "#!/bin/sh\n"
            "after=$(grep -o '\"after\":\"[0-9a-f]*\"' \"$GITHUB_EVENT_PATH\" | head -n 1 | cut -d'\"' -f4)\n"
            "sleep 0.05\n"
            "flock \"$MARKS.lock\" sh -c 'echo \"$1\" >> \"$MARKS\"' sh \"$after\"\n");
        file.close();
        file.setPermissions(file.permissions() | QFileDevice::ExeOwner);
    }
    const QString triggers = dir.filePath(QStringLiteral("soak.yml"));
    {
        QFile file(triggers);
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write(
            QStringLiteral("triggers:\n  - name: soak\n    event: push\n    run: [{codefile: {path: \"%1\", "
                           "timeout: 120}}]\n")
                .arg(script)
                .toUtf8());
    }
    QProcess import;
    import.setProcessEnvironment(env);
    import.start(QStringLiteral(EXESERVER_CLI_PATH),
                 {QStringLiteral("--data-dir"), dataDir, QStringLiteral("triggers"), QStringLiteral("import"),
                  QStringLiteral("--trust-code"), triggers});
    REQUIRE(import.waitForFinished(30000));
    REQUIRE(import.exitCode() == 0);

    // Real push payloads (GitHub's example), each with its own `after`, so each is its own push.
    QFile source(QStringLiteral(EXESERVER_SOURCE_DIR "/tests/data/webhooks/push.json"));
    REQUIRE(source.open(QIODevice::ReadOnly));
    const QJsonObject push = QJsonDocument::fromJson(source.readAll()).object();
    REQUIRE(!push.isEmpty());
    QList<Delivery> deliveries;
    for (int i = 0; i < deliveryCount; ++i) {
        Delivery delivery;
        delivery.id = "soak-" + QByteArray::number(i);
        delivery.after = QCryptographicHash::hash(delivery.id, QCryptographicHash::Sha1).toHex();
        QJsonObject payload = push;
        payload.insert(QStringLiteral("after"), QString::fromLatin1(delivery.after));
        delivery.body = QJsonDocument(payload).toJson(QJsonDocument::Compact);
        deliveries.append(delivery);
    }

    const int port = freePort();
    const QUrl url(QStringLiteral("http://127.0.0.1:%1/api/v1/github_webhooks").arg(port));
    QProcess serve;
    serve.setProcessEnvironment(env);
    serve.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    serve.setStandardOutputFile(dir.filePath(QStringLiteral("serve.out")), QIODevice::Append);
    const auto startServe = [&]() {
        serve.start(QStringLiteral(EXESERVER_CLI_PATH),
                    {QStringLiteral("--data-dir"), dataDir, QStringLiteral("serve"),
                     QStringLiteral("--webhook-port"), QString::number(port), QStringLiteral("--no-poll")});
        REQUIRE(serve.waitForStarted(10000));
    };
    startServe();

    Tally tally;
    QNetworkAccessManager network;
    QRandomGenerator random(20261207);
    int next = 0; // the next delivery not yet handed to a sender
    int acknowledged = 0;
    // A sender sends one delivery until it is acknowledged (2xx), then takes the next.
    std::function<void(int)> send = [&](int index) {
        Delivery &delivery = deliveries[index];
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("X-GitHub-Event", "push");
        request.setRawHeader("X-GitHub-Delivery", delivery.id);
        request.setRawHeader("X-Hub-Signature-256",
                             exeserver::WebhookSignature::sign(kSecret, delivery.body));
        request.setTransferTimeout(5000);
        ++tally.sends;
        QNetworkReply *reply = network.post(request, delivery.body);
        QObject::connect(reply, &QNetworkReply::finished, reply, [&, reply, index]() {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status / 100 != 2) {
                QTimer::singleShot(20 + int(random.bounded(80)), [&, index]() { send(index); });
                return;
            }
            if (status == 200)
                ++tally.duplicates;
            deliveries[index].acknowledged = true;
            ++acknowledged;
            if (next < deliveries.size())
                send(next++);
        });
    };
    for (int i = 0; i < kSenders && next < deliveries.size(); ++i)
        send(next++);

    // The killer: SIGKILL at random moments, restart at once; senders see refused connections meanwhile.
    QTimer killer;
    killer.setSingleShot(true);
    const auto scheduleKill = [&]() { killer.start(100 + int(random.bounded(400))); };
    QObject::connect(&killer, &QTimer::timeout, [&]() {
        if (tally.kills >= killTarget)
            return;
        ::kill(pid_t(serve.processId()), SIGKILL);
        serve.waitForFinished(10000);
        ++tally.kills;
        startServe();
        ++tally.restarts;
        scheduleKill();
    });
    scheduleKill();

    QElapsedTimer elapsed;
    elapsed.start();
    const bool sent =
        QTest::qWaitFor([&]() { return acknowledged == deliveryCount && tally.kills >= killTarget; },
                        60000 + deliveryCount * 200);
    killer.stop();
    INFO("acknowledged " << acknowledged << " of " << deliveryCount << ", kills " << tally.kills);
    REQUIRE(sent);

    // Let the last code files finish and their outcomes be recorded, then stop serve the normal way.
    const auto lines = [&]() {
        QFile file(marks);
        return file.open(QIODevice::ReadOnly) ? file.readAll().split('\n') : QList<QByteArray>();
    };
    CHECK(QTest::qWaitFor([&]() { return lines().size() - 1 >= deliveryCount; }, 120000));
    QTest::qWait(1000);
    serve.terminate();
    REQUIRE(serve.waitForFinished(30000));

    // One more start settles anything the last run left (it is also what a user's next start does).
    startServe();
    QTest::qWait(1500);
    serve.terminate();
    REQUIRE(serve.waitForFinished(30000));

    QSet<QByteArray> expected;
    for (const Delivery &delivery : std::as_const(deliveries))
        expected.insert(delivery.after);
    QHash<QByteArray, int> ran;
    for (const QByteArray &line : lines())
        if (!line.isEmpty())
            ++ran[line];
    int lost = 0;
    int doubled = 0;
    for (const QByteArray &after : std::as_const(expected)) {
        lost += ran.value(after) == 0 ? 1 : 0;
        doubled += ran.value(after) > 1 ? 1 : 0;
    }

    // How often a kill landed between a delivery's answer and its commit (serve says so when it restarts).
    int recoveries = 0;
    {
        QFile out(dir.filePath(QStringLiteral("serve.out")));
        if (out.open(QIODevice::ReadOnly))
            recoveries = int(out.readAll().count("the last run had accepted but not stored yet"));
    }

    int stored = 0, storedDistinct = 0, decisions = 0, actions = 0, succeeded = 0, unknown = 0;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("soak"));
        db.setDatabaseName(QDir(dataDir).filePath(QStringLiteral("exeserver.db")));
        REQUIRE(db.open());
        QSqlQuery query(db);
        const auto number = [&](const QString &sql) {
            REQUIRE(query.exec(sql));
            REQUIRE(query.next());
            return query.value(0).toInt();
        };
        stored = number(QStringLiteral("SELECT count(*) FROM events WHERE id LIKE 'soak-%'"));
        storedDistinct =
            number(QStringLiteral("SELECT count(DISTINCT id) FROM events WHERE id LIKE 'soak-%'"));
        decisions = number(QStringLiteral("SELECT count(*) FROM trigger_firings WHERE trigger_id = 'soak'"));
        actions = number(QStringLiteral("SELECT count(*) FROM actions WHERE trigger_id = 'soak'"));
        succeeded = number(
            QStringLiteral("SELECT count(*) FROM actions WHERE trigger_id = 'soak' AND status = 'success'"));
        unknown = number(QStringLiteral(
            "SELECT count(*) FROM actions WHERE trigger_id = 'soak' AND status = 'interrupted'"));
        query = QSqlQuery();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("soak"));

    // One line for the record (docs/PERFORMANCE.md reports the long run's).
    std::printf(
        "crash soak: %d deliveries from %d senders, %d sends (%d answered duplicate), %d kills, %lld s: "
        "%d restarts stored accepted deliveries from the journal; %d stored (%d distinct), %d decisions, %d "
        "actions (%d succeeded, %d unknown), code file runs: %d lost, %d doubled\n",
        deliveryCount, kSenders, tally.sends, tally.duplicates, tally.kills, elapsed.elapsed() / 1000,
        recoveries, stored, storedDistinct, decisions, actions, succeeded, unknown, lost, doubled);
    std::fflush(stdout);
    CHECK(tally.kills >= killTarget);
    CHECK(stored == deliveryCount);
    CHECK(storedDistinct == deliveryCount);
    CHECK(decisions == deliveryCount); // no silent misses: every stored event was decided
    CHECK(lost == 0);
    CHECK(doubled == 0);
    CHECK(unknown == 0); // every code file finished, so every outcome is known
    CHECK(actions == deliveryCount);
    CHECK(succeeded == deliveryCount);
}
