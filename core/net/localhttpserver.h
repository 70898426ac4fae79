#pragma once

#include "net/httpmessage.h"
#include "net/httprequestparser.h"

#include <QHostAddress>
#include <QObject>

#include <functional>

class QTcpServer;
class QTcpSocket;

namespace exeserver {

// A small HTTP/1.1 server on QTcpServer: the webhook receiver's transport and the base of the local fake
// servers in tests. We own the parser (not QtHttpServer) because the receiver needs the raw body for
// HMAC checks, must refuse oversized bodies from Content-Length before reading them, and must behave the
// same on Qt 6.4 and later (QHttpServer's API changed between 6.4 and 6.8).
class LocalHttpServer : public QObject
{
    Q_OBJECT
public:
    // Answers a request. Call `respond` exactly once, now or later (it is safe to call after the client
    // went away). A response with status 0 closes the connection without answering (tests use it to
    // simulate a dropped connection). Handlers run on the server's thread.
    using Responder = std::function<void(HttpResponse)>;
    using Handler = std::function<void(const HttpRequest &, Responder respond)>;

    explicit LocalHttpServer(Handler handler, QObject *parent = nullptr);
    ~LocalHttpServer() override;

    void setLimits(HttpRequestParser::Limits limits) { m_limits = limits; }

    // Port 0 picks a free port. Returns false with errorString() on failure.
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    void close();
    bool isListening() const;
    quint16 port() const;
    QHostAddress address() const;
    QString errorString() const;

    // Closes every open connection without answering (tests use it to simulate dropped connections).
    void abortAllConnections();

Q_SIGNALS:
    void requestReceived(const exeserver::HttpRequest &request);
    void parseErrorOccurred(int status, const QString &message);

private:
    void acceptConnections();
    void serve(QTcpSocket *socket);

    Handler m_handler;
    HttpRequestParser::Limits m_limits;
    QTcpServer *m_server = nullptr;
};

} // namespace exeserver
