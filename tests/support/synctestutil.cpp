#include "synctestutil.h"

#include "catch.h"

#include <QTest>

namespace exeserver::test {

SyncRun drainNow(SyncEngine &engine, int timeoutMs)
{
    SyncRun result;
    bool finished = false;
    engine.drain([&](SyncRun run) {
        result = run;
        finished = true;
    });
    REQUIRE(QTest::qWaitFor([&]() { return finished; }, timeoutMs));
    return result;
}

} // namespace exeserver::test
