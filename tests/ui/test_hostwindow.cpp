#include "catch.h"
#include "testutil.h"

#include "config/settings.h"
#include "dashboard/dashboardpage.h"
#include "dashboard/repositorypicker.h"
#include "events/webhookreceiver.h"
#include "events/webhooksignature.h"
#include "fakegithubserver.h"
#include "github/githubclient.h"
#include "host/automationhost.h"
#include "mainwindow.h"
#include "store/eventstore.h"
#include "store/sqliteresponsecache.h"
#include "triggers/triggerengine.h"
#include "triggers/triggerfile.h"

#include <QDir>
#include <QEventLoop>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace exeserver;
using exeserver::test::FakeGitHubServer;

namespace {

const QByteArray kSecret = "window test secret";

int postSigned(QNetworkAccessManager &network, const QUrl &url, const QByteArray &delivery,
               const QByteArray &body)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("X-GitHub-Event", "issues");
    request.setRawHeader("X-GitHub-Delivery", delivery);
    request.setRawHeader("X-Hub-Signature-256", WebhookSignature::sign(kSecret, body));
    QNetworkReply *reply = network.post(request, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

} // namespace

TEST_CASE("Main window: hosts webhooks and triggers, and shows what fired", "[ui][host]")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    FakeGitHubServer server;
    REQUIRE(server.start());
    QNetworkAccessManager network;
    EventStore store;
    REQUIRE(store.open(QDir(dir.path()).filePath(QStringLiteral("exeserver.db"))).ok());
    const Result<QList<Trigger>> triggers = TriggerFile::parse(R"(
triggers:
  - name: greet
    event: issues
    run: [{notify: {title: "issue {{ event.number }} opened"}}]
)");
    REQUIRE(triggers.ok());
    for (const Trigger &trigger : *triggers)
        REQUIRE(store.saveTrigger(toStoredTrigger(trigger)).ok());

    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    env.insert(QStringLiteral("GITHUB_API_URL"), server.baseUrl().toString());
    env.insert(QStringLiteral("GH_TOKEN"), QString::fromLatin1(FakeGitHubServer::DefaultToken));
    env.insert(QStringLiteral("GITHUB_WEBHOOK_SECRET"), QString::fromLatin1(kSecret));
    env.insert(QStringLiteral("EXESERVER_WEBHOOK_PORT"), QStringLiteral("0"));
    Settings settings(env);

    // As app/gui/main.cpp wires it.
    const Result<AutomationHost::Options> options = AutomationHost::optionsFrom(settings);
    REQUIRE(options.ok());
    AutomationHost host(settings, &store, network, *options);
    SqliteResponseCache cache(store);
    GitHubClient::Options clientOptions = GitHubClient::optionsFrom(settings, &network);
    clientOptions.connection.cache = &cache;
    GitHubClient client(clientOptions);
    MainWindow window(settings);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    const Status started = host.start();
    REQUIRE(started.ok());
    window.setAutomationHost(&host);
    window.attachGitHub(&client, &store);
    REQUIRE(window.dashboard());

    auto *status = window.statusBar()->findChild<QLabel *>(QStringLiteral("hostStatus"));
    REQUIRE(status);
    CHECK(status->isVisible());
    CHECK(status->text().startsWith(QStringLiteral("Webhooks on 127.0.0.1:")));
    CHECK(status->text().endsWith(QStringLiteral("triggers on")));
    // The dashboard picks every repository at first start; polling follows its selection.
    REQUIRE(QTest::qWaitFor(
        [&]() { return status->text().contains(QStringLiteral("polling 3 repositories")); }, 15000));
    window.dashboard()->repositoryPicker()->setChecked(QStringLiteral("octocat/Spoon-Knife"), false);
    REQUIRE(QTest::qWaitFor(
        [&]() { return status->text().contains(QStringLiteral("polling 2 repositories")); }, 5000));

    const QByteArray body =
        R"({"action":"opened","number":9,"issue":{"id":9,"number":9},"repository":{"full_name":"octocat/Hello-World"},"sender":{"login":"octocat"}})";
    const QUrl url(host.receiver()->baseUrl() + QStringLiteral("/api/v1/github_webhooks"));
    CHECK(postSigned(network, url, "window-1", body) == 202);
    CHECK(postSigned(network, url, "window-1", body) == 200);
    REQUIRE(QTest::qWaitFor([&]() { return window.lastHostMessage().contains(QStringLiteral("issue 9")); },
                            10000));
    CHECK(window.lastHostMessage() == QStringLiteral("issue 9 opened"));
    const Result<qint64> count = store.eventCount();
    REQUIRE(count.ok());
    CHECK(*count == 1);
    const Result<std::optional<Event>> stored = store.event(QStringLiteral("window-1"));
    REQUIRE(stored.ok());
    CHECK(stored->has_value());
    // Fired once: one action in the log.
    QTest::qWait(200);
    const auto actions = store.actions({});
    REQUIRE(actions.ok());
    CHECK(actions->size() == 1);
    host.stop();
}

TEST_CASE("Main window: a port in use is shown in the window, not lost", "[ui][host]")
{
    QTemporaryDir dir;
    QNetworkAccessManager network;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    Settings settings(env);
    AutomationHost::Options options;
    options.webhookPort = 0;
    AutomationHost first(settings, nullptr, network, options);
    REQUIRE(first.start().ok());
    options.webhookPort = quint16(first.receiver()->port());
    AutomationHost second(settings, nullptr, network, options);
    const Status started = second.start();
    REQUIRE_FALSE(started.ok());

    MainWindow window(settings);
    window.show();
    window.setAutomationHost(&second, started.error().message);
    auto *status = window.statusBar()->findChild<QLabel *>(QStringLiteral("hostStatus"));
    REQUIRE(status);
    CHECK(status->text().startsWith(QStringLiteral("Webhooks failed")));
    CHECK(status->text().contains(started.error().message));
    CHECK(window.statusBar()->currentMessage().contains(started.error().message));
}
