// Text search over an existing million-row store, for iterating on the query plan without re-ingesting:
//   EXESERVER_BENCH_KEEP=1 bench_store          # prints "keeping <dir>"; its times end shuffled
//   bench_textsearch <dir>/bench.db [shuffled|opposite|arrival]
// Times the newest-100 text search (median of 15) and checks each page against the naive full sort.
#include "store/eventstore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlQuery>

#include <algorithm>
#include <cstdio>
#include <ctime>

using namespace exeserver;

namespace {

// SQLite runs on the calling thread: its CPU time is the query's work, whatever else the cores run.
double threadCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0 : values[values.size() / 2];
}

// What events() must return: every match, sorted (the plan the search avoids).
QStringList naiveIds(EventStore &store, const EventQuery &query)
{
    QSqlQuery naive(store.database());
    naive.prepare(QStringLiteral("SELECT id FROM events WHERE seq IN (SELECT rowid FROM events_fts WHERE "
                                 "events_fts MATCH ?) AND (? = '' OR type = ?) ORDER BY occurred_at DESC, "
                                 "seq DESC LIMIT ?"));
    naive.addBindValue(QStringLiteral("\"%1\"").arg(query.text));
    const QString type = query.type.isNull() ? QStringLiteral("") : query.type; // null binds as NULL
    naive.addBindValue(type);
    naive.addBindValue(type);
    naive.addBindValue(query.limit);
    QStringList ids;
    if (naive.exec()) {
        while (naive.next())
            ids.append(naive.value(0).toString());
    }
    return ids;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2) {
        std::fprintf(stderr, "usage: bench_textsearch STORE.db [shuffled|opposite|arrival]\n");
        return 2;
    }
    EventStore store;
    if (!store.open(args[1]).ok())
        return 1;
    const QString order = args.value(2);
    if (order == QStringLiteral("shuffled"))
        QSqlQuery(store.database())
            .exec(QStringLiteral("UPDATE events SET occurred_at = (seq * 48271) % 1000003"));
    else if (order == QStringLiteral("opposite"))
        QSqlQuery(store.database()).exec(QStringLiteral("UPDATE events SET occurred_at = -seq * 1000"));
    else if (order == QStringLiteral("arrival"))
        QSqlQuery(store.database()).exec(QStringLiteral("UPDATE events SET occurred_at = seq * 1000"));
    std::printf("%lld rows, order %s\n", static_cast<long long>(*store.eventCount()),
                order.isEmpty() ? "as stored" : qPrintable(order));

    struct Case
    {
        QString text;
        QString type;
    };
    const QList<Case> cases = {{QStringLiteral("project-7"), {}},
                               {QStringLiteral("project-7"), QStringLiteral("pull_request")},
                               {QStringLiteral("project"), {}},
                               {QStringLiteral("owner3"), {}},
                               {QStringLiteral("project-7"), QStringLiteral("workflow_job")}};
    for (const Case &c : cases) {
        EventQuery query;
        query.text = c.text;
        query.type = c.type;
        query.limit = 100;
        QList<double> times;
        QList<double> cpu;
        QStringList ids;
        for (int run = 0; run < 15; ++run) {
            QElapsedTimer timer;
            timer.start();
            const double cpuBefore = threadCpuMs();
            const Result<EventPage> page = store.events(query);
            cpu.append(threadCpuMs() - cpuBefore);
            times.append(timer.nsecsElapsed() / 1e6);
            ids.clear();
            if (page) {
                for (const Event &event : page->events)
                    ids.append(event.id);
            }
        }
        const bool same = ids == naiveIds(store, query);
        std::printf("text \"%s\"%s: median %.2f ms, min %.2f ms, CPU median %.2f ms (%lld rows)%s\n",
                    qPrintable(c.text),
                    c.type.isEmpty() ? "" : qPrintable(QStringLiteral(" + type=") + c.type), median(times),
                    *std::min_element(times.cbegin(), times.cend()), median(cpu),
                    static_cast<long long>(ids.size()), same ? "" : "  ** DIFFERS from the full sort **");
    }
    return 0;
}
