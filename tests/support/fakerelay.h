#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QTcpServer>
#include <QUrl>

class QTcpSocket;

namespace exeserver::test {

// A smee.io stand-in on 127.0.0.1, port 0. `GET /new` redirects (307) to a fresh channel, as smee.io does;
// `GET /<channel>` opens a chunked text/event-stream; `POST /<channel>` (what GitHub sends to a hook URL)
// is answered 200 and forwarded to that channel's streams as a smee message: the request's headers in
// lower case and its body under "body". Tests can also push raw SSE text, close streams and refuse
// connections. QTcpServer rather than LocalHttpServer, because streams stay open.
class FakeRelay : public QObject
{
public:
    FakeRelay();
    ~FakeRelay() override;

    QUrl baseUrl() const; // http://127.0.0.1:PORT
    QUrl url() const;     // the default channel, /channel/abc
    QStringList createdChannels() const { return m_created; }
    int connections() const { return int(m_requests.size()); }
    const QList<QByteArray> &requests() const { return m_requests; } // stream requests, raw
    int openStreams() const { return int(m_streams.size()); }
    int forwardedCount() const { return m_forwarded; }

    // Writes raw SSE text to every open stream, as one chunk.
    void send(const QByteArray &text);
    // A smee message: the original headers as keys and the body under "body".
    void sendDelivery(const QString &event, const QString &delivery, const QByteArray &body,
                      const QByteArray &signature, const QByteArray &eventId = {});
    void closeStreams();
    void stopListening();
    void resumeListening();

private:
    void handleRequest(QTcpSocket *socket);

    QTcpServer m_server;
    quint16 m_port = 0;
    QList<QTcpSocket *> m_streams;
    QHash<QTcpSocket *, QByteArray> m_pending;
    QList<QByteArray> m_requests;
    QStringList m_created;
    int m_forwarded = 0;
};

} // namespace exeserver::test
