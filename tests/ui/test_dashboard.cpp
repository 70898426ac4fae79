#include "catch.h"
#include "fakegithubserver.h"
#include "testutil.h"
#include "widgetpng.h"

#include "afterfirstpaint.h"
#include "config/settings.h"
#include "dashboard/dashboardpage.h"
#include "dashboard/dashboardsnapshot.h"
#include "dashboard/dashboardworkflowfile.h"
#include "dashboard/dispatchdialog.h"
#include "dashboard/repositorypicker.h"
#include "dashboard/rundetailsdialog.h"
#include "dashboard/runstatus.h"
#include "github/githubclient.h"
#include "mainwindow.h"
#include "store/eventstore.h"
#include "store/sqliteresponsecache.h"
#include "tray/traycontroller.h"
#include "tray/trayhealth.h"
#include "widgets/applicationicon.h"
#include "widgets/confirm.h"
#include "widgets/logview.h"
#include "workbenchdocks.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QNetworkAccessManager>
#include <QPainter>
#include <QProcess>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>
#include <QTimer>
#include <QTreeWidget>
#include <QWindow>

#include <cmath>

#include <memory>

using namespace exeserver;
using exeserver::test::FakeGitHubServer;

namespace {

const QString kHello = QStringLiteral("octocat/Hello-World");
const QString kKnife = QStringLiteral("octocat/Spoon-Knife");
const QString kOrg = QStringLiteral("octo-org/octo-repo");

// A fake GitHub, a client on it with the store's persistent ETag cache, and a temporary data dir.
struct Desk
{
    QTemporaryDir dir;
    FakeGitHubServer server;
    QNetworkAccessManager network;
    EventStore store;
    std::unique_ptr<SqliteResponseCache> cache;
    std::unique_ptr<GitHubClient> client;

    explicit Desk(int maxRateLimitWaitSecs = -1)
    {
        REQUIRE(dir.isValid());
        REQUIRE(server.start());
        REQUIRE(store.open(QDir(dir.path()).filePath(QStringLiteral("exeserver.db"))).ok());
        cache = std::make_unique<SqliteResponseCache>(store);
        GitHubClient::Options options;
        options.connection.apiUrl = server.baseUrl();
        options.connection.token = QString::fromLatin1(FakeGitHubServer::DefaultToken);
        options.connection.network = &network;
        options.connection.cache = cache.get();
        options.connection.retryDelayMs = 5;
        options.connection.transferTimeoutMs = 3000;
        options.connection.maxRateLimitWaitSecs = maxRateLimitWaitSecs;
        client = std::make_unique<GitHubClient>(options);
    }

    QString stateFile() const { return QDir(dir.path()).filePath(QStringLiteral("ui-state.ini")); }
};

void waitForRefresh(DashboardPage &page, int atLeast)
{
    REQUIRE(QTest::qWaitFor([&]() { return page.refreshCount() >= atLeast && !page.isRefreshing(); }, 15000));
}

// Waits for the first full load: the repository list, then a refresh of the selection it made.
void waitForFirstLoad(DashboardPage &page)
{
    REQUIRE(QTest::qWaitFor(
        [&]() {
            return !page.repositoryPicker()->available().isEmpty() && !page.isRefreshing() &&
                   page.runModel()->rowCount() > 0;
        },
        15000));
}

const DashboardRun *findRun(const RunTableModel &model, qint64 id)
{
    for (const DashboardRun &run : model.runs()) {
        if (run.run.id == id)
            return &run;
    }
    return nullptr;
}

int rowOfRun(const DashboardPage &page, qint64 id)
{
    for (int row = 0; row < page.runProxy()->rowCount(); ++row) {
        if (page.runProxy()->index(row, 0).data(role::RunId).toLongLong() == id)
            return row;
    }
    return -1;
}

// One run in each state the dashboard distinguishes, beside the seeded ones.
void addRunsOfEveryState(FakeGitHubServer &server)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    server.addRun({.repo = kHello,
                   .status = QStringLiteral("queued"),
                   .conclusion = {},
                   .headBranch = QStringLiteral("release"),
                   .createdAt = now.addSecs(-30)});
    server.addRun({.repo = kHello,
                   .status = QStringLiteral("waiting"),
                   .conclusion = {},
                   .event = QStringLiteral("workflow_dispatch"),
                   .createdAt = now.addSecs(-90)});
    server.addRun(
        {.repo = kKnife, .conclusion = QStringLiteral("cancelled"), .createdAt = now.addSecs(-1500)});
    server.addRun({.repo = kKnife, .conclusion = QStringLiteral("skipped"), .createdAt = now.addSecs(-1700)});
    server.addRun({.repo = kOrg,
                   .conclusion = QStringLiteral("neutral"),
                   .actor = QStringLiteral("hubot"),
                   .createdAt = now.addSecs(-2000)});
}

} // namespace

TEST_CASE("Run status: every state has its own word, colour and icon", "[ui][dashboard]")
{
    CHECK(runStateOf(QStringLiteral("queued"), {}) == RunState::Queued);
    CHECK(runStateOf(QStringLiteral("waiting"), {}) == RunState::Waiting);
    CHECK(runStateOf(QStringLiteral("pending"), {}) == RunState::Waiting);
    CHECK(runStateOf(QStringLiteral("in_progress"), {}) == RunState::InProgress);
    CHECK(runStateOf(QStringLiteral("completed"), QStringLiteral("success")) == RunState::Success);
    CHECK(runStateOf(QStringLiteral("completed"), QStringLiteral("failure")) == RunState::Failure);
    CHECK(runStateOf(QStringLiteral("completed"), QStringLiteral("timed_out")) == RunState::Failure);
    CHECK(runStateOf(QStringLiteral("completed"), QStringLiteral("cancelled")) == RunState::Cancelled);
    CHECK(runStateOf(QStringLiteral("completed"), QStringLiteral("skipped")) == RunState::Skipped);
    CHECK(runStateOf(QStringLiteral("completed"), QStringLiteral("neutral")) == RunState::Neutral);

    QStringList words;
    QList<QRgb> colours;
    QList<QImage> icons;
    for (int s = 0; s < kRunStateCount; ++s) {
        const auto state = RunState(s);
        words.append(runStateText(state));
        colours.append(runStateColor(state).rgb());
        const QImage icon = runStateIcon(state).pixmap(24, 24).toImage();
        REQUIRE_FALSE(icon.isNull());
        CHECK_FALSE(icons.contains(icon));
        icons.append(icon);
    }
    CHECK(QSet<QString>(words.begin(), words.end()).size() == kRunStateCount);
    CHECK(QSet<QRgb>(colours.begin(), colours.end()).size() == kRunStateCount);
    // In progress is animated: its frames differ.
    CHECK(runStateIcon(RunState::InProgress, 0).pixmap(24, 24).toImage() !=
          runStateIcon(RunState::InProgress, 3).pixmap(24, 24).toImage());
}

TEST_CASE("Dashboard: a configured token shows the dashboard and its tables fill from GitHub",
          "[ui][dashboard]")
{
    Desk desk;
    addRunsOfEveryState(desk.server);
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), desk.dir.path());
    env.insert(QStringLiteral("GH_TOKEN"), QString::fromLatin1(FakeGitHubServer::DefaultToken));
    Settings settings(env);
    MainWindow window(settings);
    window.resize(1280, 800);
    window.attachGitHub(desk.client.get(), &desk.store);
    REQUIRE(window.dashboard());
    REQUIRE(window.centralWidget() == window.dashboard());
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    DashboardPage &page = *window.dashboard();
    waitForFirstLoad(page);

    // First start: every repository is picked (there are fewer than ten).
    CHECK(page.repositoryPicker()->available() == QStringList({kOrg, kHello, kKnife}));
    CHECK(page.repositoryPicker()->selected().size() == 3);

    // Active workflows: the seeded four, each with its last run.
    const WorkflowTableModel &workflows = *page.workflowModel();
    REQUIRE(workflows.rowCount() == 4);
    QStringList names;
    for (const DashboardWorkflow &workflow : workflows.workflows())
        names.append(workflow.repo + QLatin1Char(':') + workflow.workflow.fileName());
    names.sort();
    CHECK(names == QStringList({QStringLiteral("octo-org/octo-repo:nightly.yml"),
                                QStringLiteral("octocat/Hello-World:ci.yml"),
                                QStringLiteral("octocat/Hello-World:deploy.yml"),
                                QStringLiteral("octocat/Spoon-Knife:ci.yml")}));
    for (int row = 0; row < workflows.rowCount(); ++row) {
        const DashboardWorkflow &entry = workflows.workflows().at(row);
        if (entry.workflow.fileName() == QLatin1String("deploy.yml")) {
            CHECK(workflows.index(row, WorkflowTableModel::LastRun).data().toString() ==
                  QStringLiteral("In progress"));
            CHECK(workflows.index(row, WorkflowTableModel::State).data().toString() ==
                  QStringLiteral("Active"));
            CHECK_FALSE(workflows.index(row, WorkflowTableModel::LastRun)
                            .data(Qt::DecorationRole)
                            .value<QIcon>()
                            .isNull());
        }
        if (entry.repo == kHello && entry.workflow.fileName() == QLatin1String("ci.yml")) {
            // The sparkline, oldest first: seeded success and failure, then the added waiting and queued.
            const QModelIndex recent = workflows.index(row, WorkflowTableModel::Recent);
            const QVariantList history = recent.data(role::History).toList();
            REQUIRE(history.size() == 4);
            CHECK(history.at(0).toList().value(0).toInt() == int(RunState::Success));
            CHECK(history.at(1).toList().value(0).toInt() == int(RunState::Failure));
            CHECK(history.at(3).toList().value(0).toInt() == int(RunState::Queued));
            CHECK(recent.data(Qt::ToolTipRole)
                      .toString()
                      .contains(QStringLiteral("Queued, Waiting, Failure, Success")));
        }
    }

    // Recent runs: 4 seeded + 5 added, with the status word, colour and icon of each.
    const RunTableModel &runs = *page.runModel();
    REQUIRE(runs.rowCount() == 9);
    QSet<QString> words;
    for (int row = 0; row < runs.rowCount(); ++row) {
        const QModelIndex status = runs.index(row, RunTableModel::Status);
        words.insert(status.data().toString());
        CHECK_FALSE(status.data(Qt::DecorationRole).value<QIcon>().isNull());
        CHECK(status.data(Qt::ForegroundRole).value<QColor>() == runStateColor(runs.runAt(row)->state()));
    }
    CHECK(words ==
          QSet<QString>({QStringLiteral("Queued"), QStringLiteral("Waiting"), QStringLiteral("In progress"),
                         QStringLiteral("Success"), QStringLiteral("Failure"), QStringLiteral("Cancelled"),
                         QStringLiteral("Skipped"), QStringLiteral("Neutral")}));
    const DashboardRun *seeded = findRun(runs, 30433642);
    REQUIRE(seeded);
    CHECK(seeded->repo == kHello);
    CHECK(seeded->run.name == QStringLiteral("CI"));
    CHECK(seeded->run.headBranch == QStringLiteral("main"));
    CHECK(seeded->run.event == QStringLiteral("push"));
    CHECK(seeded->run.actor == QStringLiteral("octocat"));

    // The table shows the newest first; the in-progress spinner advances.
    CHECK(page.runProxy()->index(0, RunTableModel::Status).data().toString() == QStringLiteral("Queued"));
    const int frame = runs.animationFrame();
    REQUIRE(QTest::qWaitFor([&]() { return runs.animationFrame() != frame; }, 2000));

    // The status bar: last update and the rate limit the fake reported.
    auto *status = window.statusBar()->findChild<QLabel *>(QStringLiteral("dashboardStatus"));
    REQUIRE(status);
    CHECK(status->text().startsWith(QStringLiteral("Updated ")));
    CHECK(status->text().contains(QStringLiteral("of 5000")));
    CHECK_FALSE(page.isBannerVisible());

    // Beside the runs' title: how many are still going.
    int going = 0;
    for (int row = 0; row < runs.rowCount(); ++row)
        going += isRunning(runs.runAt(row)->state()) ? 1 : 0;
    REQUIRE(going > 1);
    auto *activity = page.findChild<QLabel *>(QStringLiteral("runsActivity"));
    REQUIRE(activity);
    CHECK(activity->text() == QStringLiteral("— %1 in progress or queued").arg(going));
    // Titles are plain text in a bold font: one rich-text label brings in Qt's HTML parser and text layout.
    for (const QLabel *label : window.findChildren<QLabel *>()) {
        CAPTURE(label->text());
        CHECK_FALSE((label->textFormat() != Qt::PlainText && Qt::mightBeRichText(label->text())));
    }

    // The picker searches.
    page.repositoryPicker()->setFilterText(QStringLiteral("spoon"));
    CHECK(page.repositoryPicker()->visibleCount() == 1);
    page.repositoryPicker()->setFilterText({});

    QTest::qWait(50);
    test::savePng(window, QStringLiteral("dashboard.png"));
}

TEST_CASE("Dashboard: the repository selection is remembered between starts", "[ui][dashboard]")
{
    {
        RepositoryPicker firstStart;
        CHECK(firstStart.summaryText() == QStringLiteral("Your repositories are not listed yet"));
    }
    Desk desk;
    {
        DashboardPage page(*desk.client, &desk.store, desk.stateFile());
        page.start();
        waitForFirstLoad(page);
        const int before = page.refreshCount();
        page.repositoryPicker()->setChecked(kOrg, false);
        page.repositoryPicker()->setChecked(kKnife, false);
        waitForRefresh(page, before + 1);
        CHECK(page.repositoryPicker()->selected() == QStringList({kHello}));
        for (const DashboardRun &run : page.runModel()->runs())
            CHECK(run.repo == kHello);
    }
    DashboardPage again(*desk.client, &desk.store, desk.stateFile());
    again.start();
    // The remembered selection is used at once, before the repository list arrives.
    CHECK(again.repositoryPicker()->selected() == QStringList({kHello}));
    // Not "1 of 0 selected" while the list is on its way.
    CHECK(again.repositoryPicker()->summaryText() ==
          QStringLiteral("1 selected; your repository list is not loaded yet"));
    waitForFirstLoad(again);
    CHECK(again.repositoryPicker()->selected() == QStringList({kHello}));
    CHECK(again.repositoryPicker()->summaryText() == QStringLiteral("1 of 3 selected"));
    REQUIRE(again.runModel()->rowCount() == 3);
    CHECK(again.workflowModel()->rowCount() == 2);
}

TEST_CASE("Dashboard: Refresh and F5 send conditional requests that GitHub answers with 304",
          "[ui][dashboard]")
{
    Desk desk;
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    page.resize(1000, 600);
    page.show();
    REQUIRE(QTest::qWaitForWindowExposed(&page));
    waitForFirstLoad(page);
    const QDateTime firstUpdate = page.lastUpdated();
    REQUIRE(firstUpdate.isValid());

    desk.server.clearRequests();
    const int before304 = desk.server.count304();
    auto *button = page.findChild<QPushButton *>(QStringLiteral("refreshButton"));
    REQUIRE(button);
    int count = page.refreshCount();
    button->click();
    waitForRefresh(page, count + 1);
    const auto runRequests = desk.server.requestsTo(QStringLiteral("/repos/[^/]+/[^/]+/actions/runs"));
    REQUIRE(runRequests.size() == 3);
    for (const auto &request : runRequests) {
        CHECK_FALSE(request.header("If-None-Match").isEmpty());
        CHECK(request.status == 304);
    }
    CHECK(desk.server.count304() - before304 >= 6); // runs and workflows of three repositories
    CHECK(page.runModel()->rowCount() == 4);

    // F5 does the same; a new run shows up.
    desk.server.addRun({.repo = kKnife,
                        .status = QStringLiteral("queued"),
                        .conclusion = {},
                        .createdAt = QDateTime::currentDateTimeUtc()});
    count = page.refreshCount();
    QTest::keyClick(&page, Qt::Key_F5);
    waitForRefresh(page, count + 1);
    CHECK(page.runModel()->rowCount() == 5);
    CHECK(page.lastUpdated() >= firstUpdate);
}

TEST_CASE("Dashboard: auto-refresh is on and runs faster while runs are in progress", "[ui][dashboard]")
{
    Desk desk;
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    page.setAutoRefreshIntervals(60000, 60);
    waitForFirstLoad(page);
    REQUIRE(page.runModel()->hasRunningRuns());
    // The seeded deploy run is in progress: the busy interval refreshes by itself.
    const int count = page.refreshCount();
    waitForRefresh(page, count + 2);

    for (const auto &run : desk.server.runs())
        desk.server.setRunStatus(run.id, QStringLiteral("completed"), QStringLiteral("success"));
    REQUIRE(
        QTest::qWaitFor([&]() { return !page.runModel()->hasRunningRuns() && !page.isRefreshing(); }, 10000));
    CHECK(page.autoRefreshInterval() == 60000);
}

TEST_CASE("Dashboard: filters by repository, branch, status, workflow and text", "[ui][dashboard]")
{
    Desk desk;
    addRunsOfEveryState(desk.server);
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    waitForFirstLoad(page);
    DashboardFilterProxy &runs = *page.runProxy();
    REQUIRE(runs.rowCount() == 9);

    page.setRepositoryFilter(kHello);
    CHECK(runs.rowCount() == 5);
    CHECK(page.workflowProxy()->rowCount() == 2);
    for (int row = 0; row < runs.rowCount(); ++row)
        CHECK(runs.index(row, RunTableModel::Repository).data().toString() == kHello);

    page.setBranchFilter(QStringLiteral("new-topic"));
    REQUIRE(runs.rowCount() == 1);
    CHECK(runs.index(0, RunTableModel::Status).data().toString() == QStringLiteral("Failure"));

    page.setBranchFilter({});
    page.setStateFilter(int(RunState::Queued));
    REQUIRE(runs.rowCount() == 1);
    CHECK(runs.index(0, RunTableModel::Branch).data().toString() == QStringLiteral("release"));

    page.setRepositoryFilter({});
    page.setStateFilter(-1);
    // By workflow name, through its combo box, across repositories.
    auto *workflowCombo = page.findChild<QComboBox *>(QStringLiteral("workflowFilter"));
    REQUIRE(workflowCombo);
    CHECK(workflowCombo->count() == 4); // All workflows, CI, Deploy, Nightly
    workflowCombo->setCurrentIndex(workflowCombo->findData(QStringLiteral("Deploy")));
    REQUIRE(runs.rowCount() == 1);
    CHECK(runs.index(0, RunTableModel::Status).data().toString() == QStringLiteral("In progress"));
    CHECK(page.workflowProxy()->rowCount() == 1);
    page.setWorkflowFilter(QStringLiteral("CI"));
    CHECK(runs.rowCount() == 7);
    CHECK(page.workflowProxy()->rowCount() == 2);
    page.setWorkflowFilter({});
    page.setSearchText(QStringLiteral("hubot"));
    REQUIRE(runs.rowCount() == 1);
    CHECK(runs.index(0, RunTableModel::Repository).data().toString() == kOrg);
    page.setSearchText({});
    CHECK(runs.rowCount() == 9);
}

TEST_CASE("Dashboard: an unreachable API shows the error banner, not a hang", "[ui][dashboard]")
{
    Desk desk;
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    page.resize(1100, 600);
    page.show();
    REQUIRE(QTest::qWaitForWindowExposed(&page));
    waitForFirstLoad(page);
    CHECK_FALSE(page.isBannerVisible());

    desk.server.stop();
    const int count = page.refreshCount();
    QElapsedTimer elapsed;
    elapsed.start();
    page.refresh();
    // The event loop keeps running while the requests fail: the window never blocks.
    int ticks = 0;
    QTimer ticker;
    QObject::connect(&ticker, &QTimer::timeout, [&]() { ++ticks; });
    ticker.start(10);
    waitForRefresh(page, count + 1);
    CHECK(ticks > 0);
    CHECK(elapsed.elapsed() < 15000);
    REQUIRE(page.isBannerVisible());
    CHECK(page.bannerText().contains(QStringLiteral("Offline: GitHub cannot be reached.")));
    CHECK(page.bannerText().contains(QStringLiteral("Could not refresh")));
    CHECK(page.statusText().contains(QStringLiteral("offline")));
    // What was loaded before stays visible.
    CHECK(page.runModel()->rowCount() == 4);
    test::savePng(page, QStringLiteral("dashboard-offline.png"));
}

TEST_CASE("Dashboard: an API unreachable from the start shows the banner", "[ui][dashboard]")
{
    Desk desk;
    desk.server.stop();
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    REQUIRE(QTest::qWaitFor([&]() { return page.isBannerVisible(); }, 15000));
    CHECK(page.bannerText().contains(QStringLiteral("Could not list your repositories")));
}

TEST_CASE("Dashboard: a rate-limited refresh says so in the banner", "[ui][dashboard]")
{
    Desk desk(0);
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    waitForFirstLoad(page);
    desk.server.setRateLimitRemaining(0);
    const int count = page.refreshCount();
    page.refresh();
    waitForRefresh(page, count + 1);
    REQUIRE(page.isBannerVisible());
    CHECK(page.bannerText().contains(QStringLiteral("Rate limited")));
    CHECK(page.runModel()->rowCount() == 4);

    // The client holds requests back until the reported reset; Retry says so again rather than hanging.
    auto *retry = page.findChild<QPushButton *>(QStringLiteral("retryButton"));
    REQUIRE(retry);
    retry->click();
    waitForRefresh(page, count + 2);
    CHECK(page.isBannerVisible());
}

TEST_CASE("Run details: jobs, steps and the job log with folded groups and search", "[ui][dashboard]")
{
    Desk desk;
    const qint64 runId = desk.server.addRun(
        {.repo = kHello,
         .conclusion = QStringLiteral("failure"),
         .jobs = {{.name = QStringLiteral("lint"), .conclusion = QStringLiteral("success")},
                  {.name = QStringLiteral("test"), .conclusion = QStringLiteral("failure")}},
         .createdAt = QDateTime::currentDateTimeUtc().addSecs(-300)});
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    waitForFirstLoad(page);
    const int row = rowOfRun(page, runId);
    REQUIRE(row >= 0);

    qRegisterMetaType<RunDetailsDialog *>();
    QSignalSpy opened(&page, &DashboardPage::runDetailsOpened);
    RunDetailsDialog *dialog = page.openRun(row);
    REQUIRE(dialog);
    CHECK(opened.count() == 1);
    REQUIRE(QTest::qWaitForWindowExposed(dialog));
    REQUIRE(QTest::qWaitFor(
        [&]() { return dialog->jobs().size() == 2 && dialog->shownLogJob() != 0 && !dialog->isLoading(); },
        10000));

    QTreeWidget *tree = dialog->jobTree();
    REQUIRE(tree->topLevelItemCount() == 2);
    CHECK(tree->topLevelItem(0)->text(0) == QStringLiteral("lint"));
    CHECK(tree->topLevelItem(0)->text(1) == QStringLiteral("Success"));
    CHECK(tree->topLevelItem(1)->text(1) == QStringLiteral("Failure"));
    CHECK(tree->topLevelItem(1)->childCount() == 4);
    CHECK_FALSE(tree->topLevelItem(1)->icon(1).isNull());
    // The failed job's log is the one shown first.
    CHECK(dialog->shownLogJob() == dialog->jobs().at(1).id);

    LogView *log = dialog->logView();
    const QString text = log->toPlainText();
    CHECK_FALSE(text.contains(QChar(0x1b)));
    CHECK_FALSE(text.contains(QStringLiteral("##[group]")));
    CHECK(text.contains(QStringLiteral("✖ Error: Process completed with exit code 2.")));
    CHECK(text.contains(QStringLiteral("FAIL tests/test_parser.cpp:17")));
    REQUIRE(log->groupCount() == 3);
    CHECK(log->groupTitle(2) == QStringLiteral("Run make test"));
    CHECK_FALSE(log->isGroupExpanded(0));
    const int folded = log->visibleLineCount();
    log->setGroupExpanded(0, true);
    CHECK(log->visibleLineCount() == folded + 3);
    log->setGroupExpanded(0, false);
    // Searching finds text inside a folded group and unfolds it.
    CHECK(log->findText(QStringLiteral("shell: /usr/bin/bash")));
    CHECK(log->isGroupExpanded(2));
    CHECK(LogView::stripAnsi(QStringLiteral("\x1b[36;1mmake\x1b[0m")) == QStringLiteral("make"));

    // Selecting the other job loads its log.
    tree->setCurrentItem(tree->topLevelItem(0));
    REQUIRE(QTest::qWaitFor(
        [&]() { return dialog->shownLogJob() == dialog->jobs().at(0).id && !dialog->isLoading(); }, 10000));
    CHECK(log->toPlainText().contains(QStringLiteral("42 tests passed")));
    tree->setCurrentItem(tree->topLevelItem(1));
    REQUIRE(QTest::qWaitFor([&]() { return !dialog->isLoading(); }, 10000));
    log->setGroupExpanded(2, true);
    QTest::qWait(50);
    test::savePng(*dialog, QStringLiteral("run-details.png"));
    dialog->close();
}

TEST_CASE("Run details: re-run, re-run failed jobs and cancel are confirmed, sent and logged",
          "[ui][dashboard]")
{
    Desk desk;
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    waitForFirstLoad(page);
    const qint64 failed = desk.server.runs(kHello).at(1).id; // the seeded failure on new-topic
    REQUIRE(desk.server.run(failed)->conclusion == QStringLiteral("failure"));

    RunDetailsDialog *dialog = page.openRun(rowOfRun(page, failed));
    REQUIRE(dialog);
    REQUIRE(QTest::qWaitFor([&]() { return !dialog->jobs().isEmpty() && !dialog->isLoading(); }, 10000));
    const QString target = QStringLiteral("%1/actions/runs/%2").arg(kHello).arg(failed);

    // Declined: nothing sent, nothing logged.
    desk.server.clearRequests();
    Confirm::setNextAnswer(false);
    dialog->rerun();
    QTest::qWait(50);
    CHECK(desk.server.requestsTo(QStringLiteral(".*/rerun.*"), "POST").isEmpty());
    CHECK(desk.store.actions({}).value().isEmpty());

    QSignalSpy finished(dialog, &RunDetailsDialog::actionFinished);
    Confirm::setNextAnswer(true);
    dialog->rerunFailed();
    REQUIRE(QTest::qWaitFor([&]() { return finished.count() == 1; }, 10000));
    CHECK(Confirm::lastQuestion().contains(QStringLiteral("failed jobs")));
    CHECK(desk.server
              .requestsTo(
                  QStringLiteral("/repos/octocat/Hello-World/actions/runs/%1/rerun-failed-jobs").arg(failed),
                  "POST")
              .size() == 1);

    // GitHub refuses to re-run a run that is running again; let the first re-run finish.
    desk.server.setRunStatus(failed, QStringLiteral("completed"), QStringLiteral("failure"));
    Confirm::setNextAnswer(true);
    dialog->rerun();
    REQUIRE(QTest::qWaitFor([&]() { return finished.count() == 2; }, 10000));
    CHECK(desk.server
              .requestsTo(QStringLiteral("/repos/octocat/Hello-World/actions/runs/%1/rerun").arg(failed),
                          "POST")
              .size() == 1);
    dialog->close();

    // Cancel an in-progress run; then a cancel GitHub refuses is logged as a failure.
    const DashboardRun *running = nullptr;
    for (const DashboardRun &run : page.runModel()->runs()) {
        if (run.state() == RunState::InProgress)
            running = &run;
    }
    REQUIRE(running);
    const qint64 runningId = running->run.id;
    RunDetailsDialog *second = page.openRun(rowOfRun(page, runningId));
    REQUIRE(second);
    QSignalSpy secondFinished(second, &RunDetailsDialog::actionFinished);
    REQUIRE(QTest::qWaitFor([&]() { return !second->isLoading(); }, 10000));
    desk.server.failNext("POST", QStringLiteral(".*/cancel"), 409);
    Confirm::setNextAnswer(true);
    second->cancelRun();
    REQUIRE(QTest::qWaitFor([&]() { return secondFinished.count() == 1; }, 10000));
    CHECK_FALSE(secondFinished.at(0).at(1).toBool());
    Confirm::setNextAnswer(true);
    second->cancelRun();
    REQUIRE(QTest::qWaitFor([&]() { return secondFinished.count() == 2; }, 10000));
    CHECK(secondFinished.at(1).at(1).toBool());
    CHECK(desk.server
              .requestsTo(QStringLiteral("/repos/octocat/Hello-World/actions/runs/%1/cancel").arg(runningId),
                          "POST")
              .size() == 2);
    second->close();

    // The action log: newest first, each written and finished with its outcome.
    const QList<ActionRecord> actions = desk.store.actions({}).value();
    REQUIRE(actions.size() == 4);
    int reruns = 0;
    for (const ActionRecord &action : actions) {
        CHECK(action.finishedAt.isValid());
        if (action.kind == ActionKind::Rerun) {
            ++reruns;
            CHECK(action.target == target);
            CHECK(action.status == ActionStatus::Success);
        }
    }
    CHECK(reruns == 2);
    ActionQuery cancels;
    cancels.kind = ActionKind::Cancel;
    const QList<ActionRecord> cancelRows = desk.store.actions(cancels).value();
    REQUIRE(cancelRows.size() == 2);
    QList<ActionStatus> statuses{cancelRows.at(0).status, cancelRows.at(1).status};
    CHECK(statuses.contains(ActionStatus::Failure));
    CHECK(statuses.contains(ActionStatus::Success));
    for (const ActionRecord &row : cancelRows) {
        if (row.status == ActionStatus::Failure)
            CHECK(row.httpStatus == 409);
    }
}

TEST_CASE("Run details: Open on GitHub asks first, then opens the run's page", "[ui][dashboard]")
{
    Desk desk;
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    waitForFirstLoad(page);
    RunDetailsDialog *dialog = page.openRun(0);
    REQUIRE(dialog);
    REQUIRE(QTest::qWaitFor([&]() { return !dialog->isLoading(); }, 10000));
    QList<QUrl> opened;
    dialog->setUrlOpener([&](const QUrl &url) { opened.append(url); });
    Confirm::setNextAnswer(false);
    dialog->openOnGitHub();
    CHECK(opened.isEmpty());
    Confirm::setNextAnswer(true);
    dialog->openOnGitHub();
    REQUIRE(opened.size() == 1);
    CHECK(opened.first().path().contains(QStringLiteral("/actions/runs/")));
    dialog->close();
}

TEST_CASE("Main window: without a token the welcome page stays", "[ui][dashboard]")
{
    Desk desk;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), desk.dir.path());
    Settings settings(env);
    MainWindow window(settings);
    window.attachGitHub(desk.client.get(), &desk.store);
    CHECK_FALSE(window.dashboard());
    CHECK(window.centralWidget()->objectName() != QStringLiteral("DashboardPage"));
}

TEST_CASE("Dashboard: double-clicking a run opens its details", "[ui][dashboard]")
{
    Desk desk;
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    page.resize(1100, 600);
    page.show();
    REQUIRE(QTest::qWaitForWindowExposed(&page));
    waitForFirstLoad(page);
    qRegisterMetaType<RunDetailsDialog *>();
    QSignalSpy opened(&page, &DashboardPage::runDetailsOpened);
    QTableView *table = page.runTable();
    const QRect cell = table->visualRect(table->model()->index(1, RunTableModel::Workflow));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    REQUIRE(QTest::qWaitFor([&]() { return opened.count() == 1; }, 5000));
    auto *dialog = opened.at(0).at(0).value<RunDetailsDialog *>();
    REQUIRE(dialog);
    const qint64 expected = table->model()->index(1, 0).data(role::RunId).toLongLong();
    CHECK(dialog->windowTitle().contains(QStringLiteral("#")));
    REQUIRE(QTest::qWaitFor([&]() { return !dialog->jobs().isEmpty() && !dialog->isLoading(); }, 10000));
    CHECK(dialog->jobs().first().runId == expected);
    dialog->close();
}

TEST_CASE("Dashboard: the ETag cache lives in the store, so a restart still gets 304s", "[ui][dashboard]")
{
    Desk desk;
    {
        DashboardPage page(*desk.client, &desk.store, desk.stateFile());
        page.start();
        waitForFirstLoad(page);
    }
    // A new client over the same store: as after a restart of the app.
    GitHubClient::Options options;
    options.connection.apiUrl = desk.server.baseUrl();
    options.connection.token = QString::fromLatin1(FakeGitHubServer::DefaultToken);
    options.connection.network = &desk.network;
    options.connection.cache = desk.cache.get();
    GitHubClient restarted(options);
    desk.server.clearRequests();
    const int before304 = desk.server.count304();
    DashboardPage page(restarted, &desk.store, desk.stateFile());
    page.start();
    waitForFirstLoad(page);
    CHECK(page.runModel()->rowCount() == 4);
    const auto runRequests = desk.server.requestsTo(QStringLiteral("/repos/[^/]+/[^/]+/actions/runs"));
    REQUIRE(runRequests.size() == 3);
    for (const auto &request : runRequests)
        CHECK(request.status == 304);
    CHECK(desk.server.count304() - before304 >= 7); // repositories, workflows and runs
}

#ifdef EXESERVER_GUI_PATH
// The desktop app itself, offscreen, against the desk's fake GitHub server with a token from the environment.
void startGui(QProcess &gui, const Desk &desk,
              QProcessEnvironment env = QProcessEnvironment::systemEnvironment())
{
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("EXESERVER_NO_KEYCHAIN"), QStringLiteral("1"));
    env.insert(QStringLiteral("GH_TOKEN"), QString::fromLatin1(FakeGitHubServer::DefaultToken));
    env.remove(QStringLiteral("GITHUB_TOKEN"));
    env.remove(QStringLiteral("GITHUB_API_URL"));
    gui.setProcessEnvironment(env);
    gui.start(QStringLiteral(EXESERVER_GUI_PATH),
              {QStringLiteral("--data-dir"), desk.dir.filePath(QStringLiteral("gui-data")),
               QStringLiteral("--api-url"), desk.server.baseUrl().toString()});
}

TEST_CASE("exeserver: with a token and --api-url the window loads the dashboard from that API",
          "[ui][dashboard]")
{
    Desk desk;
    QProcess gui;
    startGui(gui, desk);
    REQUIRE(gui.waitForStarted(10000));
    // The dashboard lists the repositories and loads the runs of the ones it picked.
    const bool loaded = QTest::qWaitFor(
        [&]() {
            return !desk.server.requestsTo(QStringLiteral("/user/repos")).isEmpty() &&
                   !desk.server.requestsTo(QStringLiteral("/repos/[^/]+/[^/]+/actions/runs")).isEmpty();
        },
        20000);
    gui.terminate();
    if (!gui.waitForFinished(5000))
        gui.kill();
    gui.waitForFinished(5000);
    REQUIRE(loaded);
    // Its store and the remembered selection are in the data dir.
    CHECK(QFile::exists(desk.dir.filePath(QStringLiteral("gui-data/exeserver.db"))));
    CHECK(QFile::exists(desk.dir.filePath(QStringLiteral("gui-data/ui-state.ini"))));
}

#ifdef Q_OS_LINUX // the memory map comes from /proc/self/smaps
TEST_CASE("exeserver: the window starts and shows the dashboard without loading an image plugin",
          "[ui][dashboard][start]")
{
    // Fusion made the menu bar's extension arrow, Refresh and the search field's clear button with
    // QIcon(fileName), which loads every installed image plugin (and QtSvg through its plugin): ~0.7 MB of
    // an idle window. StandardIconStyle draws the same files without them.
    Desk desk;
    QProcess gui;
    // StartupReport: after the first frame and a settle, the process saves its memory map and quits.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("EXESERVER_REPORT_FIRST_PAINT"), QStringLiteral("1"));
    env.insert(QStringLiteral("EXESERVER_REPORT_SETTLE_MS"), QStringLiteral("2000"));
    env.insert(QStringLiteral("EXESERVER_REPORT_SMAPS"), desk.dir.path());
    startGui(gui, desk, env);
    REQUIRE(gui.waitForStarted(10000));
    // The fake server answers from this thread's event loop, so the wait spins it.
    const bool quit = QTest::qWaitFor([&]() { return gui.state() == QProcess::NotRunning; }, 30000);
    if (!quit) {
        gui.kill();
        gui.waitForFinished(5000);
    }
    REQUIRE(quit);
    CHECK(gui.exitCode() == 0);
    // It showed the dashboard: the runs were asked for, so Refresh and the search field were made.
    CHECK_FALSE(desk.server.requestsTo(QStringLiteral("/repos/[^/]+/[^/]+/actions/runs")).isEmpty());
    const QStringList maps = QDir(desk.dir.path()).entryList({QStringLiteral("smaps.*")}, QDir::Files);
    REQUIRE(maps.size() == 1);
    QFile smaps(desk.dir.filePath(maps.first()));
    REQUIRE(smaps.open(QIODevice::ReadOnly));
    const QByteArray map = smaps.readAll();
    CHECK(map.contains("libQt6Widgets")); // the map is the app's
    CHECK_FALSE(map.contains("/imageformats/"));
    CHECK_FALSE(map.contains("libQt6Svg"));
}
#endif
#endif

TEST_CASE("Main window: geometry, the dashboard's column widths and open docks are remembered",
          "[ui][dashboard]")
{
    Desk desk;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), desk.dir.path());
    env.insert(QStringLiteral("GH_TOKEN"), QString::fromLatin1(FakeGitHubServer::DefaultToken));
    Settings settings(env);
    {
        MainWindow window(settings);
        window.attachGitHub(desk.client.get(), &desk.store);
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));
        window.resize(930, 610);
        window.dashboard()->runTable()->setColumnWidth(RunTableModel::Repository, 222);
        REQUIRE(window.workbench());
        window.workbench()->eventLogDock()->show(); // the docks are hidden until opened
        QTest::qWait(20);
        window.close();
    }
    MainWindow again(settings);
    again.attachGitHub(desk.client.get(), &desk.store);
    CHECK(again.size() == QSize(930, 610));
    CHECK(again.dashboard()->runTable()->columnWidth(RunTableModel::Repository) == 222);
    REQUIRE(again.workbench());
    CHECK_FALSE(again.workbench()->eventLogDock()->isHidden()); // opened docks come back
    CHECK(again.workbench()->actionLogDock()->isHidden());
}

TEST_CASE("Dashboard: a refresh keeps the selected run selected", "[ui][dashboard]")
{
    Desk desk;
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    waitForFirstLoad(page);
    const qint64 id = page.runProxy()->index(2, 0).data(role::RunId).toLongLong();
    page.runTable()->setCurrentIndex(page.runProxy()->index(2, RunTableModel::Actor));
    // A newer run moves the selected one down a row.
    desk.server.addRun({.repo = kHello, .createdAt = QDateTime::currentDateTimeUtc()});
    const int count = page.refreshCount();
    page.refresh();
    waitForRefresh(page, count + 1);
    const QModelIndex current = page.runTable()->currentIndex();
    REQUIRE(current.isValid());
    CHECK(current.row() == 3);
    CHECK(current.column() == RunTableModel::Actor);
    CHECK(current.data(role::RunId).toLongLong() == id);
}

TEST_CASE("Run details: follows a running run until it completes", "[ui][dashboard]")
{
    Desk desk;
    const qint64 runId = desk.server.addRun({.repo = kHello,
                                             .status = QStringLiteral("in_progress"),
                                             .conclusion = {},
                                             .createdAt = QDateTime::currentDateTimeUtc().addSecs(-60)});
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    waitForFirstLoad(page);
    RunDetailsDialog *dialog = page.openRun(rowOfRun(page, runId));
    REQUIRE(dialog);
    dialog->setPollInterval(50);
    auto *cancel = dialog->findChild<QPushButton *>(QStringLiteral("cancelButton"));
    auto *rerun = dialog->findChild<QPushButton *>(QStringLiteral("rerunButton"));
    REQUIRE(cancel);
    REQUIRE(rerun);
    REQUIRE(QTest::qWaitFor([&]() { return !dialog->jobs().isEmpty(); }, 10000));
    CHECK(cancel->isEnabled());
    CHECK_FALSE(rerun->isEnabled());
    desk.server.setRunStatus(runId, QStringLiteral("completed"), QStringLiteral("success"));
    REQUIRE(QTest::qWaitFor([&]() { return rerun->isEnabled(); }, 10000));
    CHECK_FALSE(cancel->isEnabled());
    REQUIRE(QTest::qWaitFor([&]() { return dialog->jobs().first().conclusion == QStringLiteral("success"); },
                            10000));
    dialog->close();
}

TEST_CASE("Dashboard: the last refresh is shown at start before GitHub answers", "[ui][dashboard]")
{
    Desk desk;
    {
        DashboardPage page(*desk.client, &desk.store, desk.stateFile());
        page.start();
        waitForFirstLoad(page);
    }
    desk.server.setDelay(3000); // GitHub is slow today
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    // At once, without waiting for any answer:
    REQUIRE(page.runModel()->rowCount() == 4);
    CHECK(page.workflowModel()->rowCount() == 4);
    CHECK(page.isRefreshing());
    CHECK(page.statusText().startsWith(QStringLiteral("Showing data saved")));
    const DashboardRun *seeded = findRun(*page.runModel(), 30433642);
    REQUIRE(seeded);
    CHECK(seeded->run.actor == QStringLiteral("octocat"));
    CHECK(seeded->state() == RunState::Success);
    int deployRow = -1;
    for (int row = 0; row < page.workflowModel()->rowCount(); ++row) {
        if (page.workflowModel()->workflows().at(row).workflow.name == QStringLiteral("Deploy"))
            deployRow = row;
    }
    REQUIRE(deployRow >= 0);
    CHECK(page.workflowModel()->index(deployRow, WorkflowTableModel::LastRun).data().toString() ==
          QStringLiteral("In progress"));
    desk.server.clearFailures();
    waitForRefresh(page, 1);
    CHECK(page.statusText().startsWith(QStringLiteral("Updated")));
}

TEST_CASE("Dashboard: the snapshot shows each workflow's last run and recent runs as the refresh did",
          "[ui][dashboard]")
{
    Desk desk;
    addRunsOfEveryState(desk.server);
    // Workflow path → what its Last run and Recent runs cells showed after a refresh.
    QHash<QString, QVariantList> refreshed;
    {
        DashboardPage page(*desk.client, &desk.store, desk.stateFile());
        page.start();
        waitForFirstLoad(page);
        const WorkflowTableModel &model = *page.workflowModel();
        for (int row = 0; row < model.rowCount(); ++row) {
            refreshed.insert(model.workflows().at(row).repo + model.workflows().at(row).workflow.path,
                             {model.index(row, WorkflowTableModel::LastRun).data(),
                              model.index(row, WorkflowTableModel::LastRunTime).data(),
                              model.index(row, WorkflowTableModel::Recent).data(role::History)});
        }
    }
    REQUIRE(!refreshed.isEmpty());
    desk.server.setDelay(3000);
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    const WorkflowTableModel &model = *page.workflowModel();
    REQUIRE(model.rowCount() == refreshed.size());
    int withHistory = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QString key = model.workflows().at(row).repo + model.workflows().at(row).workflow.path;
        INFO(key.toStdString());
        REQUIRE(refreshed.contains(key));
        const QVariantList &before = refreshed.value(key);
        CHECK(model.index(row, WorkflowTableModel::LastRun).data() == before.at(0));
        CHECK(model.index(row, WorkflowTableModel::LastRunTime).data() == before.at(1));
        const QVariantList history =
            model.index(row, WorkflowTableModel::Recent).data(role::History).toList();
        const QVariantList beforeHistory = before.at(2).toList();
        REQUIRE(history.size() == beforeHistory.size());
        for (int i = 0; i < history.size(); ++i) {
            const QVariantList pair = history.at(i).toList();
            const QVariantList beforePair = beforeHistory.at(i).toList();
            CHECK(pair.value(0) == beforePair.value(0)); // state
            const auto state = RunState(pair.value(0).toInt());
            if (!isRunning(state)) // a running run's duration grows with the clock
                CHECK(pair.value(1) == beforePair.value(1));
        }
        withHistory += history.isEmpty() ? 0 : 1;
    }
    CHECK(withHistory > 0);
    desk.server.clearFailures();
}

TEST_CASE("Dashboard: on a first start the columns have their default widths and the last one fills the rest",
          "[ui][dashboard]")
{
    Desk desk;
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    page.resize(1280, 800);
    page.show();
    REQUIRE(QTest::qWaitForWindowExposed(&page));
    const QTableView *runs = page.runTable();
    CHECK(runs->columnWidth(RunTableModel::Status) == 110);
    CHECK(runs->columnWidth(RunTableModel::Repository) == 160);
    // Dates are never elided: their columns start wide enough for the longest date.
    const int dateWidth = runs->fontMetrics().horizontalAdvance(QStringLiteral("2026-12-31 23:59"));
    CHECK(runs->columnWidth(RunTableModel::Started) > dateWidth);
    const QTableView *workflows = page.workflowTable();
    CHECK(workflows->columnWidth(WorkflowTableModel::Repository) == 170);
    CHECK(workflows->columnWidth(WorkflowTableModel::LastRunTime) > dateWidth);
    // Nor can they be dragged narrower than that.
    page.runTable()->horizontalHeader()->resizeSection(RunTableModel::Started, 40);
    CHECK(runs->columnWidth(RunTableModel::Started) > dateWidth);
    for (const QTableView *table : {runs, workflows}) {
        const QHeaderView *header = table->horizontalHeader();
        CHECK(header->stretchLastSection());
        // The last column ends at the viewport's right edge.
        CHECK(header->sectionViewportPosition(header->count() - 1) +
                  header->sectionSize(header->count() - 1) ==
              table->viewport()->width());
    }
    waitForFirstLoad(page);
}

TEST_CASE("Dashboard: a workflow is disabled and enabled again, confirmed and logged", "[ui][dashboard]")
{
    Desk desk;
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    waitForFirstLoad(page);
    page.setRepositoryFilter(kKnife);
    REQUIRE(page.workflowProxy()->rowCount() == 1);
    QSignalSpy finished(&page, &DashboardPage::workflowActionFinished);
    const qint64 workflowId =
        page.workflowModel()
            ->workflows()
            .at(page.workflowProxy()->mapToSource(page.workflowProxy()->index(0, 0)).row())
            .workflow.id;

    Confirm::setNextAnswer(false);
    page.setWorkflowEnabled(0, false);
    QTest::qWait(50);
    CHECK(finished.isEmpty());
    CHECK(desk.server.workflow(workflowId)->state == QStringLiteral("active"));

    Confirm::setNextAnswer(true);
    int count = page.refreshCount();
    page.setWorkflowEnabled(0, false);
    REQUIRE(QTest::qWaitFor([&]() { return finished.count() == 1; }, 10000));
    CHECK(finished.at(0).at(0).toBool());
    CHECK(desk.server.workflow(workflowId)->state == QStringLiteral("disabled_manually"));
    waitForRefresh(page, count + 1);
    CHECK(page.workflowProxy()->index(0, WorkflowTableModel::State).data().toString() ==
          QStringLiteral("Disabled"));

    Confirm::setNextAnswer(true);
    count = page.refreshCount();
    page.setWorkflowEnabled(0, true);
    REQUIRE(QTest::qWaitFor([&]() { return finished.count() == 2; }, 10000));
    waitForRefresh(page, count + 1);
    CHECK(page.workflowProxy()->index(0, WorkflowTableModel::State).data().toString() ==
          QStringLiteral("Active"));

    const QList<ActionRecord> actions = desk.store.actions({}).value();
    REQUIRE(actions.size() == 2);
    QList<ActionKind> kinds{actions.at(0).kind, actions.at(1).kind};
    CHECK(kinds.contains(ActionKind::EnableWorkflow));
    CHECK(kinds.contains(ActionKind::DisableWorkflow));
    for (const ActionRecord &action : actions) {
        CHECK(action.status == ActionStatus::Success);
        CHECK(action.target == QStringLiteral("octocat/Spoon-Knife:ci.yml"));
    }
}

namespace {

int rowOfWorkflow(const DashboardPage &page, const QString &repo, const QString &file)
{
    for (int row = 0; row < page.workflowProxy()->rowCount(); ++row) {
        const QModelIndex source = page.workflowProxy()->mapToSource(page.workflowProxy()->index(row, 0));
        const DashboardWorkflow &entry = page.workflowModel()->workflows().at(source.row());
        if (entry.repo == repo && entry.workflow.fileName() == file)
            return row;
    }
    return -1;
}

} // namespace

TEST_CASE("Run workflow: the form comes from the workflow's choice and boolean inputs and sends them",
          "[ui][dashboard]")
{
    Desk desk;
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    page.resize(1100, 650);
    page.show();
    waitForFirstLoad(page);
    const int row = rowOfWorkflow(page, kHello, QStringLiteral("ci.yml"));
    REQUIRE(row >= 0);
    DispatchDialog *dialog = page.openDispatch(row);
    REQUIRE(dialog);
    REQUIRE(QTest::qWaitFor([&]() { return !dialog->isLoading(); }, 10000));
    CHECK(dialog->ref() == QStringLiteral("main"));
    REQUIRE(dialog->inputs().size() == 2);
    auto *environment = qobject_cast<QComboBox *>(dialog->field(QStringLiteral("environment")));
    auto *dryRun = qobject_cast<QCheckBox *>(dialog->field(QStringLiteral("dry_run")));
    REQUIRE(environment);
    REQUIRE(dryRun);
    CHECK(environment->currentText() == QStringLiteral("staging"));
    CHECK(environment->count() == 2);
    CHECK_FALSE(dryRun->isChecked());
    QTest::qWait(30);
    test::savePng(*dialog, QStringLiteral("dispatch.png"));

    environment->setCurrentText(QStringLiteral("production"));
    dryRun->setChecked(true);
    QSignalSpy dispatched(dialog, &DispatchDialog::dispatched);
    const int count = page.refreshCount();
    auto *run = dialog->findChild<QPushButton *>(QStringLiteral("runWorkflowButton"));
    REQUIRE(run);
    REQUIRE(run->isEnabled());
    run->click();
    REQUIRE(QTest::qWaitFor([&]() { return dispatched.count() == 1; }, 10000));
    // Confirmed in the dialog, which stays until closed.
    CHECK(dialog->isVisible());
    auto *message = dialog->findChild<QLabel *>(QStringLiteral("dispatchMessage"));
    REQUIRE(message);
    CHECK(message->text().startsWith(QStringLiteral("Started on main.")));
    test::savePng(*dialog, QStringLiteral("dispatch-started.png"));

    REQUIRE(desk.server.dispatches().size() == 1);
    const auto sent = desk.server.dispatches().first();
    CHECK(sent.body.value(QStringLiteral("ref")).toString() == QStringLiteral("main"));
    CHECK(sent.body.value(QStringLiteral("inputs")).toObject() ==
          QJsonObject{{QStringLiteral("environment"), QStringLiteral("production")},
                      {QStringLiteral("dry_run"), QStringLiteral("true")}});
    // The new run is listed at once, from the id the dispatch returned.
    const DashboardRun *listed = findRun(*page.runModel(), sent.runId);
    REQUIRE(listed);
    CHECK(listed->state() == RunState::Queued);
    CHECK(listed->run.event == QStringLiteral("workflow_dispatch"));
    waitForRefresh(page, count + 1);
    CHECK(findRun(*page.runModel(), sent.runId));

    ActionQuery query;
    query.kind = ActionKind::Dispatch;
    const QList<ActionRecord> actions = desk.store.actions(query).value();
    REQUIRE(actions.size() == 1);
    CHECK(actions.first().status == ActionStatus::Success);
    CHECK(actions.first().target == QStringLiteral("octocat/Hello-World:ci.yml@main"));
}

TEST_CASE("Run workflow: string, number and environment inputs get their own fields", "[ui][dashboard]")
{
    Desk desk;
    desk.server.setFileContent(
        kHello, QStringLiteral(".github/workflows/deploy.yml"),
        "name: Deploy\non:\n  workflow_dispatch:\n    inputs:\n"
        "      version:\n        description: 'Version to deploy'\n        required: true\n"
        "        type: string\n"
        "      replicas:\n        type: number\n        default: 3\n"
        "      target:\n        type: environment\n        default: staging\n"
        "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./deploy\n");
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    waitForFirstLoad(page);
    DispatchDialog *dialog = page.openDispatch(rowOfWorkflow(page, kHello, QStringLiteral("deploy.yml")));
    REQUIRE(dialog);
    REQUIRE(QTest::qWaitFor([&]() { return !dialog->isLoading(); }, 10000));
    REQUIRE(dialog->inputs().size() == 3);
    auto *version = qobject_cast<QLineEdit *>(dialog->field(QStringLiteral("version")));
    auto *replicas = qobject_cast<QSpinBox *>(dialog->field(QStringLiteral("replicas")));
    auto *target = qobject_cast<QComboBox *>(dialog->field(QStringLiteral("target")));
    REQUIRE(version);
    REQUIRE(replicas);
    REQUIRE(target);
    CHECK(replicas->value() == 3);
    CHECK(target->isEditable());
    CHECK(target->currentText() == QStringLiteral("staging"));
    // A required input left empty keeps "Run workflow" disabled.
    auto *run = dialog->findChild<QPushButton *>(QStringLiteral("runWorkflowButton"));
    REQUIRE(run);
    CHECK_FALSE(run->isEnabled());
    version->setText(QStringLiteral("1.4.2"));
    CHECK(run->isEnabled());
    CHECK(dialog->inputValues() == QJsonObject{{QStringLiteral("version"), QStringLiteral("1.4.2")},
                                               {QStringLiteral("replicas"), QStringLiteral("3")},
                                               {QStringLiteral("target"), QStringLiteral("staging")}});
    dialog->close();
}

TEST_CASE("Dashboard: auto-refresh never asks sooner than GitHub's X-Poll-Interval", "[ui][dashboard]")
{
    Desk desk;
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    page.setAutoRefreshIntervals(60000, 2000);
    waitForFirstLoad(page);
    REQUIRE(page.runModel()->hasRunningRuns());
    CHECK(page.autoRefreshInterval() == 2000); // busy, and GitHub named no interval

    desk.server.setPollInterval(90);
    const int count = page.refreshCount();
    page.refresh();
    waitForRefresh(page, count + 1);
    CHECK(desk.client->connection().pollIntervalSecs() == 90);
    CHECK(page.autoRefreshInterval() == 90000);

    // The floor holds for the idle interval too when it is shorter.
    page.setAutoRefreshIntervals(30000, 2000);
    page.refresh();
    waitForRefresh(page, count + 2);
    CHECK(page.autoRefreshInterval() == 90000);
}

TEST_CASE("Run workflow: the ref picker lists the repository's branches with the default selected",
          "[ui][dashboard]")
{
    Desk desk;
    desk.server.addRun({.repo = kHello, .headBranch = QStringLiteral("release/2.0")});
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    waitForFirstLoad(page);
    DispatchDialog *dialog = page.openDispatch(rowOfWorkflow(page, kHello, QStringLiteral("ci.yml")));
    REQUIRE(dialog);
    REQUIRE(QTest::qWaitFor([&]() { return dialog->areBranchesLoaded() && !dialog->isLoading(); }, 10000));
    CHECK(dialog->ref() == QStringLiteral("main"));
    CHECK(dialog->refChoices().first() == QStringLiteral("main"));
    CHECK(dialog->refChoices().contains(QStringLiteral("release/2.0")));
    CHECK(dialog->refChoices().contains(QStringLiteral("new-topic")));
    CHECK(dialog->refChoices().count(QStringLiteral("main")) == 1);
    bool asked = false;
    for (const auto &request : desk.server.requests())
        asked = asked || request.path == QStringLiteral("/repos/octocat/Hello-World/branches");
    CHECK(asked);
    auto *combo = dialog->findChild<QComboBox *>(QStringLiteral("refCombo"));
    REQUIRE(combo);
    CHECK(combo->isEditable()); // a tag or a branch not listed can still be typed
    combo->setCurrentText(QStringLiteral("release/2.0"));
    dialog->setRef(QStringLiteral("release/2.0"));
    REQUIRE(QTest::qWaitFor([&]() { return !dialog->isLoading(); }, 10000));
    CHECK(dialog->ref() == QStringLiteral("release/2.0"));
    CHECK(dialog->field(QStringLiteral("environment"))); // the form, read from that ref
    QTest::qWait(30);                                    // let the layout take the new rows
    test::savePng(*dialog, QStringLiteral("dispatch-branches.png"));
    dialog->close();
}

namespace {

QPalette darkPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Window, QColor(0x0d, 0x11, 0x17));
    palette.setColor(QPalette::WindowText, QColor(0xe6, 0xed, 0xf3));
    palette.setColor(QPalette::Base, QColor(0x16, 0x1b, 0x22));
    palette.setColor(QPalette::AlternateBase, QColor(0x1c, 0x21, 0x28));
    palette.setColor(QPalette::Text, QColor(0xe6, 0xed, 0xf3));
    palette.setColor(QPalette::Button, QColor(0x21, 0x26, 0x2d));
    palette.setColor(QPalette::ButtonText, QColor(0xe6, 0xed, 0xf3));
    palette.setColor(QPalette::Highlight, QColor(0x1f, 0x6f, 0xeb));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::PlaceholderText, QColor(0x8b, 0x94, 0x9e));
    return palette;
}

// Relative luminance contrast (WCAG) between two colours.
double contrast(const QColor &a, const QColor &b)
{
    const auto luminance = [](const QColor &c) {
        const auto channel = [](double v) {
            return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a) + 0.05;
    const double lb = luminance(b) + 0.05;
    return la > lb ? la / lb : lb / la;
}

} // namespace

TEST_CASE("Dashboard: status colours follow a dark palette and stay readable, with icons and text",
          "[ui][dashboard]")
{
    const QPalette light = QApplication::palette();
    REQUIRE_FALSE(isDarkPalette());
    QList<QRgb> lightColours;
    for (int s = 0; s < kRunStateCount; ++s)
        lightColours.append(runStateColor(RunState(s)).rgb());

    QApplication::setPalette(darkPalette());
    REQUIRE(isDarkPalette());
    QList<QRgb> darkColours;
    QList<QImage> icons;
    for (int s = 0; s < kRunStateCount; ++s) {
        const auto state = RunState(s);
        const QColor colour = runStateColor(state);
        darkColours.append(colour.rgb());
        CHECK(colour.rgb() != lightColours.at(s));
        // Readable on the dark table background (WCAG's 3:1 for large text and UI elements at least).
        CHECK(contrast(colour, darkPalette().color(QPalette::Base)) >= 4.5);
        CHECK_FALSE(runStateText(state).isEmpty());
        const QImage icon = runStateIcon(state).pixmap(24, 24).toImage();
        REQUIRE_FALSE(icon.isNull());
        CHECK_FALSE(icons.contains(icon));
        icons.append(icon);
    }
    CHECK(QSet<QRgb>(darkColours.begin(), darkColours.end()).size() == kRunStateCount);

    // The tables use them: a dark dashboard, rendered for a look.
    {
        Desk desk;
        addRunsOfEveryState(desk.server);
        DashboardPage page(*desk.client, &desk.store, desk.stateFile());
        page.start();
        page.resize(1100, 650);
        page.show();
        waitForFirstLoad(page);
        const QModelIndex status = page.runProxy()->index(0, RunTableModel::Status);
        const DashboardRun *run = page.runModel()->runAt(page.runProxy()->mapToSource(status).row());
        REQUIRE(run);
        CHECK(status.data(Qt::ForegroundRole).value<QColor>() == runStateColor(run->state(), true));
        CHECK(status.data(Qt::DisplayRole).toString() == runStateText(run->state()));
        CHECK_FALSE(status.data(Qt::DecorationRole).value<QIcon>().isNull());
        QTest::qWait(30);
        test::savePng(page, QStringLiteral("dashboard-dark.png"));
    }
    QApplication::setPalette(light);
    CHECK_FALSE(isDarkPalette());
    // Light colours keep their contrast on white too.
    for (int s = 0; s < kRunStateCount; ++s)
        CHECK(contrast(runStateColor(RunState(s), false), Qt::white) >= 3.0);
}

TEST_CASE("Dashboard: Ctrl+F focuses the filter and every control has an accessible name", "[ui][dashboard]")
{
    Desk desk;
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    page.show();
    REQUIRE(QTest::qWaitForWindowExposed(&page));
    waitForFirstLoad(page);
    page.runTable()->setFocus();
    QTest::keyClick(&page, Qt::Key_F, Qt::ControlModifier);
    auto *search = page.findChild<QLineEdit *>(QStringLiteral("searchField"));
    if (!search) {
        for (QLineEdit *edit : page.findChildren<QLineEdit *>()) {
            if (edit->accessibleName() == QStringLiteral("Filter runs and workflows"))
                search = edit;
        }
    }
    REQUIRE(search);
    CHECK(search->hasFocus());

    QStringList unnamed;
    for (QWidget *widget : page.findChildren<QWidget *>()) {
        const bool control = qobject_cast<QAbstractButton *>(widget) || qobject_cast<QLineEdit *>(widget) ||
                             qobject_cast<QComboBox *>(widget) || qobject_cast<QAbstractItemView *>(widget);
        bool insideControl = false;
        for (QWidget *parent = widget->parentWidget(); parent; parent = parent->parentWidget())
            insideControl = insideControl || qobject_cast<QComboBox *>(parent) ||
                            qobject_cast<QLineEdit *>(parent) || qobject_cast<QAbstractItemView *>(parent);
        if (!control || insideControl || widget->inherits("QHeaderView"))
            continue; // parts of a control that carries the name
        auto *button = qobject_cast<QAbstractButton *>(widget);
        QString name =
            widget->accessibleName().isEmpty() && button ? button->text() : widget->accessibleName();
        if (name.remove(QLatin1Char('&')).trimmed().isEmpty())
            unnamed.append(QStringLiteral("%1 %2").arg(QString::fromLatin1(widget->metaObject()->className()),
                                                       widget->objectName()));
    }
    INFO(unnamed.join(QStringLiteral(", ")).toStdString());
    CHECK(unnamed.isEmpty());
}

TEST_CASE("Dashboard: column widths, order and sorting of both tables survive a restart", "[ui][dashboard]")
{
    Desk desk;
    {
        DashboardPage page(*desk.client, &desk.store, desk.stateFile());
        page.start();
        waitForFirstLoad(page);
        page.runTable()->setColumnWidth(RunTableModel::Repository, 271);
        page.runTable()->horizontalHeader()->moveSection(RunTableModel::Actor, 1);
        page.workflowTable()->setColumnWidth(WorkflowTableModel::Repository, 233);
        page.workflowTable()->sortByColumn(WorkflowTableModel::Repository, Qt::DescendingOrder);
    } // closing saves
    DashboardPage again(*desk.client, &desk.store, desk.stateFile());
    again.start();
    CHECK(again.runTable()->columnWidth(RunTableModel::Repository) == 271);
    CHECK(again.runTable()->horizontalHeader()->visualIndex(RunTableModel::Actor) == 1);
    CHECK(again.workflowTable()->columnWidth(WorkflowTableModel::Repository) == 233);
    CHECK(again.workflowTable()->horizontalHeader()->sortIndicatorOrder() == Qt::DescendingOrder);
}

TEST_CASE("AfterFirstPaint: work waits for a shown window's first paint and runs soon for a hidden one",
          "[ui][start]")
{
    QWidget hidden;
    bool hiddenDone = false;
    AfterFirstPaint::run(&hidden, [&]() { hiddenDone = true; });
    CHECK_FALSE(hiddenDone); // never inside the call
    REQUIRE(QTest::qWaitFor([&]() { return hiddenDone; }, 2000));

    QWidget shown;
    shown.resize(200, 100);
    bool painted = false;
    bool paintedBeforeWork = false;
    bool workDone = false;
    struct PaintSpy : QObject
    {
        bool *painted;
        explicit PaintSpy(bool *flag)
            : painted(flag)
        {
        }
        bool eventFilter(QObject *, QEvent *event) override
        {
            if (event->type() == QEvent::Paint)
                *painted = true;
            return false;
        }
    } spy(&painted);
    shown.installEventFilter(&spy);
    shown.show();
    AfterFirstPaint::run(&shown, [&]() {
        paintedBeforeWork = painted;
        workDone = true;
    });
    REQUIRE(QTest::qWaitFor([&]() { return workDone; }, 2000));
    CHECK(paintedBeforeWork);
}

TEST_CASE("Main window: at start the first frame has the dashboard and the hidden docks follow it",
          "[ui][dashboard][start]")
{
    Desk desk;
    addRunsOfEveryState(desk.server);
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), desk.dir.path());
    env.insert(QStringLiteral("GH_TOKEN"), QString::fromLatin1(FakeGitHubServer::DefaultToken));
    Settings settings(env);
    MainWindow window(settings);
    // As app/gui/main.cpp: shown first, the client attached before the event loop paints it.
    window.show();
    const bool exposedAtAttach = window.windowHandle() && window.windowHandle()->isExposed();
    window.attachGitHub(desk.client.get(), &desk.store);
    REQUIRE(window.dashboard());
    CHECK(window.centralWidget() == window.dashboard());
    if (!exposedAtAttach)
        CHECK(window.workbench() == nullptr); // not before the first frame
    REQUIRE(QTest::qWaitFor([&]() { return window.workbench() != nullptr; }, 2000));
    CHECK(window.workbench()->eventLogDock()->isHidden());
    CHECK(window.workbench()->viewMenu()->actions().size() >= 4);
    waitForFirstLoad(*window.dashboard());
    CHECK(window.dashboard()->runModel()->rowCount() > 0);
}

namespace {

// As app/gui/main.cpp after a restart: settings over the desk's data dir, and a client whose requests wait
// in the connection until the store's ETag cache is handed over.
Settings restartSettings(const Desk &desk)
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), desk.dir.path());
    env.insert(QStringLiteral("GH_TOKEN"), QString::fromLatin1(FakeGitHubServer::DefaultToken));
    return Settings(env);
}

GitHubClient::Options cacheLaterClient(Desk &desk)
{
    GitHubClient::Options options;
    options.connection.apiUrl = desk.server.baseUrl();
    options.connection.token = QString::fromLatin1(FakeGitHubServer::DefaultToken);
    options.connection.network = &desk.network;
    options.connection.cacheLater = true;
    return options;
}

} // namespace

TEST_CASE("Main window: the store opens after the first frame and the first refresh still sends the "
          "stored ETags",
          "[ui][dashboard][start]")
{
    Desk desk;
    {
        DashboardPage page(*desk.client, &desk.store, desk.stateFile());
        page.start();
        waitForFirstLoad(page); // fills the store's ETag cache and writes the snapshot
    }
    Settings settings = restartSettings(desk);
    // The window and the dashboard first, the store a frame later.
    GitHubClient restarted(cacheLaterClient(desk));
    desk.server.clearRequests();
    const int before304 = desk.server.count304();
    MainWindow window(settings);
    window.waitForEventStore();
    window.show();
    window.attachGitHub(&restarted, nullptr);
    REQUIRE(window.dashboard());
    CHECK(window.dashboard()->runModel()->rowCount() > 0); // the snapshot, in the first frame
    // The refresh starts after that frame (its requests would only compete with it), waiting for the
    // cache as before.
    CHECK_FALSE(window.dashboard()->isRefreshing());
    REQUIRE(QTest::qWaitFor([&]() { return window.dashboard()->isRefreshing(); }, 2000));
    QTest::qWait(300);
    // Nothing went out without the ETags, and nothing that needs the store was built without it.
    CHECK(desk.server.requests().isEmpty());
    CHECK(restarted.connection().isWaitingForCache());
    CHECK(window.dashboard()->store() == nullptr);
    CHECK(window.workbench() == nullptr);

    restarted.connection().setCache(desk.cache.get());
    window.setEventStore(&desk.store);
    CHECK(window.dashboard()->store() == &desk.store); // the dialogs' action log
    CHECK(window.workbench() != nullptr);
    waitForRefresh(*window.dashboard(), 1);
    const auto runRequests = desk.server.requestsTo(QStringLiteral("/repos/[^/]+/[^/]+/actions/runs"));
    REQUIRE_FALSE(runRequests.isEmpty());
    for (const auto &request : runRequests) {
        CHECK_FALSE(request.header("If-None-Match").isEmpty());
        CHECK(request.status == 304);
    }
    CHECK(desk.server.count304() - before304 >= int(runRequests.size()));
}

TEST_CASE("Main window: a store that cannot be opened after the first frame leaves a working dashboard",
          "[ui][dashboard][start]")
{
    Desk desk;
    Settings settings = restartSettings(desk);
    GitHubClient client(cacheLaterClient(desk));
    MainWindow window(settings);
    window.waitForEventStore();
    window.show();
    window.attachGitHub(&client, nullptr);
    REQUIRE(window.dashboard());
    client.connection().setCache(nullptr); // an ETag cache in memory, as without a store
    window.setEventStore(nullptr);
    CHECK_FALSE(client.connection().isWaitingForCache());
    waitForFirstLoad(*window.dashboard());
    CHECK(window.dashboard()->store() == nullptr);
    CHECK(window.workbench() == nullptr); // the logs need the store
    // A second refresh is answered from the memory cache.
    desk.server.clearRequests();
    window.dashboard()->refresh();
    waitForRefresh(*window.dashboard(), 2);
    for (const auto &request : desk.server.requestsTo(QStringLiteral("/repos/[^/]+/[^/]+/actions/runs")))
        CHECK(request.status == 304);
}

namespace {

// What both tables show, row by row and column by column (the text), in the models' order.
QStringList tableTexts(const DashboardPage &page)
{
    QStringList texts;
    for (const QAbstractItemModel *model : {static_cast<const QAbstractItemModel *>(page.runModel()),
                                            static_cast<const QAbstractItemModel *>(page.workflowModel())}) {
        for (int row = 0; row < model->rowCount(); ++row) {
            QStringList cells;
            for (int column = 0; column < model->columnCount(); ++column)
                cells.append(model->index(row, column).data().toString());
            texts.append(cells.join(QLatin1Char('|')));
        }
    }
    return texts;
}

} // namespace

TEST_CASE("Dashboard: the snapshot read on another thread shows the same rows as one read by the page",
          "[ui][dashboard][start]")
{
    Desk desk;
    addRunsOfEveryState(desk.server);
    {
        DashboardPage page(*desk.client, &desk.store, desk.stateFile());
        page.start();
        waitForFirstLoad(page); // writes the snapshot
    }
    desk.server.setDelay(3000); // the tables show the snapshot, not a refresh
    const QString path = DashboardSnapshot::pathBeside(desk.stateFile());
    DashboardPage readHere(*desk.client, &desk.store, desk.stateFile());
    DashboardPage readAhead(*desk.client, &desk.store, desk.stateFile(), nullptr,
                            DashboardSnapshot::readAsync(path));
    REQUIRE(readHere.runModel()->rowCount() > 5);
    REQUIRE(readHere.workflowModel()->rowCount() > 0);
    CHECK(tableTexts(readAhead) == tableTexts(readHere));
    CHECK(readAhead.statusText().startsWith(QStringLiteral("Showing data saved")));
    CHECK(readAhead.statusText() == readHere.statusText());
    desk.server.clearFailures();
}

TEST_CASE("Dashboard: a snapshot rewritten after it was read ahead is read again", "[ui][dashboard][start]")
{
    Desk desk;
    {
        DashboardPage page(*desk.client, &desk.store, desk.stateFile());
        page.start();
        waitForFirstLoad(page);
    }
    const QString path = DashboardSnapshot::pathBeside(desk.stateFile());
    std::future<DashboardSnapshot> ahead = DashboardSnapshot::readAsync(path);
    ahead.wait();
    // Another save in between (as a refresh would): only the newest run is left in the file.
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    file.close();
    const QJsonArray runs = root.value(QStringLiteral("runs")).toArray();
    REQUIRE(runs.size() > 1);
    root.insert(QStringLiteral("runs"), QJsonArray{runs.first()});
    REQUIRE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QJsonDocument(root).toJson(QJsonDocument::Compact));
    file.close();

    desk.server.setDelay(3000);
    DashboardPage page(*desk.client, &desk.store, desk.stateFile(), nullptr, std::move(ahead));
    page.start();
    CHECK(page.runModel()->rowCount() == 1);
    desk.server.clearFailures();
}

TEST_CASE("Dashboard: without a snapshot file the read ahead finds nothing and the tables start empty",
          "[ui][dashboard][start]")
{
    Desk desk;
    const QString path = DashboardSnapshot::pathBeside(desk.stateFile());
    const DashboardSnapshot nothing = DashboardSnapshot::read(path);
    CHECK(nothing.fileSize < 0);
    CHECK(nothing.runs.isEmpty());
    desk.server.setDelay(3000);
    DashboardPage page(*desk.client, &desk.store, desk.stateFile(), nullptr,
                       DashboardSnapshot::readAsync(path));
    page.start();
    CHECK(page.runModel()->rowCount() == 0);
    CHECK(page.workflowModel()->rowCount() == 0);
    desk.server.clearFailures();
}

TEST_CASE("Main window: a returning user's first frame shows the snapshot read while the window was built",
          "[ui][dashboard][start]")
{
    Desk desk;
    addRunsOfEveryState(desk.server);
    QStringList shownBefore;
    {
        DashboardPage page(*desk.client, &desk.store, desk.stateFile());
        page.start();
        waitForFirstLoad(page);
        shownBefore = tableTexts(page);
    }
    desk.server.setDelay(3000); // no answer before the frame
    Settings settings = restartSettings(desk);
    GitHubClient restarted(cacheLaterClient(desk));
    MainWindow window(settings); // starts reading the snapshot
    window.waitForEventStore();
    window.show();
    window.attachGitHub(&restarted, nullptr);
    REQUIRE(window.dashboard());
    CHECK(tableTexts(*window.dashboard()) == shownBefore);
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    QTest::qWait(50);
    // Menus, both tables with the saved rows, and the status bar's "Showing data saved …".
    CHECK(window.menuBar()->actions().size() >= 3);
    auto *status = window.statusBar()->findChild<QLabel *>(QStringLiteral("dashboardStatus"));
    REQUIRE(status);
    CHECK(status->text().startsWith(QStringLiteral("Showing data saved")));
    CHECK(window.dashboard()->repositoryPicker()->summaryText() ==
          QStringLiteral("3 selected; your repository list is not loaded yet"));
    test::savePng(window, QStringLiteral("mainwindow-first-frame.png"));
    desk.server.clearFailures();
}

TEST_CASE("Tray CI health: a watched workflow's state follows it from failing to fixed, with notifications",
          "[ui][dashboard][tray]")
{
    Desk desk;
    desk.server.clearData();
    desk.server.addRepository({.fullName = kHello});
    const qint64 ci = desk.server.addWorkflow({.repo = kHello, .name = QStringLiteral("CI")});
    desk.server.addWorkflow({.repo = kHello,
                             .name = QStringLiteral("Docs"),
                             .path = QStringLiteral(".github/workflows/docs.yml")});
    const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(-600);
    desk.server.addRun({.repo = kHello, .workflowId = ci, .createdAt = start});
    // A failure on another branch says nothing about the default branch's health.
    desk.server.addRun({.repo = kHello,
                        .workflowId = ci,
                        .conclusion = QStringLiteral("failure"),
                        .headBranch = QStringLiteral("topic"),
                        .createdAt = start.addSecs(10)});
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    waitForFirstLoad(page);
    page.repositoryPicker()->setSelected({kHello});
    REQUIRE(QTest::qWaitFor([&]() { return page.workflowModel()->rowCount() == 2 && !page.isRefreshing(); },
                            10000));
    CHECK(page.ciHealth().isEmpty());

    TrayController tray(applicationIcon());
    NotificationPolicy policy;
    QList<DesktopNotification> shown;
    QObject::connect(&page, &DashboardPage::ciHealthChanged, &tray, [&](const CiHealth &health) {
        tray.setHealth(health);
        shown.append(policy.healthChanged(health));
    });

    int ciRow = -1;
    for (int row = 0; row < page.workflowProxy()->rowCount(); ++row)
        if (page.workflowProxy()->index(row, WorkflowTableModel::Name).data().toString() ==
            QLatin1String("CI"))
            ciRow = row;
    REQUIRE(ciRow >= 0);
    int refreshes = page.refreshCount();
    page.setWorkflowWatched(ciRow, true);
    waitForRefresh(page, refreshes + 1);
    CHECK(page.watchedWorkflows() == QStringList{WatchedWorkflow::keyOf(kHello, ci)});
    CHECK(tray.health().overall() == CiHealthState::Passing);
    CHECK(tray.toolTip().contains(QStringLiteral("CI: Passing")));
    CHECK_FALSE(
        page.workflowProxy()->index(ciRow, WorkflowTableModel::Name).data(Qt::DecorationRole).isNull());
    // The request for the watched workflow went to GitHub with the default branch.
    const auto watchedCalls = desk.server.requestsTo(
        QStringLiteral("/repos/octocat/Hello-World/actions/workflows/%1/runs").arg(ci), "GET");
    REQUIRE_FALSE(watchedCalls.isEmpty());
    CHECK(watchedCalls.last().query.queryItemValue(QStringLiteral("branch")) == QLatin1String("main"));

    // It breaks on main.
    const qint64 broken = desk.server.addRun({.repo = kHello,
                                              .workflowId = ci,
                                              .conclusion = QStringLiteral("failure"),
                                              .displayTitle = QStringLiteral("Break the build"),
                                              .createdAt = start.addSecs(60)});
    refreshes = page.refreshCount();
    page.refresh();
    waitForRefresh(page, refreshes + 1);
    CHECK(tray.health().overall() == CiHealthState::Failing);
    CHECK(tray.toolTip().contains(QStringLiteral("1 failing:\n  octocat/Hello-World · CI")));
    REQUIRE(shown.size() == 1);
    CHECK(shown.at(0).title == QStringLiteral("CI broke: octocat/Hello-World · CI"));
    CHECK(shown.at(0).warning);
    CHECK(shown.at(0).runId == broken);
    const QImage failingIcon = tray.currentIcon().pixmap(32, 32).toImage();

    // A fix is running: the tray says so, no notification yet.
    const qint64 fix = desk.server.addRun({.repo = kHello,
                                           .workflowId = ci,
                                           .status = QStringLiteral("in_progress"),
                                           .conclusion = {},
                                           .createdAt = start.addSecs(120)});
    refreshes = page.refreshCount();
    page.refresh();
    waitForRefresh(page, refreshes + 1);
    CHECK(tray.health().overall() == CiHealthState::Running);
    CHECK(shown.size() == 1);

    desk.server.setRunStatus(fix, QStringLiteral("completed"), QStringLiteral("success"));
    refreshes = page.refreshCount();
    page.refresh();
    waitForRefresh(page, refreshes + 1);
    CHECK(tray.health().overall() == CiHealthState::Passing);
    REQUIRE(shown.size() == 2);
    CHECK(shown.at(1).title == QStringLiteral("CI fixed: octocat/Hello-World · CI"));
    CHECK_FALSE(shown.at(1).warning);
    CHECK(tray.currentIcon().pixmap(32, 32).toImage() != failingIcon);

    // Unwatched: the plain icon again; the choice is kept in the state file.
    refreshes = page.refreshCount();
    page.setWorkflowWatched(ciRow, false);
    waitForRefresh(page, refreshes + 1);
    CHECK(tray.health().isEmpty());
    QSettings state(desk.stateFile(), QSettings::IniFormat);
    CHECK(state.value(QStringLiteral("dashboard/watchedWorkflows")).toStringList().isEmpty());
}

TEST_CASE("Tray CI health: the icon's four states, rendered on a light and a dark panel", "[ui][tray][png]")
{
    const QIcon base = applicationIcon();
    const QList<CiHealthState> states{CiHealthState::Passing, CiHealthState::Running, CiHealthState::Unknown,
                                      CiHealthState::Failing};
    QImage strip(2 * (states.size() * 56 + 8), 2 * 72, QImage::Format_ARGB32);
    strip.setDevicePixelRatio(2);
    QPainter painter(&strip);
    for (int band = 0; band < 2; ++band) {
        const bool dark = band == 1;
        painter.fillRect(QRect(0, band * 36, int(states.size()) * 56 + 8, 36),
                         dark ? QColor(0x24, 0x24, 0x24) : QColor(0xf0, 0xf0, 0xf0));
        for (int i = 0; i < states.size(); ++i) {
            const QIcon icon = ciHealthIcon(base, states[i]);
            icon.paint(&painter, QRect(8 + i * 56, band * 36 + 2, 32, 32));
            icon.paint(&painter, QRect(8 + i * 56 + 36, band * 36 + 10, 16, 16));
        }
    }
    painter.end();
    REQUIRE(strip.save(QDir(test::outputDir()).filePath(QStringLiteral("tray-ci-health.png"))));
    // The four badges differ from each other and from the plain icon.
    QSet<QByteArray> seen;
    for (const CiHealthState state : states) {
        const QImage image = ciHealthIcon(base, state).pixmap(32, 32).toImage();
        seen.insert(QByteArray(reinterpret_cast<const char *>(image.constBits()), image.sizeInBytes()));
    }
    CHECK(seen.size() == 4);
}

TEST_CASE("Dashboard: Load more pages through GitHub's Link header, with the filters sent to GitHub",
          "[ui][dashboard][filters]")
{
    Desk desk;
    desk.server.clearData();
    desk.server.addRepository({.fullName = kHello});
    desk.server.addWorkflow({.repo = kHello});
    const QDateTime start = QDateTime::currentDateTimeUtc().addDays(-2);
    for (int i = 0; i < 45; ++i)
        desk.server.addRun({.repo = kHello,
                            .headBranch = i % 3 == 0 ? QStringLiteral("feature") : QStringLiteral("main"),
                            .createdAt = start.addSecs(i * 60)});
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    waitForFirstLoad(page);
    page.repositoryPicker()->setSelected({kHello});
    REQUIRE(
        QTest::qWaitFor([&]() { return page.runModel()->rowCount() == 30 && !page.isRefreshing(); }, 10000));
    REQUIRE(QTest::qWaitFor([&]() { return page.loadMoreButton()->isEnabled(); }, 5000));

    desk.server.clearRequests();
    page.loadMoreRuns();
    REQUIRE(QTest::qWaitFor([&]() { return page.runModel()->rowCount() == 45; }, 10000));
    auto sent = desk.server.requestsTo(QStringLiteral("/repos/octocat/Hello-World/actions/runs"), "GET");
    REQUIRE(sent.size() == 1);
    CHECK(sent.first().query.queryItemValue(QStringLiteral("page")) == QLatin1String("2"));
    CHECK(sent.first().query.queryItemValue(QStringLiteral("per_page")) == QLatin1String("30"));
    // A refresh keeps the older runs Load more brought.
    const int refreshes = page.refreshCount();
    page.refresh();
    waitForRefresh(page, refreshes + 1);
    CHECK(page.runModel()->rowCount() == 45);

    // With filters, Load more asks GitHub for the filtered listing from its first page.
    page.setBranchFilter(QStringLiteral("feature"));
    page.setStateFilter(int(RunState::Success));
    REQUIRE(QTest::qWaitFor([&]() { return page.loadMoreButton()->isEnabled(); }, 5000));
    desk.server.clearRequests();
    page.loadMoreRuns();
    REQUIRE(QTest::qWaitFor(
        [&]() {
            return !desk.server.requestsTo(QStringLiteral(".*/actions/runs"), "GET").isEmpty() &&
                   page.loadMoreButton()->isEnabled();
        },
        10000));
    sent = desk.server.requestsTo(QStringLiteral(".*/actions/runs"), "GET");
    REQUIRE(sent.size() == 1);
    CHECK(sent.first().query.queryItemValue(QStringLiteral("branch")) == QLatin1String("feature"));
    CHECK(sent.first().query.queryItemValue(QStringLiteral("status")) == QLatin1String("success"));
    CHECK_FALSE(sent.first().query.hasQueryItem(QStringLiteral("page")));
    // All 15 fit one page: no Link, nothing more to ask for.
    desk.server.clearRequests();
    page.loadMoreRuns();
    QTest::qWait(100);
    CHECK(desk.server.requestsTo(QStringLiteral(".*/actions/runs"), "GET").isEmpty());
    CHECK(page.runProxy()->rowCount() == 15);
}

TEST_CASE("Workflow file: the YAML from the contents API, read-only and coloured, with its dispatch inputs",
          "[ui][dashboard][workflowfile]")
{
    Desk desk;
    DashboardPage page(*desk.client, &desk.store, desk.stateFile());
    page.start();
    waitForFirstLoad(page);
    int row = -1;
    for (int r = 0; r < page.workflowProxy()->rowCount(); ++r)
        if (page.workflowProxy()->index(r, WorkflowTableModel::Repository).data().toString() == kHello &&
            page.workflowProxy()->index(r, WorkflowTableModel::File).data().toString() ==
                QLatin1String("ci.yml"))
            row = r;
    REQUIRE(row >= 0);
    for (const bool dark : {false, true}) {
        const QPalette before = QApplication::palette();
        if (dark)
            QApplication::setPalette(darkPalette());
        WorkflowFileDialog *dialog = page.openWorkflowFile(row);
        REQUIRE(dialog);
        QSignalSpy loaded(dialog, &WorkflowFileDialog::loaded);
        REQUIRE(QTest::qWaitFor([&]() { return dialog->isLoaded(); }, 10000));
        CHECK(dialog->text()->isReadOnly());
        CHECK(dialog->text()->toPlainText().contains(QStringLiteral("workflow_dispatch:")));
        CHECK_FALSE(
            desk.server.requestsTo(QStringLiteral(".*/contents/.github/workflows/ci.yml"), "GET").isEmpty());
        REQUIRE(dialog->inputs()->topLevelItemCount() == 2);
        CHECK(dialog->inputs()->topLevelItem(0)->text(0) == QStringLiteral("environment"));
        CHECK(dialog->inputs()->topLevelItem(0)->text(1) == QStringLiteral("choice (staging, production)"));
        // The key "jobs" is coloured apart from the plain text.
        const QTextBlock jobs = dialog->text()->document()->find(QStringLiteral("jobs:")).block();
        REQUIRE(jobs.isValid());
        const QList<QTextLayout::FormatRange> formats = jobs.layout()->formats();
        REQUIRE_FALSE(formats.isEmpty());
        CHECK(formats.first().start == 0);
        CHECK(formats.first().length == 4);
        QTest::qWait(50);
        REQUIRE(dialog->grab().toImage().save(QDir(test::outputDir())
                                                  .filePath(dark ? QStringLiteral("workflow-file-dark.png")
                                                                 : QStringLiteral("workflow-file.png"))));
        dialog->close();
        QApplication::setPalette(before);
    }
}
