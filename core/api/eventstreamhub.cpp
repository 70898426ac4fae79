#include "api/eventstreamhub.h"

#include "api/apirouter.h"
#include "net/httpstream.h"

#include <QJsonDocument>

namespace exeserver {

EventStreamHub::EventStreamHub(std::chrono::milliseconds keepAlive, QObject *parent)
    : QObject(parent)
{
    m_keepAlive.setInterval(keepAlive);
    connect(&m_keepAlive, &QTimer::timeout, this, [this]() { sendToAll(": keep-alive\n\n"); });
}

EventStreamHub::~EventStreamHub()
{
    closeAll();
}

HttpResponse EventStreamHub::subscribe()
{
    if (m_streams.size() >= kMaxSubscribers) {
        HttpResponse busy = api::error(
            503, QStringLiteral("too_many_streams"),
            QStringLiteral("%1 streams are open already; close one and try again.").arg(kMaxSubscribers));
        busy.headers.set("Retry-After", "5");
        return busy;
    }
    auto stream = std::make_shared<HttpStream>();
    std::weak_ptr<HttpStream> weak = stream;
    stream->setClosedHandler([this, weak]() {
        m_streams.removeIf(
            [&weak](const std::shared_ptr<HttpStream> &s) { return s == weak.lock() || !s->isOpen(); });
        if (m_streams.isEmpty())
            m_keepAlive.stop();
    });
    m_streams.append(stream);
    if (!m_keepAlive.isActive())
        m_keepAlive.start();
    // The first line goes out with the head, so a client knows at once that it is subscribed.
    stream->send(": subscribed\n\n");

    HttpResponse response;
    response.status = 200;
    response.headers.set("Content-Type", "text/event-stream; charset=utf-8");
    response.headers.set("Cache-Control", "no-store");
    response.stream = stream;
    return response;
}

void EventStreamHub::broadcast(const QString &name, const QJsonObject &data)
{
    if (m_streams.isEmpty())
        return;
    sendToAll("event: " + name.toUtf8() + "\ndata: " + QJsonDocument(data).toJson(QJsonDocument::Compact) +
              "\n\n");
}

void EventStreamHub::sendToAll(const QByteArray &chunk)
{
    // send() may close a stream whose client went away, which edits m_streams.
    const QList<std::shared_ptr<HttpStream>> streams = m_streams;
    for (const std::shared_ptr<HttpStream> &stream : streams)
        stream->send(chunk);
}

void EventStreamHub::closeAll()
{
    const QList<std::shared_ptr<HttpStream>> streams = std::exchange(m_streams, {});
    for (const std::shared_ptr<HttpStream> &stream : streams) {
        stream->setClosedHandler({});
        stream->end();
    }
    m_keepAlive.stop();
}

} // namespace exeserver
