#include "catch.h"
#include "generatedevents.h"
#include "storetestutil.h"
#include "testutil.h"
#include "widgetpng.h"

#include "logs/eventlogmodel.h"
#include "logs/eventlogview.h"
#include "store/eventstore.h"
#include "widgets/jsontreemodel.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace exeserver;

namespace {

QString cell(const QTableView &table, int row, int column)
{
    return table.model()->index(row, column).data().toString();
}

// The cells the table paints: the rows between the top and the bottom of its viewport.
QStringList visibleSummaries(const QTableView &table)
{
    QStringList summaries;
    const int first = table.rowAt(0);
    int last = table.rowAt(table.viewport()->height() - 1);
    if (last < 0)
        last = table.model()->rowCount() - 1;
    for (int row = first; row >= 0 && row <= last; ++row)
        summaries.append(cell(table, row, EventLogModel::SummaryColumn));
    return summaries;
}

struct GeneratedLog
{
    QTemporaryDir dir;
    EventStore store;
    ManualClock clock{test::kGeneratedBase.addDays(800)};

    explicit GeneratedLog(qint64 count)
        : store(&clock)
    {
        REQUIRE(dir.isValid());
        REQUIRE(store.open(QDir(dir.path()).filePath(QStringLiteral("exeserver.db"))).ok());
        QElapsedTimer timer;
        timer.start();
        REQUIRE(test::fillGeneratedEvents(store, count).ok());
        WARN("generated " << count << " events in " << timer.elapsed() << " ms");
    }
};

} // namespace

TEST_CASE("event log opens filters and scrolls a million events", "[ui][eventlog]")
{
    GeneratedLog log(1000000);
    QElapsedTimer timer;
    timer.start();
    EventLogView view(log.store);
    view.resize(1100, 700);
    view.show();
    REQUIRE(QTest::qWaitForWindowExposed(&view));
    WARN("opened in " << timer.elapsed() << " ms");
    QTableView *table = view.table();
    CHECK(view.statusText() == QLocale().toString(1000000) + QStringLiteral(" events"));
    CHECK(table->model()->rowCount() == 1000000);

    // Newest first: event 1000000 is a pull request (1000000 % 4 == 0).
    CHECK(cell(*table, 0, EventLogModel::TypeColumn) == QStringLiteral("pull_request.opened"));
    CHECK(cell(*table, 0, EventLogModel::SummaryColumn) ==
          QStringLiteral("#1000000 Change number 1000000 fixes widget1"));
    CHECK(cell(*table, 0, EventLogModel::RepositoryColumn) == QStringLiteral("acme/service-1"));
    CHECK(cell(*table, 0, EventLogModel::SenderColumn) == QStringLiteral("dev0"));
    CHECK(cell(*table, 0, EventLogModel::SourceColumn) == QStringLiteral("webhook"));
    test::savePng(view, QStringLiteral("eventlog-top.png"));

    // Jump to the end: the oldest event, read from the bottom without the rows between.
    timer.restart();
    table->scrollToBottom();
    QApplication::processEvents();
    WARN("scrolled to the end in " << timer.elapsed() << " ms");
    const QStringList bottom = visibleSummaries(*table);
    REQUIRE_FALSE(bottom.isEmpty());
    CHECK(bottom.last() == QStringLiteral("main: Commit number 1 fixes widget1"));
    CHECK(cell(*table, 999998, EventLogModel::SummaryColumn) ==
          QStringLiteral("#2 Issue number 2 about widget2"));
    CHECK(view.model()->cachedPageCount() <= EventLogModel::kMaxPages);
    test::savePng(view, QStringLiteral("eventlog-bottom.png"));

    // The middle, by dragging the scroll bar: row 500000 is event 500000.
    table->verticalScrollBar()->setValue(500000);
    QApplication::processEvents();
    CHECK(cell(*table, 500000, EventLogModel::SummaryColumn) ==
          QStringLiteral("#500000 Change number 500000 fixes widget2"));
    CHECK(cell(*table, 500101, EventLogModel::SummaryColumn) ==
          QStringLiteral("CI — Run number 499899 for widget0 (failure)"));

    // Filters: a repository and an event type.
    timer.restart();
    view.setRepositoryFilter(QStringLiteral("acme/service-3"));
    view.setTypeFilter(QStringLiteral("workflow_run.completed"));
    view.applyFilters();
    QApplication::processEvents();
    WARN("filtered in " << timer.elapsed() << " ms");
    // i % 4 == 3 and i % 7 == 3: i % 28 == 3, i in 1..1000000. A broad filter is counted in steps: the
    // first bound, then more as the view reaches the last counted row.
    CHECK(table->model()->rowCount() == int(EventLogModel::kFirstCountBound));
    CHECK_FALSE(view.model()->isCountExact());
    CHECK(view.statusText() == QLocale().toString(20000) + QStringLiteral("+ events"));
    for (int row : {0, 1, 19999})
        CHECK(cell(*table, row, EventLogModel::RepositoryColumn) == QStringLiteral("acme/service-3"));
    for (int step = 0; step < 5 && !view.model()->isCountExact(); ++step) {
        table->scrollToBottom(); // at the bottom the view asks the model for more
        QApplication::processEvents();
    }
    CHECK(view.model()->isCountExact());
    CHECK(table->model()->rowCount() == 35715);
    CHECK(view.statusText() == QLocale().toString(35715) + QStringLiteral(" events"));
    table->scrollToBottom();
    QApplication::processEvents();
    CHECK(visibleSummaries(*table).last() == QStringLiteral("CI — Run number 3 for widget0 (failure)"));
    CHECK(cell(*table, 35714, EventLogModel::RepositoryColumn) == QStringLiteral("acme/service-3"));

    // Text search through the full-text index, with the other filters.
    view.setSearchText(QStringLiteral("number 999967"));
    view.applyFilters();
    REQUIRE(table->model()->rowCount() == 1);
    CHECK(cell(*table, 0, EventLogModel::SummaryColumn) ==
          QStringLiteral("CI — Run number 999967 for widget1 (success)"));
    test::savePng(view, QStringLiteral("eventlog-filtered.png"));
}

TEST_CASE("event log payload viewer copies a field path in condition syntax", "[ui][eventlog]")
{
    GeneratedLog log(40);
    EventLogView view(log.store);
    view.resize(1000, 700);
    view.show();
    view.table()->selectRow(0); // event 40: a pull request
    QTreeView *tree = view.payloadTree();
    JsonTreeModel *payload = view.payloadModel();
    REQUIRE(payload->rowCount() > 0);
    const QModelIndex base = payload->indexOfPath(QStringLiteral("pull_request.base.ref"));
    REQUIRE(base.isValid());
    CHECK(payload->index(base.row(), JsonTreeModel::ValueColumn, base.parent()).data().toString() ==
          QStringLiteral("main"));
    tree->setCurrentIndex(base);
    view.copyPath();
    CHECK(QApplication::clipboard()->text() == QStringLiteral("pull_request.base.ref"));
    CHECK(view.findChild<QPushButton *>(QStringLiteral("copyPathButton"))->isEnabled());
    tree->expandAll();
    test::savePng(view, QStringLiteral("eventlog-payload.png"));
}

TEST_CASE("create trigger from this event carries its repository type action and chosen fields",
          "[ui][eventlog]")
{
    GeneratedLog log(40);
    EventLogView view(log.store);
    view.show();
    view.table()->selectRow(0);
    QTreeView *tree = view.payloadTree();
    JsonTreeModel *payload = view.payloadModel();
    tree->selectionModel()->select(payload->indexOfPath(QStringLiteral("pull_request.base.ref")),
                                   QItemSelectionModel::Select | QItemSelectionModel::Rows);
    tree->selectionModel()->select(payload->indexOfPath(QStringLiteral("pull_request.draft")),
                                   QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QSignalSpy requested(&view, &EventLogView::createTriggerRequested);
    QTest::mouseClick(view.findChild<QPushButton *>(QStringLiteral("createTriggerButton")), Qt::LeftButton);
    REQUIRE(requested.size() == 1);
    const TriggerDraft draft = requested.at(0).at(0).value<TriggerDraft>();
    CHECK(draft.eventId == QStringLiteral("gen-40"));
    CHECK(draft.repository == QStringLiteral("acme/service-5"));
    CHECK(draft.type == QStringLiteral("pull_request"));
    CHECK(draft.action == QStringLiteral("opened"));
    REQUIRE(draft.fields.size() == 2);
    CHECK(draft.fields[0].path == QStringLiteral("pull_request.base.ref"));
    CHECK(draft.fields[0].value == QJsonValue(QStringLiteral("main")));
    CHECK(draft.fields[1].path == QStringLiteral("pull_request.draft"));
    CHECK(draft.fields[1].value == QJsonValue(false));
}

namespace {

// Whether the table paints `row`: its cells lie inside the viewport.
// The log as the user sees it after opening the dock: shown at a working size and exposed.
void showView(EventLogView &view)
{
    view.resize(1100, 700);
    view.show();
    REQUIRE(QTest::qWaitForWindowExposed(&view));
}

bool rowVisible(const QTableView &table, int row)
{
    const QRect cellRect = table.visualRect(table.model()->index(row, 0));
    return cellRect.isValid() && table.viewport()->rect().contains(cellRect.center());
}

// The summary of generated event i says "number <i> ", whatever its type.
bool summaryIsEvent(const QTableView &table, int row, int event)
{
    return cell(table, row, EventLogModel::SummaryColumn).contains(QStringLiteral("number %1 ").arg(event));
}

} // namespace

TEST_CASE("opening an event from a notification selects it however old it is", "[ui][eventlog]")
{
    GeneratedLog log(20000);
    EventLogView view(log.store);
    showView(view);
    QTableView *table = view.table();

    // Event 1234 is 18766 rows down (newest first), far below the newest 500.
    REQUIRE(view.selectEvent(QStringLiteral("gen-1234")));
    QApplication::processEvents();
    const int row = table->currentIndex().row();
    CHECK(row == 20000 - 1234);
    CHECK(view.model()->eventAt(row).id == QStringLiteral("gen-1234"));
    CHECK(rowVisible(*table, row));
    CHECK(summaryIsEvent(*table, row, 1234));
    CHECK(view.payloadModel()->indexOfPath(QStringLiteral("issue.title")).isValid()); // its payload
    CHECK(view.statusText() == QLocale().toString(20000) + QStringLiteral(" events"));
    test::savePng(view, QStringLiteral("eventlog-opened-event.png"));

    // The rows around it page in both ways as the view scrolls: newer above, older below.
    for (int step : {1, 99, 100, 101, 250, 1000}) {
        CHECK(summaryIsEvent(*table, row - step, 1234 + step));
        CHECK(summaryIsEvent(*table, row + step, 1234 - step));
    }
    table->scrollToTop();
    QApplication::processEvents();
    CHECK(summaryIsEvent(*table, 0, 20000));
    CHECK(view.model()->cachedPageCount() <= EventLogModel::kMaxPages);

    CHECK_FALSE(view.selectEvent(QStringLiteral("gen-999999")));
    CHECK(view.statusText().contains(QStringLiteral("event gen-999999 is not in the store")));
}

TEST_CASE("opening an event keeps the filters it matches", "[ui][eventlog]")
{
    // Sender dev0 is every fifth event: 30000 matches, more than the first count bound.
    GeneratedLog log(150000);
    EventLogView view(log.store);
    showView(view);
    QTableView *table = view.table();
    view.setSenderFilter(QStringLiteral("dev0"));
    view.applyFilters();
    REQUIRE_FALSE(view.model()->isCountExact());
    REQUIRE(table->model()->rowCount() == int(EventLogModel::kFirstCountBound));

    // Event 1235 (dev0): 29753 newer dev0 events, beyond the rows counted so far.
    REQUIRE(view.selectEvent(QStringLiteral("gen-1235")));
    QApplication::processEvents();
    const int row = table->currentIndex().row();
    CHECK(row == (150000 - 1235) / 5);
    CHECK(view.model()->eventAt(row).id == QStringLiteral("gen-1235"));
    CHECK(rowVisible(*table, row));
    CHECK(view.model()->filter().sender == QStringLiteral("dev0"));
    CHECK(view.findChild<QLineEdit *>(QStringLiteral("senderFilter"))->text() == QStringLiteral("dev0"));
    CHECK_FALSE(view.statusText().contains(QStringLiteral("cleared")));
    CHECK(summaryIsEvent(*table, row - 1, 1240));
    CHECK(summaryIsEvent(*table, row + 1, 1230));
    CHECK(summaryIsEvent(*table, row + 150, 1235 - 750));

    // With text search too: "widget2" and dev0 (i % 15 == 5); event 1235 has widget2 (1235 % 3 == 2).
    view.setSearchText(QStringLiteral("widget2"));
    view.applyFilters();
    REQUIRE(view.selectEvent(QStringLiteral("gen-1235")));
    const int searched = table->currentIndex().row();
    CHECK(searched == (150000 - 1235) / 15);
    CHECK(view.model()->eventAt(searched).id == QStringLiteral("gen-1235"));
    CHECK(summaryIsEvent(*table, searched + 1, 1220));
    CHECK(view.model()->filter().text == QStringLiteral("widget2"));
    CHECK_FALSE(view.statusText().contains(QStringLiteral("cleared")));
    test::savePng(view, QStringLiteral("eventlog-opened-event-filtered.png"));
}

TEST_CASE("opening an event the filters leave out clears them and says so", "[ui][eventlog]")
{
    GeneratedLog log(20000);
    EventLogView view(log.store);
    showView(view);
    QTableView *table = view.table();
    view.setTypeFilter(QStringLiteral("push"));
    view.setRepositoryFilter(QStringLiteral("acme/service-2"));
    view.applyFilters();

    // Event 1234 is an issue: the push filter leaves it out.
    REQUIRE(view.selectEvent(QStringLiteral("gen-1234")));
    QApplication::processEvents();
    const int row = table->currentIndex().row();
    CHECK(row == 20000 - 1234);
    CHECK(view.model()->eventAt(row).id == QStringLiteral("gen-1234"));
    CHECK(rowVisible(*table, row));
    CHECK(view.model()->filter().type.isEmpty());
    CHECK(view.model()->filter().repository.isEmpty());
    CHECK(view.findChild<QLineEdit *>(QStringLiteral("typeFilter"))->text().isEmpty());
    const QString status = view.findChild<QLabel *>(QStringLiteral("eventLogStatus"))->text();
    CHECK(status ==
          QLocale().toString(20000) + QStringLiteral(" events · Filters cleared to show event gen-1234"));
    test::savePng(view, QStringLiteral("eventlog-opened-event-filters-cleared.png"));

    // A time range the event is outside of is a filter too; the note goes once the user filters again.
    view.setTimeRange(1); // the last hour: nothing generated is that recent
    REQUIRE(view.selectEvent(QStringLiteral("gen-42")));
    CHECK(table->currentIndex().row() == 20000 - 42);
    CHECK(view.findChild<QComboBox *>(QStringLiteral("timeFilter"))->currentIndex() == 0);
    CHECK(view.statusText().endsWith(QStringLiteral("Filters cleared to show event gen-42")));
    view.setSenderFilter(QStringLiteral("dev1"));
    view.applyFilters();
    CHECK_FALSE(view.statusText().contains(QStringLiteral("cleared")));
}
