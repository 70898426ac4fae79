#pragma once

#include "net/httpmessage.h"

#include <QJsonObject>
#include <QList>
#include <QTimer>

#include <memory>

namespace exeserver {

class HttpStream;

// The subscribers of GET /api/v1/stream: each gets every broadcast as one Server-Sent Event, written to
// its socket at once (no polling, so a new event reaches them within a few milliseconds of intake). A
// comment line every `keepAlive` keeps proxies and idle timers from closing a quiet stream.
class EventStreamHub : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxSubscribers = 32;

    explicit EventStreamHub(std::chrono::milliseconds keepAlive = std::chrono::seconds(15),
                            QObject *parent = nullptr);
    ~EventStreamHub() override;

    // The answer that opens a stream, or 503 when kMaxSubscribers are already listening.
    HttpResponse subscribe();
    // "event: <name>\ndata: <json>\n\n" to every subscriber.
    void broadcast(const QString &name, const QJsonObject &data);
    int subscriberCount() const { return int(m_streams.size()); }
    void closeAll();

private:
    void sendToAll(const QByteArray &chunk);

    QList<std::shared_ptr<HttpStream>> m_streams;
    QTimer m_keepAlive;
};

} // namespace exeserver
