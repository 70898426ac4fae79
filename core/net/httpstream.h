#pragma once

#include <QByteArray>
#include <QList>

#include <functional>

namespace exeserver {

// An open-ended streamed answer (Server-Sent Events): the handler answers with it at once and keeps it to
// send chunks as things happen, until it ends the stream or the client goes away. Lives on the server's
// thread; HttpConnection attaches to it when the answer goes out.
class HttpStream
{
public:
    // Sends one chunk; kept until the connection attaches, dropped once the stream is closed.
    void send(const QByteArray &data);
    // Ends the answer with the last chunk; the connection may then take the next request.
    void end();
    // Open until end() (even before it is attached) or until the client went away.
    bool isOpen() const { return !m_closed && !m_endRequested; }
    // Called once when the client goes away or end() is called.
    void setClosedHandler(std::function<void()> handler) { m_onClosed = std::move(handler); }

    // For HttpConnection.
    void attach(std::function<void(const QByteArray &)> write, std::function<void()> finish);
    void detach(); // the client went away

private:
    void close();

    std::function<void(const QByteArray &)> m_write;
    std::function<void()> m_finish;
    std::function<void()> m_onClosed;
    QList<QByteArray> m_pending;
    bool m_endRequested = false;
    bool m_closed = false;
};

} // namespace exeserver
