// exeserver-cli's GitHub commands end to end: the real binary against the fake GitHub server.
#include "catch.h"
#include "fakegithubserver.h"
#include "fakerelay.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>

using namespace exeserver::test;

namespace {

const QString kRepo = QStringLiteral("octocat/Hello-World");

struct CliRun
{
    int exitCode = -1;
    QString out;
    QString err;

    QJsonDocument json() const { return QJsonDocument::fromJson(out.toUtf8()); }
};

// The fake lives in this process, so the CLI runs while the event loop keeps serving it.
struct CliHarness
{
    FakeGitHubServer server;
    QTemporaryDir dataDir;
    QString token = QString::fromLatin1(FakeGitHubServer::DefaultToken);

    CliHarness() { REQUIRE(server.start()); }

    CliRun run(QStringList arguments, const QProcessEnvironment &extra = {})
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
        env.insert(QStringLiteral("HOME"), dataDir.path());
        env.insert(QStringLiteral("EXESERVER_NO_KEYCHAIN"), QStringLiteral("1"));
        if (!token.isEmpty())
            env.insert(QStringLiteral("GITHUB_TOKEN"), token);
        for (const QString &key : extra.keys())
            env.insert(key, extra.value(key));
        arguments.prepend(server.baseUrl().toString());
        arguments.prepend(QStringLiteral("--api-url"));
        arguments.prepend(dataDir.path());
        arguments.prepend(QStringLiteral("--data-dir"));
        QProcess process;
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(EXESERVER_CLI_PATH), arguments);
        REQUIRE(process.waitForStarted());
        process.closeWriteChannel();
        REQUIRE(QTest::qWaitFor([&]() { return process.state() == QProcess::NotRunning; }, 30000));
        return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
                QString::fromUtf8(process.readAllStandardError())};
    }
};

QStringList args(std::initializer_list<const char *> words)
{
    QStringList list;
    for (const char *word : words)
        list.append(QString::fromUtf8(word));
    return list;
}

} // namespace

TEST_CASE("CLI auth status: login, token source, scopes and rate limit", "[cli][github]")
{
    CliHarness h;
    const CliRun run = h.run(args({"auth", "status"}));
    INFO(run.err.toStdString());
    REQUIRE(run.exitCode == 0);
    CHECK(run.out.contains(QLatin1String("as octocat")));
    CHECK(run.out.contains(QLatin1String("environment (GITHUB_TOKEN)")));
    CHECK(run.out.contains(QLatin1String("repo, workflow")));
    CHECK(run.out.contains(QLatin1String("of 5000 left (core)")));
    CHECK_FALSE(run.out.contains(h.token));
    const CliRun json = h.run(args({"auth", "status", "--json"}));
    REQUIRE(json.exitCode == 0);
    CHECK(json.json()
              .object()
              .value(QLatin1String("user"))
              .toObject()
              .value(QLatin1String("login"))
              .toString() == QLatin1String("octocat"));
    CHECK(json.json()
              .object()
              .value(QLatin1String("rate_limit"))
              .toObject()
              .value(QLatin1String("limit"))
              .toInt() == 5000);
}

TEST_CASE("CLI repos, workflows, runs and prs: text and --json", "[cli][github]")
{
    CliHarness h;
    const CliRun repos = h.run(args({"repos", "list"}));
    REQUIRE(repos.exitCode == 0);
    CHECK(repos.out.contains(QLatin1String("octocat/Hello-World")));
    CHECK(repos.out.contains(QLatin1String("octo-org/octo-repo  (private)")));
    CHECK(h.run(args({"repos", "list", "--json"})).json().array().size() == 3);
    CHECK(h.run(args({"repos", "list", "--org", "octo-org", "--json"})).json().array().size() == 1);

    const CliRun workflows = h.run({QStringLiteral("workflows"), QStringLiteral("list"), kRepo});
    REQUIRE(workflows.exitCode == 0);
    CHECK(workflows.out.contains(QLatin1String("161335  ci.yml  CI  active")));
    CHECK(h.run({QStringLiteral("workflows"), QStringLiteral("list"), kRepo, QStringLiteral("--json")})
              .json()
              .array()
              .size() == 2);

    const CliRun inputs =
        h.run({QStringLiteral("workflows"), QStringLiteral("inputs"), kRepo, QStringLiteral("ci.yml")});
    REQUIRE(inputs.exitCode == 0);
    CHECK(inputs.out.contains(
        QLatin1String("environment  choice  required  default=staging  options=staging|production")));
    CHECK(inputs.out.contains(QLatin1String("dry_run  boolean  optional  default=false")));
    const QJsonArray inputsJson = h.run({QStringLiteral("workflows"), QStringLiteral("inputs"), kRepo,
                                         QStringLiteral("161335"), QStringLiteral("--json")})
                                      .json()
                                      .array();
    REQUIRE(inputsJson.size() == 2);
    CHECK(inputsJson[0].toObject().value(QLatin1String("options")).toArray().size() == 2);

    const CliRun runs = h.run({QStringLiteral("runs"), QStringLiteral("list"), kRepo,
                               QStringLiteral("--limit"), QStringLiteral("2")});
    REQUIRE(runs.exitCode == 0);
    CHECK(runs.out.count(QLatin1Char('\n')) == 2);
    const QJsonArray failed =
        h.run({QStringLiteral("runs"), QStringLiteral("list"), kRepo, QStringLiteral("--workflow"),
               QStringLiteral("ci.yml"), QStringLiteral("--branch"), QStringLiteral("new-topic"),
               QStringLiteral("--status"), QStringLiteral("failure"), QStringLiteral("--json")})
            .json()
            .array();
    REQUIRE(failed.size() == 1);
    CHECK(failed[0].toObject().value(QLatin1String("conclusion")).toString() == QLatin1String("failure"));

    const CliRun show =
        h.run({QStringLiteral("runs"), QStringLiteral("show"), kRepo, QStringLiteral("30433642")});
    REQUIRE(show.exitCode == 0);
    CHECK(show.out.contains(QLatin1String("Run 30433642")));
    CHECK(show.out.contains(QLatin1String("Job ")));
    CHECK(show.out.contains(QLatin1String(" 1. success")));
    const QJsonObject showJson = h.run({QStringLiteral("runs"), QStringLiteral("show"), kRepo,
                                        QStringLiteral("30433642"), QStringLiteral("--json")})
                                     .json()
                                     .object();
    CHECK(showJson.value(QLatin1String("id")).toInteger() == 30433642);
    REQUIRE(showJson.value(QLatin1String("jobs")).toArray().size() == 1);
    const qint64 jobId =
        showJson.value(QLatin1String("jobs")).toArray()[0].toObject().value(QLatin1String("id")).toInteger();

    const CliRun logs =
        h.run({QStringLiteral("runs"), QStringLiteral("logs"), kRepo, QStringLiteral("30433642")});
    REQUIRE(logs.exitCode == 0);
    CHECK(logs.out.startsWith(QLatin1String("==> build (job ")));
    const CliRun jobLog =
        h.run({QStringLiteral("runs"), QStringLiteral("logs"), kRepo, QStringLiteral("30433642"),
               QStringLiteral("--job"), QString::number(jobId)});
    REQUIRE(jobLog.exitCode == 0);
    CHECK_FALSE(jobLog.out.isEmpty());
    const QList<RecordedRequest> blobs = h.server.requestsTo(QStringLiteral("/_logs/.*"));
    REQUIRE(blobs.size() == 2);
    for (const RecordedRequest &blob : blobs)
        CHECK(blob.header("Authorization").isEmpty());

    const CliRun prs = h.run({QStringLiteral("prs"), QStringLiteral("list"), kRepo});
    REQUIRE(prs.exitCode == 0);
    CHECK(prs.out.contains(QLatin1String("#1347  Amazing new feature  new-topic -> main  octocat")));
    CHECK(h.run({QStringLiteral("prs"), QStringLiteral("list"), kRepo, QStringLiteral("--json")})
              .json()
              .array()
              .size() == 1);
}

TEST_CASE("CLI actions: enable, disable, dispatch, rerun, cancel, comment", "[cli][github]")
{
    CliHarness h;
    REQUIRE(h.run({QStringLiteral("workflows"), QStringLiteral("disable"), kRepo, QStringLiteral("ci.yml")})
                .exitCode == 0);
    CHECK(h.server.workflow(161335)->state == QLatin1String("disabled_manually"));
    REQUIRE(h.run({QStringLiteral("workflows"), QStringLiteral("enable"), kRepo, QStringLiteral("ci.yml")})
                .exitCode == 0);
    CHECK(h.server.workflow(161335)->state == QLatin1String("active"));

    const CliRun dispatch = h.run({QStringLiteral("workflows"), QStringLiteral("dispatch"), kRepo,
                                   QStringLiteral("ci.yml"), QStringLiteral("--ref"), QStringLiteral("main"),
                                   QStringLiteral("--input"), QStringLiteral("environment=production"),
                                   QStringLiteral("--input"), QStringLiteral("dry_run=true")});
    INFO(dispatch.err.toStdString());
    REQUIRE(dispatch.exitCode == 0);
    REQUIRE(h.server.dispatches().size() == 1);
    const FakeDispatch sent = h.server.dispatches().constFirst();
    CHECK(dispatch.out.contains(QStringLiteral("run %1").arg(sent.runId)));
    CHECK(dispatch.out.contains(QLatin1String("http")));
    CHECK(
        sent.body.value(QLatin1String("inputs")).toObject().value(QLatin1String("environment")).toString() ==
        QLatin1String("production"));

    h.server.setDispatchReturnsRunDetails(false);
    const CliRun older =
        h.run({QStringLiteral("workflows"), QStringLiteral("dispatch"), kRepo, QStringLiteral("ci.yml"),
               QStringLiteral("--ref"), QStringLiteral("main"), QStringLiteral("--json")});
    REQUIRE(older.exitCode == 0);
    REQUIRE(h.server.dispatches().size() == 2);
    CHECK(older.json().object().value(QLatin1String("workflow_run_id")).toInteger() ==
          h.server.dispatches().constLast().runId);
    CHECK_FALSE(older.json().object().value(QLatin1String("reported_by_github")).toBool());

    const qint64 failedRun = h.server.addRun({.repo = kRepo, .conclusion = QStringLiteral("failure")});
    const CliRun rerun = h.run({QStringLiteral("runs"), QStringLiteral("rerun"), kRepo,
                                QString::number(failedRun), QStringLiteral("--failed")});
    REQUIRE(rerun.exitCode == 0);
    CHECK(h.server.requestsTo(QStringLiteral(".*/rerun-failed-jobs"), "POST").size() == 1);

    const qint64 running =
        h.server.addRun({.repo = kRepo, .status = QStringLiteral("in_progress"), .conclusion = {}});
    REQUIRE(
        h.run({QStringLiteral("runs"), QStringLiteral("cancel"), kRepo, QString::number(running)}).exitCode ==
        0);
    CHECK(h.server.requestsTo(QStringLiteral(".*/cancel"), "POST").size() == 1);

    const CliRun comment = h.run({QStringLiteral("comment"), kRepo, QStringLiteral("1347"),
                                  QStringLiteral("--body"), QStringLiteral("Deployed to staging")});
    REQUIRE(comment.exitCode == 0);
    CHECK(comment.out.startsWith(QLatin1String("Commented on octocat/Hello-World#1347: http")));
    CHECK(h.server.comments(kRepo, 1347).constLast().body == QLatin1String("Deployed to staging"));
}

TEST_CASE("CLI exit codes: 1 with GitHub's message when refused, 2 on usage errors", "[cli][github]")
{
    CliHarness h;
    const CliRun missing = h.run(args({"workflows", "list", "octocat/no-such-repo"}));
    CHECK(missing.exitCode == 1);
    CHECK(missing.err.contains(QLatin1String("404")));
    CHECK(missing.err.contains(QLatin1String("cannot see it")));
    CHECK(missing.out.isEmpty());

    h.server.failNext("POST", QStringLiteral(".*/dispatches"), 422, 1, {},
                      R"({"message":"Required input 'environment' not provided"})");
    const CliRun invalid = h.run({QStringLiteral("workflows"), QStringLiteral("dispatch"), kRepo,
                                  QStringLiteral("ci.yml"), QStringLiteral("--ref"), QStringLiteral("main")});
    CHECK(invalid.exitCode == 1);
    CHECK(invalid.err.contains(QLatin1String("Required input 'environment' not provided")));

    CHECK(h.run(args({"workflows", "list"})).exitCode == 2);
    CHECK(h.run(args({"workflows", "list", "not-a-repo"})).exitCode == 2);
    const CliRun noRef =
        h.run({QStringLiteral("workflows"), QStringLiteral("dispatch"), kRepo, QStringLiteral("ci.yml")});
    CHECK(noRef.exitCode == 2);
    CHECK(noRef.err.contains(QLatin1String("--ref REF is required")));
    CHECK(h.run({QStringLiteral("runs"), QStringLiteral("show"), kRepo, QStringLiteral("abc")}).exitCode ==
          2);
    CHECK(h.run({QStringLiteral("runs"), QStringLiteral("list"), kRepo, QStringLiteral("--limit"),
                 QStringLiteral("0")})
              .exitCode == 2);
    CHECK(h.run({QStringLiteral("workflows"), QStringLiteral("dispatch"), kRepo, QStringLiteral("ci.yml"),
                 QStringLiteral("--ref"), QStringLiteral("main"), QStringLiteral("--input"),
                 QStringLiteral("novalue")})
              .exitCode == 2);
    CHECK(h.run({QStringLiteral("comment"), kRepo, QStringLiteral("1347")}).exitCode == 2);
    CHECK(h.run({QStringLiteral("runs"), QStringLiteral("cancel"), kRepo, QStringLiteral("1"),
                 QStringLiteral("--bogus")})
              .exitCode == 2);
    CHECK(h.server.requestsTo(QStringLiteral(".*"), "POST").size() == 1); // only the refused dispatch
}

TEST_CASE("CLI: a token from the environment appears neither in the log file nor on stderr after a 401",
          "[cli][github][security]")
{
    CliHarness h;
    h.token = QStringLiteral("ghp_TopSecretValueThatMustNotLeak1234");
    QProcessEnvironment verbose;
    verbose.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("exeserver.*.debug=true"));
    verbose.insert(QStringLiteral("EXESERVER_LOG_STDERR"), QStringLiteral("1"));
    const CliRun run = h.run(args({"auth", "status"}), verbose);
    CHECK(run.exitCode == 1);
    CHECK(run.err.contains(QLatin1String("401")));
    CHECK(run.err.contains(QLatin1String("invalid or has expired")));
    CHECK(h.server.requests().constLast().header("Authorization") == "Bearer " + h.token.toUtf8());

    QFile log(QDir(h.dataDir.path()).filePath(QStringLiteral("logs/exeserver.log")));
    REQUIRE(log.open(QIODevice::ReadOnly));
    const QByteArray logText = log.readAll();
    CHECK(logText.contains("GET /user"));
    CHECK_FALSE(logText.contains(h.token.toUtf8()));
    CHECK_FALSE(logText.contains("TopSecret"));
    CHECK_FALSE(run.err.contains(h.token));
    CHECK_FALSE(run.err.contains(QLatin1String("TopSecret")));
    CHECK_FALSE(run.out.contains(QLatin1String("TopSecret")));
}

TEST_CASE("CLI: a spent rate limit fails at once with the time it ends, exit 1", "[cli][github]")
{
    CliHarness h;
    h.server.setRateLimitRemaining(0);
    const CliRun run = h.run(args({"repos", "list"}));
    CHECK(run.exitCode == 1);
    CHECK(run.err.contains(QLatin1String("rate limited until ")));
    // The client waits until one second after the reset; either minute may be printed at a minute boundary.
    const QDateTime reset = h.server.rateLimitReset().toLocalTime();
    CHECK((run.err.contains(reset.toString(QStringLiteral("HH:mm"))) ||
           run.err.contains(reset.addSecs(1).toString(QStringLiteral("HH:mm")))));
    CHECK(h.server.requests().size() == 1);
}

TEST_CASE("CLI: every change on GitHub is in the action log, with its outcome", "[cli][github][actions]")
{
    CliHarness h;
    REQUIRE(h.run(args({"workflows", "dispatch", "octocat/Hello-World", "deploy.yml", "--ref", "main",
                        "--input", "environment=staging"}))
                .exitCode == 0);
    REQUIRE(h.run(args({"comment", "octocat/Hello-World", "1347", "--body", "/review"})).exitCode == 0);
    h.server.failNext("POST", QStringLiteral(".*/cancel"), 409);
    const qint64 runId = h.server.runs(kRepo).first().id;
    CHECK(h.run({QStringLiteral("runs"), QStringLiteral("cancel"), kRepo, QString::number(runId)}).exitCode ==
          1);

    const CliRun listed = h.run(args({"actions", "list", "--json"}));
    INFO(listed.err.toStdString());
    REQUIRE(listed.exitCode == 0);
    const QJsonArray actions = listed.json().isArray()
                                   ? listed.json().array()
                                   : listed.json().object().value(QStringLiteral("actions")).toArray();
    REQUIRE(actions.size() == 3);
    QMap<QString, QJsonObject> byKind;
    for (const QJsonValue &action : actions)
        byKind.insert(action.toObject().value(QStringLiteral("kind")).toString(), action.toObject());
    REQUIRE(byKind.contains(QStringLiteral("dispatch")));
    CHECK(byKind[QStringLiteral("dispatch")].value(QStringLiteral("status")).toString() ==
          QStringLiteral("success"));
    CHECK(byKind[QStringLiteral("dispatch")].value(QStringLiteral("target")).toString() ==
          QStringLiteral("octocat/Hello-World:deploy.yml@main"));
    CHECK(byKind[QStringLiteral("dispatch")]
              .value(QStringLiteral("output"))
              .toString()
              .startsWith(QStringLiteral("run ")));
    REQUIRE(byKind.contains(QStringLiteral("comment")));
    CHECK(byKind[QStringLiteral("comment")].value(QStringLiteral("target")).toString() ==
          QStringLiteral("octocat/Hello-World#1347"));
    REQUIRE(byKind.contains(QStringLiteral("cancel")));
    CHECK(byKind[QStringLiteral("cancel")].value(QStringLiteral("status")).toString() ==
          QStringLiteral("failure"));
    CHECK(byKind[QStringLiteral("cancel")].value(QStringLiteral("http_status")).toInt() == 409);
}

TEST_CASE("CLI: the ETag cache persists in the event store between commands", "[cli][github]")
{
    CliHarness h;
    REQUIRE(h.run(args({"workflows", "list", "octocat/Hello-World"})).exitCode == 0);
    const int spent = h.server.rateLimitUsed();
    h.server.clearRequests();
    REQUIRE(h.run(args({"workflows", "list", "octocat/Hello-World"})).exitCode == 0);
    CHECK(h.server.count304() >= 1);
    CHECK(h.server.rateLimitUsed() == spent);
}

TEST_CASE("CLI hooks: add with a new relay channel, list, ping, deliveries, redeliver, remove only ours",
          "[cli][hooks]")
{
    CliHarness h;
    FakeRelay relay;
    const qint64 theirs = h.server.addHook({.scope = kRepo,
                                            .url = QStringLiteral("https://ci.example.com/hook"),
                                            .events = {QStringLiteral("push")}});
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_RELAY_SERVICE"), relay.baseUrl().toString());
    env.insert(QStringLiteral("GITHUB_WEBHOOK_SECRET"), QStringLiteral("cli-secret"));

    const CliRun added =
        h.run(args({"hooks", "add", "octocat/Hello-World", "--relay", "--events", "push,check_suite"}), env);
    INFO(added.err.toStdString());
    REQUIRE(added.exitCode == 0);
    REQUIRE(relay.createdChannels().size() == 1);
    const QString channel = relay.createdChannels().first();
    CHECK(added.out.contains(QStringLiteral("New relay channel ") + channel));
    const QList<FakeHook> hooks = h.server.hooks(kRepo);
    REQUIRE(hooks.size() == 2);
    const FakeHook ours = hooks.last();
    CHECK(ours.url == channel);
    CHECK(ours.secret == QStringLiteral("cli-secret"));
    CHECK(ours.events == QStringList{QStringLiteral("push"), QStringLiteral("check_suite")});
    CHECK(added.out.contains(QStringLiteral("Created webhook %1").arg(ours.id)));
    // The channel is kept for the next start: the settings file has it.
    QFile ini(QDir(h.dataDir.path()).filePath(QStringLiteral("exeserver.ini")));
    REQUIRE(ini.open(QIODevice::ReadOnly));
    CHECK(ini.readAll().contains(channel.toUtf8()));

    REQUIRE(QTest::qWaitFor([&]() { return relay.forwardedCount() >= 1; }, 5000)); // GitHub's first ping
    QTest::qWait(100);
    const CliRun listed = h.run(args({"hooks", "list", "octocat/Hello-World"}), env);
    REQUIRE(listed.exitCode == 0);
    CHECK(listed.out.contains(QStringLiteral("%1  active  ExeServer's  %2").arg(ours.id).arg(channel)));
    CHECK(listed.out.contains(QStringLiteral("%1  active  not ExeServer's (left alone)").arg(theirs)));
    CHECK(listed.out.contains(QStringLiteral("last deliveries: 200 ping")));
    // Without a repository: the hooks ExeServer set up.
    const CliRun mine = h.run(args({"hooks", "list"}), env);
    REQUIRE(mine.exitCode == 0);
    CHECK(mine.out.contains(channel));

    REQUIRE(
        h.run(args({"hooks", "ping", "octocat/Hello-World", QByteArray::number(ours.id).constData()}), env)
            .exitCode == 0);
    REQUIRE(QTest::qWaitFor([&]() { return relay.forwardedCount() >= 2; }, 5000));
    QTest::qWait(100);
    const CliRun deliveries = h.run(args({"hooks", "deliveries", "octocat/Hello-World",
                                          QByteArray::number(ours.id).constData(), "--json"}),
                                    env);
    REQUIRE(deliveries.exitCode == 0);
    const QJsonArray items = deliveries.json().array();
    REQUIRE(items.size() == 2);
    CHECK(items[0].toObject().value(QStringLiteral("status_code")).toInt() == 200);
    const QByteArray deliveryId =
        QByteArray::number(items[0].toObject().value(QStringLiteral("id")).toInteger());
    const CliRun redelivered = h.run(args({"hooks", "redeliver", "octocat/Hello-World",
                                           QByteArray::number(ours.id).constData(), deliveryId.constData()}),
                                     env);
    INFO(redelivered.err.toStdString());
    CHECK(redelivered.exitCode == 0);
    REQUIRE(QTest::qWaitFor([&]() { return relay.forwardedCount() >= 3; }, 5000));

    const CliRun refused =
        h.run(args({"hooks", "remove", "octocat/Hello-World", QByteArray::number(theirs).constData()}), env);
    CHECK(refused.exitCode == 1);
    CHECK(refused.err.contains(QStringLiteral("was not created by ExeServer")));
    CHECK(h.server.hooks(kRepo).size() == 2);
    const CliRun removed =
        h.run(args({"hooks", "remove", "octocat/Hello-World", QByteArray::number(ours.id).constData()}), env);
    CHECK(removed.exitCode == 0);
    REQUIRE(h.server.hooks(kRepo).size() == 1);
    CHECK(h.server.hooks(kRepo)[0].id == theirs);
}

TEST_CASE("CLI hooks: missing rights name the permission; no keychain and no variable name the variable",
          "[cli][hooks]")
{
    CliHarness h;
    h.server.failNext("GET", QStringLiteral("/repos/octocat/Hello-World/hooks"), 404);
    const CliRun listed = h.run(args({"hooks", "list", "octocat/Hello-World"}));
    CHECK(listed.exitCode == 1);
    CHECK(listed.err.contains(QStringLiteral("admin:repo_hook")));
    CHECK(listed.err.contains(QStringLiteral("\"Webhooks: write\"")));

    const CliRun noSecret = h.run(args(
        {"hooks", "add", "octocat/Hello-World", "--url", "https://example.com/hook", "--events", "push"}));
    CHECK(noSecret.exitCode == 1);
    CHECK(noSecret.err.contains(QStringLiteral("GITHUB_WEBHOOK_SECRET")));
    CHECK(h.server.hooks(kRepo).isEmpty());
}

TEST_CASE("CLI hooks: one relay channel and one secret for several repositories set up together",
          "[cli][hooks]")
{
    CliHarness h;
    FakeRelay relay;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_RELAY_SERVICE"), relay.baseUrl().toString());
    env.insert(QStringLiteral("GITHUB_WEBHOOK_SECRET"), QStringLiteral("shared"));
    const CliRun added = h.run(
        args({"hooks", "add", "octocat/Hello-World", "octocat/Spoon-Knife", "--relay", "--events", "push"}),
        env);
    INFO(added.err.toStdString());
    REQUIRE(added.exitCode == 0);
    REQUIRE(relay.createdChannels().size() == 1);
    for (const QString &repo : {kRepo, QStringLiteral("octocat/Spoon-Knife")}) {
        REQUIRE(h.server.hooks(repo).size() == 1);
        CHECK(h.server.hooks(repo)[0].url == relay.createdChannels().first());
        CHECK(h.server.hooks(repo)[0].secret == QStringLiteral("shared"));
    }
}

TEST_CASE("CLI runs watch: prints step progress until the run ends; exit 0 on success, 1 otherwise",
          "[cli][github][watch]")
{
    CliHarness h;
    for (const bool succeeds : {true, false}) {
        const qint64 runId = h.server.addRun({.repo = kRepo,
                                              .status = QStringLiteral("in_progress"),
                                              .conclusion = {},
                                              .jobs = {{.name = QStringLiteral("build")}}});
        // The run ends while the CLI watches it.
        QTimer::singleShot(1500, &h.server, [&h, runId, succeeds]() {
            h.server.setRunStatus(runId, QStringLiteral("completed"),
                                  succeeds ? QStringLiteral("success") : QStringLiteral("failure"));
        });
        const CliRun run =
            h.run({QStringLiteral("runs"), QStringLiteral("watch"), kRepo, QString::number(runId),
                   QStringLiteral("--interval"), QStringLiteral("0.2")});
        INFO(run.out.toStdString() << run.err.toStdString());
        CHECK(run.exitCode == (succeeds ? 0 : 1));
        CHECK(run.out.contains(QLatin1String("3. Run make test: in_progress")));
        CHECK(run.out.contains(succeeds ? QLatin1String("3. Run make test: success")
                                        : QLatin1String("3. Run make test: failure")));
        CHECK(run.out.contains(succeeds ? QLatin1String("finished: success")
                                        : QLatin1String("finished: failure")));
        // Each state is printed once, however many polls saw it.
        CHECK(run.out.count(QLatin1String("3. Run make test: in_progress")) == 1);
        CHECK(h.server.requestsTo(QStringLiteral("/repos/octocat/Hello-World/actions/runs/%1").arg(runId))
                  .size() >= 2);
    }
    const CliRun missing = h.run(args({"runs", "watch", "octocat/Hello-World", "999"}));
    CHECK(missing.exitCode == 1);
}

TEST_CASE("CLI runs list: branch, actor, event, status and created go to GitHub as query parameters",
          "[cli][github][filters]")
{
    CliHarness h;
    h.server.clearRequests();
    const CliRun run =
        h.run(args({"runs", "list", "octocat/Hello-World", "--branch", "main", "--actor", "octocat",
                    "--event", "push", "--status", "success", "--created", ">=2020-01-01", "--limit", "5"}));
    INFO(run.err.toStdString());
    REQUIRE(run.exitCode == 0);
    const auto sent = h.server.requestsTo(QStringLiteral("/repos/octocat/Hello-World/actions/runs"), "GET");
    REQUIRE(sent.size() == 1);
    const QUrlQuery &query = sent.first().query;
    CHECK(query.queryItemValue(QStringLiteral("branch")) == QLatin1String("main"));
    CHECK(query.queryItemValue(QStringLiteral("actor")) == QLatin1String("octocat"));
    CHECK(query.queryItemValue(QStringLiteral("event")) == QLatin1String("push"));
    CHECK(query.queryItemValue(QStringLiteral("status")) == QLatin1String("success"));
    CHECK(query.queryItemValue(QStringLiteral("created"), QUrl::FullyDecoded) ==
          QLatin1String(">=2020-01-01"));
    CHECK(query.queryItemValue(QStringLiteral("per_page")) == QLatin1String("5"));
}

TEST_CASE("CLI runs artifacts and runs download: the zip is saved byte for byte, never over a file",
          "[cli][github][artifacts]")
{
    CliHarness h;
    const qint64 runId = h.server.addRun({.repo = kRepo});
    const QByteArray zip = QByteArray("PK\x03\x04", 4) + QByteArray(5000, 'z');
    const qint64 id = h.server.addArtifact({.runId = runId, .name = QStringLiteral("dist"), .zip = zip});
    const CliRun listed =
        h.run({QStringLiteral("runs"), QStringLiteral("artifacts"), kRepo, QString::number(runId)});
    INFO(listed.err.toStdString());
    REQUIRE(listed.exitCode == 0);
    CHECK(listed.out.contains(QStringLiteral("%1  dist  5004 bytes").arg(id)));
    QTemporaryDir out;
    const QStringList download{QStringLiteral("runs"), QStringLiteral("download"), kRepo,
                               QString::number(id),    QStringLiteral("--dir"),    out.path()};
    const CliRun saved = h.run(download);
    INFO(saved.err.toStdString());
    REQUIRE(saved.exitCode == 0);
    QFile file(QDir(out.path()).filePath(QStringLiteral("dist.zip")));
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.readAll() == zip);
    const CliRun again = h.run(download);
    CHECK(again.exitCode == 1);
    CHECK(again.err.contains(QStringLiteral("not overwritten")));
}

TEST_CASE("CLI runs rerun --job --debug and runs review: sent as GitHub expects and logged",
          "[cli][github][attempts]")
{
    CliHarness h;
    const qint64 runId = h.server.addRun({.repo = kRepo, .conclusion = QStringLiteral("failure")});
    const QString job = QString::number(h.server.run(runId)->jobs.first().id);
    const CliRun rerun =
        h.run({QStringLiteral("runs"), QStringLiteral("rerun"), kRepo, QString::number(runId),
               QStringLiteral("--job"), job, QStringLiteral("--debug")});
    INFO(rerun.err.toStdString());
    REQUIRE(rerun.exitCode == 0);
    const auto sent = h.server.requestsTo(QStringLiteral(".*/actions/jobs/%1/rerun").arg(job), "POST");
    REQUIRE(sent.size() == 1);
    CHECK(sent.first().json().value(QStringLiteral("enable_debug_logging")).toBool());

    const qint64 waiting = h.server.addRun({.repo = kRepo,
                                            .status = QStringLiteral("waiting"),
                                            .conclusion = {},
                                            .pendingEnvironments = {QStringLiteral("production")}});
    const CliRun review =
        h.run({QStringLiteral("runs"), QStringLiteral("review"), kRepo, QString::number(waiting),
               QStringLiteral("--reject"), QStringLiteral("--comment"), QStringLiteral("Not today")});
    INFO(review.err.toStdString());
    REQUIRE(review.exitCode == 0);
    CHECK(review.out.contains(QStringLiteral("Rejected the deployment to production")));
    CHECK(h.server.run(waiting)->conclusion == QStringLiteral("failure"));
    const CliRun none = h.run({QStringLiteral("runs"), QStringLiteral("review"), kRepo,
                               QString::number(waiting), QStringLiteral("--approve")});
    CHECK(none.exitCode == 1);
    CHECK(none.err.contains(QStringLiteral("no deployment waiting")));
}

TEST_CASE("CLI prs list: each pull request with its head commit's checks", "[cli][github][checks]")
{
    CliHarness h;
    // The seeded pull request's branch (new-topic) has a failed run; another branch passes; a third has none.
    h.server.addRun({.repo = kRepo, .headBranch = QStringLiteral("green")});
    h.server.addPullRequest(
        {.repo = kRepo, .title = QStringLiteral("Green"), .head = QStringLiteral("green")});
    h.server.addPullRequest(
        {.repo = kRepo, .title = QStringLiteral("Fresh"), .head = QStringLiteral("fresh")});
    const CliRun prs = h.run({QStringLiteral("prs"), QStringLiteral("list"), kRepo});
    INFO(prs.err.toStdString() << prs.out.toStdString());
    REQUIRE(prs.exitCode == 0);
    CHECK(prs.out.contains(
        QLatin1String("Amazing new feature  new-topic -> main  octocat  checks: failing (1 of 1 failed)")));
    CHECK(prs.out.contains(QLatin1String("Green  green -> main  octocat  checks: passing (1)")));
    CHECK(prs.out.contains(QLatin1String("Fresh  fresh -> main  octocat  checks: no checks")));
    CHECK(h.server
              .requestsTo(QStringLiteral("/repos/octocat/Hello-World/commits/[0-9a-f]{40}/check-runs"), "GET")
              .size() == 3);
    const QJsonArray json =
        h.run({QStringLiteral("prs"), QStringLiteral("list"), kRepo, QStringLiteral("--json")})
            .json()
            .array();
    REQUIRE(json.size() == 3);
    QStringList states;
    for (const QJsonValue &pr : json)
        states.append(
            pr.toObject().value(QLatin1String("checks")).toObject().value(QLatin1String("state")).toString());
    states.sort();
    CHECK(states ==
          QStringList{QStringLiteral("failing"), QStringLiteral("none"), QStringLiteral("passing")});
}
