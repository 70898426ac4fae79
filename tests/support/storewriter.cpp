// A writer for the crash test: records a running action, then stores events in batches forever and says
// so on stdout after each commit, until the test kills it with SIGKILL. Between batches it indexes part
// of the text (as the automation host's idle turns do), so the kill also lands inside indexing.
#include "storetestutil.h"

#include "store/eventstore.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc != 2)
        return 2;
    exeserver::EventStore store;
    if (!store.open(QString::fromLocal8Bit(argv[1])).ok())
        return 1;
    if (!store.beginAction({exeserver::ActionKind::CodeFile, QStringLiteral("long-job.sh"), {}, {}}).ok())
        return 1;
    constexpr int kBatch = 500;
    for (int batch = 0;; ++batch) {
        QList<exeserver::Event> events;
        for (int n = 0; n < kBatch; ++n)
            events.append(exeserver::test::sampleEvent(batch * kBatch + n));
        if (!store.addEvents(events).ok())
            return 1;
        std::printf("committed %d\n", (batch + 1) * kBatch);
        std::fflush(stdout);
        if (!store.indexFullText(kBatch * 3 / 5).ok())
            return 1;
    }
}
