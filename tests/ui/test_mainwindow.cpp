#include "catch.h"
#include "fakegithubserver.h"
#include "fakepostgrest.h"
#include "storetestutil.h"
#include "testutil.h"

#include "config/secretstore.h"
#include "config/settings.h"
#include "dashboard/dashboardpage.h"
#include "exeserver/version.h"
#include "github/githubclient.h"
#include "logs/actionlogmodel.h"
#include "logs/actionlogview.h"
#include "logs/eventlogmodel.h"
#include "logs/eventlogview.h"
#include "logs/syncstatuspanel.h"
#include "mainwindow.h"
#include "store/eventstore.h"
#include "sync/supabasetarget.h"
#include "sync/syncservice.h"
#include "tray/notificationpolicy.h"
#include "tray/traycontroller.h"
#include "triggereditor/triggereditor.h"
#include "triggereditor/triggerlistview.h"
#include "util/clock.h"
#include "welcomepage.h"
#include "widgets/applicationicon.h"
#include "workbenchdocks.h"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QPixmapCache>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace exeserver;

namespace {

QAction *findAction(QMenuBar *bar, const QString &menuText, const QString &actionText)
{
    for (QAction *menuAction : bar->actions()) {
        if (menuAction->text().remove(QLatin1Char('&')) != menuText || !menuAction->menu())
            continue;
        for (QAction *action : menuAction->menu()->actions()) {
            if (action->text().remove(QLatin1Char('&')) == actionText)
                return action;
        }
    }
    return nullptr;
}

// A returning user's window: a token, the fake GitHub, and a store with one event and one failed action.
struct WorkbenchWindowDesk
{
    QTemporaryDir dir;
    exeserver::test::FakeGitHubServer server;
    QNetworkAccessManager network;
    EventStore store;
    std::unique_ptr<Settings> settings;
    std::unique_ptr<GitHubClient> client;
    QString failedId;

    WorkbenchWindowDesk()
    {
        REQUIRE(dir.isValid());
        REQUIRE(server.start());
        REQUIRE(store.open(dir.filePath(QStringLiteral("exeserver.db"))).ok());
        QProcessEnvironment env;
        env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
        env.insert(QStringLiteral("GITHUB_API_URL"), server.baseUrl().toString());
        env.insert(QStringLiteral("GH_TOKEN"),
                   QString::fromLatin1(exeserver::test::FakeGitHubServer::DefaultToken));
        settings = std::make_unique<Settings>(env);
        client = std::make_unique<GitHubClient>(GitHubClient::optionsFrom(*settings, &network));
        const Event event = test::sampleEvent(4);
        REQUIRE(store.addEvent(event).ok());
        failedId =
            test::recordFailedDeploy(store, event.id, QStringLiteral("error: the target is read-only"));
        REQUIRE_FALSE(failedId.isEmpty());
    }
};

// Raises a notification about an event and clicks it, as QSystemTrayIcon::messageClicked would.
DesktopNotification clickEventNotification(MainWindow &window, const QString &eventId)
{
    DesktopNotification about;
    about.title = QStringLiteral("PR 4 opened");
    about.target = DesktopNotification::Target::Event;
    about.eventId = eventId;
    window.showNotification(about);
    window.tray()->openLastNotification();
    return about;
}

} // namespace

TEST_CASE("Main window: titled ExeServer, with File → Quit and Help → About", "[ui]")
{
    QTemporaryDir dir;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    Settings settings(env);
    MainWindow window(settings);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));

    CHECK(window.windowTitle() == QStringLiteral("ExeServer"));
    QAction *quit = findAction(window.menuBar(), QStringLiteral("File"), QStringLiteral("Quit"));
    REQUIRE(quit);
    CHECK(quit->shortcut() == QKeySequence(QKeySequence::Quit));
    REQUIRE(findAction(window.menuBar(), QStringLiteral("Help"), QStringLiteral("About ExeServer")));

    const QImage image = window.grab().toImage();
    REQUIRE_FALSE(image.isNull());
    CHECK(image.width() >= 800);
    REQUIRE(image.save(QDir(test::outputDir()).filePath(QStringLiteral("mainwindow-no-token.png"))));
}

TEST_CASE("Main window: the status bar says whether a token is configured and where from", "[ui]")
{
    QTemporaryDir dir;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());

    Settings without(env);
    MainWindow bare(without);
    auto *status = bare.statusBar()->findChild<QLabel *>(QStringLiteral("tokenStatus"));
    REQUIRE(status);
    CHECK(status->text().startsWith(QStringLiteral("GitHub token: not configured")));

    env.insert(QStringLiteral("GH_TOKEN"), QStringLiteral("gho_windowtest55667788"));
    env.insert(QStringLiteral("GITHUB_API_URL"), QStringLiteral("https://ghe.example.com/api/v3"));
    Settings with(env);
    MainWindow configured(with);
    status = configured.statusBar()->findChild<QLabel *>(QStringLiteral("tokenStatus"));
    REQUIRE(status);
    CHECK(status->text().contains(QStringLiteral("configured (environment, GH_TOKEN)")));
    CHECK(status->text().contains(QStringLiteral("ghe.example.com")));
    CHECK_FALSE(status->text().contains(QStringLiteral("gho_windowtest55667788")));

    // A token that arrives later from the keychain updates the status bar.
    without.provideSecret(setting::GitHubToken, QStringLiteral("ghp_fromkeychain0099"),
                          SettingSource::Keychain);
    bare.refreshCredentials();
    status = bare.statusBar()->findChild<QLabel *>(QStringLiteral("tokenStatus"));
    CHECK(status->text().contains(QStringLiteral("keychain")));

    configured.show();
    REQUIRE(QTest::qWaitForWindowExposed(&configured));
    REQUIRE(configured.grab().toImage().save(
        QDir(test::outputDir()).filePath(QStringLiteral("mainwindow-token.png"))));
}

TEST_CASE("Main window: About names the version, the Qt version and the licences", "[ui]")
{
    QTemporaryDir dir;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    Settings settings(env);
    MainWindow window(settings);
    window.show();

    QString aboutText;
    QTimer::singleShot(0, &window, [&]() {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        REQUIRE(box);
        aboutText = box->text();
        box->grab().save(QDir(test::outputDir()).filePath(QStringLiteral("about.png")));
        box->accept();
    });
    window.showAbout();
    CHECK(aboutText.contains(QString::fromLatin1(kVersion)));
    CHECK(aboutText.contains(QString::fromLatin1(qVersion())));
    CHECK(aboutText.contains(QStringLiteral("Apache License 2.0")));
    CHECK(aboutText.contains(QStringLiteral("LGPL")));
}

TEST_CASE("Main window: the application icon is compiled in and drawn at the sizes asked for", "[ui]")
{
    // Resources in a static library are dropped by the linker unless linked as an object library.
    const QIcon icon = applicationIcon();
    REQUIRE_FALSE(icon.isNull());
    CHECK(icon.availableSizes().contains(QSize(16, 16)));
    CHECK(icon.availableSizes().contains(QSize(128, 128)));
    for (const int side : {16, 20, 32, 48, 256}) {
        const QImage image = icon.pixmap(QSize(side, side)).toImage();
        CAPTURE(side);
        REQUIRE(image.size() == QSize(side, side));
        CHECK(qAlpha(image.pixel(side / 2, side / 2)) > 0); // drawn, not an empty pixmap
        CHECK(qAlpha(image.pixel(0, 0)) < 255);             // the rounded corner is transparent
    }
    CHECK_FALSE(icon.pixmap(QSize(32, 32), QIcon::Disabled).isNull());
    // Qt looks for icon themes in :/icons; a hicolor folder there made every theme lookup at start (the
    // style's icons ask the theme first) walk it: ~10 ms of the first frame under X.
    CHECK(QIcon::themeSearchPaths().contains(QStringLiteral(":/icons")));
    CHECK_FALSE(QDir(QStringLiteral(":/icons")).exists());
    QTemporaryDir dir;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    Settings settings(env);
    MainWindow window(settings);
    CHECK(window.windowIcon().availableSizes() == icon.availableSizes());
}

TEST_CASE("Sync panel: shows the running sync's target and why it is backing off", "[ui][sync]")
{
    QTemporaryDir dir;
    ManualClock clock;
    EventStore store(&clock);
    REQUIRE(store.open(QDir(dir.path()).filePath(QStringLiteral("exeserver.db"))).ok());
    REQUIRE(store.addEvents({test::sampleEvent(1), test::sampleEvent(2)}).ok());
    const QString key = QStringLiteral("eyJhbGciOiJIUzI1NiJ9.window-anon-key");
    test::FakePostgrest supabase(key);
    QNetworkAccessManager network;
    SyncService::Options options;
    options.intervalMs = 50;
    SyncService sync(store, std::make_unique<SupabaseTarget>(network, QUrl(supabase.url()), key), &clock,
                     options);

    SyncStatusPanel panel(store, &clock);
    panel.setService(&sync);
    QLabel *line = panel.statusBarLabel();
    CHECK(line->text() == QLatin1String("Sync off"));
    REQUIRE(sync.start().ok());
    REQUIRE(QTest::qWaitFor([&]() { return supabase.table(QStringLiteral("exeserver_events")).size() == 2; },
                            5000));
    CHECK(QTest::qWaitFor(
        [&]() { return line->text().startsWith(QStringLiteral("Sync: 0 pending · 0 parked")); }, 5000));
    CHECK(
        panel.findChild<QLabel *>(QStringLiteral("syncDetails"))->text().contains(QLatin1String("Supabase")));

    supabase.failNext = 3;
    REQUIRE(store.addEvent(test::sampleEvent(3)).ok());
    sync.syncNow();
    CHECK(QTest::qWaitFor([&]() { return line->text().contains(QLatin1String("retry in")); }, 5000));
    CHECK(
        panel.findChild<QLabel *>(QStringLiteral("syncDetails"))->text().contains(QLatin1String("Failing:")));
    CHECK_FALSE(line->text().contains(key));
    CHECK_FALSE(line->toolTip().contains(key));
}

TEST_CASE("Main window: a dock left open is built and shown at the next start, the others are not built",
          "[ui][workbench]")
{
    WorkbenchWindowDesk desk;
    {
        MainWindow window(*desk.settings);
        window.attachGitHub(desk.client.get(), &desk.store);
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));
        REQUIRE(window.workbench());
        window.workbench()->actionLogDock()->show();
        QTest::qWait(20);
        window.close();
    }
    MainWindow again(*desk.settings);
    // As app/gui/main.cpp: shown, then the client attached; the docks follow the first frame.
    again.show();
    again.attachGitHub(desk.client.get(), &desk.store);
    REQUIRE(QTest::qWaitFor(
        [&]() { return again.workbench() && again.workbench()->isBuilt(again.workbench()->actionLogDock()); },
        3000));
    WorkbenchDocks *docks = again.workbench();
    REQUIRE(QTest::qWaitFor([&]() { return docks->actionLogDock()->isVisible(); }, 2000));
    CHECK(docks->actionLog()->model()->rowCount() == 1);
    CHECK_FALSE(docks->isBuilt(docks->eventLogDock()));
    CHECK_FALSE(docks->isBuilt(docks->triggersDock()));
    CHECK(docks->actionLogDock()->height() > 100); // restored with room for its rows, not squeezed
    QApplication::processEvents();
    REQUIRE(again.grab().toImage().save(
        QDir(test::outputDir()).filePath(QStringLiteral("mainwindow-restored-dock.png"))));
}

TEST_CASE("Main window: a second after a refresh the style's cached drawings are given back", "[ui][memory]")
{
    WorkbenchWindowDesk desk;
    MainWindow window(*desk.settings);
    window.show();
    window.attachGitHub(desk.client.get(), &desk.store);
    REQUIRE(window.dashboard());
    REQUIRE(QTest::qWaitFor([&]() { return window.dashboard()->refreshCount() >= 1; }, 5000));
    // What the window drew since (Fusion's header sections, buttons and combo boxes) sits in Qt's pixmap
    // cache; a drawing of our own stands for them.
    QPixmap drawn(64, 64);
    drawn.fill(Qt::darkGreen);
    const QString key = QStringLiteral("exeserver-test-drawn-since-the-refresh");
    REQUIRE(QPixmapCache::insert(key, drawn));
    QPixmap found;
    CHECK(QPixmapCache::find(key, &found)); // not at once: the refreshed tables are still to be repainted
    CHECK(QTest::qWaitFor([&]() { return !QPixmapCache::find(key, &found); }, 3000));
}

TEST_CASE("Main window: clicking a failed action's notification opens the action log on that action",
          "[ui][workbench]")
{
    WorkbenchWindowDesk desk;
    MainWindow window(*desk.settings);
    window.attachGitHub(desk.client.get(), &desk.store);
    window.resize(1200, 800);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    REQUIRE(window.workbench());
    WorkbenchDocks *docks = window.workbench();
    CHECK_FALSE(docks->isBuilt(docks->actionLogDock()));
    int viewMenus = 0; // the assistant's toggle and the workbench's docks share one
    for (QAction *menu : window.menuBar()->actions())
        viewMenus += menu->text().remove(QLatin1Char('&')) == QStringLiteral("View") ? 1 : 0;
    CHECK(viewMenus == 1);

    // What MainWindow makes of the host's actionFinished with a failure.
    const auto failed = window.notificationPolicy().triggerFailed(
        QStringLiteral("codefile /home/me/deploy.sh failed: exit code 3"), {}, desk.failedId);
    REQUIRE(failed);
    CHECK(failed->target == DesktopNotification::Target::Action);
    window.showNotification(*failed);
    window.showMinimized();
    window.tray()->openLastNotification(); // what QSystemTrayIcon::messageClicked calls
    CHECK_FALSE(window.isMinimized());
    REQUIRE(docks->actionLogDock()->isVisible());
    ActionLogView *actions = docks->actionLog();
    const ActionRecord *selected = actions->model()->actionAt(actions->table()->currentIndex().row());
    REQUIRE(selected);
    CHECK(selected->id == desk.failedId);
    CHECK(actions->outputText().contains(QStringLiteral("read-only")));
    QApplication::processEvents();
    REQUIRE(window.grab().toImage().save(
        QDir(test::outputDir()).filePath(QStringLiteral("mainwindow-failed-action-opened.png"))));

    // A notification about an event opens the event log on it.
    const DesktopNotification about = clickEventNotification(window, test::sampleEvent(4).id);
    REQUIRE(docks->eventLogDock()->isVisible());
    EventLogView *events = docks->eventLog();
    CHECK(events->model()->eventAt(events->table()->currentIndex().row()).id == about.eventId);
}

TEST_CASE("Main window: an event notification opens the event log on an event 1200 rows down",
          "[ui][workbench]")
{
    WorkbenchWindowDesk desk;
    // 1200 newer pull requests above the desk's event 4, so it is far past the newest 500.
    QList<Event> newer;
    for (int n = 5; n < 1205; ++n)
        newer.append(test::sampleEvent(n));
    REQUIRE(*desk.store.addEvents(newer) == 1200);
    MainWindow window(*desk.settings);
    window.attachGitHub(desk.client.get(), &desk.store);
    window.resize(1200, 800);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    WorkbenchDocks *docks = window.workbench();
    REQUIRE(docks);
    // A filter the event does not match (it is a pull request): opening it clears the filter and says so.
    EventLogView *events = docks->eventLog();
    events->setTypeFilter(QStringLiteral("push"));
    events->applyFilters();
    REQUIRE(events->model()->rowCount() == 0);

    const DesktopNotification about = clickEventNotification(window, test::sampleEvent(4).id);
    REQUIRE(docks->eventLogDock()->isVisible());
    QApplication::processEvents();
    QTableView *table = events->table();
    const int row = table->currentIndex().row();
    CHECK(row == 1200);
    CHECK(events->model()->eventAt(row).id == about.eventId);
    const QRect shown = table->visualRect(table->model()->index(row, 0));
    CHECK(table->viewport()->rect().contains(shown.center()));
    CHECK(events->model()->filter().type.isEmpty());
    CHECK(events->statusText().endsWith(QStringLiteral("Filters cleared to show event ") + about.eventId));
    REQUIRE(window.grab().toImage().save(
        QDir(test::outputDir()).filePath(QStringLiteral("mainwindow-event-opened-deep.png"))));
}

TEST_CASE("Main window: without a token the triggers and both logs open, their data being local", "[ui]")
{
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(QDir(dir.path()).filePath(QStringLiteral("exeserver.db"))).ok());
    REQUIRE(store.addEvent(test::sampleEvent(3)).ok());
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    Settings settings(env);
    MainWindow window(settings);
    window.waitForEventStore(); // as app/gui/main.cpp
    window.resize(1280, 720);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    window.setEventStore(&store);
    REQUIRE(window.workbench());
    CHECK_FALSE(window.dashboard()); // still the welcome page
    QAction *eventLog = findAction(window.menuBar(), QStringLiteral("View"), QStringLiteral("Event log"));
    QAction *triggers = findAction(window.menuBar(), QStringLiteral("View"), QStringLiteral("Triggers"));
    REQUIRE(eventLog);
    REQUIRE(triggers);
    eventLog->trigger();
    CHECK(window.workbench()->eventLogDock()->isVisible());
    CHECK(window.workbench()->eventLog()->statusText().startsWith(QStringLiteral("1 event")));
    triggers->trigger();
    CHECK(window.workbench()->triggersDock()->isVisible());
    window.workbench()->triggers()->addTrigger();
    CHECK(window.workbench()->triggers()->editor()->hasTrigger());
    QApplication::processEvents();
    CHECK(window.size() == QSize(1280, 720)); // the welcome text scrolls rather than growing the window
    REQUIRE(window.grab().save(
        QDir(test::outputDir()).filePath(QStringLiteral("mainwindow-no-token-docks.png"))));
}

TEST_CASE("Main window: without a keychain the welcome page says to set the token in the environment", "[ui]")
{
    QTemporaryDir dir;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    Settings settings(env);
    SecretStore secrets(std::make_unique<MemorySecretBackend>(false));
    bool loaded = false;
    secrets.loadInto(settings, [&]() { loaded = true; }); // as at start
    REQUIRE(QTest::qWaitFor([&]() { return loaded; }, 5000));
    QNetworkAccessManager network;
    MainWindow window(settings);
    window.setSettingsServices(&secrets, &network);
    window.resize(1280, 720);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    auto *welcome = window.findChild<WelcomePage *>();
    REQUIRE(welcome);
    const QString note = welcome->keychainText();
    INFO(note.toStdString());
    CHECK(note.contains(QStringLiteral("No keychain")));
    CHECK(note.contains(QStringLiteral("export GITHUB_TOKEN=")));
    for (QLabel *label : welcome->findChildren<QLabel *>()) {
        if (label->isVisible())
            CHECK_FALSE(label->text().contains(QStringLiteral("kept in the keychain")));
    }
    REQUIRE(
        window.grab().save(QDir(test::outputDir()).filePath(QStringLiteral("mainwindow-no-keychain.png"))));
}
