#pragma once

#include "events/eventsink.h"
#include "events/normalizedevent.h"

#include <QObject>

#include <functional>
#include <variant>

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
    ~EventIntake() override;

    // Without a secret, signatures are not checked (the receiver allows that only on loopback).
    void setSecret(const QByteArray &secret) { m_secret = secret; }
    bool hasSecret() const { return !m_secret.isEmpty(); }

    // Called once with what became of a delivery: after its event is committed, never before.
    using Answer = std::function<void(const IntakeOutcome &)>;

    // Group commit: checks and normalises the delivery now (a refusal is answered at once) and stores it
    // with every other delivery submitted in the same event-loop turn, in one transaction, at the start
    // of the next turn. Deliveries that arrive together thus share one commit, and none waits for a timer.
    void submit(const WebhookDelivery &delivery, Answer answer);
    // Stores and answers what submit() holds now (the next turn does it anyway; the destructor too).
    void flush();
    qsizetype pendingCount() const { return m_pending.size(); }

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
    struct Pending
    {
        NormalizedEvent event;
        Answer answer;
    };

    // The checks before storage: the signature, then the normaliser. A refusal comes back as the outcome.
    std::variant<NormalizedEvent, IntakeOutcome> prepare(const WebhookDelivery &delivery);
    // Stores the events in one go (EventSink::acceptAll) and returns each one's outcome, in order.
    QList<IntakeOutcome> store(const QList<NormalizedEvent> &events);
    IntakeOutcome outcomeOf(const NormalizedEvent &event, const Result<EventSink::Outcome> &stored);
    IntakeOutcome reject(int status, const QString &reason, const WebhookDelivery &delivery);
    IntakeOutcome reject(int status, const QString &reason, EventSource source, const QString &deliveryId,
                         const QString &eventName);

    EventSink &m_sink;
    const Clock &m_clock;
    QByteArray m_secret;
    QList<Pending> m_pending;
    int m_stored = 0;
    int m_duplicates = 0;
    int m_rejected = 0;
};

} // namespace exeserver
