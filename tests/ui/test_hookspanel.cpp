// The hooks panel (ui/hookspanel.h) against the fake GitHub and a fake relay service.
#include "catch.h"
#include "config/secretstore.h"
#include "config/settings.h"
#include "fakerelay.h"
#include "githubtesting.h"
#include "hooks/coverageline.h"
#include "hooks/hooksdock.h"
#include "hooks/hookspanel.h"
#include "store/eventstore.h"
#include "testutil.h"
#include "triggereditor/triggereditor.h"
#include "triggereditor/triggerlistview.h"
#include "triggers/triggerengine.h"
#include "triggers/triggerfile.h"
#include "widgetpng.h"

#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QMainWindow>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>

using namespace exeserver;
using namespace exeserver::test;

namespace {

const QString kRepo = QStringLiteral("octocat/Hello-World");

struct PanelDesk
{
    QTemporaryDir dir;
    GitHubHarness github;
    FakeRelay relay;
    EventStore store;
    std::unique_ptr<Settings> settings;
    SecretStore secrets{std::make_unique<MemorySecretBackend>()};
    std::unique_ptr<HooksPanel> panel;

    PanelDesk()
    {
        REQUIRE(dir.isValid());
        REQUIRE(store.open(QDir(dir.path()).filePath(QStringLiteral("exeserver.db"))).ok());
        QProcessEnvironment env;
        env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
        env.insert(QStringLiteral("EXESERVER_RELAY_SERVICE"), relay.baseUrl().toString());
        settings = std::make_unique<Settings>(env);
        const Result<QList<Trigger>> triggers = TriggerFile::parse(R"(
triggers:
  - {name: suites, event: check_suite, repositories: [octocat/Hello-World], run: [{notify: {title: t}}]}
  - {name: pushes, event: push, run: [{notify: {title: t}}]}
)");
        REQUIRE(triggers.ok());
        for (const Trigger &trigger : *triggers)
            REQUIRE(store.saveTrigger(toStoredTrigger(trigger)).ok());
        panel = std::make_unique<HooksPanel>(
            HooksPanel::Services{*settings, secrets, github.network, *github.client, &store});
        panel->resize(980, 560);
        panel->setRepositories({kRepo, QStringLiteral("octocat/Spoon-Knife")});
    }

    void waitIdle()
    {
        REQUIRE(QTest::qWaitFor([&]() { return !panel->isBusy(); }, 10000));
    }
    QPushButton *button(const QString &text) const
    {
        for (QPushButton *b : panel->findChildren<QPushButton *>()) {
            if (b->text() == text)
                return b;
        }
        FAIL("no button " << text.toStdString());
        return nullptr;
    }
};

} // namespace

TEST_CASE("Hooks panel: set up in one step, list with deliveries, remove only ExeServer's", "[ui][hooks]")
{
    PanelDesk d;
    const qint64 theirs = d.github.server.addHook({.scope = kRepo,
                                                   .url = QStringLiteral("https://ci.example.com/hook"),
                                                   .events = {QStringLiteral("push")}});
    d.panel->show();
    d.panel->refresh();
    d.waitIdle();
    REQUIRE(d.panel->hooksView()->topLevelItemCount() == 1);
    CHECK(d.panel->hooksView()->topLevelItem(0)->text(2) == QStringLiteral("someone else (left alone)"));
    CHECK_FALSE(d.button(QStringLiteral("Remove"))->isEnabled());

    QSignalSpy finished(d.panel.get(), &HooksPanel::finished);
    d.button(QStringLiteral("Set up webhook"))->click();
    REQUIRE(QTest::qWaitFor([&]() { return finished.size() >= 2; }, 10000)); // set up, then the refresh
    d.waitIdle();
    INFO(d.panel->status().toStdString());
    REQUIRE(d.relay.createdChannels().size() == 1);
    const QList<FakeHook> hooks = d.github.server.hooks(kRepo);
    REQUIRE(hooks.size() == 2);
    CHECK(hooks[1].url == d.relay.createdChannels().first());
    CHECK(hooks[1].events == QStringList{QStringLiteral("check_suite"), QStringLiteral("push")});
    CHECK(hooks[1].secret == d.settings->get(setting::WebhookSecret));
    CHECK(d.settings->get(setting::RelayUrl) == d.relay.createdChannels().first());
    REQUIRE(d.panel->hooksView()->topLevelItemCount() == 2);

    // GitHub's first ping reached the relay; its delivery shows with its status code.
    REQUIRE(QTest::qWaitFor([&]() { return d.relay.forwardedCount() >= 1; }, 5000));
    d.panel->refresh();
    d.waitIdle();
    d.panel->hooksView()->setCurrentItem(d.panel->hooksView()->topLevelItem(1));
    REQUIRE(QTest::qWaitFor([&]() { return d.panel->deliveriesView()->topLevelItemCount() == 1; }, 5000));
    CHECK(d.panel->deliveriesView()->topLevelItem(0)->text(2) == QStringLiteral("200 OK"));
    CHECK(d.panel->deliveriesView()->topLevelItem(0)->text(3) == QStringLiteral("ping"));
    CHECK(d.button(QStringLiteral("Remove"))->isEnabled());
    CHECK(d.button(QStringLiteral("Redeliver"))->isEnabled());
    test::savePng(*d.panel, QStringLiteral("hookspanel.png"));

    d.button(QStringLiteral("Remove"))->click();
    REQUIRE(QTest::qWaitFor([&]() { return d.github.server.hooks(kRepo).size() == 1; }, 10000));
    d.waitIdle();
    CHECK(d.github.server.hooks(kRepo)[0].id == theirs);
}

TEST_CASE("Hooks panel: a 403 names the permission in the status line", "[ui][hooks]")
{
    PanelDesk d;
    d.github.server.failNext("GET", QStringLiteral("/repos/octocat/Hello-World/hooks"), 403);
    d.panel->show();
    d.panel->refresh();
    d.waitIdle();
    CHECK(d.panel->status().contains(QStringLiteral("admin:repo_hook")));
    test::savePng(*d.panel, QStringLiteral("hookspanel-403.png"));
}

TEST_CASE("Hooks dock: listed in the View menu, built and asking GitHub only once shown", "[ui][hooks]")
{
    PanelDesk d;
    QMainWindow window;
    QMenu view;
    QDockWidget *dock = addHooksDock(
        &window, &view, {*d.settings, d.secrets, d.github.network, *d.github.client, &d.store}, nullptr);
    window.resize(900, 600);
    window.show();
    REQUIRE(view.actions().size() == 1);
    CHECK(view.actions().first()->text() == QStringLiteral("Webhooks"));
    CHECK(dock->isHidden());
    CHECK(dock->widget() == nullptr);
    d.github.server.clearRequests();
    view.actions().first()->trigger();
    REQUIRE(QTest::qWaitFor([&]() { return dock->widget() != nullptr; }, 2000));
    auto *panel = qobject_cast<HooksPanel *>(dock->widget());
    REQUIRE(panel);
    panel->setRepositories({kRepo});
    panel->refresh();
    REQUIRE(QTest::qWaitFor([&]() { return !panel->isBusy(); }, 10000));
    CHECK_FALSE(
        d.github.server.requestsTo(QStringLiteral("/repos/octocat/Hello-World/hooks"), "GET").isEmpty());
}

TEST_CASE("Trigger editor: the coverage line says how the event arrives, and Set up webhook fixes it",
          "[ui][hooks][coverage]")
{
    PanelDesk d;
    QMainWindow window;
    QMenu view;
    QDockWidget *dock = addHooksDock(
        &window, &view, {*d.settings, d.secrets, d.github.network, *d.github.client, &d.store}, nullptr);
    window.resize(900, 600);
    window.show();
    TriggerEditor editor(&d.store);
    editor.resize(760, 620);
    editor.show();
    CoverageLine *line = editor.coverageLine();
    line->setSettings(d.settings.get());
    const Result<QList<Trigger>> triggers = TriggerFile::parse(R"(
triggers:
  - {name: suites, event: check_suite, repositories: [octocat/Hello-World], run: [{notify: {title: t}}]}
)");
    REQUIRE(triggers.ok());
    editor.setTrigger(triggers->first());
    CHECK(line->text() ==
          QStringLiteral("⚠ check_suite: nothing delivers this event type — GitHub sends it only "
                         "as a webhook; set one up with exeserver-cli hooks add"));
    CHECK(line->offersSetUp());
    test::savePng(editor, QStringLiteral("triggereditor-coverage-none.png"));
    editor.eventBox()->setCurrentText(QStringLiteral("push"));
    CHECK(line->text().startsWith(QStringLiteral("push: polled from the Events API, 30 s to hours late")));
    editor.eventBox()->setCurrentText(QStringLiteral("check_suite"));

    QObject::connect(line, &CoverageLine::setUpWebhookRequested, dock,
                     [dock, line](const QStringList &repos) {
                         setUpWebhookInDock(dock, repos, [line](const QString &) { line->refresh(); });
                     });
    line->findChild<QPushButton *>(QStringLiteral("setUpWebhook"))->click();
    REQUIRE(QTest::qWaitFor([&]() { return !line->offersSetUp(); }, 10000));
    REQUIRE(d.github.server.hooks(kRepo).size() == 1);
    CHECK(d.github.server.hooks(kRepo)[0].events ==
          QStringList{QStringLiteral("check_suite"), QStringLiteral("push")});
    CHECK(line->text() == QStringLiteral("check_suite: by webhook through the relay channel (seconds)"));
    test::savePng(editor, QStringLiteral("triggereditor-coverage-relay.png"));
}

TEST_CASE("Trigger list: the event's coverage as a tooltip, a warning on deaf triggers, said on import and "
          "enable",
          "[ui][coverage]")
{
    PanelDesk d;
    TriggerListView list(d.store);
    list.editor()->coverageLine()->setSettings(d.settings.get());
    const QString path = QDir(d.dir.path()).filePath(QStringLiteral("more.yml"));
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(R"(
triggers:
  - {name: jobs, event: workflow_job, repositories: [octocat/Hello-World], run: [{notify: {title: t}}]}
  - {name: later, enabled: false, event: status, repositories: [octocat/Hello-World], run: [{notify: {title: t}}]}
)");
    file.close();
    REQUIRE(list.importFile(path).ok());
    CHECK(list.statusText().contains(
        QStringLiteral("Nothing delivers the events of: jobs (workflow_job: nothing "
                       "delivers this event type")));
    list.reload();
    const auto rowOf = [&](const QString &name) {
        for (int row = 0; row < list.table()->rowCount(); ++row) {
            if (list.table()->item(row, TriggerListView::NameColumn)->text() == name)
                return row;
        }
        return -1;
    };
    QTableWidgetItem *jobs = list.table()->item(rowOf(QStringLiteral("jobs")), TriggerListView::EventColumn);
    CHECK_FALSE(jobs->icon().isNull());
    CHECK(jobs->toolTip().startsWith(QStringLiteral("workflow_job: nothing delivers")));
    QTableWidgetItem *pushes =
        list.table()->item(rowOf(QStringLiteral("pushes")), TriggerListView::EventColumn);
    CHECK(pushes->icon().isNull());
    CHECK(pushes->toolTip().startsWith(QStringLiteral("push: polled from the Events API")));
    list.setTriggerEnabled(QStringLiteral("later"), true);
    CHECK(list.statusText().startsWith(QStringLiteral("status: nothing delivers this event type")));
}
