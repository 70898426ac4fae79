#include "catch.h"
#include "storetestutil.h"

#include "store/eventstore.h"

#include <QDir>
#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace exeserver;

TEST_CASE("EventStore: a writer killed mid-batch leaves whole batches and an interrupted action",
          "[store][crash]")
{
    QTemporaryDir dir;
    const QString path = QDir(dir.path()).filePath(QStringLiteral("exeserver.db"));
    for (int round = 0; round < 3; ++round) {
        INFO("round " << round);
        QProcess writer;
        writer.start(QStringLiteral(EXESERVER_STORE_WRITER_PATH), {path});
        REQUIRE(writer.waitForStarted());
        QByteArray output;
        // Kill it at a different point each round, always while it is writing.
        REQUIRE(QTest::qWaitFor(
            [&]() {
                writer.waitForReadyRead(50);
                output += writer.readAllStandardOutput();
                return output.count("committed") >= 2 + round;
            },
            30000));
        writer.kill(); // SIGKILL: no destructor, no rollback, no WAL checkpoint
        REQUIRE(writer.waitForFinished());

        EventStore store;
        REQUIRE(store.open(path).ok());
        REQUIRE(store.checkIntegrity().ok());
        const qint64 count = *store.eventCount();
        CHECK(count % 500 == 0); // no half-written batch
        CHECK(count >= 1000);
        // Every stored event is whole: its payload decodes and parses.
        EventQuery query;
        query.includePayload = true;
        query.limit = 1000;
        const Result<EventPage> page = store.events(query);
        REQUIRE(page.ok());
        for (const Event &event : page->events)
            REQUIRE_FALSE(event.payload.isEmpty());
        // The full-text index resumes from its mark: everything indexed, it matches the events exactly.
        if (store.hasFullTextSearch()) {
            while (*store.indexFullText(1000) > 0) {
            }
            QSqlQuery check(store.database());
            CHECK(
                check.exec(QStringLiteral("INSERT INTO events_fts(events_fts) VALUES ('integrity-check')")));
            EventQuery text;
            text.text = QStringLiteral("number 777 fixes");
            CHECK(store.events(text)->events.size() == 1);
        }
        const RecoveryReport report = *store.recoverInterrupted();
        CHECK(report.interrupted == 1);
        ActionQuery interrupted;
        interrupted.status = ActionStatus::Interrupted;
        CHECK(store.actions(interrupted)->size() == round + 1);
    }
}
