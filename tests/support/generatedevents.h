#pragma once

#include "util/result.h"

#include <QDateTime>
#include <QTimeZone>

namespace exeserver {
class EventStore;
}

namespace exeserver::test {

// Fills an open store with `count` generated events in one SQL statement (a recursive CTE), fast enough for
// a million rows in a test. Event i (1-based) occurred at kGeneratedBase + i minutes; i % 4 picks
// pull_request.opened, push, issues.closed or workflow_run.completed; repository acme/service-<i % 7>,
// sender dev<i % 5>; its title/message says "number <i>" and "widget<i % 3>".
Status fillGeneratedEvents(EventStore &store, qint64 count);
inline const QDateTime kGeneratedBase = QDateTime::fromSecsSinceEpoch(1700000000, QTimeZone::utc());

} // namespace exeserver::test
