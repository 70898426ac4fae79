#include "catch.h"

#include "httptesting.h"
#include "net/connectionlog.h"
#include "net/filelimit.h"
#include "net/localhttpserver.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <memory>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#include <unistd.h>
#endif

using namespace exeserver;
using namespace std::chrono_literals;

namespace {

// Echoes the method and path; "/slow" answers 50 ms later.
LocalHttpServer::Handler echoHandler()
{
    return [](const HttpRequest &request, LocalHttpServer::Responder respond) {
        const QByteArray text = request.method + ' ' + request.path.toUtf8() + ' ' + request.body;
        if (request.path == QStringLiteral("/slow")) {
            QTimer::singleShot(50, [respond, text]() { respond(HttpResponse::text(200, text)); });
            return;
        }
        respond(HttpResponse::text(200, text));
    };
}

QUrl urlFor(const LocalHttpServer &server, const QString &path)
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(server.port()).arg(path));
}

// Reads from a raw socket until `predicate(received)` holds or the socket closes.
QByteArray readUntil(QTcpSocket &socket, const std::function<bool(const QByteArray &)> &predicate,
                     int timeoutMs = 5000)
{
    QByteArray received;
    (void)QTest::qWaitFor(
        [&]() {
            received += socket.readAll();
            return predicate(received) || socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
    received += socket.readAll();
    return received;
}

auto containsTimes(const QByteArray &needle, int times)
{
    return [needle, times](const QByteArray &data) { return data.count(needle) >= times; };
}

} // namespace

TEST_CASE("LocalHttpServer answers keep-alive requests on one connection in order", "[net][server]")
{
    LocalHttpServer server(echoHandler());
    REQUIRE(server.listen());
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, server.port());
    REQUIRE(client.waitForConnected(5000));

    // Pipelined: the slow one first, so a server answering out of order would be caught.
    client.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
                 "POST /fast HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
                 "GET /third HTTP/1.1\r\nHost: x\r\n\r\n");
    const QByteArray received = readUntil(client, containsTimes("HTTP/1.1 200", 3));
    REQUIRE(received.count("HTTP/1.1 200 OK") == 3);
    const qsizetype slow = received.indexOf("GET /slow");
    const qsizetype fast = received.indexOf("POST /fast hi");
    const qsizetype third = received.indexOf("GET /third");
    CHECK(slow >= 0);
    CHECK(slow < fast);
    CHECK(fast < third);
    CHECK(received.count("Connection: keep-alive") == 3);
    CHECK(client.state() == QAbstractSocket::ConnectedState);

    // Still usable afterwards.
    client.write("GET /again HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(readUntil(client, containsTimes("GET /again", 1)).contains("GET /again"));
}

TEST_CASE("LocalHttpServer serves sequential QNetworkAccessManager requests", "[net][server]")
{
    LocalHttpServer server(echoHandler());
    REQUIRE(server.listen());
    QNetworkAccessManager nam;
    for (int i = 0; i < 5; ++i) {
        QNetworkRequest request(urlFor(server, QStringLiteral("/n%1").arg(i)));
        std::unique_ptr<QNetworkReply> reply(nam.get(request));
        REQUIRE(QTest::qWaitFor([&]() { return reply->isFinished(); }, 5000));
        CHECK(reply->error() == QNetworkReply::NoError);
        CHECK(reply->readAll() == "GET /n" + QByteArray::number(i) + ' ');
    }
}

TEST_CASE("LocalHttpServer lets a handler answer later", "[net][server]")
{
    LocalHttpServer::Responder pending;
    LocalHttpServer server(
        [&](const HttpRequest &, LocalHttpServer::Responder respond) { pending = respond; });
    REQUIRE(server.listen());
    QNetworkAccessManager nam;
    std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(urlFor(server, QStringLiteral("/later")))));
    REQUIRE(QTest::qWaitFor([&]() { return bool(pending); }, 5000));
    QTest::qWait(30);
    CHECK_FALSE(reply->isFinished());
    pending(HttpResponse::json(201, R"({"ok":true})"));
    pending(HttpResponse::json(500, "{}")); // a second answer is ignored
    REQUIRE(QTest::qWaitFor([&]() { return reply->isFinished(); }, 5000));
    CHECK(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 201);
    CHECK(reply->readAll() == R"({"ok":true})");
}

TEST_CASE("LocalHttpServer survives a client that leaves before the answer", "[net][server]")
{
    LocalHttpServer::Responder pending;
    LocalHttpServer server(
        [&](const HttpRequest &, LocalHttpServer::Responder respond) { pending = respond; });
    REQUIRE(server.listen());
    {
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, server.port());
        REQUIRE(client.waitForConnected(5000));
        client.write("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
        REQUIRE(QTest::qWaitFor([&]() { return bool(pending); }, 5000));
        client.abort();
    }
    QTest::qWait(50); // let the server see the disconnect and delete its socket
    pending(HttpResponse::text(200, "too late"));

    // And the server still works.
    QNetworkAccessManager nam;
    pending = {};
    std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(urlFor(server, QStringLiteral("/y")))));
    REQUIRE(QTest::qWaitFor([&]() { return bool(pending); }, 5000));
    pending(HttpResponse::text(200, "fine"));
    REQUIRE(QTest::qWaitFor([&]() { return reply->isFinished(); }, 5000));
    CHECK(reply->readAll() == "fine");
}

TEST_CASE("LocalHttpServer answers 413 to an oversized Content-Length without reading the body",
          "[net][server]")
{
    int handled = 0;
    LocalHttpServer server([&](const HttpRequest &, LocalHttpServer::Responder respond) {
        ++handled;
        respond(HttpResponse::text(200, "ok"));
    });
    server.setLimits({.maxHeaderBytes = 8 * 1024, .maxBodyBytes = 1024});
    QSignalSpy errors(&server, &LocalHttpServer::parseErrorOccurred);
    REQUIRE(server.listen());

    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, server.port());
    REQUIRE(client.waitForConnected(5000));
    // The client keeps sending its body, as an uploader that does not wait for 100-continue does.
    client.write("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n");
    client.write(QByteArray(512 * 1024, 'x'));
    const QByteArray received =
        readUntil(client, [](const QByteArray &data) { return data.contains("\r\n\r\n"); });
    CHECK(received.startsWith("HTTP/1.1 413"));
    CHECK(received.contains("Connection: close"));
    CHECK(handled == 0);
    REQUIRE(errors.size() == 1);
    CHECK(errors.first().first().toInt() == 413);
}

TEST_CASE("LocalHttpServer answers a pending request before a pipelined malformed one", "[net][server]")
{
    LocalHttpServer::Responder pending;
    LocalHttpServer server(
        [&](const HttpRequest &, LocalHttpServer::Responder respond) { pending = respond; });
    REQUIRE(server.listen());
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, server.port());
    REQUIRE(client.waitForConnected(5000));
    client.write("GET /first HTTP/1.1\r\nHost: x\r\n\r\nNONSENSE\r\n\r\n");
    REQUIRE(QTest::qWaitFor([&]() { return bool(pending); }, 5000));
    QTest::qWait(30);
    pending(HttpResponse::text(200, "first"));
    const QByteArray received = readUntil(client, containsTimes("HTTP/1.1", 2));
    CHECK(received.startsWith("HTTP/1.1 200"));
    CHECK(received.count("HTTP/1.1 400") == 1);
    CHECK(received.indexOf("HTTP/1.1 200") < received.indexOf("HTTP/1.1 400"));
}

TEST_CASE("LocalHttpServer closes HTTP/1.0 connections unless asked to keep them", "[net][server]")
{
    LocalHttpServer server(echoHandler());
    REQUIRE(server.listen());

    QTcpSocket plain;
    plain.connectToHost(QHostAddress::LocalHost, server.port());
    REQUIRE(plain.waitForConnected(5000));
    plain.write("GET /old HTTP/1.0\r\n\r\n");
    // An HTTP/1.0 client without keep-alive reads until the server closes.
    REQUIRE(QTest::qWaitFor([&]() { return plain.state() == QAbstractSocket::UnconnectedState; }, 5000));
    const QByteArray answer = plain.readAll();
    CHECK(answer.contains("Connection: close"));
    CHECK(answer.endsWith("GET /old "));

    QTcpSocket keep;
    keep.connectToHost(QHostAddress::LocalHost, server.port());
    REQUIRE(keep.waitForConnected(5000));
    keep.write("GET /a HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
    CHECK(readUntil(keep, containsTimes("GET /a", 1)).contains("Connection: keep-alive"));
    keep.write("GET /b HTTP/1.1\r\nConnection: keep-alive, close\r\n\r\n");
    CHECK(readUntil(keep, containsTimes("GET /b", 1)).contains("Connection: close"));
}

TEST_CASE("LocalHttpServer serves concurrent clients independently", "[net][server]")
{
    LocalHttpServer server(echoHandler());
    REQUIRE(server.listen());
    QNetworkAccessManager nam;
    std::vector<std::unique_ptr<QNetworkReply>> replies;
    for (int i = 0; i < 12; ++i) {
        QNetworkRequest request(
            urlFor(server, i % 2 ? QStringLiteral("/slow") : QStringLiteral("/c%1").arg(i)));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("text/plain"));
        replies.emplace_back(nam.post(request, QByteArray::number(i)));
    }
    // A second manager opens its own connections in parallel.
    QNetworkAccessManager other;
    std::unique_ptr<QNetworkReply> extra(
        other.get(QNetworkRequest(urlFor(server, QStringLiteral("/other")))));
    REQUIRE(QTest::qWaitFor(
        [&]() {
            return extra->isFinished() &&
                   std::all_of(replies.begin(), replies.end(), [](const auto &r) { return r->isFinished(); });
        },
        10000));
    for (int i = 0; i < 12; ++i) {
        INFO("reply " << i);
        CHECK(replies[i]->error() == QNetworkReply::NoError);
        CHECK(replies[i]->readAll().endsWith(' ' + QByteArray::number(i)));
    }
    CHECK(extra->readAll() == "GET /other ");
}

TEST_CASE("LocalHttpServer can be destroyed with requests in flight", "[net][server]")
{
    LocalHttpServer::Responder pending;
    auto server = std::make_unique<LocalHttpServer>(
        [&](const HttpRequest &, LocalHttpServer::Responder respond) { pending = respond; });
    REQUIRE(server->listen());
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, server->port());
    REQUIRE(client.waitForConnected(5000));
    client.write("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(QTest::qWaitFor([&]() { return bool(pending); }, 5000));
    server.reset();
    pending(HttpResponse::text(200, "nobody listens")); // must not crash
    REQUIRE(QTest::qWaitFor([&]() { return client.state() == QAbstractSocket::UnconnectedState; }, 5000));
}

TEST_CASE("LocalHttpServer drops the connection when answered with status 0", "[net][server]")
{
    LocalHttpServer server([](const HttpRequest &, LocalHttpServer::Responder respond) {
        HttpResponse drop;
        drop.status = 0;
        respond(drop);
    });
    REQUIRE(server.listen());
    QNetworkAccessManager nam;
    std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(urlFor(server, QStringLiteral("/gone")))));
    REQUIRE(QTest::qWaitFor([&]() { return reply->isFinished(); }, 10000));
    CHECK(reply->error() != QNetworkReply::NoError);
    CHECK(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).isNull());
}

// --- hardening: deadlines, the connection cap, the log ---------------------------------------------------

namespace {

// Small deadlines so the tests run in a second; each test lowers the one it is about.
LocalHttpServer::Options quickOptions()
{
    LocalHttpServer::Options options;
    options.headerTimeout = 2s;
    options.requestTimeout = 4s;
    options.idleTimeout = 4s;
    return options;
}

std::unique_ptr<QTcpSocket> connectTo(const LocalHttpServer &server)
{
    auto socket = std::make_unique<QTcpSocket>();
    socket->connectToHost(QHostAddress::LocalHost, server.port());
    REQUIRE(socket->waitForConnected(5000));
    return socket;
}

bool closedWithin(QTcpSocket &socket, int timeoutMs)
{
    return QTest::qWaitFor([&]() { return socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs);
}

// Collects what the server says in the log (category exeserver.events) while it lives.
class LogCapture
{
public:
    LogCapture()
    {
        s_lines.clear();
        m_previous =
            qInstallMessageHandler([](QtMsgType, const QMessageLogContext &context, const QString &message) {
                if (QByteArrayView(context.category) == "exeserver.events")
                    s_lines << message;
            });
    }
    ~LogCapture() { qInstallMessageHandler(m_previous); }
    static QStringList lines() { return s_lines; }
    static int count(const QString &fragment) { return int(s_lines.filter(fragment).size()); }

private:
    static inline QStringList s_lines;
    QtMessageHandler m_previous = nullptr;
};

} // namespace

TEST_CASE("LocalHttpServer closes a slowloris connection after the header timeout",
          "[net][server][hardening]")
{
    // Each byte either well within the timeout or slower than it: either way the head is late as a whole.
    const int gapMs = GENERATE(40, 500);
    int handled = 0;
    LocalHttpServer::Options options = quickOptions();
    options.headerTimeout = 400ms;
    LocalHttpServer server(
        [&](const HttpRequest &, LocalHttpServer::Responder respond) {
            ++handled;
            respond(HttpResponse::text(200, "too late"));
        },
        options);
    REQUIRE(server.listen());
    LogCapture log;

    auto client = connectTo(server);
    const quint16 clientPort = client->localPort();
    QElapsedTimer clock;
    clock.start();
    const QByteArray head = "GET / HTTP/1.1\r\nHost: x\r\nX-Padding: " + QByteArray(40, 'a') + "\r\n\r\n";
    QByteArray received;
    for (qsizetype sent = 0; sent < head.size() && client->state() == QAbstractSocket::ConnectedState;
         ++sent) {
        client->write(head.mid(sent, 1));
        client->flush();
        QTest::qWait(gapMs);
        received += client->readAll();
    }
    REQUIRE(closedWithin(*client, 3000));
    const qint64 elapsed = clock.elapsed();
    received += client->readAll();
    INFO("closed after " << elapsed << " ms; received: " << received.toStdString());
    CHECK(elapsed >= 350);
    CHECK(elapsed < 400 + gapMs + 1500);
    CHECK(received.startsWith("HTTP/1.1 408 Request Timeout"));
    CHECK(received.contains("Connection: close"));
    CHECK(handled == 0);
    CHECK(server.connectionCount() == 0);
    CHECK(log.count(QStringLiteral("connection from 127.0.0.1:%1: closed with 408: request headers not "
                                   "complete within 400 ms")
                        .arg(clientPort)) == 1);
}

TEST_CASE("LocalHttpServer closes 100 slowloris connections at the header timeout, in a few log lines",
          "[net][server][hardening]")
{
    LocalHttpServer::Options options = quickOptions();
    options.headerTimeout = 500ms;
    LocalHttpServer server(echoHandler(), options);
    REQUIRE(server.listen());
    LogCapture log;
    const auto clients = test::holdIdleConnections(server.port(), 100);
    QElapsedTimer clock;
    clock.start();
    const QByteArray head = "GET / HTTP/1.1\r\nHost: x\r\nX-Padding: " + QByteArray(60, 'a') + "\r\n\r\n";
    const auto allClosed = [&]() {
        return std::all_of(clients.begin(), clients.end(), [](const auto &client) {
            return client->state() == QAbstractSocket::UnconnectedState;
        });
    };
    for (qsizetype sent = 0; sent < head.size() && !allClosed(); ++sent) {
        for (const auto &client : clients) {
            if (client->state() == QAbstractSocket::ConnectedState)
                client->write(head.mid(sent, 1));
        }
        QTest::qWait(100);
    }
    REQUIRE(QTest::qWaitFor(allClosed, 3000));
    CHECK(clock.elapsed() < 3000); // they would otherwise trickle on for 8 s
    CHECK(log.count(QStringLiteral("closed with 408: request headers not complete within 500 ms")) <= 10);
    CHECK(QTest::qWaitFor([&]() { return server.connectionCount() == 0; }, 1000));
}

TEST_CASE("LocalHttpServer closes a connection that sends nothing after the header timeout",
          "[net][server][hardening]")
{
    LocalHttpServer::Options options = quickOptions();
    options.headerTimeout = 300ms;
    LocalHttpServer server(echoHandler(), options);
    REQUIRE(server.listen());
    LogCapture log;
    auto client = connectTo(server);
    QElapsedTimer clock;
    clock.start();
    REQUIRE(closedWithin(*client, 3000));
    CHECK(clock.elapsed() >= 250);
    CHECK(client->readAll().isEmpty()); // no request, so no 408 either
    CHECK(log.count(QStringLiteral("closed: sent no request within 300 ms")) == 1);
}

TEST_CASE("LocalHttpServer closes an idle keep-alive connection after the idle timeout",
          "[net][server][hardening]")
{
    LocalHttpServer::Options options = quickOptions();
    options.idleTimeout = 400ms;
    LocalHttpServer server(echoHandler(), options);
    REQUIRE(server.listen());
    LogCapture log;
    auto client = connectTo(server);

    // Requests 200 ms apart keep it open well past one idle timeout.
    for (int i = 0; i < 4; ++i) {
        client->write("GET /n" + QByteArray::number(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        REQUIRE(readUntil(*client, containsTimes("GET /n" + QByteArray::number(i), 1))
                    .contains("Connection: keep-alive"));
        QTest::qWait(200);
    }
    REQUIRE(client->state() == QAbstractSocket::ConnectedState);

    QElapsedTimer clock;
    clock.start();
    REQUIRE(closedWithin(*client, 3000));
    CHECK(clock.elapsed() >= 150); // 400 ms after the last answer, 200 ms of which passed above
    CHECK(clock.elapsed() < 2000);
    CHECK(client->readAll().isEmpty());
    CHECK(log.count(QStringLiteral("closed: idle for 400 ms between requests")) == 1);
    // Its deadline timer went with it: a server without connections has nothing that wakes it.
    CHECK(QTest::qWaitFor([&]() { return server.findChildren<HttpConnection *>().isEmpty(); }, 1000));
    CHECK(server.findChildren<QTimer *>().isEmpty());
}

TEST_CASE("LocalHttpServer cuts off a slow body with 408 at the request timeout", "[net][server][hardening]")
{
    int handled = 0;
    LocalHttpServer::Options options = quickOptions();
    options.headerTimeout = 300ms;
    options.requestTimeout = 700ms;
    LocalHttpServer server(
        [&](const HttpRequest &request, LocalHttpServer::Responder respond) {
            ++handled;
            respond(HttpResponse::text(200, "got " + request.body));
        },
        options);
    REQUIRE(server.listen());
    LogCapture log;

    SECTION("a body trickling past the request timeout is answered 408")
    {
        auto client = connectTo(server);
        QElapsedTimer clock;
        clock.start();
        client->write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n");
        QByteArray received;
        for (int i = 0; i < 100 && client->state() == QAbstractSocket::ConnectedState; ++i) {
            client->write("x");
            QTest::qWait(50);
            received += client->readAll();
        }
        REQUIRE(closedWithin(*client, 3000));
        received += client->readAll();
        INFO(received.toStdString());
        CHECK(clock.elapsed() >= 650);
        CHECK(clock.elapsed() < 3000);
        CHECK(received.startsWith("HTTP/1.1 408"));
        CHECK(handled == 0);
        CHECK(log.count(QStringLiteral("closed with 408: request body not complete within 700 ms")) == 1);
    }
    SECTION("a body slower than the header timeout but within the request timeout is served")
    {
        auto client = connectTo(server);
        client->write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n");
        for (const char byte : QByteArray("hello")) {
            QTest::qWait(100);
            client->write(QByteArray(1, byte));
        }
        const QByteArray received = readUntil(*client, containsTimes("got hello", 1));
        CHECK(received.startsWith("HTTP/1.1 200"));
        CHECK(handled == 1);
    }
}

TEST_CASE("LocalHttpServer sets no deadline while the handler holds a request", "[net][server][hardening]")
{
    LocalHttpServer::Options options = quickOptions();
    options.headerTimeout = 200ms;
    options.requestTimeout = 200ms;
    options.idleTimeout = 200ms;
    LocalHttpServer server(
        [](const HttpRequest &, LocalHttpServer::Responder respond) {
            QTimer::singleShot(700, [respond]() { respond(HttpResponse::text(200, "worth the wait")); });
        },
        options);
    REQUIRE(server.listen());
    auto client = connectTo(server);
    client->write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(readUntil(*client, containsTimes("worth the wait", 1)).startsWith("HTTP/1.1 200"));
}

TEST_CASE("LocalHttpServer at its connection cap closes the longest-idle connection for a new one",
          "[net][server][hardening]")
{
    std::vector<LocalHttpServer::Responder> held;
    LocalHttpServer::Options options = quickOptions();
    options.maxConnections = 3;
    LocalHttpServer server(
        [&](const HttpRequest &request, LocalHttpServer::Responder respond) {
            if (request.path == QStringLiteral("/hold"))
                held.push_back(respond);
            else
                respond(HttpResponse::text(200, request.path.toUtf8()));
        },
        options);
    REQUIRE(server.listen());
    REQUIRE(server.connectionCap() == 3);
    LogCapture log;

    SECTION("idle connections make room, oldest first; busy ones never; refused with 503 when all are busy")
    {
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        for (int i = 0; i < 3; ++i) {
            idle.push_back(connectTo(server));
            REQUIRE(QTest::qWaitFor([&]() { return server.connectionCount() == i + 1; }, 5000));
            QTest::qWait(20); // a distinct idle age for each
        }
        auto fourth = connectTo(server);
        fourth->write("GET /fourth HTTP/1.1\r\nHost: x\r\n\r\n");
        CHECK(readUntil(*fourth, containsTimes("/fourth", 1)).startsWith("HTTP/1.1 200"));
        CHECK(closedWithin(*idle[0], 3000));
        CHECK(idle[1]->state() == QAbstractSocket::ConnectedState);
        CHECK(idle[2]->state() == QAbstractSocket::ConnectedState);
        CHECK(log.count(QStringLiteral("closed to make room: at the cap of 3 connections")) == 1);

        // All three open connections get a request the handler holds.
        for (QTcpSocket *socket : {idle[1].get(), idle[2].get(), fourth.get()})
            socket->write("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
        REQUIRE(QTest::qWaitFor([&]() { return held.size() == 3; }, 5000));
        auto fifth = connectTo(server);
        fifth->write("GET /fifth HTTP/1.1\r\nHost: x\r\n\r\n");
        const QByteArray refused = readUntil(*fifth, containsTimes("\r\n\r\n", 1));
        CHECK(refused.startsWith("HTTP/1.1 503"));
        CHECK(refused.contains("Retry-After: 1"));
        CHECK(closedWithin(*fifth, 3000));
        CHECK(log.count(QStringLiteral("refused with 503: all 3 connections are busy")) == 1);

        // The held requests are still answered.
        for (const auto &respond : held)
            respond(HttpResponse::text(200, "released"));
        for (QTcpSocket *socket : {idle[1].get(), idle[2].get(), fourth.get()})
            CHECK(readUntil(*socket, containsTimes("released", 1)).contains("released"));
    }
    SECTION("a half-received request makes room only when no connection is idle, and is answered 503")
    {
        auto partial = connectTo(server);
        partial->write("GET /never-finished HTTP/1.1\r\n");
        REQUIRE(QTest::qWaitFor([&]() { return server.connectionCount() == 1; }, 5000));
        QTest::qWait(20);
        auto busy = connectTo(server);
        busy->write("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
        REQUIRE(QTest::qWaitFor([&]() { return held.size() == 1; }, 5000));
        auto idle = connectTo(server);
        REQUIRE(QTest::qWaitFor([&]() { return server.connectionCount() == 3; }, 5000));

        auto newcomer = connectTo(server); // the idle one goes, though the partial one is older
        newcomer->write("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
        REQUIRE(closedWithin(*idle, 3000));
        REQUIRE(QTest::qWaitFor([&]() { return held.size() == 2; }, 5000));
        CHECK(partial->state() == QAbstractSocket::ConnectedState);

        auto another = connectTo(server); // nothing idle now: the partial request goes
        const QByteArray evicted = readUntil(*partial, containsTimes("\r\n\r\n", 1));
        CHECK(evicted.startsWith("HTTP/1.1 503"));
        CHECK(closedWithin(*partial, 3000));
        CHECK(busy->state() == QAbstractSocket::ConnectedState);
        CHECK(another->state() == QAbstractSocket::ConnectedState);
        for (const auto &respond : held)
            respond(HttpResponse::text(200, "done"));
        CHECK(readUntil(*busy, containsTimes("done", 1)).contains("done"));
        CHECK(readUntil(*newcomer, containsTimes("done", 1)).contains("done"));
    }
}

TEST_CASE("LocalHttpServer answers at once while 500 idle connections are held, evicting at its cap",
          "[net][server][hardening]")
{
    if (!test::raiseFileLimit(1500)) {
        WARN("needs 1500 open files and the hard limit is lower: not run");
        return;
    }
    LocalHttpServer::Options options;
    options.maxConnections = 64;
    LocalHttpServer server(echoHandler(), options);
    REQUIRE(server.listen());
    const auto held = test::holdIdleConnections(server.port(), 500);
    CHECK(server.connectionCount() <= 64);

    for (int round = 0; round < 3; ++round) {
        qint64 elapsed = 0;
        const QByteArray answer = test::timedGet(server.port(), "/healthz", &elapsed);
        INFO("round " << round << ": " << elapsed << " ms");
        CHECK(answer.startsWith("HTTP/1.1 200"));
        REQUIRE(elapsed < 50);
    }
}

#ifdef Q_OS_UNIX
TEST_CASE("LocalHttpServer keeps accepting after the process ran out of file descriptors",
          "[net][server][hardening]")
{
    LocalHttpServer server(echoHandler());
    REQUIRE(server.listen());
    LogCapture log;
    rlimit saved{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &saved) == 0);
    struct Restore
    {
        rlimit limit;
        ~Restore() { setrlimit(RLIMIT_NOFILE, &limit); }
    } restore{saved};

    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, server.port()); // takes its descriptor now
    client.write("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
    // The lowest free descriptor becomes the limit: the server's accept() fails with EMFILE.
    const int lowestFree = ::dup(0);
    REQUIRE(lowestFree >= 0);
    ::close(lowestFree);
    rlimit tight = saved;
    tight.rlim_cur = rlim_t(lowestFree);
    REQUIRE(setrlimit(RLIMIT_NOFILE, &tight) == 0);
    REQUIRE(
        QTest::qWaitFor([&]() { return log.count(QStringLiteral("cannot accept a connection")) > 0; }, 5000));
    CHECK(log.lines().filter(QStringLiteral("out of file descriptors")).size() > 0);

    REQUIRE(setrlimit(RLIMIT_NOFILE, &saved) == 0);
    const QByteArray received = readUntil(client, containsTimes("GET /after", 1));
    INFO(log.lines().join(QLatin1Char('\n')).toStdString());
    CHECK(received.startsWith("HTTP/1.1 200"));
    const int errors = log.count(QStringLiteral("cannot accept a connection"));

    // And it does not stumble over the old error later (QTcpServer alone would pause after every accept).
    for (int i = 0; i < 3; ++i) {
        QTcpSocket later;
        later.connectToHost(QHostAddress::LocalHost, server.port());
        later.write("GET /later HTTP/1.1\r\nHost: x\r\n\r\n");
        CHECK(readUntil(later, containsTimes("GET /later", 1)).startsWith("HTTP/1.1 200"));
    }
    CHECK(log.count(QStringLiteral("cannot accept a connection")) == errors);
    CHECK(client.state() == QAbstractSocket::ConnectedState);
}
#endif

TEST_CASE("The connection cap stays within the file limit", "[net][server][hardening]")
{
    CHECK(filelimit::connectionCap(512, 1024, 30, 128) == 512);
    CHECK(filelimit::connectionCap(1000, 1024, 30, 128) == 866);
    CHECK(filelimit::connectionCap(512, 100, 30, 128) == 1);
    CHECK(filelimit::connectionCap(512, -1, -1, 128) == 512); // no such limit (Windows)
#ifdef Q_OS_UNIX
    const qint64 soft = filelimit::raiseSoftLimit();
    rlimit limit{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &limit) == 0);
    CHECK(soft >= 1024);
    CHECK(filelimit::openCount() > 2); // stdin, stdout, stderr at least
#endif
}

TEST_CASE("ConnectionLog summarises a flood instead of a line per connection", "[net][server][hardening]")
{
    LogCapture log;
    ConnectionLog closes(3, 300ms);
    for (int i = 0; i < 20; ++i)
        closes.note(ConnectionLog::Level::Warning, QStringLiteral("127.0.0.1:%1").arg(1000 + i),
                    i % 2 ? QStringLiteral("slow") : QStringLiteral("idle"));
    CHECK(log.lines().size() == 3);
    CHECK(log.lines().first() == QStringLiteral("connection from 127.0.0.1:1000: idle"));
    REQUIRE(QTest::qWaitFor([&]() { return log.lines().size() == 4; }, 3000));
    CHECK(log.lines().last() ==
          QStringLiteral("17 more connections closed or refused in the last 0.3 s: idle (8); slow (9)"));
    // A new window logs one by one again.
    closes.note(ConnectionLog::Level::Info, QStringLiteral("127.0.0.1:2000"), QStringLiteral("idle"));
    CHECK(log.lines().size() == 5);
}

TEST_CASE("LocalHttpServer drops an answer to a request it already answered, after the next one began",
          "[net][server]")
{
    // The responder of the first request is kept and called again while the second is with the handler:
    // the second request's slot must not take it.
    QList<LocalHttpServer::Responder> responders;
    LocalHttpServer server(
        [&](const HttpRequest &, LocalHttpServer::Responder respond) { responders.append(respond); });
    REQUIRE(server.listen());
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, server.port());
    REQUIRE(client.waitForConnected(5000));
    client.write("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(QTest::qWaitFor([&]() { return responders.size() == 1; }, 5000));
    responders[0](HttpResponse::text(200, "first"));
    REQUIRE(QTest::qWaitFor([&]() { return responders.size() == 2; }, 5000));
    responders[0](HttpResponse::text(500, "late"));
    responders[1](HttpResponse::text(200, "second"));
    const QByteArray received = readUntil(client, containsTimes("HTTP/1.1 ", 2));
    CHECK(received.count("HTTP/1.1 200 OK") == 2);
    CHECK_FALSE(received.contains("late"));
    CHECK(received.indexOf("first") < received.indexOf("second"));
}
