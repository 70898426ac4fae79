// exeserver-cli's trigger commands end to end: the real binary, a temporary data dir, the fake GitHub.
#include "catch.h"
#include "fakegithubserver.h"
#include "fakepostgrest.h"
#include "fakerelay.h"
#include "triggers/codefileenvironment.h"
#include "triggers/codefilerunner.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <csignal>

using namespace exeserver::test;

namespace {

struct CliRun
{
    int exitCode = -1;
    QString out;
    QString err;
};

struct CliHarness
{
    FakeGitHubServer server;
    QTemporaryDir dir;
    QString dataDir = QStringLiteral("data");
    QProcessEnvironment extraEnv; // added to every run's environment

    CliHarness() { REQUIRE(server.start()); }

    QString path(const QString &name) const { return QDir(dir.path()).filePath(name); }

    void prepare(QProcess &process, QStringList arguments) const
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
        env.insert(QStringLiteral("HOME"), dir.path());
        env.insert(QStringLiteral("EXESERVER_NO_KEYCHAIN"), QStringLiteral("1"));
        env.insert(QStringLiteral("GITHUB_TOKEN"), QString::fromLatin1(FakeGitHubServer::DefaultToken));
        env.insert(QStringLiteral("MARKS"), path(QStringLiteral("marks")));
        env.insert(extraEnv);
        process.setProcessEnvironment(env);
        arguments = QStringList{QStringLiteral("--data-dir"), path(dataDir), QStringLiteral("--api-url"),
                                server.baseUrl().toString()} +
                    arguments;
        process.setProgram(QStringLiteral(EXESERVER_CLI_PATH));
        process.setArguments(arguments);
    }

    CliRun run(const QStringList &arguments) const
    {
        QProcess process;
        prepare(process, arguments);
        process.start();
        REQUIRE(process.waitForStarted());
        process.closeWriteChannel();
        REQUIRE(QTest::qWaitFor([&]() { return process.state() == QProcess::NotRunning; }, 30000));
        return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
                QString::fromUtf8(process.readAllStandardError())};
    }

    QString write(const QString &name, const QByteArray &text, bool executable = false) const
    {
        QFile file(path(name));
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write(text);
        file.close();
        if (executable)
            file.setPermissions(file.permissions() | QFileDevice::ExeOwner);
        return file.fileName();
    }

    QString payload() const
    {
        QFile source(QStringLiteral(EXESERVER_SOURCE_DIR "/tests/data/webhooks/pull_request.opened.json"));
        REQUIRE(source.open(QIODevice::ReadOnly));
        return write(QStringLiteral("pr.json"), source.readAll());
    }

    int marks() const
    {
        QFile file(path(QStringLiteral("marks")));
        if (!file.open(QIODevice::ReadOnly))
            return 0;
        return int(file.readAll().count('\n'));
    }
};

QStringList args(std::initializer_list<const char *> words)
{
    QStringList list;
    for (const char *word : words)
        list.append(QString::fromUtf8(word));
    return list;
}

QJsonArray actionsJson(const CliHarness &h)
{
    const CliRun list = h.run(args({"actions", "list", "--json"}));
    REQUIRE(list.exitCode == 0);
    return QJsonDocument::fromJson(list.out.toUtf8()).array();
}

} // namespace

TEST_CASE("CLI: triggers import, list, export, enable, disable and a dry run", "[cli][triggers]")
{
    CliHarness h;
    const QString file = h.write(QStringLiteral("triggers.yml"), R"(
triggers:
  - name: readme-prs
    event: pull_request
    actions: [opened]
    conditions:
      all:
        - {field: pull_request.title, op: contains, value: README}
        - {field: pull_request.base.ref, op: equals, value: main}
    run:
      - notify: {title: "PR {{ event.pull_request.number }}"}
  - name: other
    enabled: false
    event: push
    run: [{notify: {title: push}}]
)");
    const CliRun imported = h.run(args({"triggers", "import"}) << file);
    REQUIRE(imported.exitCode == 0);
    CHECK(imported.out.contains(QLatin1String("imported readme-prs")));
    const CliRun list = h.run(args({"triggers", "list"}));
    CHECK(list.out.contains(QLatin1String("readme-prs  enabled   pull_request [opened]  -> notify")));
    CHECK(list.out.contains(QLatin1String("other  disabled")));
    CHECK(h.run(args({"triggers", "enable", "other"})).exitCode == 0);
    CHECK(h.run(args({"triggers", "list"})).out.contains(QLatin1String("other  enabled")));
    CHECK(h.run(args({"triggers", "disable", "other"})).exitCode == 0);
    CHECK(h.run(args({"triggers", "enable", "missing"})).exitCode == 1);
    const CliRun exported = h.run(args({"triggers", "export"}));
    CHECK(exported.out.contains(QLatin1String("name: readme-prs")));
    CHECK(h.run(args({"triggers", "export"}) << h.path(QStringLiteral("out.json"))).exitCode == 0);
    CHECK(QFile::exists(h.path(QStringLiteral("out.json"))));
    // A stored event to test against; readme-prs does not fire on ingest for the dry-run event because the
    // base ref is master, which is what the dry run explains.
    const CliRun ingested =
        h.run(args({"events", "ingest"})
              << h.payload() << QStringLiteral("--event") << QStringLiteral("pull_request")
              << QStringLiteral("--delivery") << QStringLiteral("dry-1"));
    REQUIRE(ingested.exitCode == 0);
    CHECK_FALSE(ingested.out.contains(QLatin1String("fired")));
    const CliRun dry = h.run(args({"triggers", "test", "readme-prs", "--event", "dry-1"}));
    INFO(dry.out.toStdString() << dry.err.toStdString());
    REQUIRE(dry.exitCode == 0);
    CHECK(dry.out.contains(QLatin1String("pass event")));
    CHECK(dry.out.contains(QLatin1String("pass contains pull_request.title README")));
    CHECK(dry.out.contains(QLatin1String("FAIL equals pull_request.base.ref main  (saw [\"master\"])")));
    CHECK(dry.out.contains(QLatin1String("Result: no match")));
    CHECK(actionsJson(h).isEmpty());
}

TEST_CASE("CLI: an imported trigger that runs code starts disabled unless --trust-code", "[cli][triggers]")
{
    CliHarness h;
    const QString file = h.write(QStringLiteral("shared.yml"), R"(
triggers:
  - name: deploy-hook
    event: push
    run: [{codefile: {path: /opt/shared/deploy.sh, pass_token: true}}]
  - name: tell-me
    event: push
    run: [{notify: {title: pushed}}]
)");
    const CliRun imported = h.run(args({"triggers", "import"}) << file);
    REQUIRE(imported.exitCode == 0);
    CHECK(imported.out.contains(
        QLatin1String("held disabled: deploy-hook runs /opt/shared/deploy.sh with your GitHub token")));
    CHECK_FALSE(imported.out.contains(QLatin1String("held disabled: tell-me")));
    const CliRun list = h.run(args({"triggers", "list"}));
    CHECK(list.out.contains(QLatin1String("deploy-hook  disabled")));
    CHECK(list.out.contains(QLatin1String("tell-me  enabled")));

    // Trusting the file keeps what it says.
    REQUIRE(h.run(args({"triggers", "import", "--trust-code"}) << file).exitCode == 0);
    CHECK(h.run(args({"triggers", "list"})).out.contains(QLatin1String("deploy-hook  enabled")));
}

TEST_CASE("CLI: presets add, list, remove and comment --preset", "[cli][triggers][presets]")
{
    CliHarness h;
    REQUIRE(h.run(args({"presets", "add", "hello", "--body",
                        "Hello from {{ repository }} #{{ event.number }}: {{ args }}"}))
                .exitCode == 0);
    const CliRun list = h.run(args({"presets", "list"}));
    CHECK(list.out.contains(QLatin1String("review  (built-in)  /review")));
    CHECK(list.out.contains(QLatin1String("hello  Hello from")));
    const CliRun posted =
        h.run(args({"comment", "octocat/Hello-World", "1347", "--preset", "hello", "--args", "hi"}));
    INFO(posted.err.toStdString());
    REQUIRE(posted.exitCode == 0);
    const auto comments = h.server.comments(QStringLiteral("octocat/Hello-World"), 1347);
    REQUIRE_FALSE(comments.isEmpty());
    CHECK(comments.constLast().body == QLatin1String("Hello from octocat/Hello-World #1347: hi"));
    CHECK(h.run(args({"comment", "octocat/Hello-World", "1347", "--preset", "ask", "--args", "why?"}))
              .exitCode == 0);
    CHECK(h.server.comments(QStringLiteral("octocat/Hello-World"), 1347).constLast().body ==
          QLatin1String("/ask \"why?\""));
    CHECK(h.run(args({"comment", "octocat/Hello-World", "1347", "--preset", "hello", "--body", "x"}))
              .exitCode == 2);
    CHECK(h.run(args({"presets", "remove", "hello"})).exitCode == 0);
    CHECK(h.run(args({"presets", "remove", "review"})).exitCode == 1);
}

TEST_CASE("CLI: after a SIGKILL of events ingest, the next engine records how the code file ended; retry "
          "runs it again",
          "[cli][triggers][crash]")
{
    CliHarness h;
    // First run: marks, outlives the killed ingest, then fails with 5; later runs mark and succeed.
    const QString script = h.write(QStringLiteral("slow.sh"),
                                   "#!/bin/sh\n"
                                   "n=$(cat \"$MARKS\" 2>/dev/null | wc -l)\n"
                                   "echo \"$EXESERVER_EVENT_ID $$\" >> \"$MARKS\"\n"
                                   "if [ \"$n\" -eq 0 ]; then sleep 1; echo finished alone; exit 5; fi\n"
                                   "echo retried\n",
                                   true);
    h.write(QStringLiteral("t.yml"), QStringLiteral(R"(
triggers:
  - name: slow
    event: pull_request
    run: [{codefile: {path: "%1", timeout: 120}}]
)")
                                         .arg(script)
                                         .toUtf8());
    REQUIRE(h.run(args({"triggers", "import", "--trust-code"}) << h.path(QStringLiteral("t.yml"))).exitCode ==
            0);
    const QStringList ingest = args({"events", "ingest"})
                               << h.payload() << QStringLiteral("--event") << QStringLiteral("pull_request")
                               << QStringLiteral("--delivery") << QStringLiteral("crash-1");
    QProcess process;
    h.prepare(process, ingest);
    process.start();
    REQUIRE(process.waitForStarted());
    REQUIRE(QTest::qWaitFor([&]() { return h.marks() == 1; }, 20000));
    ::kill(pid_t(process.processId()), SIGKILL);
    REQUIRE(process.waitForFinished(10000));
    // The code file goes on without the killed process and its wrapper writes down how it ended.
    const QDir runs(h.path(QStringLiteral("data/runs")));
    REQUIRE(
        QTest::qWaitFor([&]() { return !runs.entryList({QStringLiteral("*.status")}).isEmpty(); }, 20000));
    QJsonArray actions = actionsJson(h);
    REQUIRE(actions.size() == 1);
    CHECK(actions[0].toObject().value(QLatin1String("status")).toString() == QLatin1String("running"));
    const QString actionId = actions[0].toObject().value(QLatin1String("id")).toString();

    // The next engine (here: ingesting the same delivery again) records the real outcome and fires nothing.
    const CliRun again = h.run(ingest);
    INFO(again.out.toStdString() << again.err.toStdString());
    CHECK(again.out.contains(QLatin1String("already stored")));
    CHECK(again.out.contains(QLatin1String("already fired")));
    CHECK(again.out.contains(QLatin1String(": failure (slow.sh exited with code 5)")));
    CHECK(h.marks() == 1);
    actions = actionsJson(h);
    REQUIRE(actions.size() == 1);
    const QJsonObject action = actions[0].toObject();
    CHECK(action.value(QLatin1String("status")).toString() == QLatin1String("failure"));
    CHECK(action.value(QLatin1String("exit_code")).toInt() == 5);
    CHECK(action.value(QLatin1String("output")).toString().contains(QLatin1String("finished alone")));

    const CliRun retried = h.run(args({"actions", "retry"}) << actionId);
    INFO(retried.out.toStdString() << retried.err.toStdString());
    CHECK(retried.exitCode == 0);
    CHECK(retried.out.contains(QLatin1String(": success")));
    CHECK_FALSE(retried.err.contains(QLatin1String("warning"))); // the outcome was known
    CHECK(h.marks() == 2);
    actions = actionsJson(h);
    REQUIRE(actions.size() == 2);
    CHECK(actions[0].toObject().value(QLatin1String("status")).toString() == QLatin1String("success"));
}

TEST_CASE(
    "CLI: events ingest runs a code file written for Actions; actions show has its outputs and summary, "
    "and the next action used them",
    "[cli][triggers][filecommands]")
{
    CliHarness h;
    const QString script =
        h.write(QStringLiteral("check.sh"),
                "#!/bin/sh\n"
                "echo \"api=$GITHUB_API_URL server=$GITHUB_SERVER_URL\" >> \"$GITHUB_OUTPUT\"\n"
                "echo \"verdict=pass\" >> \"$GITHUB_OUTPUT\"\n"
                "echo \"# Checked $GITHUB_REF_NAME\" >> \"$GITHUB_STEP_SUMMARY\"\n",
                true);
    h.write(QStringLiteral("t.yml"), QStringLiteral(R"(
triggers:
  - name: check
    event: pull_request
    run: [{codefile: {id: c, path: "%1"}}, {notify: {title: "verdict {{ steps.c.outputs.verdict }}"}}]
)")
                                         .arg(script)
                                         .toUtf8());
    REQUIRE(h.run(args({"triggers", "import", "--trust-code"}) << h.path(QStringLiteral("t.yml"))).exitCode ==
            0);
    const CliRun ingest = h.run(args({"events", "ingest"}) << h.payload() << QStringLiteral("--event")
                                                           << QStringLiteral("pull_request"));
    INFO(ingest.out.toStdString() << ingest.err.toStdString());
    REQUIRE(ingest.exitCode == 0);
    CHECK(ingest.out.contains(QLatin1String("verdict pass")));
    const QJsonArray actions = actionsJson(h);
    REQUIRE(actions.size() == 2);
    const QString id = actions[1].toObject().value(QLatin1String("id")).toString();
    const CliRun show = h.run(args({"actions", "show"}) << id);
    REQUIRE(show.exitCode == 0);
    const QJsonObject action = QJsonDocument::fromJson(show.out.toUtf8()).object();
    const QJsonObject outputs = action.value(QLatin1String("outputs")).toObject();
    CHECK(outputs.value(QLatin1String("verdict")).toString() == QLatin1String("pass"));
    // The configured API URL (the fake GitHub here) and the server URL derived from it.
    const QString api = h.server.baseUrl().toString(QUrl::StripTrailingSlash);
    CHECK(outputs.value(QLatin1String("api")).toString() ==
          QStringLiteral("%1 server=%2").arg(api, exeserver::CodefileEnvironment::serverUrlFor(QUrl(api))));
    CHECK(action.value(QLatin1String("summary")).toString() == QLatin1String("# Checked 2/merge\n"));
}

TEST_CASE("CLI: events ingest of an event already stored under another id says so and fires nothing",
          "[cli][triggers]")
{
    CliHarness h;
    const QString script =
        h.write(QStringLiteral("mark.sh"), "#!/bin/sh\necho \"$EXESERVER_EVENT_ID\" >> \"$MARKS\"\n", true);
    h.write(QStringLiteral("t.yml"), QStringLiteral(R"(
triggers:
  - name: mark
    event: pull_request
    run: [{codefile: {path: "%1"}}]
)")
                                         .arg(script)
                                         .toUtf8());
    REQUIRE(h.run(args({"triggers", "import", "--trust-code"}) << h.path(QStringLiteral("t.yml"))).exitCode ==
            0);
    const QString payload = h.payload();
    const auto ingest = [&](const QStringList &extra) {
        return h.run(args({"events", "ingest"})
                     << payload << QStringLiteral("--event") << QStringLiteral("pull_request") << extra);
    };
    const CliRun first = ingest({QStringLiteral("--delivery"), QStringLiteral("first-1")});
    REQUIRE(first.exitCode == 0);
    CHECK(first.out.contains(QLatin1String("stored first-1")));
    CHECK(first.out.contains(QLatin1String("trigger mark fired")));
    REQUIRE(QTest::qWaitFor([&]() { return h.marks() == 1; }, 10000));

    // The same GitHub event again, as another delivery and from a file without one (a content-hash id):
    // both are the copy stored as first-1, found by its dedupe key.
    const QStringList otherDelivery{QStringLiteral("--delivery"), QStringLiteral("second-2")};
    for (const QStringList &extra : {otherDelivery, QStringList()}) {
        const CliRun again = ingest(extra);
        INFO(again.out.toStdString() << again.err.toStdString());
        CHECK(again.exitCode == 0);
        CHECK(again.out.contains(QLatin1String("already stored first-1")));
        CHECK(again.out.contains(QLatin1String("trigger mark already fired for this event")));
        CHECK(again.err.isEmpty());
    }
    QTest::qWait(200);
    CHECK(h.marks() == 1);
    const QJsonArray actions = actionsJson(h);
    REQUIRE(actions.size() == 1);
    CHECK(actions[0].toObject().value(QLatin1String("event_id")).toString() == QLatin1String("first-1"));
}

namespace {

// A running `serve` on port 0; its webhook URL once it listens.
struct Server
{
    QProcess process;
    QString out;
    QUrl url;

    void start(const CliHarness &h, const QString &dataDir, const QString &databaseUrl)
    {
        h.prepare(process, {QStringLiteral("serve"), QStringLiteral("--webhook-port"), QStringLiteral("0"),
                            QStringLiteral("--no-poll")});
        QStringList arguments = process.arguments();
        arguments[1] = dataDir; // --data-dir
        process.setArguments(arguments);
        QProcessEnvironment env = process.processEnvironment();
        if (!databaseUrl.isEmpty())
            env.insert(QStringLiteral("EXESERVER_DATABASE_URL"), databaseUrl);
        process.setProcessEnvironment(env);
        process.start();
        REQUIRE(process.waitForStarted());
        const QRegularExpression listening(
            QStringLiteral("Listening for GitHub webhooks on (http://127\\.0\\.0\\.1:\\d+)"));
        REQUIRE(QTest::qWaitFor(
            [&]() {
                out += QString::fromUtf8(process.readAllStandardOutput());
                const auto match = listening.match(out);
                if (match.hasMatch())
                    url = QUrl(match.captured(1) + QStringLiteral("/api/v1/github_webhooks"));
                return match.hasMatch();
            },
            15000));
    }

    bool waitFor(const QString &text, int timeoutMs = 15000)
    {
        return QTest::qWaitFor(
            [&]() {
                out += QString::fromUtf8(process.readAllStandardOutput());
                return out.contains(text);
            },
            timeoutMs);
    }

    void stop()
    {
        process.terminate();
        REQUIRE(process.waitForFinished(15000));
        out += QString::fromUtf8(process.readAllStandardOutput());
    }
};

int post(QNetworkAccessManager &network, const QUrl &url, const QByteArray &delivery, const QByteArray &body)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("X-GitHub-Event", "pull_request");
    request.setRawHeader("X-GitHub-Delivery", delivery);
    QNetworkReply *reply = network.post(request, body);
    REQUIRE(QTest::qWaitFor([reply]() { return reply->isFinished(); }, 10000));
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

} // namespace

TEST_CASE("CLI: serve runs triggers for accepted events, and two serves on one PostgreSQL fire once",
          "[cli][triggers][serve][postgres]")
{
    const QString databaseUrl = qEnvironmentVariable("EXESERVER_TEST_PG_URL");
    if (databaseUrl.isEmpty()) {
        if (qEnvironmentVariable("CI") == QLatin1String("true"))
            FAIL("EXESERVER_TEST_PG_URL is not set: run the tests through scripts/test, which starts "
                 "PostgreSQL");
        WARN("EXESERVER_TEST_PG_URL is not set; only one serve runs (scripts/test sets it for team mode)");
    }
    CliHarness h;
    const QString script =
        h.write(QStringLiteral("mark.sh"), "#!/bin/sh\necho \"$EXESERVER_EVENT_ID\" >> \"$MARKS\"\n", true);
    h.write(QStringLiteral("t.yml"), QStringLiteral(R"(
triggers:
  - name: mark
    event: pull_request
    run: [{codefile: {path: "%1"}}, {notify: {title: "marked {{ event.number }}"}}]
)")
                                         .arg(script)
                                         .toUtf8());
    for (const char *data : {"data-a", "data-b"}) {
        QProcess import;
        h.prepare(import, args({"triggers", "import", "--trust-code"}) << h.path(QStringLiteral("t.yml")));
        QStringList arguments = import.arguments();
        arguments[1] = h.path(QString::fromLatin1(data));
        import.setArguments(arguments);
        import.start();
        REQUIRE(import.waitForFinished(15000));
        REQUIRE(import.exitCode() == 0);
    }
    QFile source(QStringLiteral(EXESERVER_SOURCE_DIR "/tests/data/webhooks/pull_request.opened.json"));
    REQUIRE(source.open(QIODevice::ReadOnly));
    // A pull request no earlier run has claimed in the team database (claims are per occurrence).
    QJsonObject payload = QJsonDocument::fromJson(source.readAll()).object();
    QJsonObject pr = payload.value(QLatin1String("pull_request")).toObject();
    pr.insert(QStringLiteral("id"), QDateTime::currentMSecsSinceEpoch());
    payload.insert(QStringLiteral("pull_request"), pr);
    const QByteArray body = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    const QByteArray delivery = "team-" + QUuid::createUuid().toByteArray(QUuid::Id128);

    Server a;
    a.start(h, h.path(QStringLiteral("data-a")), databaseUrl);
    QNetworkAccessManager network;
    CHECK(post(network, a.url, delivery, body) == 202);
    CHECK(post(network, a.url, delivery, body) == 200); // a redelivery is stored and fired once
    REQUIRE(a.waitFor(QStringLiteral("notify: marked 2")));
    if (!databaseUrl.isEmpty()) {
        Server b;
        b.start(h, h.path(QStringLiteral("data-b")), databaseUrl);
        CHECK(post(network, b.url, delivery, body) == 202); // its own store: new there
        REQUIRE(b.waitFor(QStringLiteral("event pull_request opened")));
        QTest::qWait(300);
        b.stop();
        CHECK_FALSE(b.out.contains(QLatin1String("fired")));
    }
    a.stop();
    CHECK(a.out.count(QLatin1String("trigger mark fired")) == 1);
    CHECK(h.marks() == 1);
}

TEST_CASE("CLI: serve stopped while a team claim is in flight waits for its answer", "[cli][triggers][serve]")
{
    // A team database that accepts the connection and never answers: the claim ends at connect_timeout.
    QTcpServer silent;
    REQUIRE(silent.listen(QHostAddress::LocalHost));
    CliHarness h;
    h.write(QStringLiteral("t.yml"), R"(
triggers:
  - name: note
    event: pull_request
    run: [{notify: {title: "noted"}}]
)");
    REQUIRE(h.run(args({"triggers", "import"}) << h.path(QStringLiteral("t.yml"))).exitCode == 0);
    QFile source(QStringLiteral(EXESERVER_SOURCE_DIR "/tests/data/webhooks/pull_request.opened.json"));
    REQUIRE(source.open(QIODevice::ReadOnly));
    Server server;
    server.start(
        h, h.path(QStringLiteral("data")),
        QStringLiteral("postgresql://nobody@127.0.0.1:%1/none?connect_timeout=2").arg(silent.serverPort()));
    QNetworkAccessManager network;
    CHECK(post(network, server.url, "claim-in-flight", source.readAll()) == 202);
    REQUIRE(server.waitFor(QStringLiteral("event pull_request opened")));
    server.stop(); // SIGTERM while the claim waits on the silent server
    const QString err = QString::fromUtf8(server.process.readAllStandardError());
    INFO(err.toStdString());
    CHECK(err.contains(
        QLatin1String("Trigger not run for claim-in-flight: note: Cannot reach the team database")));
    CHECK(server.out.contains(QLatin1String("Stopped (")));
}

namespace {

// A slow code file trigger and the payload it fires on, for the serve crash tests.
QByteArray importSlowTrigger(const CliHarness &h, const QByteArray &script)
{
    const QString path = h.write(QStringLiteral("slow.sh"), script, true);
    h.write(QStringLiteral("t.yml"), QStringLiteral(R"(
triggers:
  - name: slow
    event: pull_request
    run: [{codefile: {path: "%1", timeout: 120}}]
)")
                                         .arg(path)
                                         .toUtf8());
    REQUIRE(h.run(args({"triggers", "import", "--trust-code"}) << h.path(QStringLiteral("t.yml"))).exitCode ==
            0);
    QFile source(QStringLiteral(EXESERVER_SOURCE_DIR "/tests/data/webhooks/pull_request.opened.json"));
    REQUIRE(source.open(QIODevice::ReadOnly));
    return source.readAll();
}

// Starts serve on `dataDir`, delivers `body`, and SIGKILLs serve once the code file has made its mark.
void killServeWhileCodeFileRuns(const CliHarness &h, const QString &dataDir, QNetworkAccessManager &network,
                                const QByteArray &delivery, const QByteArray &body)
{
    Server first;
    first.start(h, dataDir, {});
    CHECK(post(network, first.url, delivery, body) / 100 == 2);
    REQUIRE(QTest::qWaitFor([&]() { return h.marks() == 1; }, 20000));
    ::kill(pid_t(first.process.processId()), SIGKILL);
    REQUIRE(first.process.waitForFinished(10000));
}

} // namespace

TEST_CASE(
    "CLI: SIGKILL of serve while its code file runs: the restarted serve follows the run to its end and "
    "a redelivery fires nothing",
    "[cli][triggers][serve][crash]")
{
    CliHarness h;
    const QByteArray body = importSlowTrigger(h, "#!/bin/sh\n"
                                                 "echo \"$EXESERVER_EVENT_ID $$\" >> \"$MARKS\"\n"
                                                 "sleep 2\n"
                                                 "echo done\n");
    const QString dataDir = h.path(QStringLiteral("data"));
    QNetworkAccessManager network;

    killServeWhileCodeFileRuns(h, dataDir, network, "kill-1", body);

    Server second;
    second.start(h, dataDir, {});
    REQUIRE(second.waitFor(QStringLiteral("1 still running")));
    CHECK(post(network, second.url, "kill-1", body) == 200); // GitHub's redelivery of the same event
    REQUIRE(second.waitFor(h.path(QStringLiteral("slow.sh")) + QStringLiteral(": success")));
    second.stop();
    CHECK(h.marks() == 1); // neither the restart nor the redelivery ran it again
    const QJsonArray actions = actionsJson(h);
    REQUIRE(actions.size() == 1);
    CHECK(actions[0].toObject().value(QLatin1String("status")).toString() == QLatin1String("success"));
    CHECK(actions[0].toObject().value(QLatin1String("output")).toString().contains(QLatin1String("done")));
    // Nothing of the run is left but its log.
    const QStringList files = QDir(dataDir + QStringLiteral("/runs")).entryList(QDir::Files);
    REQUIRE(files.size() == 1);
    CHECK(files[0].endsWith(QLatin1String(".log")));
}

TEST_CASE("CLI: when the run wrapper dies too, the outcome is unknown: interrupted with where to look, and "
          "retry warns",
          "[cli][triggers][serve][crash]")
{
    CliHarness h;
    const QByteArray body = importSlowTrigger(h, "#!/bin/sh\n"
                                                 "n=$(cat \"$MARKS\" 2>/dev/null | wc -l)\n"
                                                 "echo \"$EXESERVER_EVENT_ID $$\" >> \"$MARKS\"\n"
                                                 "if [ \"$n\" -eq 0 ]; then exec sleep 60; fi\n");
    const QString dataDir = h.path(QStringLiteral("data"));
    QNetworkAccessManager network;

    killServeWhileCodeFileRuns(h, dataDir, network, "lost-1", body);
    // The wrapper (its pid is in the run's lock file) and the code file's group die as well.
    const QDir runs(dataDir + QStringLiteral("/runs"));
    const QStringList locks = runs.entryList({QStringLiteral("*.lock")});
    REQUIRE(locks.size() == 1);
    {
        QFile lock(runs.filePath(locks[0]));
        REQUIRE(lock.open(QIODevice::ReadOnly));
        const pid_t wrapper = pid_t(lock.readAll().trimmed().toLongLong());
        REQUIRE(wrapper > 0);
        ::kill(wrapper, SIGKILL);
        QFile marks(h.path(QStringLiteral("marks")));
        REQUIRE(marks.open(QIODevice::ReadOnly));
        const pid_t child =
            pid_t(QString::fromUtf8(marks.readAll()).section(QLatin1Char(' '), 1, 1).trimmed().toLongLong());
        if (child > 0)
            ::kill(-child, SIGKILL);
    }
    QTest::qWait(200);

    Server second;
    second.start(h, dataDir, {});
    REQUIRE(second.waitFor(QStringLiteral("with an unknown outcome, marked interrupted")));
    second.stop();
    CHECK(h.marks() == 1);
    const QJsonArray actions = actionsJson(h);
    REQUIRE(actions.size() == 1);
    const QJsonObject action = actions[0].toObject();
    CHECK(action.value(QLatin1String("status")).toString() == QLatin1String("interrupted"));
    CHECK(action.value(QLatin1String("error")).toString().contains(QLatin1String("is unknown")));
    CHECK(action.value(QLatin1String("error")).toString().contains(QLatin1String(".log")));

    const CliRun retried = h.run(args({"actions", "retry"}) << action.value(QLatin1String("id")).toString());
    CHECK(retried.err.contains(QLatin1String("warning: the outcome of action")));
}

TEST_CASE("CLI: notify prints the notification and hands it to notify-send as plain arguments",
          "[cli][triggers][notify]")
{
    CliHarness h;
    QTemporaryDir bin;
    const QString received = h.path(QStringLiteral("notify-args"));
    QFile fake(QDir(bin.path()).filePath(QStringLiteral("notify-send")));
    REQUIRE(fake.open(QIODevice::WriteOnly));
    fake.write("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"" + received.toUtf8() +
               "\"\n");
    fake.close();
    fake.setPermissions(fake.permissions() | QFileDevice::ExeOwner);
    h.write(QStringLiteral("t.yml"), R"(
triggers:
  - name: tell-me
    event: pull_request
    run: [{notify: {title: "PR {{ event.pull_request.number }}", body: "{{ event.pull_request.title }}"}}]
)");
    REQUIRE(h.run(args({"triggers", "import", "--trust-code"}) << h.path(QStringLiteral("t.yml"))).exitCode ==
            0);
    // A title meant to break out of a command line reaches notify-send as one argument.
    QFile source(QStringLiteral(EXESERVER_SOURCE_DIR "/tests/data/webhooks/pull_request.opened.json"));
    REQUIRE(source.open(QIODevice::ReadOnly));
    QJsonObject payload = QJsonDocument::fromJson(source.readAll()).object();
    QJsonObject pr = payload.value(QLatin1String("pull_request")).toObject();
    pr.insert(QStringLiteral("title"), QStringLiteral("x\"; touch pwned; echo \"$(id)`id`"));
    payload.insert(QStringLiteral("pull_request"), pr);
    const QString file = h.write(QStringLiteral("pr-notify.json"), QJsonDocument(payload).toJson());

    QProcess process;
    h.prepare(process, args({"events", "ingest"})
                           << file << QStringLiteral("--event") << QStringLiteral("pull_request"));
    QProcessEnvironment env = process.processEnvironment();
    env.insert(QStringLiteral("PATH"), bin.path() + QStringLiteral(":/usr/bin:/bin"));
    process.setProcessEnvironment(env);
    process.start();
    REQUIRE(process.waitForFinished(30000));
    const QString out = QString::fromUtf8(process.readAllStandardOutput());
    INFO(out.toStdString());
    CHECK(process.exitCode() == 0);
    CHECK(out.contains(QStringLiteral("notify: PR %1").arg(pr.value(QLatin1String("number")).toInt())));
    REQUIRE(QTest::qWaitFor([&]() { return QFile::exists(received); }, 10000));
    QTest::qWait(200);
    QFile args(received);
    REQUIRE(args.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(args.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0] == QStringLiteral("--app-name=ExeServer"));
    CHECK(lines[2] == QStringLiteral("PR %1").arg(pr.value(QLatin1String("number")).toInt()));
    CHECK(lines[3] == QStringLiteral("x\"; touch pwned; echo \"$(id)`id`"));
    CHECK_FALSE(QFile::exists(QDir(h.path(QStringLiteral("data"))).filePath(QStringLiteral("pwned"))));
    CHECK_FALSE(QFile::exists(QDir::current().filePath(QStringLiteral("pwned"))));
}

TEST_CASE("CLI: events ingest waits for its Supabase claim, and a second desk's copy of the occurrence "
          "fires nothing",
          "[cli][triggers][supabase]")
{
    CliHarness h;
    FakePostgrest supabase(QStringLiteral("anon-key"));
    h.extraEnv.insert(QStringLiteral("SUPABASE_URL"), supabase.url());
    h.extraEnv.insert(QStringLiteral("SUPABASE_ANON_KEY"), QStringLiteral("anon-key"));
    h.write(QStringLiteral("t.yml"), R"(
triggers:
  - name: note
    event: pull_request
    run: [{notify: {title: "noted {{ event.number }}"}}]
)");
    const QString payload = h.payload();
    const QStringList ingest{
        QStringLiteral("events"),  QStringLiteral("ingest"),       payload,
        QStringLiteral("--event"), QStringLiteral("pull_request"), QStringLiteral("--delivery")};
    for (const char *desk : {"data", "data-b"}) {
        h.dataDir = QString::fromLatin1(desk);
        REQUIRE(h.run(args({"triggers", "import"}) << h.path(QStringLiteral("t.yml"))).exitCode == 0);
    }
    h.dataDir = QStringLiteral("data");
    const CliRun first = h.run(ingest + QStringList{QStringLiteral("delivery-1")});
    INFO(first.err.toStdString());
    CHECK(first.exitCode == 0);
    CHECK(first.out.contains(QLatin1String("trigger note fired")));
    CHECK(first.out.contains(QLatin1String("notify: noted 2")));
    // Another desk got the same occurrence through another hook (another delivery id).
    h.dataDir = QStringLiteral("data-b");
    const CliRun second = h.run(ingest + QStringList{QStringLiteral("delivery-2")});
    CHECK(second.exitCode == 0);
    CHECK(second.out.contains(QLatin1String("trigger note already fired")));
    CHECK_FALSE(second.out.contains(QLatin1String("notify:")));
    CHECK(supabase.table(QStringLiteral("exeserver_trigger_claims")).size() == 1);
}

TEST_CASE("CLI triggers: list, import and enable say how each trigger's events arrive",
          "[cli][triggers][coverage]")
{
    CliHarness h;
    FakeRelay relay;
    h.extraEnv.insert(QStringLiteral("EXESERVER_RELAY_SERVICE"), relay.baseUrl().toString());
    h.extraEnv.insert(QStringLiteral("GITHUB_WEBHOOK_SECRET"), QStringLiteral("coverage-secret"));
    const QString file = h.write(QStringLiteral("triggers.yml"), R"(
triggers:
  - {name: pushes, event: push, repositories: [octocat/Hello-World], run: [{notify: {title: t}}]}
  - {name: runs, event: workflow_run, repositories: [octocat/Hello-World], run: [{notify: {title: t}}]}
  - {name: suites, event: check_suite, repositories: [octocat/Hello-World], run: [{notify: {title: t}}]}
  - {name: comments, event: issue_comment, enabled: false, repositories: [octocat/Hello-World], run: [{notify: {title: t}}]}
)");
    const CliRun imported = h.run(QStringList{QStringLiteral("triggers"), QStringLiteral("import"), file});
    REQUIRE(imported.exitCode == 0);
    CHECK(imported.out.contains(
        QStringLiteral("imported suites\n    warning: check_suite: nothing delivers this "
                       "event type — GitHub sends it only as a webhook")));
    CHECK(imported.out.contains(
        QStringLiteral("imported pushes\n    arrives: push: polled from the Events API, "
                       "30 s to hours late")));

    // One step: relay channel and hook; from then on check_suite arrives through the relay.
    const CliRun added = h.run(QStringList{QStringLiteral("hooks"), QStringLiteral("add"),
                                           QStringLiteral("octocat/Hello-World"), QStringLiteral("--relay")});
    INFO(added.err.toStdString());
    REQUIRE(added.exitCode == 0);
    CHECK(added.out.contains(
        QStringLiteral("events: check_suite, push, workflow_run"))); // not the disabled one
    const CliRun list = h.run(QStringList{QStringLiteral("triggers"), QStringLiteral("list")});
    CHECK(list.out.contains(
        QStringLiteral("    arrives: check_suite: by webhook through the relay channel (seconds)")));
    CHECK(list.out.contains(
        QStringLiteral("    arrives: push: by webhook through the relay channel (seconds); also "
                       "polled from the Events API, 30 s to hours late")));
    CHECK(
        list.out.contains(QStringLiteral("    arrives: workflow_run: by webhook through the relay channel")));
    // issue_comment is not on the hook: polled only, and enabling it says so.
    const CliRun enabled =
        h.run(QStringList{QStringLiteral("triggers"), QStringLiteral("enable"), QStringLiteral("comments")});
    CHECK(enabled.out.contains(
        QStringLiteral("comments enabled\n    arrives: issue_comment: polled from the Events "
                       "API, 30 s to hours late (a webhook brings it in seconds")));
}
