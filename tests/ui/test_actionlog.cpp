#include "catch.h"
#include "storetestutil.h"
#include "testutil.h"
#include "widgetpng.h"

#include "logs/actionlogmodel.h"
#include "logs/actionlogview.h"
#include "logs/eventlogmodel.h"
#include "logs/eventlogview.h"
#include "logs/syncstatuspanel.h"
#include "store/eventstore.h"
#include "store/outbox.h"
#include "triggereditor/triggerlistview.h"
#include "triggers/codefilerunner.h"
#include "triggers/presetstore.h"
#include "triggers/triggerengine.h"
#include "triggers/triggerfile.h"
#include "widgets/jsontreemodel.h"
#include "workbenchdocks.h"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QImage>
#include <QJsonObject>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>
#include <QTextEdit>
#include <QToolButton>

#include <memory>

using namespace exeserver;

namespace {

// A store with a trigger engine, and three logged actions: one interrupted by a crash, one failed code
// file, one dispatch that succeeded.
struct ActionDesk
{
    QTemporaryDir dir;
    EventStore store;
    CodefileRunner runner;
    PresetStore presets{dir.path()};
    QStringList notified;
    std::unique_ptr<TriggerEngine> engine;
    QString interruptedId;
    QString failedId;

    ActionDesk()
    {
        REQUIRE(dir.isValid());
        REQUIRE(store.open(dir.filePath(QStringLiteral("exeserver.db"))).ok());
        TriggerEngine::Options options;
        options.dataDir = dir.path();
        options.notifier = [this](const TriggerNotification &n) { notified.append(n.title); };
        engine = std::make_unique<TriggerEngine>(store, nullptr, runner, presets, SystemClock::instance(),
                                                 options);
        const auto triggers = TriggerFile::parse(R"(
triggers:
  - name: note
    event: pull_request
    run: [{notify: {title: "PR {{ event.number }}"}}]
)");
        REQUIRE(triggers.ok());
        REQUIRE(store.saveTrigger(toStoredTrigger(triggers->constFirst())).ok());

        const Event event = test::sampleEvent(7);
        REQUIRE(store.addEvent(event).ok());
        {
            EventStore crashed; // a session that dies with its action running
            REQUIRE(crashed.open(store.path()).ok());
            const auto ids = crashed.recordFiringWithActions(
                event.id, QStringLiteral("note"), QStringLiteral("fired"),
                {{ActionKind::Notify, QStringLiteral("PR 7"), event.id, QStringLiteral("note"), false}});
            REQUIRE(ids.ok());
            REQUIRE(ids->has_value());
            interruptedId = (**ids)[0];
            REQUIRE(crashed.startAction(interruptedId).ok());
        }
        REQUIRE(engine->recoverInterrupted().ok());

        failedId = test::recordFailedDeploy(store, event.id,
                                            QStringLiteral("building…\nerror: the target is read-only"));
        REQUIRE_FALSE(failedId.isEmpty());

        const auto dispatched = store.beginAction(
            {ActionKind::Dispatch, QStringLiteral("acme/service-0:ci.yml@main"), {}, {}, true});
        REQUIRE(dispatched.ok());
        ActionOutcome ok;
        ok.httpStatus = 204;
        REQUIRE(store.finishAction(*dispatched, ok).ok());
    }

    int rowOf(const ActionLogModel &model, const QString &id)
    {
        for (int row = 0; row < model.rowCount(); ++row) {
            if (model.actionAt(row)->id == id)
                return row;
        }
        return -1;
    }
};

QString cell(const QTableView &table, int row, int column)
{
    return table.model()->index(row, column).data().toString();
}

} // namespace

TEST_CASE("action log shows each action with its trigger status and result", "[ui][actionlog]")
{
    ActionDesk desk;
    ActionLogView view(desk.store);
    view.resize(1100, 500);
    view.show();
    QTableView *table = view.table();
    REQUIRE(table->model()->rowCount() == 3);
    // Newest first: the dispatch, the code file, the interrupted notification.
    CHECK(cell(*table, 0, ActionLogModel::KindColumn) == QStringLiteral("Workflow dispatch"));
    CHECK(cell(*table, 0, ActionLogModel::TriggerColumn) == QStringLiteral("(manual)"));
    CHECK(cell(*table, 0, ActionLogModel::StatusColumn) == QStringLiteral("success"));
    CHECK(cell(*table, 0, ActionLogModel::ResultColumn) == QStringLiteral("HTTP 204"));
    CHECK(cell(*table, 1, ActionLogModel::TargetColumn) == QStringLiteral("/home/me/deploy.sh"));
    CHECK(cell(*table, 1, ActionLogModel::TriggerColumn) == QStringLiteral("deploy"));
    // The event in words; its delivery id only in the tooltip and Details.
    CHECK(cell(*table, 1, ActionLogModel::EventColumn) ==
          QStringLiteral("pull_request.opened · acme/service-0 #7 · Change number 7 fixes widget1"));
    CHECK(table->model()
              ->index(1, ActionLogModel::EventColumn)
              .data(Qt::ToolTipRole)
              .toString()
              .contains(QStringLiteral("Delivery delivery-7")));
    CHECK(cell(*table, 0, ActionLogModel::EventColumn).isEmpty()); // a manual dispatch has no event
    CHECK(cell(*table, 1, ActionLogModel::StatusColumn) == QStringLiteral("failure"));
    CHECK(cell(*table, 1, ActionLogModel::ResultColumn) == QStringLiteral("exit 3"));
    CHECK(cell(*table, 1, ActionLogModel::OutputColumn) == QStringLiteral("error: the target is read-only"));
    CHECK(cell(*table, 1, ActionLogModel::DurationColumn).endsWith(QStringLiteral(" ms")));
    CHECK(cell(*table, 2, ActionLogModel::StatusColumn) == QStringLiteral("interrupted"));

    table->selectRow(1);
    CHECK(view.outputText().contains(QStringLiteral("error: the target is read-only")));
    auto *retry = view.findChild<QPushButton *>(QStringLiteral("retryButton"));
    CHECK_FALSE(retry->isEnabled()); // no engine in this view
    test::savePng(view, QStringLiteral("actionlog.png"));
}

TEST_CASE("action log retries an interrupted action through the trigger engine", "[ui][actionlog]")
{
    ActionDesk desk;
    ActionLogView view(desk.store);
    view.setEngine(desk.engine.get());
    view.resize(1100, 500);
    view.show();
    auto *retry = view.findChild<QPushButton *>(QStringLiteral("retryButton"));
    view.table()->selectRow(0); // the dispatch succeeded: nothing to retry
    CHECK_FALSE(retry->isEnabled());
    view.table()->selectRow(desk.rowOf(*view.model(), desk.interruptedId));
    REQUIRE(retry->isEnabled());
    QTest::mouseClick(retry, Qt::LeftButton);
    REQUIRE(QTest::qWaitFor([&]() { return desk.notified.size() == 1; }, 10000));
    CHECK(desk.notified.first() == QStringLiteral("PR 7"));
    // The retry is a new row at the top that ends in success; the interrupted row stays as it was.
    REQUIRE(QTest::qWaitFor(
        [&]() {
            return cell(*view.table(), 0, ActionLogModel::StatusColumn) == QStringLiteral("success") &&
                   view.model()->rowCount() == 4;
        },
        10000));
    CHECK(cell(*view.table(), 0, ActionLogModel::KindColumn) == QStringLiteral("Notification"));
    CHECK(view.model()->actionAt(desk.rowOf(*view.model(), desk.interruptedId))->status ==
          ActionStatus::Interrupted);
    CHECK(view.statusText().startsWith(
        QStringLiteral("Retrying notification: the new attempt is the top row")));
    CHECK_FALSE(view.statusText().contains(view.model()->actionAt(0)->id)); // no UUID for people
    test::savePng(view, QStringLiteral("actionlog-retried.png"));
}

TEST_CASE("the View menu opens the triggers the event log and the action log as docks", "[ui][actionlog]")
{
    ActionDesk desk;
    QMainWindow window;
    window.menuBar()->addMenu(QStringLiteral("&File"));
    window.menuBar()->addMenu(QStringLiteral("&Help"));
    window.setCentralWidget(new QLabel(QStringLiteral("dashboard")));
    WorkbenchDocks docks(&window, desk.store);
    window.resize(1200, 800);
    window.show();
    const QList<QAction *> menus = window.menuBar()->actions();
    REQUIRE(menus.size() == 3);
    CHECK(menus[1]->text() == QStringLiteral("&View"));
    QStringList entries;
    for (QAction *action : docks.viewMenu()->actions())
        entries.append(action->text());
    CHECK(entries == QStringList{QStringLiteral("Triggers"), QStringLiteral("Event log"),
                                 QStringLiteral("Action log"), QStringLiteral("Sync")});
    CHECK_FALSE(docks.eventLogDock()->isVisible());
    docks.viewMenu()->actions().at(1)->trigger();
    CHECK(docks.eventLogDock()->isVisible());
    CHECK(docks.eventLog()->statusText().startsWith(QStringLiteral("1 event")));
    test::savePng(window, QStringLiteral("workbench-eventlog-dock.png"));
}

TEST_CASE("each workbench dock opens and closes with its Ctrl+Shift shortcut", "[ui][actionlog]")
{
    ActionDesk desk;
    QMainWindow window;
    window.setCentralWidget(new QLabel(QStringLiteral("dashboard")));
    WorkbenchDocks docks(&window, desk.store);
    window.resize(1280, 720);
    window.show();
    window.activateWindow();
    REQUIRE(QTest::qWaitForWindowActive(&window));
    const QList<QPair<Qt::Key, QDockWidget *>> keys{{Qt::Key_T, docks.triggersDock()},
                                                    {Qt::Key_E, docks.eventLogDock()},
                                                    {Qt::Key_L, docks.actionLogDock()},
                                                    {Qt::Key_Y, docks.syncDock()}};
    for (const auto &[key, dock] : keys) {
        INFO(dock->objectName().toStdString());
        CHECK(dock->toggleViewAction()->shortcut() == QKeySequence(Qt::CTRL | Qt::SHIFT | key));
        CHECK_FALSE(dock->isVisible());
        QTest::keyClick(&window, key, Qt::ControlModifier | Qt::ShiftModifier);
        CHECK(dock->isVisible());
        CHECK(docks.isBuilt(dock));
        QTest::keyClick(&window, key, Qt::ControlModifier | Qt::ShiftModifier);
        CHECK_FALSE(dock->isVisible());
    }
}

TEST_CASE("sync status shows last sync pending rows and parked errors", "[ui][sync]")
{
    ActionDesk desk;
    QMainWindow window;
    WorkbenchDocks docks(&window, desk.store);
    window.resize(1000, 600);
    window.show();
    SyncStatusPanel *sync = docks.sync();
    CHECK(sync->summary() == QStringLiteral("Sync off"));
    CHECK(window.statusBar()->findChild<QLabel *>(QStringLiteral("syncStatus"))->text() ==
          QStringLiteral("Sync off"));

    Outbox outbox(desk.store);
    REQUIRE(outbox.setEnabled(true).ok()); // enqueues the stored event and the three actions
    const auto items = outbox.next(10);
    REQUIRE(items.ok());
    REQUIRE_FALSE(items->isEmpty());
    REQUIRE(outbox.park(items->first().seq, QStringLiteral("violates check constraint")).ok());
    REQUIRE(outbox.noteSynced(desk.store.clock()->now().addSecs(-300)).ok());
    sync->refresh();
    CHECK(sync->summary() == QStringLiteral("Sync: 3 pending · 1 parked · last 5 min ago"));
    QLabel *statusLabel = window.statusBar()->findChild<QLabel *>(QStringLiteral("syncStatus"));
    CHECK(statusLabel->text() == sync->summary());
    CHECK(statusLabel->isVisible());
    REQUIRE(sync->parkedLines().size() == 1);
    CHECK(sync->parkedLines().first().endsWith(QStringLiteral(": violates check constraint")));
    docks.syncDock()->show();
    docks.syncDock()->raise();
    QApplication::processEvents(); // the status bar lays out the longer text
    test::savePng(window, QStringLiteral("sync-status.png"));

    sync->retryParked();
    CHECK(sync->summary() == QStringLiteral("Sync: 4 pending · 0 parked · last 5 min ago"));
}

TEST_CASE("hidden workbench docks have no view until shown and build it on first show", "[ui][actionlog]")
{
    ActionDesk desk;
    QMainWindow window;
    window.setCentralWidget(new QLabel(QStringLiteral("dashboard")));
    WorkbenchDocks docks(&window, desk.store);
    QSignalSpy eventLogs(&docks, &WorkbenchDocks::eventLogCreated);
    QSignalSpy actionLogs(&docks, &WorkbenchDocks::actionLogCreated);
    QSignalSpy triggerLists(&docks, &WorkbenchDocks::triggersCreated);
    window.resize(1200, 800);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    for (QDockWidget *dock : {docks.triggersDock(), docks.eventLogDock(), docks.actionLogDock()}) {
        INFO(dock->objectName().toStdString());
        CHECK(dock->isHidden());
        CHECK_FALSE(docks.isBuilt(dock));
    }
    CHECK(window.findChildren<EventLogView *>().isEmpty());
    CHECK(window.findChildren<ActionLogView *>().isEmpty());
    CHECK(window.findChildren<TriggerListView *>().isEmpty());
    CHECK(docks.isBuilt(docks.syncDock())); // its line is in the status bar from the start

    docks.eventLogDock()->toggleViewAction()->trigger(); // View → Event log
    REQUIRE(eventLogs.size() == 1);
    CHECK(docks.isBuilt(docks.eventLogDock()));
    CHECK(docks.eventLog()->isVisible());
    CHECK(docks.eventLog()->statusText() == QStringLiteral("1 event"));
    CHECK(docks.eventLog()->model()->eventAt(0).id == test::sampleEvent(7).id);
    CHECK_FALSE(docks.isBuilt(docks.actionLogDock()));

    docks.actionLogDock()->toggleViewAction()->trigger();
    REQUIRE(actionLogs.size() == 1);
    CHECK(docks.actionLog()->isVisible());
    CHECK(docks.actionLog()->model()->rowCount() == 3);
    docks.triggersDock()->toggleViewAction()->trigger();
    REQUIRE(triggerLists.size() == 1);
    CHECK(docks.triggers()->triggerNames() == QStringList{QStringLiteral("note")});
    // Hidden and shown again: the same views, not new ones.
    docks.eventLogDock()->hide();
    docks.eventLogDock()->show();
    CHECK(eventLogs.size() == 1);
    QApplication::processEvents();
    test::savePng(window, QStringLiteral("workbench-built-on-show.png"));
}

TEST_CASE("the workbench opens an action or an event selected in its log", "[ui][actionlog]")
{
    ActionDesk desk;
    QMainWindow window;
    window.setCentralWidget(new QLabel(QStringLiteral("dashboard")));
    WorkbenchDocks docks(&window, desk.store);
    window.resize(1200, 800);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));

    REQUIRE(docks.showAction(desk.failedId));
    CHECK(docks.actionLogDock()->isVisible());
    ActionLogView *actions = docks.actionLog();
    const ActionRecord *selected = actions->model()->actionAt(actions->table()->currentIndex().row());
    REQUIRE(selected);
    CHECK(selected->id == desk.failedId);
    CHECK(actions->outputText().contains(QStringLiteral("the target is read-only")));
    CHECK_FALSE(docks.showAction(QStringLiteral("no-such-action")));

    REQUIRE(desk.store.addEvent(test::sampleEvent(8)).ok());
    docks.eventLog()->setTypeFilter(QStringLiteral("push")); // a filter that hides the event is cleared
    docks.eventLog()->applyFilters();
    REQUIRE(docks.showEvent(test::sampleEvent(7).id));
    CHECK(docks.eventLogDock()->isVisible());
    EventLogView *events = docks.eventLog();
    CHECK(events->model()->eventAt(events->table()->currentIndex().row()).id == test::sampleEvent(7).id);
    CHECK(events->payloadModel()->rowCount() > 0); // its payload is shown
    QApplication::processEvents();
    test::savePng(window, QStringLiteral("workbench-event-opened.png"));
}

TEST_CASE("opening an action from a notification finds it below a thousand newer actions", "[ui][actionlog]")
{
    ActionDesk desk;
    // 1500 newer actions: the failed code file is row 1501, past the newest five pages.
    for (int i = 0; i < 1500; ++i) {
        const auto id = desk.store.beginAction(
            {ActionKind::Dispatch, QStringLiteral("acme/service-%1:ci.yml@main").arg(i), {}, {}, true});
        REQUIRE(id.ok());
    }
    ActionLogView view(desk.store);
    view.resize(1100, 500);
    view.show();
    REQUIRE(QTest::qWaitForWindowExposed(&view));
    QTableView *table = view.table();
    CHECK(table->model()->rowCount() == ActionLogModel::kPageSize); // one page until asked for more

    REQUIRE(view.selectAction(desk.failedId));
    QApplication::processEvents();
    const int row = table->currentIndex().row();
    CHECK(row == 1501);
    REQUIRE(view.model()->actionAt(row));
    CHECK(view.model()->actionAt(row)->id == desk.failedId);
    CHECK(view.outputText().contains(QStringLiteral("read-only")));
    const QRect shown = table->visualRect(table->model()->index(row, 0));
    CHECK(table->viewport()->rect().contains(shown.center()));
    // Rows above it are there to scroll up to; the interrupted action below loads on scrolling down.
    CHECK(cell(*table, row - 1, ActionLogModel::TargetColumn) ==
          QStringLiteral("acme/service-0:ci.yml@main"));
    CHECK(cell(*table, 0, ActionLogModel::TargetColumn) == QStringLiteral("acme/service-1499:ci.yml@main"));
    table->scrollToBottom();
    QApplication::processEvents();
    if (table->model()->canFetchMore({}))
        table->model()->fetchMore({});
    CHECK(cell(*table, table->model()->rowCount() - 1, ActionLogModel::StatusColumn) ==
          QStringLiteral("interrupted"));

    // A refresh (an action finished) keeps it selected.
    table->selectRow(row);
    view.refresh();
    CHECK(table->currentIndex().row() == row);
    test::savePng(view, QStringLiteral("actionlog-opened-action.png"));

    CHECK_FALSE(view.selectAction(QStringLiteral("no-such-action")));
    CHECK(view.statusText() == QStringLiteral("That action is no longer in the action log."));
}

TEST_CASE("action log shows a code file's step summary as Markdown and its outputs", "[ui][actionlog]")
{
    ActionDesk desk;
    const QString secretFile = desk.dir.filePath(QStringLiteral("not-for-the-summary.png"));
    QImage(8, 8, QImage::Format_RGB32).save(secretFile);
    const auto id = desk.store.beginAction(
        {ActionKind::CodeFile, QStringLiteral("/home/me/review.sh"), {}, QStringLiteral("review"), true});
    REQUIRE(id.ok());
    ActionOutcome outcome;
    outcome.exitCode = 0;
    outcome.output = QStringLiteral("checked 12 files");
    outcome.outputs = QJsonObject{{QStringLiteral("verdict"), QStringLiteral("pass")}};
    outcome.summary =
        QStringLiteral("## Review of acme/service\n\n"
                       "| check | result |\n| --- | --- |\n| lint | **pass** |\n| tests | 41/41 |\n\n"
                       "- [details](https://example.com/run/1)\n\n![local](file://%1)\n")
            .arg(secretFile);
    REQUIRE(desk.store.finishAction(*id, outcome).ok());

    ActionLogView view(desk.store);
    view.resize(1100, 650);
    view.show();
    REQUIRE(view.table()->model()->rowCount() == 4);
    CHECK_FALSE(view.summaryView()->isVisible());
    view.table()->selectRow(0);
    CHECK(view.summaryView()->isVisible());
    const QString shown = view.summaryView()->toPlainText();
    CHECK(shown.contains(QStringLiteral("Review of acme/service")));
    CHECK(shown.contains(QStringLiteral("41/41")));
    CHECK_FALSE(shown.contains(QStringLiteral("##"))); // rendered, not the source
    CHECK(view.outputText().contains(QStringLiteral("verdict = pass")));
    // The image it names was not read from disk.
    const QVariant image = view.summaryView()->document()->resource(QTextDocument::ImageResource,
                                                                    QUrl::fromLocalFile(secretFile));
    CHECK((image.isNull() || image.value<QImage>().isNull()));
    test::savePng(view, QStringLiteral("actionlog-step-summary.png"));
    // Another action: no summary pane.
    view.table()->selectRow(1);
    CHECK_FALSE(view.summaryView()->isVisible());
}

TEST_CASE("action log keeps ids and the run log's path behind Details", "[ui][actionlog]")
{
    ActionDesk desk;
    const QString logged = test::recordFailedDeploy(
        desk.store, QStringLiteral("delivery-7"),
        QStringLiteral("step 1\nstep 2 failed\n[full log: /var/lib/exeserver/runs/abc.log]"));
    REQUIRE_FALSE(logged.isEmpty());
    ActionLogView view(desk.store);
    view.resize(1100, 500);
    view.show();
    const int row = desk.rowOf(*view.model(), logged);
    REQUIRE(row >= 0);
    CHECK(cell(*view.table(), row, ActionLogModel::OutputColumn) == QStringLiteral("step 2 failed"));
    view.table()->selectRow(row);
    CHECK(view.outputText() == QStringLiteral("step 1\nstep 2 failed"));
    CHECK_FALSE(view.outputText().contains(QStringLiteral("/var/lib")));
    auto *details = view.findChild<QLabel *>(QStringLiteral("actionDetails"));
    REQUIRE(details);
    CHECK_FALSE(details->isVisible());
    CHECK(view.detailsText() == QStringLiteral("Action id: %1\nEvent delivery: delivery-7\nFull log: "
                                               "/var/lib/exeserver/runs/abc.log")
                                    .arg(logged));
    QTest::mouseClick(view.detailsButton(), Qt::LeftButton);
    CHECK(details->isVisible());
    test::savePng(view, QStringLiteral("actionlog-details.png"));
}
