#pragma once

#include "net/connectionlog.h"
#include "net/httpconnection.h"
#include "net/httpmessage.h"
#include "net/httprequestparser.h"

#include <QHostAddress>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>

class QTcpServer;
class QTcpSocket;

namespace exeserver {

// A small HTTP/1.1 server on QTcpServer: the webhook receiver's transport and the base of the local fake
// servers in tests. We own the parser (not QtHttpServer) because the receiver needs the raw body for
// HMAC checks, must refuse oversized bodies from Content-Length before reading them, and must behave the
// same on Qt 6.4 and later (QHttpServer's API changed between 6.4 and 6.8).
// It defends itself against slow and idle clients: deadlines per connection (HttpConnection) and a cap on
// connections, reached by closing the longest-idle one, so a flood of idle connections cannot lock out a
// real request.
class LocalHttpServer : public QObject
{
    Q_OBJECT
public:
    // Answers a request. Call `respond` exactly once, now or later (it is safe to call after the client
    // went away). A response with status 0 closes the connection without answering (tests use it to
    // simulate a dropped connection). Handlers run on the server's thread.
    using Responder = HttpConnection::Responder;
    using Handler = HttpConnection::Handler;

    struct Options
    {
        HttpRequestParser::Limits limits;
        // From the accept (or a later request's first byte) until the headers are in; a new connection that
        // sends nothing is closed then too. Slowloris holds connections open by never finishing them.
        std::chrono::milliseconds headerTimeout = std::chrono::seconds(10);
        // The same start until the whole request is in: a slow body is answered 408 and cut off.
        std::chrono::milliseconds requestTimeout = std::chrono::seconds(30);
        // A kept-alive connection with no request in progress.
        std::chrono::milliseconds idleTimeout = std::chrono::seconds(60);
        // Open connections. At the cap a new connection closes the longest-idle one (or, if none is idle,
        // the one whose request started longest ago) and is refused with 503 only when all are busy with
        // the handler. listen() lowers it to what the process's file limit allows.
        int maxConnections = 512;
        // The body of the answers the server gives itself (400, 408, 413, 431, 503): null gives
        // {"message": …}; the local API uses its own error shape.
        HttpConnection::ErrorAnswer errorAnswer;
    };

    explicit LocalHttpServer(Handler handler, QObject *parent = nullptr);
    LocalHttpServer(Handler handler, Options options, QObject *parent = nullptr);
    ~LocalHttpServer() override;

    // For connections accepted from now on; the cap takes effect at the next listen().
    void setOptions(const Options &options) { m_options = options; }
    const Options &options() const { return m_options; }
    void setLimits(HttpRequestParser::Limits limits) { m_options.limits = limits; }

    // Port 0 picks a free port. Returns false with errorString() on failure. Raises the process's soft
    // limit of open files to the hard limit first (once per process).
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    void close();
    bool isListening() const;
    quint16 port() const;
    QHostAddress address() const;
    QString errorString() const;
    // Connections holding a socket, closing ones included.
    int connectionCount() const { return int(m_connections.size()); }
    // maxConnections as lowered by listen() to fit the file limit.
    int connectionCap() const { return m_cap; }

    // Closes every open connection without answering (tests use it to simulate dropped connections).
    void abortAllConnections();

Q_SIGNALS:
    void requestReceived(const exeserver::HttpRequest &request);
    void parseErrorOccurred(int status, const QString &message);

private:
    void acceptConnections();
    HttpConnection *adopt(QTcpSocket *socket);
    int activeConnections() const;
    bool makeRoom();
    void refuse(HttpConnection *connection);
    void setListener(QTcpServer *server);
    void acceptFailed(QAbstractSocket::SocketError error);
    void resumeAccepting();
    void logClose(const HttpConnection &connection, HttpConnection::CloseReason reason);

    Handler m_handler;
    Options m_options;
    int m_cap = 0;
    QTcpServer *m_server = nullptr;
    QList<HttpConnection *> m_connections;
    ConnectionLog m_log;
    QTimer m_resumeAccepting; // runs only after accept() failed
};

} // namespace exeserver
