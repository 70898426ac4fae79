#include "catch.h"

#include "config/settings.h"
#include "events/poller.h"
#include "events/webhookreceiver.h"
#include "events/webhooksignature.h"
#include "fakegithubserver.h"
#include "host/automationhost.h"
#include "host/polltargets.h"
#include "store/eventstore.h"
#include "triggers/triggerengine.h"
#include "triggers/triggerfile.h"
#include "triggers/triggerruntime.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace exeserver;
using exeserver::test::FakeGitHubServer;

namespace {

const QByteArray kSecret = "host test secret";
const QByteArray kBody =
    R"({"action":"opened","number":7,"issue":{"id":7,"number":7},"repository":{"full_name":"octo/host"},"sender":{"login":"octocat"}})";

int postSigned(QNetworkAccessManager &network, const QUrl &url, const QByteArray &delivery)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("X-GitHub-Event", "issues");
    request.setRawHeader("X-GitHub-Delivery", delivery);
    request.setRawHeader("X-Hub-Signature-256", WebhookSignature::sign(kSecret, kBody));
    QNetworkReply *reply = network.post(request, kBody);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

struct HostDesk
{
    QTemporaryDir dir;
    FakeGitHubServer server;
    QNetworkAccessManager network;
    EventStore store;
    std::unique_ptr<Settings> settings;

    explicit HostDesk(const QString &secret = QString::fromLatin1(kSecret))
    {
        REQUIRE(dir.isValid());
        REQUIRE(server.start());
        REQUIRE(store.open(QDir(dir.path()).filePath(QStringLiteral("exeserver.db"))).ok());
        QProcessEnvironment env;
        env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
        env.insert(QStringLiteral("GITHUB_API_URL"), server.baseUrl().toString());
        env.insert(QStringLiteral("GITHUB_TOKEN"), QString::fromLatin1(FakeGitHubServer::DefaultToken));
        if (!secret.isEmpty())
            env.insert(QStringLiteral("GITHUB_WEBHOOK_SECRET"), secret);
        env.insert(QStringLiteral("EXESERVER_WEBHOOK_PORT"), QStringLiteral("0"));
        settings = std::make_unique<Settings>(env);
        const Result<QList<Trigger>> triggers = TriggerFile::parse(R"(
triggers:
  - name: greet
    event: issues
    run: [{notify: {title: "issue {{ event.number }} opened"}}]
)");
        REQUIRE(triggers.ok());
        for (const Trigger &trigger : *triggers)
            REQUIRE(store.saveTrigger(toStoredTrigger(trigger)).ok());
    }
};

} // namespace

TEST_CASE("Automation host: options come from webhook.port, webhook.bind and poll.enabled", "[host]")
{
    QTemporaryDir dir;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    {
        const Result<AutomationHost::Options> options = AutomationHost::optionsFrom(Settings(env));
        REQUIRE(options.ok());
        CHECK_FALSE(options->webhookPort.has_value());
        CHECK(options->webhookBind == QHostAddress(QHostAddress::LocalHost));
        CHECK(options->poll);
        CHECK_FALSE(options->markNotificationsRead); // the user's inbox is left alone unless asked
        CHECK(options->pollerStatePath == QDir(dir.path()).filePath(QStringLiteral("poller-state.json")));
    }
    env.insert(QStringLiteral("EXESERVER_WEBHOOK_PORT"), QStringLiteral("3000"));
    env.insert(QStringLiteral("EXESERVER_WEBHOOK_BIND"), QStringLiteral("0.0.0.0"));
    env.insert(QStringLiteral("EXESERVER_POLL"), QStringLiteral("false"));
    {
        const Result<AutomationHost::Options> options = AutomationHost::optionsFrom(Settings(env));
        REQUIRE(options.ok());
        CHECK(options->webhookPort == quint16(3000));
        CHECK(options->webhookBind == QHostAddress(QStringLiteral("0.0.0.0")));
        CHECK_FALSE(options->poll);
    }
    env.insert(QStringLiteral("EXESERVER_WEBHOOK_PORT"), QStringLiteral("seventy"));
    const Result<AutomationHost::Options> bad = AutomationHost::optionsFrom(Settings(env));
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message.contains(QLatin1StringView("webhook.port")));
}

TEST_CASE("Automation host: a signed webhook is stored once and its trigger fires once", "[host]")
{
    HostDesk desk;
    Result<AutomationHost::Options> options = AutomationHost::optionsFrom(*desk.settings);
    REQUIRE(options.ok());
    AutomationHost host(*desk.settings, &desk.store, desk.network, *options);
    QSignalSpy listening(&host, &AutomationHost::webhooksListening);
    QSignalSpy accepted(&host, &AutomationHost::eventAccepted);
    QSignalSpy notified(&host, &AutomationHost::notification);
    QSignalSpy finished(&host, &AutomationHost::actionFinished);
    const Status started = host.start();
    REQUIRE(started.ok());
    REQUIRE(listening.size() == 1);
    CHECK(host.description().startsWith(QStringLiteral("Webhooks on 127.0.0.1:")));
    CHECK(host.description().endsWith(QStringLiteral(" · polling off · triggers on")));

    const QUrl url(host.receiver()->baseUrl() + QStringLiteral("/api/v1/github_webhooks"));
    CHECK(postSigned(desk.network, url, "host-1") == 202);
    CHECK(postSigned(desk.network, url, "host-1") == 200); // a redelivery
    REQUIRE(QTest::qWaitFor([&]() { return notified.size() >= 1 && finished.size() >= 1; }, 10000));
    QTest::qWait(200);
    CHECK(accepted.size() == 1);
    CHECK(notified.size() == 1);
    CHECK(notified.first().first().value<TriggerNotification>().title == QStringLiteral("issue 7 opened"));
    const Result<qint64> count = desk.store.eventCount();
    REQUIRE(count.ok());
    CHECK(*count == 1);

    // Polling follows the repositories it is given.
    QSignalSpy polling(&host, &AutomationHost::pollingChanged);
    host.setRepositories({QStringLiteral("octocat/Hello-World"), QStringLiteral("octocat/Spoon-Knife")});
    REQUIRE(polling.size() == 1);
    CHECK(host.description().contains(QStringLiteral("polling 2 repositories")));
    host.setRepositories({});
    CHECK(host.description().contains(QStringLiteral("polling off")));
    host.stop();
}

TEST_CASE("Automation host: a public address without a webhook secret is refused with a clear error",
          "[host]")
{
    HostDesk desk(QString{});
    Result<AutomationHost::Options> options = AutomationHost::optionsFrom(*desk.settings);
    REQUIRE(options.ok());
    options.value().webhookBind = QHostAddress(QHostAddress::AnyIPv4);
    AutomationHost host(*desk.settings, &desk.store, desk.network, *options);
    const Status started = host.start();
    REQUIRE_FALSE(started.ok());
    CHECK(host.listenFailed());
    CHECK(started.error().message.contains(QLatin1StringView("secret"), Qt::CaseInsensitive));
    CHECK(host.description().startsWith(QStringLiteral("Webhooks failed")));
}

TEST_CASE("Automation host: paused triggers store events but do not fire, and resume for new ones", "[host]")
{
    HostDesk desk;
    Result<AutomationHost::Options> options = AutomationHost::optionsFrom(*desk.settings);
    REQUIRE(options.ok());
    AutomationHost host(*desk.settings, &desk.store, desk.network, *options);
    QSignalSpy accepted(&host, &AutomationHost::eventAccepted);
    QSignalSpy notified(&host, &AutomationHost::notification);
    QSignalSpy pausedChanged(&host, &AutomationHost::triggersPausedChanged);
    REQUIRE(host.start().ok());

    host.setTriggersPaused(true);
    CHECK(host.triggersPaused());
    REQUIRE(pausedChanged.size() == 1);
    CHECK(host.description().endsWith(QStringLiteral(" · triggers paused")));
    const QUrl url(host.receiver()->baseUrl() + QStringLiteral("/api/v1/github_webhooks"));
    CHECK(postSigned(desk.network, url, "paused-1") == 202);
    REQUIRE(QTest::qWaitFor([&]() { return accepted.size() == 1; }, 10000));
    QTest::qWait(300);
    CHECK(notified.isEmpty());
    const Result<qint64> stored = desk.store.eventCount();
    REQUIRE(stored.ok());
    CHECK(*stored == 1); // the event is in the log all the same

    // Resuming does not fire for what arrived while paused; the next event fires.
    host.setTriggersPaused(false);
    CHECK(host.description().endsWith(QStringLiteral(" · triggers on")));
    QTest::qWait(200);
    CHECK(notified.isEmpty());
    CHECK(postSigned(desk.network, url, "resumed-1") == 202);
    REQUIRE(QTest::qWaitFor([&]() { return notified.size() == 1; }, 10000));
    host.stop();
}

TEST_CASE("Automation host: a new token reaches the poller and the triggers without a restart", "[host]")
{
    HostDesk desk;
    Result<AutomationHost::Options> options = AutomationHost::optionsFrom(*desk.settings);
    REQUIRE(options.ok());
    AutomationHost host(*desk.settings, &desk.store, desk.network, *options);
    REQUIRE(host.start().ok());
    REQUIRE(host.triggers());
    CHECK(host.triggers()->token() == QString::fromLatin1(FakeGitHubServer::DefaultToken));
    const QString repo = QStringLiteral("octocat/Hello-World");
    host.setRepositories({repo});
    REQUIRE(QTest::qWaitFor([&]() { return !desk.server.requestsTo(QStringLiteral("/repos/.+")).isEmpty(); },
                            10000));

    // The user pastes another token into Settings; GitHub accepts only that one from now on.
    const QString newToken = QStringLiteral("github_pat_11ABCDEFG0123456789_newtokenforthehost");
    desk.server.setToken(newToken);
    QTest::qWait(100); // polls in flight finish
    desk.server.clearRequests();
    host.setToken(newToken);
    CHECK(host.triggers()->token() == newToken);
    REQUIRE(QTest::qWaitFor([&]() { return !desk.server.requestsTo(QStringLiteral("/repos/.+")).isEmpty(); },
                            10000));
    for (const auto &request : desk.server.requestsTo(QStringLiteral("/repos/.+"))) {
        CHECK(request.header("Authorization") == "Bearer " + newToken.toUtf8());
        CHECK(request.status != 401);
    }
    host.stop();
}

TEST_CASE("Automation host: a polled event runs its trigger, and one stored without a decision is decided at "
          "the next start",
          "[host][crash]")
{
    HostDesk desk;
    Result<AutomationHost::Options> options = AutomationHost::optionsFrom(*desk.settings);
    REQUIRE(options.ok());
    options.value().repositories = {QStringLiteral("octo/host")};
    const auto storedIssue = [&](const QString &id) {
        Event event;
        event.id = id;
        event.type = QStringLiteral("issues");
        event.action = QStringLiteral("opened");
        event.repository = QStringLiteral("octo/host");
        event.source = eventsource::Poll;
        event.receivedAt = QDateTime::currentDateTimeUtc();
        event.occurredAt = event.receivedAt;
        event.payload = kBody;
        REQUIRE(desk.store.addEvent(event).ok());
        NormalizedEvent normalized;
        normalized.id = id;
        normalized.name = event.type;
        normalized.source = EventSource::EventsApi;
        return normalized;
    };
    {
        AutomationHost host(*desk.settings, &desk.store, desk.network, *options);
        QSignalSpy notified(&host, &AutomationHost::notification);
        REQUIRE(host.start().ok());
        REQUIRE(host.poller());
        // What the poller does with an Events API item: store it, then announce it.
        const NormalizedEvent polled = storedIssue(QStringLiteral("events-api:1"));
        Q_EMIT host.poller()->eventPolled(polled);
        REQUIRE(QTest::qWaitFor([&]() { return notified.size() == 1; }, 10000));
        host.stop();
    }
    // Stored, and then the process died before deciding it.
    storedIssue(QStringLiteral("events-api:2"));
    AutomationHost restarted(*desk.settings, &desk.store, desk.network, *options);
    QSignalSpy notified(&restarted, &AutomationHost::notification);
    QSignalSpy processed(&restarted, &AutomationHost::eventProcessed);
    REQUIRE(restarted.start().ok());
    REQUIRE(QTest::qWaitFor([&]() { return notified.size() == 1; }, 10000));
    REQUIRE(processed.size() == 1);
    CHECK(processed.first().first().toString() == QStringLiteral("events-api:2"));
    restarted.stop();
}

TEST_CASE("Poll targets: literal names, globs expanded against the account, disabled and any-repository "
          "triggers add none",
          "[host][polling]")
{
    const Result<QList<Trigger>> triggers = TriggerFile::parse(R"(
triggers:
  - {name: a, event: push, repositories: [octocat/Spoon-Knife], run: [{notify: {title: t}}]}
  - {name: b, event: push, repositories: ["octo-org/*"], run: [{notify: {title: t}}]}
  - {name: c, event: push, enabled: false, repositories: [someone/else], run: [{notify: {title: t}}]}
  - {name: d, event: push, run: [{notify: {title: t}}]}
)");
    REQUIRE(triggers.ok());
    CHECK(PollTargets::needsAccount(*triggers));
    CHECK(PollTargets::repositories(*triggers) == QStringList{QStringLiteral("octocat/Spoon-Knife")});
    const QStringList account{QStringLiteral("octocat/Hello-World"), QStringLiteral("octo-org/octo-repo"),
                              QStringLiteral("octo-org/tools")};
    CHECK(PollTargets::repositories(*triggers, account) ==
          QStringList{QStringLiteral("octo-org/octo-repo"), QStringLiteral("octo-org/tools"),
                      QStringLiteral("octocat/Spoon-Knife")});
    CHECK(PollTargets::unite({QStringLiteral("octocat/Hello-World"), QStringLiteral("octo-org/tools")},
                             PollTargets::repositories(*triggers, account)) ==
          QStringList{QStringLiteral("octocat/Hello-World"), QStringLiteral("octo-org/tools"),
                      QStringLiteral("octo-org/octo-repo"), QStringLiteral("octocat/Spoon-Knife")});
}

TEST_CASE("Automation host: a trigger on a repository not ticked on the dashboard fires from polling",
          "[host][polling]")
{
    HostDesk desk;
    const Result<QList<Trigger>> triggers = TriggerFile::parse(R"(
triggers:
  - name: knife runs
    event: workflow_run
    repositories: [octocat/Spoon-Knife]
    run: [{notify: {title: "run {{ event.workflow_run.id }} {{ event.action }}"}}]
  - name: org pushes
    event: push
    repositories: ["octo-org/*"]
    run: [{notify: {title: "push"}}]
)");
    REQUIRE(triggers.ok());
    for (const Trigger &trigger : *triggers)
        REQUIRE(desk.store.saveTrigger(toStoredTrigger(trigger)).ok());
    const qint64 runId = desk.server.addRun({.repo = QStringLiteral("octocat/Spoon-Knife")});
    // The poller saw Spoon-Knife's runs before (none then), so the run counts as new rather than baseline.
    QFile state(QDir(desk.dir.path()).filePath(QStringLiteral("poller-state.json")));
    REQUIRE(state.open(QIODevice::WriteOnly));
    state.write(R"({"repositories":{"octocat/Spoon-Knife":{"runs_primed":true,"run_keys":{}}}})");
    state.close();

    Result<AutomationHost::Options> options = AutomationHost::optionsFrom(*desk.settings);
    REQUIRE(options.ok());
    options.value().webhookPort.reset();
    options.value().repositories = {QStringLiteral("octocat/Hello-World")}; // the dashboard's selection
    AutomationHost host(*desk.settings, &desk.store, desk.network, *options);
    QSignalSpy notified(&host, &AutomationHost::notification);
    REQUIRE(host.start().ok());
    CHECK(host.repositories() == QStringList{QStringLiteral("octocat/Hello-World")});
    CHECK(host.polledRepositories().contains(QStringLiteral("octocat/Spoon-Knife")));
    // The seed's run of Spoon-Knife and the one added above, each once.
    const QString expected = QStringLiteral("run %1 completed").arg(runId);
    const auto fired = [&]() {
        for (const QList<QVariant> &signal : std::as_const(notified)) {
            if (signal.first().value<TriggerNotification>().title == expected)
                return true;
        }
        return false;
    };
    REQUIRE(QTest::qWaitFor(fired, 15000));

    // The glob is expanded against the account's repositories once they are listed.
    REQUIRE(QTest::qWaitFor(
        [&]() { return host.polledRepositories().contains(QStringLiteral("octo-org/octo-repo")); }, 10000));
    CHECK(host.description().contains(QStringLiteral("polling 3 repositories")));
    host.stop();
}
