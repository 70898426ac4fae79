#pragma once

#include "events/sseparser.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace exeserver {

class EventIntake;

// Receives webhooks through a smee.io-style relay channel, for a desktop GitHub cannot reach: a
// Server-Sent Events stream whose messages carry the original headers ("x-github-event",
// "x-github-delivery", "x-hub-signature-256", ...) and the original body under "body". Each message goes
// through the same EventIntake as the receiver's deliveries (same signature check, same sink).
//
// The signature covers the bytes GitHub sent; smee forwards a parsed-and-reserialised body. We verify
// against a raw body when the relay provides one ("rawBody"/"raw_body" string), else against the "body"
// member's text as received, compacted (whitespace outside strings removed, key order kept). That equals
// GitHub's bytes whenever GitHub's JSON was compact and re-serialisation kept its escapes — true for the
// deliveries we have seen, not guaranteed; a mismatch is rejected (401 in the log), never let through.
class RelayClient : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int initialBackoffMs = 1000;
        int maxBackoffMs = 60 * 1000;
    };

    RelayClient(QNetworkAccessManager &network, EventIntake &intake, QObject *parent = nullptr);
    ~RelayClient() override;

    void setOptions(Options options) { m_options = options; }
    void start(const QUrl &channel);
    void stop();
    bool isConnected() const { return m_connected; }
    QUrl channel() const { return m_channel; }
    // The delay before the next reconnection attempt (doubles per failure, reset by a working stream).
    int nextBackoffMs() const { return m_backoffMs; }

    // The body to verify and store from one relay message; public for tests. Empty when there is none.
    static std::optional<QByteArray> bodyFromMessage(const QByteArray &data);

Q_SIGNALS:
    void connected();
    void disconnected(const QString &reason);
    void reconnectScheduled(int delayMs);
    void messageProcessed(int httpStatus, const QString &eventId);

private:
    void connectNow();
    void readStream();
    void streamFinished();
    void handleEvent(const SseEvent &event);

    QNetworkAccessManager &m_network;
    EventIntake &m_intake;
    Options m_options;
    QUrl m_channel;
    QPointer<QNetworkReply> m_reply;
    QTimer *m_reconnectTimer = nullptr;
    SseParser m_parser;
    bool m_running = false;
    bool m_connected = false;
    int m_backoffMs = 0;
};

} // namespace exeserver
