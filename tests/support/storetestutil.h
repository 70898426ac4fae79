#pragma once

#include "events/event.h"

#include <QDateTime>
#include <QDir>
#include <QString>
#include <QTemporaryDir>

namespace exeserver {
class EventStore;
}

namespace exeserver::test {

// A webhook-like event with a realistic payload: `n` varies id, repository, sender, title and time.
Event sampleEvent(int n, const QString &type = QStringLiteral("pull_request"),
                  const QString &action = QStringLiteral("opened"));

// Records a code-file run of trigger "deploy" for `eventId` that failed with exit code 3 and `output`, as
// the trigger engine would; returns its action id, or an empty string when the store refused.
QString recordFailedDeploy(EventStore &store, const QString &eventId, const QString &output);

// The store file the tests open inside a temporary folder.
inline QString dbPath(const QTemporaryDir &dir)
{
    return QDir(dir.path()).filePath(QStringLiteral("exeserver.db"));
}

#if defined(__GLIBC__)
// Bytes malloc has handed out and not had back, in the heap and in blocks mapped of their own (mallinfo2):
// what a store's page cache holds shows here.
size_t heapInUse();
#endif

} // namespace exeserver::test
