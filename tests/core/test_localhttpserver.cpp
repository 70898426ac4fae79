#include "catch.h"

#include "net/localhttpserver.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace exeserver;

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
