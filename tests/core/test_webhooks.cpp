// Webhooks managed from ExeServer (issue 18): the client's hook calls against the fake GitHub, only
// ExeServer's own hooks changed, the permission named on a 403/404, and the one-step relay + hook setup.
#include "config/secretstore.h"
#include "config/settings.h"
#include "fakerelay.h"
#include "github/hookregistry.h"
#include "github/webhookmanager.h"
#include "githubtesting.h"
#include "host/automationhost.h"
#include "host/hooksetup.h"
#include "store/eventstore.h"
#include "triggers/triggerengine.h"
#include "triggers/triggerfile.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace exeserver;
using namespace exeserver::test;

namespace {

const QString kRepo = QStringLiteral("octocat/Hello-World");

Status awaitStatus(const std::function<void(std::function<void(Status)>)> &start)
{
    return await<Done>([&start](auto done) { start(std::move(done)); });
}

QList<Trigger> parseTriggers(const char *yaml)
{
    const Result<QList<Trigger>> triggers = TriggerFile::parse(yaml);
    REQUIRE(triggers.ok());
    return *triggers;
}

// A desk's settings (data dir, fake GitHub, fake relay service), an in-memory keychain and the hook
// machinery wired to them.
struct HookDesk
{
    QTemporaryDir dir;
    GitHubHarness github;
    FakeRelay relay;
    std::unique_ptr<Settings> settings;
    SecretStore secrets{std::make_unique<MemorySecretBackend>()};
    std::unique_ptr<HookRegistry> registry;
    std::unique_ptr<WebhookManager> manager;
    std::unique_ptr<HookSetup> setup;

    explicit HookDesk(const QHash<QString, QString> &extraEnv = {})
    {
        REQUIRE(dir.isValid());
        QProcessEnvironment env;
        env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
        env.insert(QStringLiteral("GITHUB_API_URL"), github.server.baseUrl().toString());
        env.insert(QStringLiteral("GITHUB_TOKEN"), QString::fromLatin1(FakeGitHubServer::DefaultToken));
        env.insert(QStringLiteral("EXESERVER_RELAY_SERVICE"), relay.baseUrl().toString());
        for (auto it = extraEnv.begin(); it != extraEnv.end(); ++it)
            env.insert(it.key(), it.value());
        settings = std::make_unique<Settings>(env);
        registry = std::make_unique<HookRegistry>(QDir(dir.path()).filePath(QStringLiteral("webhooks.json")));
        REQUIRE(registry->load().ok());
        manager = std::make_unique<WebhookManager>(*github.client, *registry);
        setup = std::make_unique<HookSetup>(*settings, secrets, github.network, *manager);
    }

    Result<HookSetup::Outcome> run(const HookSetup::Request &request, const QList<Trigger> &triggers)
    {
        return await<HookSetup::Outcome>([&](auto done) { setup->run(request, triggers, std::move(done)); });
    }
};

} // namespace

TEST_CASE("GitHub client: repository webhooks are created, listed, updated, pinged, redelivered and deleted",
          "[hooks]")
{
    GitHubHarness h;
    FakeRelay target;
    const HookScope scope = HookScope::repository(kRepo);
    const HookSpec spec{target.url().toString(),
                        QStringLiteral("s3cret"),
                        {QStringLiteral("push"), QStringLiteral("check_suite")},
                        true};
    const Result<Hook> created = await<Hook>([&](auto done) { h.client->createHook(scope, spec, done); });
    REQUIRE(created.ok());
    const QList<RecordedRequest> posts =
        h.server.requestsTo(QStringLiteral("/repos/octocat/Hello-World/hooks"), "POST");
    REQUIRE(posts.size() == 1);
    const QJsonObject body = posts[0].json();
    CHECK(body.value(QStringLiteral("name")).toString() == QStringLiteral("web"));
    CHECK(body.value(QStringLiteral("config")).toObject().value(QStringLiteral("content_type")).toString() ==
          QStringLiteral("json"));
    CHECK(body.value(QStringLiteral("config")).toObject().value(QStringLiteral("secret")).toString() ==
          QStringLiteral("s3cret"));
    CHECK(created->url == target.url().toString());
    CHECK(created->events == QStringList{QStringLiteral("push"), QStringLiteral("check_suite")});
    CHECK(created->contentType == QStringLiteral("json"));
    CHECK(h.server.hooks(kRepo).at(0).secret == QStringLiteral("s3cret"));

    const Result<QList<Hook>> listed =
        await<QList<Hook>>([&](auto done) { h.client->listHooks(scope, done); });
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 1);
    CHECK(listed->at(0).id == created->id);
    CHECK(listed->at(0).active);

    HookSpec changed = spec;
    changed.events = {QStringLiteral("*")};
    const Result<Hook> updated =
        await<Hook>([&](auto done) { h.client->updateHook(scope, created->id, changed, done); });
    REQUIRE(updated.ok());
    CHECK(updated->events == QStringList{QStringLiteral("*")});

    // GitHub pings a new hook itself; a ping asked for is a second delivery. Both reach the target.
    REQUIRE(awaitStatus([&](auto done) { h.client->pingHook(scope, created->id, done); }).ok());
    REQUIRE(QTest::qWaitFor([&]() { return target.forwardedCount() == 2; }, 5000));
    QTest::qWait(50);
    const Result<QList<HookDelivery>> deliveries = await<QList<HookDelivery>>(
        [&](auto done) { h.client->listHookDeliveries(scope, created->id, 10, done); });
    REQUIRE(deliveries.ok());
    REQUIRE(deliveries->size() == 2);
    CHECK(deliveries->at(0).event == QStringLiteral("ping"));
    CHECK(deliveries->at(0).statusCode == 200);
    CHECK(deliveries->at(0).status == QStringLiteral("OK"));

    REQUIRE(awaitStatus([&](auto done) {
                h.client->redeliverHookDelivery(scope, created->id, deliveries->at(1).id, done);
            }).ok());
    REQUIRE(QTest::qWaitFor([&]() { return target.forwardedCount() == 3; }, 5000));
    CHECK(h.server.hookDeliveries(created->id).last().redelivery);

    REQUIRE(awaitStatus([&](auto done) { h.client->deleteHook(scope, created->id, done); }).ok());
    CHECK(h.server.hooks(kRepo).isEmpty());
}

TEST_CASE("GitHub client: a 403 or 404 on webhooks names the permission the token lacks", "[hooks]")
{
    GitHubHarness h;
    h.server.failNext("GET", QStringLiteral("/repos/octocat/Hello-World/hooks"), 403);
    const Result<QList<Hook>> refused =
        await<QList<Hook>>([&](auto done) { h.client->listHooks(HookScope::repository(kRepo), done); });
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == QStringLiteral("missing_permission"));
    CHECK(refused.error().message.contains(QStringLiteral("admin:repo_hook")));
    CHECK(refused.error().message.contains(QStringLiteral("\"Webhooks: write\"")));

    h.server.failNext("POST", QStringLiteral("/orgs/octo-org/hooks"), 404);
    const Result<Hook> org = await<Hook>([&](auto done) {
        h.client->createHook(
            HookScope::organization(QStringLiteral("octo-org")),
            {QStringLiteral("https://example.com/h"), QStringLiteral("x"), {QStringLiteral("push")}}, done);
    });
    REQUIRE_FALSE(org.ok());
    CHECK(org.error().message.contains(QStringLiteral("admin:org_hook")));
    CHECK(org.error().message.contains(QStringLiteral("organisation octo-org")));
}

TEST_CASE("Webhook manager: hooks ExeServer did not create are never changed or removed", "[hooks]")
{
    HookDesk desk;
    const HookScope scope = HookScope::repository(kRepo);
    const qint64 theirs = desk.github.server.addHook({.scope = kRepo,
                                                      .url = QStringLiteral("https://ci.example.com/hook"),
                                                      .events = {QStringLiteral("push")}});

    const Status removed = awaitStatus([&](auto done) { desk.manager->remove(scope, theirs, done); });
    REQUIRE_FALSE(removed.ok());
    CHECK(removed.error().kind == QStringLiteral("not_ours"));
    const Result<WebhookManager::Setup> takeover = await<WebhookManager::Setup>([&](auto done) {
        desk.manager->setUp(
            scope,
            {QStringLiteral("https://ci.example.com/hook"), QStringLiteral("x"), {QStringLiteral("*")}},
            done);
    });
    REQUIRE_FALSE(takeover.ok());
    CHECK(takeover.error().kind == QStringLiteral("not_ours"));
    REQUIRE(desk.github.server.hooks(kRepo).size() == 1);
    CHECK(desk.github.server.hooks(kRepo)[0].events == QStringList{QStringLiteral("push")});
    CHECK(desk.github.server.requestsTo(QStringLiteral("/repos/.*/hooks/.*"), "PATCH").isEmpty());
    CHECK(desk.github.server.requestsTo(QStringLiteral("/repos/.*/hooks/.*"), "DELETE").isEmpty());

    // ExeServer's own hook beside it is listed as such and can be removed; the other one stays.
    const Result<WebhookManager::Setup> ours = await<WebhookManager::Setup>([&](auto done) {
        desk.manager->setUp(
            scope, {desk.relay.url().toString(), QStringLiteral("x"), {QStringLiteral("push")}}, done);
    });
    REQUIRE(ours.ok());
    const Result<QList<ManagedHook>> listed =
        await<QList<ManagedHook>>([&](auto done) { desk.manager->list(scope, done); });
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 2);
    CHECK_FALSE(listed->at(0).ours);
    CHECK(listed->at(1).ours);
    // The mark survives a restart (a fresh registry reads it from the data dir).
    HookRegistry reread(QDir(desk.dir.path()).filePath(QStringLiteral("webhooks.json")));
    REQUIRE(reread.load().ok());
    CHECK(reread.isOurs(scope, ours->hook));
    REQUIRE(awaitStatus([&](auto done) { desk.manager->remove(scope, ours->hook.id, done); }).ok());
    REQUIRE(desk.github.server.hooks(kRepo).size() == 1);
    CHECK(desk.github.server.hooks(kRepo)[0].id == theirs);
}

TEST_CASE(
    "Hook setup: one step creates a relay channel and a hook with the triggers' events and a new secret",
    "[hooks][relay]")
{
    HookDesk desk;
    const QList<Trigger> triggers = parseTriggers(R"(
triggers:
  - name: on push
    event: push
    repositories: [octocat/Hello-World]
    run: [{notify: {title: pushed}}]
  - name: suites
    event: check_suite
    repositories: ["octocat/*"]
    run: [{notify: {title: suite}}]
  - name: off
    enabled: false
    event: issues
    run: [{notify: {title: issue}}]
  - name: elsewhere
    event: pull_request
    repositories: [other/repo]
    run: [{notify: {title: pr}}]
  - name: inbox
    event: notification
    run: [{notify: {title: inbox}}]
)");
    const Result<HookSetup::Outcome> outcome =
        desk.run({HookScope::repository(kRepo), {}, true, {}}, triggers);
    REQUIRE(outcome.ok());
    CHECK(outcome->created);
    CHECK(outcome->newChannel);
    REQUIRE(desk.relay.createdChannels().size() == 1);
    CHECK(outcome->target.toString() == desk.relay.createdChannels().first());
    CHECK(outcome->events == QStringList{QStringLiteral("check_suite"), QStringLiteral("push")});

    // The channel is kept in the settings file; the secret in the keychain, 32 random bytes as hex.
    const SettingValue relay = desk.settings->value(setting::RelayUrl);
    CHECK(relay.value == outcome->target.toString());
    CHECK(relay.source == SettingSource::SettingsFile);
    const SettingValue secret = desk.settings->value(setting::WebhookSecret);
    CHECK(secret.source == SettingSource::Keychain);
    CHECK(secret.value.size() == 64);

    const QList<FakeHook> hooks = desk.github.server.hooks(kRepo);
    REQUIRE(hooks.size() == 1);
    CHECK(hooks[0].url == outcome->target.toString());
    CHECK(hooks[0].secret == secret.value);
    CHECK(hooks[0].contentType == QStringLiteral("json"));
    CHECK(hooks[0].events == outcome->events);

    // Again: the same channel, the same secret, the same hook updated — not a second one.
    const Result<HookSetup::Outcome> again = desk.run({HookScope::repository(kRepo), {}, true, {}}, triggers);
    REQUIRE(again.ok());
    CHECK_FALSE(again->created);
    CHECK_FALSE(again->newChannel);
    CHECK(desk.relay.createdChannels().size() == 1);
    CHECK(desk.github.server.hooks(kRepo).size() == 1);
    CHECK(desk.github.server.hooks(kRepo)[0].secret == secret.value);

    // No trigger on a repository and no events named: nothing is created.
    const Result<HookSetup::Outcome> none =
        desk.run({HookScope::repository(QStringLiteral("octocat/Spoon-Knife")), {}, true, {}},
                 parseTriggers("triggers:\n  - name: x\n    event: push\n    repositories: [a/b]\n    run: "
                               "[{notify: {title: t}}]\n"));
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().kind == QStringLiteral("no_events"));
}

TEST_CASE("Hook setup: EXESERVER_RELAY_URL and GITHUB_WEBHOOK_SECRET from the environment win",
          "[hooks][relay]")
{
    HookDesk desk({{QStringLiteral("EXESERVER_RELAY_URL"), QStringLiteral("https://smee.io/mine")},
                   {QStringLiteral("GITHUB_WEBHOOK_SECRET"), QStringLiteral("from-the-environment")}});
    const Result<HookSetup::Outcome> outcome =
        desk.run({HookScope::repository(kRepo), {}, true, {QStringLiteral("push")}}, {});
    REQUIRE(outcome.ok());
    CHECK_FALSE(outcome->newChannel);
    CHECK(desk.relay.createdChannels().isEmpty());
    CHECK(outcome->target == QUrl(QStringLiteral("https://smee.io/mine")));
    CHECK(desk.github.server.hooks(kRepo).at(0).secret == QStringLiteral("from-the-environment"));
}

TEST_CASE("Hook setup: without a relay the hook delivers to webhook.public_url, at the receiver's path",
          "[hooks]")
{
    HookDesk desk(
        {{QStringLiteral("EXESERVER_WEBHOOK_PUBLIC_URL"), QStringLiteral("https://desk.example.com")},
         {QStringLiteral("GITHUB_WEBHOOK_SECRET"), QStringLiteral("s")}});
    const Result<HookSetup::Outcome> outcome =
        desk.run({HookScope::repository(kRepo), {}, false, {QStringLiteral("push")}}, {});
    REQUIRE(outcome.ok());
    CHECK(outcome->target == QUrl(QStringLiteral("https://desk.example.com/api/v1/github_webhooks")));
    CHECK(desk.relay.createdChannels().isEmpty());

    HookDesk nowhere({{QStringLiteral("GITHUB_WEBHOOK_SECRET"), QStringLiteral("s")}});
    const Result<HookSetup::Outcome> refused =
        nowhere.run({HookScope::repository(kRepo), {}, false, {QStringLiteral("push")}}, {});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.contains(QStringLiteral("webhook.public_url")));
}

TEST_CASE("Hook setup: a delivery through the new relay channel fires the trigger", "[hooks][relay]")
{
    HookDesk desk;
    EventStore store;
    REQUIRE(store.open(QDir(desk.dir.path()).filePath(QStringLiteral("exeserver.db"))).ok());
    const QList<Trigger> triggers = parseTriggers(R"(
triggers:
  - name: suite done
    event: check_suite
    repositories: [octocat/Hello-World]
    run: [{notify: {title: "suite {{ event.action }}"}}]
)");
    for (const Trigger &trigger : triggers)
        REQUIRE(store.saveTrigger(toStoredTrigger(trigger)).ok());
    REQUIRE(desk.run({HookScope::repository(kRepo), {}, true, {}}, triggers).ok());

    Result<AutomationHost::Options> options = AutomationHost::optionsFrom(*desk.settings);
    REQUIRE(options.ok());
    CHECK(options->relayUrl.toString() == desk.relay.createdChannels().first());
    options.value().poll = false;
    AutomationHost host(*desk.settings, &store, desk.github.network, *options);
    QSignalSpy connected(&host, &AutomationHost::relayConnected);
    QSignalSpy notified(&host, &AutomationHost::notification);
    REQUIRE(host.start().ok());
    REQUIRE(QTest::qWaitFor([&]() { return !connected.isEmpty(); }, 5000));

    // GitHub sends check_suite (webhook-only: no poller could have brought it) to the hook's URL.
    const QJsonObject payload{
        {QStringLiteral("action"), QStringLiteral("completed")},
        {QStringLiteral("check_suite"), QJsonObject{{QStringLiteral("id"), 118578147},
                                                    {QStringLiteral("status"), QStringLiteral("completed")}}},
        {QStringLiteral("repository"), QJsonObject{{QStringLiteral("full_name"), kRepo}}},
        {QStringLiteral("sender"), QJsonObject{{QStringLiteral("login"), QStringLiteral("octocat")}}}};
    CHECK(desk.github.server.deliverEvent(kRepo, QStringLiteral("check_suite"), payload) == 1);
    REQUIRE(QTest::qWaitFor([&]() { return !notified.isEmpty(); }, 10000));
    CHECK(notified.first().first().value<TriggerNotification>().title == QStringLiteral("suite completed"));
    host.stop();
}

TEST_CASE("Hook setup: a host already running follows the new channel and secret without a restart",
          "[hooks][relay]")
{
    HookDesk desk;
    EventStore store;
    REQUIRE(store.open(QDir(desk.dir.path()).filePath(QStringLiteral("exeserver.db"))).ok());
    const QList<Trigger> triggers = parseTriggers(R"(
triggers:
  - name: jobs
    event: workflow_job
    repositories: [octocat/Hello-World]
    run: [{notify: {title: "job {{ event.action }}"}}]
)");
    for (const Trigger &trigger : triggers)
        REQUIRE(store.saveTrigger(toStoredTrigger(trigger)).ok());
    Result<AutomationHost::Options> options = AutomationHost::optionsFrom(*desk.settings);
    REQUIRE(options.ok());
    options.value().poll = false;
    AutomationHost host(*desk.settings, &store, desk.github.network, *options);
    QSignalSpy connected(&host, &AutomationHost::relayConnected);
    QSignalSpy notified(&host, &AutomationHost::notification);
    REQUIRE(host.start().ok());
    CHECK(host.relay() == nullptr);

    REQUIRE(desk.run({HookScope::repository(kRepo), {}, true, {}}, triggers).ok());
    host.applyWebhookSettings();
    REQUIRE(host.relay() != nullptr);
    REQUIRE(QTest::qWaitFor([&]() { return !connected.isEmpty(); }, 5000));
    CHECK(host.description().contains(QStringLiteral("relay 127.0.0.1")));
    const QJsonObject payload{
        {QStringLiteral("action"), QStringLiteral("queued")},
        {QStringLiteral("workflow_job"), QJsonObject{{QStringLiteral("id"), 399444496}}},
        {QStringLiteral("repository"), QJsonObject{{QStringLiteral("full_name"), kRepo}}},
        {QStringLiteral("sender"), QJsonObject{{QStringLiteral("login"), QStringLiteral("octocat")}}}};
    CHECK(desk.github.server.deliverEvent(kRepo, QStringLiteral("workflow_job"), payload) == 1);
    REQUIRE(QTest::qWaitFor([&]() { return !notified.isEmpty(); }, 10000));
    CHECK(notified.first().first().value<TriggerNotification>().title == QStringLiteral("job queued"));
    host.stop();
}
