#include "catch.h"
#include "fakepostgrest.h"
#include "storetestutil.h"
#include "testutil.h"

#include "config/settings.h"
#include "exeserver/version.h"
#include "mainwindow.h"
#include "store/eventstore.h"
#include "sync/postgresttarget.h"
#include "sync/syncservice.h"
#include "syncstatuspanel.h"
#include "util/clock.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

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

TEST_CASE("Main window: the application icon is compiled in", "[ui]")
{
    // Resources in a static library are dropped by the linker unless linked as an object library.
    CHECK(QFile::exists(QStringLiteral(":/icons/exeserver.svg")));
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
    SyncService sync(store, std::make_unique<PostgrestTarget>(network, QUrl(supabase.url()), key), &clock,
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
