#include "catch.h"
#include "fakegithubserver.h"
#include "testutil.h"

#include "config/settings.h"
#include "dashboard/dashboardpage.h"
#include "dashboard/rundetailsdialog.h"
#include "github/githubclient.h"
#include "host/automationhost.h"
#include "mainwindow.h"
#include "store/eventstore.h"
#include "tray/notificationpolicy.h"
#include "tray/traycontroller.h"
#include "triggers/triggerengine.h"
#include "widgets/applicationicon.h"

#include <QAction>
#include <QDir>
#include <QMenu>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace exeserver;
using exeserver::test::FakeGitHubServer;

namespace {

const QDateTime kStart = QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC);

DashboardRun makeRun(qint64 id, const QString &status, const QString &conclusion, const QString &actor,
                     const QDateTime &updated = kStart.addSecs(60), int attempt = 1)
{
    DashboardRun run;
    run.repo = QStringLiteral("octocat/Hello-World");
    run.run.id = id;
    run.run.name = QStringLiteral("CI");
    run.run.status = status;
    run.run.conclusion = conclusion;
    run.run.actor = actor;
    run.run.headBranch = QStringLiteral("main");
    run.run.event = QStringLiteral("push");
    run.run.runNumber = int(id);
    run.run.runAttempt = attempt;
    run.run.createdAt = updated.addSecs(-30);
    run.run.updatedAt = updated;
    return run;
}

} // namespace

TEST_CASE("Notifications: a run of mine that fails is announced once, old failures are not", "[ui]")
{
    NotificationPolicy policy({}, kStart);
    policy.setLogin(QStringLiteral("octocat"));

    const DashboardRun oldFailure = makeRun(1, QStringLiteral("completed"), QStringLiteral("failure"),
                                            QStringLiteral("octocat"), kStart.addSecs(-3600));
    const DashboardRun running = makeRun(2, QStringLiteral("in_progress"), {}, QStringLiteral("octocat"));
    const DashboardRun othersFailure =
        makeRun(3, QStringLiteral("completed"), QStringLiteral("failure"), QStringLiteral("hubot"));
    CHECK(policy.runsRefreshed({oldFailure, running, othersFailure}).isEmpty());

    // Run 2 fails: one notification that opens it; the next refresh lists it again and stays quiet.
    const DashboardRun failed = makeRun(2, QStringLiteral("completed"), QStringLiteral("failure"),
                                        QStringLiteral("octocat"), kStart.addSecs(120));
    const QList<DesktopNotification> shown = policy.runsRefreshed({oldFailure, failed, othersFailure});
    REQUIRE(shown.size() == 1);
    CHECK(shown.first().title == QStringLiteral("Run failed: CI"));
    CHECK(shown.first().body.contains(QStringLiteral("octocat/Hello-World #2")));
    CHECK(shown.first().warning);
    CHECK(shown.first().target == DesktopNotification::Target::Run);
    CHECK(shown.first().runId == 2);
    CHECK(policy.runsRefreshed({oldFailure, failed, othersFailure}).isEmpty());

    // A successful run, or a cancelled one, is no news.
    CHECK(policy
              .runsRefreshed({makeRun(4, QStringLiteral("completed"), QStringLiteral("success"),
                                      QStringLiteral("octocat")),
                              makeRun(5, QStringLiteral("completed"), QStringLiteral("cancelled"),
                                      QStringLiteral("octocat"))})
              .isEmpty());

    // A re-run attempt that fails again is a new failure.
    const DashboardRun again = makeRun(2, QStringLiteral("completed"), QStringLiteral("failure"),
                                       QStringLiteral("octocat"), kStart.addSecs(300), 2);
    CHECK(policy.runsRefreshed({again}).size() == 1);
}

TEST_CASE("Notifications: the choices decide whose runs and which trigger outcomes are shown", "[ui]")
{
    NotificationChoices choices;
    choices.myFailedRuns = false;
    choices.allFailedRuns = true;
    choices.triggerMessages = false;
    choices.triggerFailures = true;
    NotificationPolicy policy(choices, kStart);
    policy.setLogin(QStringLiteral("octocat"));
    const QList<DesktopNotification> shown = policy.runsRefreshed(
        {makeRun(7, QStringLiteral("completed"), QStringLiteral("timed_out"), QStringLiteral("hubot"))});
    REQUIRE(shown.size() == 1); // anyone's, and a timeout is a failure
    CHECK(shown.first().body.contains(QStringLiteral("by hubot")));

    TriggerNotification message{QStringLiteral("issue 7 opened"), QStringLiteral("body"),
                                QStringLiteral("greet"), QStringLiteral("gh:delivery-1")};
    CHECK_FALSE(policy.triggerMessage(message).has_value());
    const auto failure = policy.triggerFailed(QStringLiteral("Trigger not run"), QStringLiteral("gh:d-2"));
    REQUIRE(failure.has_value());
    CHECK(failure->target == DesktopNotification::Target::Event);
    CHECK(failure->eventId == QStringLiteral("gh:d-2"));

    choices.triggerMessages = true;
    choices.triggerFailures = false;
    choices.allFailedRuns = false;
    policy.setChoices(choices);
    const auto shownMessage = policy.triggerMessage(message);
    REQUIRE(shownMessage.has_value());
    CHECK(shownMessage->eventId == QStringLiteral("gh:delivery-1"));
    CHECK_FALSE(policy.triggerFailed(QStringLiteral("x")).has_value());
    // Nobody's runs now, and turning a choice on later does not replay what was already decided.
    CHECK(policy
              .runsRefreshed({makeRun(8, QStringLiteral("completed"), QStringLiteral("failure"),
                                      QStringLiteral("octocat"))})
              .isEmpty());
    choices.myFailedRuns = true;
    policy.setChoices(choices);
    CHECK(policy
              .runsRefreshed({makeRun(8, QStringLiteral("completed"), QStringLiteral("failure"),
                                      QStringLiteral("octocat"))})
              .isEmpty());
}

TEST_CASE("Notifications: the choices come from the settings", "[ui]")
{
    QTemporaryDir dir;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    Settings settings(env);
    NotificationChoices defaults = NotificationChoices::from(settings);
    CHECK(defaults.myFailedRuns);
    CHECK_FALSE(defaults.allFailedRuns);
    REQUIRE(settings.setFileValue(setting::NotifyMyFailedRuns, QStringLiteral("false")).ok());
    REQUIRE(settings.setFileValue(setting::NotifyAllFailedRuns, QStringLiteral("true")).ok());
    const NotificationChoices changed = NotificationChoices::from(settings);
    CHECK_FALSE(changed.myFailedRuns);
    CHECK(changed.allFailedRuns);
}

TEST_CASE("Tray: the menu pauses and resumes the host's triggers and says so", "[ui]")
{
    FakeGitHubServer server;
    REQUIRE(server.start());
    QTemporaryDir dir;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    env.insert(QStringLiteral("GITHUB_API_URL"), server.baseUrl().toString());
    env.insert(QStringLiteral("GITHUB_TOKEN"), QString::fromLatin1(FakeGitHubServer::DefaultToken));
    env.insert(QStringLiteral("EXESERVER_POLL"), QStringLiteral("false"));
    Settings settings(env);
    EventStore store;
    REQUIRE(store.open(QDir(dir.path()).filePath(QStringLiteral("exeserver.db"))).ok());
    QNetworkAccessManager network;
    const Result<AutomationHost::Options> options = AutomationHost::optionsFrom(settings);
    REQUIRE(options.ok());
    AutomationHost host(settings, &store, network, *options);
    REQUIRE(host.start().ok());

    TrayController tray(applicationIcon());
    CHECK_FALSE(tray.pauseAction()->isEnabled()); // no host yet
    QStringList entries;
    for (QAction *action : tray.menu()->actions()) {
        if (!action->isSeparator())
            entries.append(action->text().remove(QLatin1Char('&')));
    }
    CHECK(entries == QStringList{QStringLiteral("Show ExeServer"), QStringLiteral("Pause triggers"),
                                 QStringLiteral("Quit")});

    tray.setHost(&host);
    REQUIRE(tray.pauseAction()->isEnabled());
    tray.pauseAction()->trigger();
    CHECK(host.triggersPaused());
    CHECK(tray.pauseAction()->text().remove(QLatin1Char('&')) == QStringLiteral("Resume triggers"));
    CHECK(tray.toolTip().contains(QStringLiteral("triggers paused")));
    CHECK(tray.toolTip().contains(QStringLiteral("still recorded")));
    tray.pauseAction()->trigger();
    CHECK_FALSE(host.triggersPaused());
    CHECK(tray.pauseAction()->text().remove(QLatin1Char('&')) == QStringLiteral("Pause triggers"));

    QSignalSpy quit(&tray, &TrayController::quitRequested);
    tray.quitAction()->trigger();
    CHECK(quit.size() == 1);
    host.stop();
}

TEST_CASE("Tray: clicking a run notification opens the run's details in the window", "[ui]")
{
    FakeGitHubServer server;
    REQUIRE(server.start());
    const qint64 failing = server.addRun({.repo = QStringLiteral("octocat/Hello-World"),
                                          .status = QStringLiteral("in_progress"),
                                          .conclusion = QString(),
                                          .displayTitle = QStringLiteral("Break the build")});
    QTemporaryDir dir;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    env.insert(QStringLiteral("GITHUB_API_URL"), server.baseUrl().toString());
    env.insert(QStringLiteral("GITHUB_TOKEN"), QString::fromLatin1(FakeGitHubServer::DefaultToken));
    Settings settings(env);
    QNetworkAccessManager network;
    GitHubClient client(GitHubClient::optionsFrom(settings, &network));

    MainWindow window(settings);
    window.attachGitHub(&client, nullptr);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    DashboardPage *page = window.dashboard();
    REQUIRE(page);
    REQUIRE(QTest::qWaitFor([&]() { return page->runModel()->hasRunningRuns(); }, 15000));
    REQUIRE(QTest::qWaitFor(
        [&]() { return window.notificationPolicy().login() == QStringLiteral("octocat"); }, 5000));

    // The run fails; the next refresh announces it (in the status bar here: offscreen has no tray).
    server.setRunStatus(failing, QStringLiteral("completed"), QStringLiteral("failure"));
    const int before = page->refreshCount();
    page->refresh();
    REQUIRE(QTest::qWaitFor([&]() { return page->refreshCount() > before && !page->isRefreshing(); }, 15000));
    CHECK(window.tray()->lastNotification().runId == failing);
    CHECK(window.lastHostMessage().startsWith(QStringLiteral("Run failed:")));
    CHECK(window.statusBar()->currentMessage().startsWith(QStringLiteral("Run failed:")));
    REQUIRE(window.grab().toImage().save(
        QDir(test::outputDir()).filePath(QStringLiteral("tray-run-failed-statusbar.png"))));

    // A second refresh lists the same failed run and stays quiet.
    const DesktopNotification first = window.tray()->lastNotification();
    window.statusBar()->clearMessage();
    page->refresh();
    REQUIRE(
        QTest::qWaitFor([&]() { return page->refreshCount() > before + 1 && !page->isRefreshing(); }, 15000));
    CHECK(window.statusBar()->currentMessage().isEmpty());

    QSignalSpy opened(page, &DashboardPage::runDetailsOpened);
    window.showMinimized();
    window.tray()->openLastNotification(); // what QSystemTrayIcon::messageClicked calls
    REQUIRE(opened.size() == 1);
    auto *details = page->findChild<RunDetailsDialog *>();
    REQUIRE(details);
    CHECK(details->isVisible());
    CHECK_FALSE(window.isMinimized());
    CHECK(first.runId == failing);
    details->close();
}

TEST_CASE("Tray: clicking an event notification asks for the event", "[ui]")
{
    QTemporaryDir dir;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    Settings settings(env);
    MainWindow window(settings);
    QSignalSpy requested(&window, &MainWindow::eventRequested);
    DesktopNotification notification;
    notification.title = QStringLiteral("issue 9 opened");
    notification.target = DesktopNotification::Target::Event;
    notification.eventId = QStringLiteral("gh:delivery-9");
    window.showNotification(notification);
    CHECK(window.lastHostMessage() == QStringLiteral("issue 9 opened"));
    window.tray()->openLastNotification();
    REQUIRE(requested.size() == 1);
    CHECK(requested.first().first().toString() == QStringLiteral("gh:delivery-9"));
}
