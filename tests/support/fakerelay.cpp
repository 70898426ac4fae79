#include "fakerelay.h"

#include "catch.h"

#include <QTcpSocket>
#include <QUuid>

namespace exeserver::test {

namespace {

struct RawRequest
{
    QByteArray method;
    QByteArray path;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
};

// Parses one whole request from `buffer`; false while more bytes are needed.
bool parseRequest(const QByteArray &buffer, RawRequest &out)
{
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    const QList<QByteArray> start = lines.value(0).trimmed().split(' ');
    out.method = start.value(0);
    out.path = start.value(1);
    qsizetype length = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon < 0)
            continue;
        const QByteArray name = lines[i].left(colon).trimmed().toLower();
        const QByteArray value = lines[i].mid(colon + 1).trimmed();
        out.headers.append({name, value});
        if (name == "content-length")
            length = value.toLongLong();
    }
    if (buffer.size() < end + 4 + length)
        return false;
    out.body = buffer.mid(end + 4, length);
    return true;
}

QByteArray jsonString(const QByteArray &text)
{
    QByteArray quoted = text;
    quoted.replace('\\', "\\\\").replace('"', "\\\"");
    return '"' + quoted + '"';
}

} // namespace

FakeRelay::FakeRelay()
{
    QObject::connect(&m_server, &QTcpServer::newConnection, this, [this]() {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            QObject::connect(socket, &QTcpSocket::readyRead, this,
                             [this, socket]() { handleRequest(socket); });
            QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            QObject::connect(socket, &QObject::destroyed, this, [this, socket]() {
                m_streams.removeAll(socket);
                m_pending.remove(socket);
            });
        }
    });
    REQUIRE(m_server.listen(QHostAddress::LocalHost, 0));
    m_port = m_server.serverPort();
}

FakeRelay::~FakeRelay()
{
    // The sockets' destroyed() handlers touch members that are gone once ~QTcpServer deletes them.
    const auto sockets = m_server.findChildren<QTcpSocket *>();
    for (QTcpSocket *socket : sockets) {
        QObject::disconnect(socket, nullptr, this, nullptr);
        delete socket;
    }
}

QUrl FakeRelay::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

QUrl FakeRelay::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/channel/abc").arg(m_port));
}

void FakeRelay::handleRequest(QTcpSocket *socket)
{
    m_pending[socket] += socket->readAll();
    if (m_streams.contains(socket))
        return;
    RawRequest request;
    if (!parseRequest(m_pending[socket], request))
        return;
    const QByteArray raw = m_pending.take(socket);
    if (request.method == "GET" && request.path == "/new") {
        const QString channel =
            QStringLiteral("/%1").arg(QUuid::createUuid().toString(QUuid::Id128).left(16));
        m_created.append(baseUrl().toString() + channel);
        socket->write("HTTP/1.1 307 Temporary Redirect\r\nLocation: " + channel.toLatin1() +
                      "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        socket->disconnectFromHost();
        return;
    }
    if (request.method == "POST") {
        // What smee does with a delivery: the headers as keys, the body under "body", to every listener.
        QByteArray data = "{";
        for (const auto &[name, value] : request.headers) {
            if (name != "content-length" && name != "connection" && name != "host")
                data += jsonString(name) + ':' + jsonString(value) + ',';
        }
        data += "\"body\":" + (request.body.isEmpty() ? QByteArray("{}") : request.body) +
                ",\"query\":{},\"timestamp\":1764000000000}";
        ++m_forwarded;
        send("data: " + data + "\n\n");
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
                      "Connection: close\r\n\r\nok");
        socket->disconnectFromHost();
        return;
    }
    m_requests.append(raw);
    socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n");
    m_streams.append(socket);
    send("event: ready\ndata: {}\n\n");
}

void FakeRelay::send(const QByteArray &text)
{
    for (QTcpSocket *socket : std::as_const(m_streams)) {
        socket->write(QByteArray::number(text.size(), 16) + "\r\n" + text + "\r\n");
        socket->flush();
    }
}

void FakeRelay::sendDelivery(const QString &event, const QString &delivery, const QByteArray &body,
                             const QByteArray &signature, const QByteArray &eventId)
{
    QByteArray data = R"({"host":"smee.io","x-github-event":")" + event.toUtf8() +
                      R"(","x-github-delivery":")" + delivery.toUtf8() + R"(","x-hub-signature-256":")" +
                      signature + R"(","content-type":"application/json","body":)" + body +
                      R"(,"query":{},"timestamp":1764000000000})";
    send((eventId.isEmpty() ? QByteArray() : "id: " + eventId + "\n") + "data: " + data + "\n\n");
}

void FakeRelay::closeStreams()
{
    for (QTcpSocket *socket : std::as_const(m_streams)) {
        socket->write("0\r\n\r\n");
        socket->disconnectFromHost();
    }
}

void FakeRelay::stopListening()
{
    m_server.close();
}

void FakeRelay::resumeListening()
{
    REQUIRE(m_server.listen(QHostAddress::LocalHost, m_port));
}

} // namespace exeserver::test
