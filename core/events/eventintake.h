#pragma once

#include "events/eventsink.h"
#include "events/normalizedevent.h"

#include <QObject>

namespace exeserver {

class Clock;

// One webhook delivery as it reached us, from GitHub directly or through a relay.
struct WebhookDelivery
{
    QString eventName;      // X-GitHub-Event
    QString deliveryId;     // X-GitHub-Delivery
    QByteArray signature;   // X-Hub-Signature-256
    QByteArray contentType; // Content-Type
    QByteArray body;        // exactly the bytes that were signed
    EventSource source = EventSource::Webhook;
};

// What became of a delivery; the receiver turns it into the HTTP answer.
struct IntakeOutcome
{
    enum class Kind
    {
        Stored,
        Duplicate,
        Rejected
    };
    Kind kind = Kind::Rejected;
    int httpStatus = 500;
    QString message; // for the sender and the log; never contains the secret or the body
    QString eventId;
    QString eventName;
};

// The pipeline every delivery goes through, whatever carried it: verify the signature, normalise, store
// through the sink, then announce the event — once, and only after it is stored — for triggers.
class EventIntake : public QObject
{
    Q_OBJECT
public:
    EventIntake(EventSink &sink, const Clock &clock, QObject *parent = nullptr);

    // Without a secret, signatures are not checked (the receiver allows that only on loopback).
    void setSecret(const QByteArray &secret) { m_secret = secret; }
    bool hasSecret() const { return !m_secret.isEmpty(); }

    // Synchronous up to and including storage, so the caller can answer with the outcome;
    // eventAccepted is emitted later from the event loop, so triggers never delay the answer.
    IntakeOutcome process(const WebhookDelivery &delivery);

    int storedCount() const { return m_stored; }
    int duplicateCount() const { return m_duplicates; }
    int rejectedCount() const { return m_rejected; }

Q_SIGNALS:
    void eventAccepted(const exeserver::NormalizedEvent &event);
    void deliveryRejected(int httpStatus, const QString &reason);

private:
    IntakeOutcome reject(int status, const QString &reason, const WebhookDelivery &delivery);

    EventSink &m_sink;
    const Clock &m_clock;
    QByteArray m_secret;
    int m_stored = 0;
    int m_duplicates = 0;
    int m_rejected = 0;
};

} // namespace exeserver
