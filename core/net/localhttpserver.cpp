#include "net/localhttpserver.h"

#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

namespace exeserver {

LocalHttpServer::LocalHttpServer(Handler handler, QObject *parent)
    : QObject(parent)
    , m_handler(std::move(handler))
    , m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, &LocalHttpServer::acceptConnections);
}

LocalHttpServer::~LocalHttpServer() = default;

bool LocalHttpServer::listen(const QHostAddress &address, quint16 port)
{
    return m_server->listen(address, port);
}

void LocalHttpServer::close()
{
    m_server->close();
    abortAllConnections();
}

bool LocalHttpServer::isListening() const
{
    return m_server->isListening();
}

quint16 LocalHttpServer::port() const
{
    return m_server->serverPort();
}

QHostAddress LocalHttpServer::address() const
{
    return m_server->serverAddress();
}

QString LocalHttpServer::errorString() const
{
    return m_server->errorString();
}

void LocalHttpServer::abortAllConnections()
{
    const auto sockets = findChildren<QTcpSocket *>();
    for (QTcpSocket *socket : sockets)
        socket->abort();
}

void LocalHttpServer::acceptConnections()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        serve(socket);
    }
}

void LocalHttpServer::serve(QTcpSocket *socket)
{
    // One parser per connection; requests on a keep-alive connection are answered in order, one at a time.
    auto parser = std::make_shared<HttpRequestParser>(m_limits);
    auto busy = std::make_shared<bool>(false);
    QPointer<QTcpSocket> guard(socket);

    auto processBuffered = std::make_shared<std::function<void()>>();
    *processBuffered = [this, parser, busy, guard, processBuffered]() {
        while (guard && !*busy && parser->state() == HttpRequestParser::State::Complete) {
            HttpRequest request = parser->takeRequest();
            request.peerAddress = guard->peerAddress().toString();
            const bool keepAlive = request.headers.value("Connection").toLower() != "close";
            *busy = true;
            Q_EMIT requestReceived(request);
            auto answered = std::make_shared<bool>(false);
            std::weak_ptr<std::function<void()>> next = processBuffered;
            m_handler(request, [guard, busy, keepAlive, answered, next](HttpResponse response) {
                if (*answered)
                    return;
                *answered = true;
                *busy = false;
                if (!guard)
                    return;
                guard->write(response.serialize(keepAlive));
                if (!keepAlive) {
                    guard->disconnectFromHost();
                    return;
                }
                if (auto resume = next.lock())
                    (*resume)();
            });
        }
        if (guard && parser->state() == HttpRequestParser::State::Error) {
            Q_EMIT parseErrorOccurred(parser->errorStatus(), parser->errorMessage());
            HttpResponse response =
                HttpResponse::json(parser->errorStatus(),
                                   QByteArray(R"({"message":")") + parser->errorMessage().toUtf8() + R"("})");
            guard->write(response.serialize(false));
            guard->disconnectFromHost();
        }
    };

    connect(socket, &QTcpSocket::readyRead, this, [socket, parser, processBuffered]() {
        parser->feed(socket->readAll());
        (*processBuffered)();
    });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    // The lambda chain holds itself through `processBuffered`; break the cycle when the socket goes.
    connect(socket, &QObject::destroyed, this, [processBuffered]() { *processBuffered = nullptr; });
}

} // namespace exeserver
