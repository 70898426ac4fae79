#pragma once

#include <QByteArray>
#include <QTcpSocket>

#include <memory>
#include <vector>

namespace exeserver::test {

// One GET on a new connection to 127.0.0.1:`port`, waited for in an event loop (not QTest::qWaitFor, whose
// 10 ms naps would swamp a timing in milliseconds). Returns the whole answer (or what came within 5 s) and
// the time from connecting to the answer's last byte.
QByteArray timedGet(quint16 port, const QByteArray &path, qint64 *elapsedMs);

// Opens `count` connections to 127.0.0.1:`port` that send nothing, in batches so the listen backlog never
// overflows, and gives the server a moment to accept the last of them.
std::vector<std::unique_ptr<QTcpSocket>> holdIdleConnections(quint16 port, int count);

// Raises this process's soft limit of open files to at least `needed`; false if the hard limit is lower
// (or the platform has no such limit).
bool raiseFileLimit(qint64 needed);

} // namespace exeserver::test
