#include "httptesting.h"

#include "catch.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTest>
#include <QTimer>

#include <algorithm>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

namespace exeserver::test {

namespace {

// A whole answer: the head and as many body bytes as its Content-Length says.
bool isComplete(const QByteArray &received)
{
    const qsizetype headEnd = received.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;
    const QByteArray head = received.left(headEnd).toLower();
    const qsizetype lengthAt = head.indexOf("content-length:");
    if (lengthAt < 0)
        return true;
    const qsizetype lineEnd = head.indexOf("\r\n", lengthAt);
    const qsizetype valueAt = lengthAt + qsizetype(sizeof("content-length:") - 1);
    const qsizetype length =
        head.mid(valueAt, (lineEnd < 0 ? head.size() : lineEnd) - valueAt).trimmed().toLongLong();
    return received.size() >= headEnd + 4 + length;
}

} // namespace

QByteArray timedGet(quint16 port, const QByteArray &path, qint64 *elapsedMs)
{
    QTcpSocket socket;
    QByteArray received;
    QEventLoop loop;
    QObject::connect(&socket, &QTcpSocket::connected, &loop,
                     [&]() { socket.write("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n"); });
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, [&]() {
        received += socket.readAll();
        if (isComplete(received))
            loop.quit();
    });
    QObject::connect(&socket, &QTcpSocket::disconnected, &loop, &QEventLoop::quit);
    QTimer::singleShot(5000, &loop, &QEventLoop::quit);
    QElapsedTimer clock;
    clock.start();
    socket.connectToHost(QHostAddress::LocalHost, port);
    loop.exec();
    *elapsedMs = clock.elapsed();
    return received;
}

std::vector<std::unique_ptr<QTcpSocket>> holdIdleConnections(quint16 port, int count)
{
    std::vector<std::unique_ptr<QTcpSocket>> held;
    while (int(held.size()) < count) {
        const auto batchStart = qsizetype(held.size());
        for (int i = 0; i < 25 && int(held.size()) < count; ++i) {
            held.push_back(std::make_unique<QTcpSocket>());
            held.back()->connectToHost(QHostAddress::LocalHost, port);
        }
        REQUIRE(QTest::qWaitFor(
            [&]() {
                return std::all_of(held.begin() + batchStart, held.end(), [](const auto &socket) {
                    return socket->state() == QAbstractSocket::ConnectedState;
                });
            },
            10000));
    }
    QTest::qWait(100);
    return held;
}

bool raiseFileLimit(qint64 needed)
{
#ifdef Q_OS_UNIX
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return false;
    if (limit.rlim_cur >= rlim_t(needed))
        return true;
    if (limit.rlim_max < rlim_t(needed))
        return false;
    limit.rlim_cur = rlim_t(needed);
    return setrlimit(RLIMIT_NOFILE, &limit) == 0;
#else
    Q_UNUSED(needed);
    return false;
#endif
}

} // namespace exeserver::test
