// Event log view benchmark: the window's event log over a million stored events — open to first paint,
// jump to the end, a filter change — each timed to a synchronous repaint of the table, median of repeats.
// Goals (issue 9): each under 100 ms. Events come from the tests' generator (one recursive-CTE insert).
#include "generatedevents.h"
#include "logs/eventlogmodel.h"
#include "logs/eventlogview.h"
#include "store/eventstore.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QPixmap>
#include <QTableView>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <memory>

using namespace exeserver;

namespace {

constexpr int kRepeats = 15;

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// Renders the table's visible rows as the screen would (grab() paints even when the offscreen window is not
// exposed), so every row shown has been read from the store.
void paint(QTableView &table)
{
    const QPixmap pixmap = table.viewport()->grab();
    if (pixmap.isNull())
        std::abort();
}

double msSince(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const qint64 count = argc > 1 ? QString::fromLocal8Bit(argv[1]).toLongLong() : 1000000;

    QTemporaryDir dir;
    EventStore store;
    if (!dir.isValid() || !store.open(QDir(dir.path()).filePath(QStringLiteral("bench.db"))).ok())
        return 1;
    QElapsedTimer timer;
    timer.start();
    if (!test::fillGeneratedEvents(store, count).ok())
        return 1;
    std::printf("generated %lld events in %.0f ms\n", static_cast<long long>(count), msSince(timer));

    std::vector<double> open, end, filter, scrollBack;
    const QString repositories[] = {QStringLiteral("acme/service-3"), QStringLiteral("acme/service-5"),
                                    QStringLiteral("acme/service-1")};
    for (int i = 0; i < kRepeats; ++i) {
        timer.restart();
        auto view = std::make_unique<EventLogView>(store);
        view->resize(1100, 700);
        view->show();
        QTableView *table = view->table();
        paint(*table);
        open.push_back(msSince(timer));

        timer.restart();
        table->scrollToBottom();
        paint(*table);
        end.push_back(msSince(timer));

        timer.restart();
        table->scrollToTop();
        paint(*table);
        scrollBack.push_back(msSince(timer));

        timer.restart();
        view->setRepositoryFilter(repositories[i % 3]);
        view->setTypeFilter(QStringLiteral("pull_request.opened"));
        view->applyFilters();
        paint(*table);
        filter.push_back(msSince(timer));
        if (table->model()->rowCount() == 0 || table->model()->index(0, 0).data().toString().isEmpty())
            return 2; // the filter must show rows, or the number means nothing
    }
    // Where a filter change goes: the count bounded as the view counts (the scroll bar's first size), the
    // exact count it replaced, and the first page.
    std::vector<double> counting, exact, page;
    for (int i = 0; i < kRepeats; ++i) {
        EventQuery query;
        query.repository = repositories[i % 3];
        query.type = QStringLiteral("pull_request");
        query.action = QStringLiteral("opened");
        timer.restart();
        if (!store.eventCount(query, EventLogModel::kFirstCountBound))
            return 3;
        counting.push_back(msSince(timer));
        timer.restart();
        if (!store.eventCount(query))
            return 3;
        exact.push_back(msSince(timer));
        query.includePayload = true;
        timer.restart();
        if (!store.events(query))
            return 3;
        page.push_back(msSince(timer));
    }
    std::printf("event log over %lld events, median of %d (ms):\n", static_cast<long long>(count), kRepeats);
    std::printf("  open to first paint      %7.1f   (goal < 100)\n", median(open));
    std::printf("  jump to the end          %7.1f   (goal < 100)\n", median(end));
    std::printf("  back to the top          %7.1f\n", median(scrollBack));
    std::printf("  filter change            %7.1f   (goal < 100)\n", median(filter));
    std::printf("    of which: bounded count %.1f, first page %.1f (an exact count: %.1f)\n",
                median(counting), median(page), median(exact));
    return 0;
}
