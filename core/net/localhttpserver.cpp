#include "net/localhttpserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace exeserver {

namespace {

// HTTP/1.1 keeps a connection open unless told otherwise; HTTP/1.0 closes it unless asked to keep it.
bool wantsKeepAlive(const HttpRequest &request)
{
    bool close = false;
    bool keepAlive = false;
    for (const auto &[name, value] : request.headers.all()) {
        if (name.compare("Connection", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &token : value.split(',')) {
            const QByteArray option = token.trimmed().toLower();
            close = close || option == "close";
            keepAlive = keepAlive || option == "keep-alive";
        }
    }
    if (close)
        return false;
    return request.version != "HTTP/1.0" || keepAlive;
}

// Writes a streamed answer's chunks one timer tick apart; `finished` runs after the last chunk (not when the
// client went away meanwhile).
void writeChunks(QPointer<QTcpSocket> socket, QList<QByteArray> chunks, int intervalMs, qsizetype next,
                 std::function<void()> finished)
{
    if (!socket)
        return;
    if (next == chunks.size()) {
        socket->write(HttpResponse::serializeChunk({}));
        finished();
        return;
    }
    if (!chunks.at(next).isEmpty()) // an empty chunk would end the stream early
        socket->write(HttpResponse::serializeChunk(chunks.at(next)));
    socket->flush();
    QTimer::singleShot(intervalMs, socket, [socket, chunks, intervalMs, next, finished]() {
        writeChunks(socket, chunks, intervalMs, next + 1, finished);
    });
}

} // namespace

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
    // Requests on a keep-alive connection are answered in order, one at a time.
    struct Connection
    {
        explicit Connection(HttpRequestParser::Limits limits)
            : parser(limits)
        {
        }
        HttpRequestParser parser;
        bool busy = false;       // a request is with the handler
        bool processing = false; // inside processBuffered(), so a synchronous answer need not recurse
        bool closing = false;    // the last answer went out; nothing more is read or written
    };
    auto connection = std::make_shared<Connection>(m_limits);
    QPointer<QTcpSocket> guard(socket);

    // Owned by the readyRead connection below, so it dies with the socket; responders hold it weakly.
    auto processBuffered = std::make_shared<std::function<void()>>();
    std::weak_ptr<std::function<void()>> weakProcess = processBuffered;
    *processBuffered = [this, connection, guard, weakProcess]() {
        Connection &c = *connection;
        const bool nested = std::exchange(c.processing, true);
        while (guard && !c.busy && !c.closing && c.parser.state() == HttpRequestParser::State::Complete) {
            HttpRequest request = c.parser.takeRequest();
            request.peerAddress = guard->peerAddress().toString();
            const bool keepAlive = wantsKeepAlive(request);
            c.busy = true;
            Q_EMIT requestReceived(request);
            auto answered = std::make_shared<bool>(false);
            m_handler(request, [guard, connection, keepAlive, answered, weakProcess](HttpResponse response) {
                if (std::exchange(*answered, true))
                    return;
                connection->busy = false;
                if (!guard)
                    return;
                if (response.status == 0) {
                    connection->closing = true;
                    guard->abort();
                    return;
                }
                if (!response.chunks.isEmpty()) {
                    // Busy until the last chunk: a pipelined request waits for the stream to end.
                    connection->busy = true;
                    guard->write(response.serializeHead(keepAlive));
                    writeChunks(guard, response.chunks, response.chunkIntervalMs, 0,
                                [guard, connection, keepAlive, weakProcess]() {
                                    connection->busy = false;
                                    if (!keepAlive) {
                                        connection->closing = true;
                                        guard->disconnectFromHost();
                                        return;
                                    }
                                    if (auto resume = weakProcess.lock(); resume && !connection->processing)
                                        (*resume)();
                                });
                    return;
                }
                guard->write(response.serialize(keepAlive));
                if (!keepAlive) {
                    connection->closing = true;
                    guard->disconnectFromHost();
                    return;
                }
                if (auto resume = weakProcess.lock(); resume && !connection->processing)
                    (*resume)();
            });
        }
        // A parse error is answered only after every earlier request, so responses stay in order.
        if (guard && !c.busy && !c.closing && c.parser.state() == HttpRequestParser::State::Error) {
            c.closing = true;
            Q_EMIT parseErrorOccurred(c.parser.errorStatus(), c.parser.errorMessage());
            const HttpResponse response = HttpResponse::json(
                c.parser.errorStatus(),
                QJsonDocument(QJsonObject{{QStringLiteral("message"), c.parser.errorMessage()}})
                    .toJson(QJsonDocument::Compact));
            guard->write(response.serialize(false));
            guard->disconnectFromHost();
        }
        c.processing = nested;
    };

    connect(socket, &QTcpSocket::readyRead, socket, [socket, connection, processBuffered]() {
        if (connection->closing) {
            socket->readAll(); // the answer is out; what the client still sends is dropped
            return;
        }
        connection->parser.feed(socket->readAll());
        (*processBuffered)();
    });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
}

} // namespace exeserver
