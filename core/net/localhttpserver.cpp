#include "net/localhttpserver.h"

#include "config/logging.h"
#include "net/filelimit.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>

#include <algorithm>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace exeserver {

namespace {

// Descriptors kept free for the rest of the process: the database, the log, child processes' pipes,
// outgoing requests.
constexpr int kReservedDescriptors = 128;

QString duration(std::chrono::milliseconds span)
{
    if (span.count() % 1000 == 0)
        return QStringLiteral("%1 s").arg(span.count() / 1000);
    return QStringLiteral("%1 ms").arg(span.count());
}

} // namespace

LocalHttpServer::LocalHttpServer(Handler handler, QObject *parent)
    : LocalHttpServer(std::move(handler), Options{}, parent)
{
}

LocalHttpServer::LocalHttpServer(Handler handler, Options options, QObject *parent)
    : QObject(parent)
    , m_handler(std::move(handler))
    , m_options(options)
    , m_cap(options.maxConnections)
{
    setListener(new QTcpServer(this));
    m_resumeAccepting.setSingleShot(true);
    m_resumeAccepting.setInterval(std::chrono::milliseconds(100));
    connect(&m_resumeAccepting, &QTimer::timeout, this, &LocalHttpServer::resumeAccepting);
}

LocalHttpServer::~LocalHttpServer()
{
    // The connections (children) outlive this part of the object; they must not call back into it.
    for (HttpConnection *connection : std::as_const(m_connections))
        connection->disconnect(this);
}

void LocalHttpServer::setListener(QTcpServer *server)
{
    delete m_server;
    m_server = server;
    connect(m_server, &QTcpServer::newConnection, this, &LocalHttpServer::acceptConnections);
    connect(m_server, &QTcpServer::acceptError, this, &LocalHttpServer::acceptFailed);
}

bool LocalHttpServer::listen(const QHostAddress &address, quint16 port)
{
    const qint64 softLimit = filelimit::raiseSoftLimit();
    m_cap = filelimit::connectionCap(m_options.maxConnections, softLimit, filelimit::openCount(),
                                     kReservedDescriptors);
    if (m_cap < m_options.maxConnections)
        qCInfo(lcEvents).noquote() << QStringLiteral("HTTP server: at most %1 connections (not %2), to stay "
                                                     "within the limit of %3 open files")
                                          .arg(m_cap)
                                          .arg(m_options.maxConnections)
                                          .arg(softLimit);
    return m_server->listen(address, port);
}

void LocalHttpServer::close()
{
    m_server->close();
    m_resumeAccepting.stop();
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
    const QList<HttpConnection *> connections = m_connections;
    for (HttpConnection *connection : connections)
        connection->abort();
}

void LocalHttpServer::acceptConnections()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        const bool room = activeConnections() < m_cap || makeRoom();
        HttpConnection *connection = adopt(socket);
        if (!room)
            refuse(connection);
    }
}

HttpConnection *LocalHttpServer::adopt(QTcpSocket *socket)
{
    const HttpConnection::Deadlines deadlines{.header = m_options.headerTimeout,
                                              .request = m_options.requestTimeout,
                                              .idle = m_options.idleTimeout,
                                              .linger = m_options.headerTimeout};
    auto *connection =
        new HttpConnection(socket, m_options.limits, deadlines, m_handler, this, m_options.errorAnswer);
    m_connections.append(connection);
    connect(connection, &HttpConnection::requestReceived, this, &LocalHttpServer::requestReceived);
    connect(connection, &HttpConnection::parseErrorOccurred, this, &LocalHttpServer::parseErrorOccurred);
    connect(connection, &HttpConnection::closingForReason, this,
            [this, connection](HttpConnection::CloseReason reason) { logClose(*connection, reason); });
    connect(connection, &HttpConnection::finished, this,
            [this, connection]() { m_connections.removeOne(connection); });
    return connection;
}

// Connections that count against the cap: closing ones go away by themselves within the linger time.
int LocalHttpServer::activeConnections() const
{
    return int(std::count_if(m_connections.cbegin(), m_connections.cend(), [](const HttpConnection *c) {
        return c->phase() != HttpConnection::Phase::Closing && c->phase() != HttpConnection::Phase::Closed;
    }));
}

// Like nginx reusing keep-alive slots: the longest-idle connection goes first; a half-received request
// (most likely a slow client's) only when none is idle; a request with the handler never.
bool LocalHttpServer::makeRoom()
{
    HttpConnection *idlest = nullptr;
    HttpConnection *slowest = nullptr;
    for (HttpConnection *connection : std::as_const(m_connections)) {
        if (connection->phase() == HttpConnection::Phase::Idle) {
            if (!idlest || connection->phaseSince() < idlest->phaseSince())
                idlest = connection;
        } else if (connection->phase() == HttpConnection::Phase::Receiving) {
            if (!slowest || connection->requestSince() < slowest->requestSince())
                slowest = connection;
        }
    }
    HttpConnection *victim = idlest ? idlest : slowest;
    if (!victim)
        return false;
    victim->evict();
    return true;
}

void LocalHttpServer::refuse(HttpConnection *connection)
{
    m_log.note(ConnectionLog::Level::Warning, connection->peer(),
               QStringLiteral("refused with 503: all %1 connections are busy").arg(m_cap));
    const QString why = QStringLiteral("The server is busy with %1 requests; try again.").arg(m_cap);
    HttpResponse busy =
        m_options.errorAnswer
            ? m_options.errorAnswer(503, why)
            : HttpResponse::json(503, QJsonDocument(QJsonObject{{QStringLiteral("message"), why}})
                                          .toJson(QJsonDocument::Compact));
    busy.headers.set("Retry-After", "1");
    connection->refuse(busy);
}

// QTcpServer stops accepting after an error such as running out of file descriptors (EMFILE) and never
// starts again by itself: free a descriptor if an idle connection holds one, and try again shortly.
void LocalHttpServer::acceptFailed(QAbstractSocket::SocketError error)
{
    const QString why = error == QAbstractSocket::SocketResourceError
                            ? QStringLiteral("the process is out of file descriptors or memory")
                            : QStringLiteral("socket error %1").arg(int(error));
    m_log.note(ConnectionLog::Level::Warning, {},
               QStringLiteral("cannot accept a connection (%1; %2 open); trying again in %3")
                   .arg(why)
                   .arg(m_connections.size())
                   .arg(duration(m_resumeAccepting.intervalAsDuration())));
    if (error == QAbstractSocket::SocketResourceError)
        makeRoom();
    m_resumeAccepting.start();
}

void LocalHttpServer::resumeAccepting()
{
    if (!m_server->isListening())
        return;
#ifdef Q_OS_UNIX
    // QTcpServer's socket engine keeps the first error it saw and reports it again at every later EAGAIN,
    // so once accept() has failed it would pause after each accepted connection. A new QTcpServer on a
    // duplicate of the listening descriptor starts clean; connections waiting in the backlog stay.
    const int descriptor = ::dup(int(m_server->socketDescriptor()));
    if (descriptor < 0) {
        m_resumeAccepting.start(); // still no descriptor to spare
        return;
    }
    auto *fresh = new QTcpServer(this);
    if (fresh->setSocketDescriptor(descriptor)) {
        setListener(fresh);
        return;
    }
    ::close(descriptor);
    delete fresh;
#endif
    m_server->resumeAccepting();
}

void LocalHttpServer::logClose(const HttpConnection &connection, HttpConnection::CloseReason reason)
{
    using Reason = HttpConnection::CloseReason;
    using Level = ConnectionLog::Level;
    switch (reason) {
    case Reason::NoRequest:
        m_log.note(
            Level::Info, connection.peer(),
            QStringLiteral("closed: sent no request within %1").arg(duration(m_options.headerTimeout)));
        return;
    case Reason::IdleTimeout:
        m_log.note(
            Level::Info, connection.peer(),
            QStringLiteral("closed: idle for %1 between requests").arg(duration(m_options.idleTimeout)));
        return;
    case Reason::HeaderTimeout:
        m_log.note(Level::Warning, connection.peer(),
                   QStringLiteral("closed with 408: request headers not complete within %1")
                       .arg(duration(std::min(m_options.headerTimeout, m_options.requestTimeout))));
        return;
    case Reason::RequestTimeout:
        m_log.note(Level::Warning, connection.peer(),
                   QStringLiteral("closed with 408: request body not complete within %1")
                       .arg(duration(m_options.requestTimeout)));
        return;
    case Reason::LingerTimeout:
        m_log.note(Level::Warning, connection.peer(),
                   QStringLiteral("aborted: did not take its last answer within %1")
                       .arg(duration(m_options.headerTimeout)));
        return;
    case Reason::Evicted:
        m_log.note(Level::Info, connection.peer(),
                   QStringLiteral("closed to make room: at the cap of %1 connections").arg(m_cap));
        return;
    }
}

} // namespace exeserver
