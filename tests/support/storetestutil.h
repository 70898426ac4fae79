#pragma once

#include "events/event.h"

#include <QDateTime>
#include <QString>

namespace exeserver::test {

// A webhook-like event with a realistic payload: `n` varies id, repository, sender, title and time.
Event sampleEvent(int n, const QString &type = QStringLiteral("pull_request"),
                  const QString &action = QStringLiteral("opened"));

} // namespace exeserver::test
