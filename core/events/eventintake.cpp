#include "events/eventintake.h"

#include "config/logging.h"
#include "events/eventnormalizer.h"
#include "events/webhooksignature.h"
#include "util/clock.h"

#include <QMetaObject>

namespace exeserver {

EventIntake::EventIntake(EventSink &sink, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_sink(sink)
    , m_clock(clock)
{
    // A journalled sink stores later: its events are announced when they reach the store, not when stored.
    m_sink.setCommittedHandler([this](const QList<NormalizedEvent> &events) {
        for (const NormalizedEvent &event : events)
            Q_EMIT eventAccepted(event);
    });
}

// Deliveries still held are stored and answered: their senders are waiting (and the sink outlives us).
EventIntake::~EventIntake()
{
    flush();
    m_sink.setCommittedHandler({});
}

IntakeOutcome EventIntake::reject(int status, const QString &reason, const WebhookDelivery &delivery)
{
    return reject(status, reason, delivery.source, delivery.deliveryId, delivery.eventName);
}

IntakeOutcome EventIntake::reject(int status, const QString &reason, EventSource source,
                                  const QString &deliveryId, const QString &eventName)
{
    ++m_rejected;
    // Log the delivery id, never the body or the signature.
    qCInfo(lcEvents).noquote() << "rejected" << toString(source) << "delivery" << deliveryId << "event"
                               << eventName << "status" << status << reason;
    Q_EMIT deliveryRejected(status, reason);
    IntakeOutcome outcome;
    outcome.kind = IntakeOutcome::Kind::Rejected;
    outcome.httpStatus = status;
    outcome.message = reason;
    outcome.eventName = eventName;
    return outcome;
}

std::variant<NormalizedEvent, IntakeOutcome> EventIntake::prepare(const WebhookDelivery &delivery)
{
    // Authenticate before parsing: an unsigned body is never looked at.
    if (hasSecret()) {
        if (delivery.signature.isEmpty())
            return reject(401, QStringLiteral("Missing X-Hub-Signature-256 header."), delivery);
        if (!WebhookSignature::verify(m_secret, delivery.body, delivery.signature))
            return reject(401,
                          QStringLiteral("X-Hub-Signature-256 does not match the body for the configured "
                                         "webhook secret."),
                          delivery);
    }

    Result<NormalizedEvent> normalized = EventNormalizer::fromWebhook(
        delivery.eventName, delivery.deliveryId, delivery.body, m_clock.now(), delivery.contentType);
    if (!normalized)
        return reject(normalized.error().httpStatus ? normalized.error().httpStatus : 400,
                      normalized.error().message, delivery);
    NormalizedEvent event = std::move(normalized).value();
    event.source = delivery.source;
    return event;
}

IntakeOutcome EventIntake::outcomeOf(const NormalizedEvent &event, const Result<EventSink::Outcome> &stored)
{
    if (!stored)
        return reject(500, QStringLiteral("Could not store the event: %1").arg(stored.error().message),
                      event.source, event.id, event.name);

    IntakeOutcome outcome;
    outcome.eventId = event.id;
    outcome.eventName = event.name;
    if (*stored == EventSink::Outcome::Duplicate) {
        // GitHub's redelivery, or the same event through another source: success for the sender, but
        // triggers already ran for the first copy.
        ++m_duplicates;
        outcome.kind = IntakeOutcome::Kind::Duplicate;
        outcome.httpStatus = 200;
        outcome.message = QStringLiteral("Already received.");
        qCDebug(lcEvents).noquote() << "duplicate" << event.name << event.id;
        return outcome;
    }
    ++m_stored;
    outcome.kind = IntakeOutcome::Kind::Stored;
    outcome.httpStatus = event.name == QLatin1StringView("ping") ? 200 : 202;
    outcome.message =
        event.name == QLatin1StringView("ping") ? QStringLiteral("pong") : QStringLiteral("Stored.");
    qCDebug(lcEvents).noquote() << "stored" << toString(event.source) << event.name << event.action
                                << event.repository << event.id;
    if (!m_sink.announcesCommits())
        QMetaObject::invokeMethod(
            this, [this, event]() { Q_EMIT eventAccepted(event); }, Qt::QueuedConnection);
    return outcome;
}

QList<IntakeOutcome> EventIntake::store(const QList<NormalizedEvent> &events)
{
    const QList<Result<EventSink::Outcome>> stored = m_sink.acceptAll(events);
    QList<IntakeOutcome> outcomes;
    outcomes.reserve(events.size());
    Q_ASSERT(stored.size() == events.size());
    for (qsizetype i = 0; i < events.size(); ++i)
        outcomes.append(outcomeOf(events[i], stored[i]));
    return outcomes;
}

IntakeOutcome EventIntake::process(const WebhookDelivery &delivery)
{
    std::variant<NormalizedEvent, IntakeOutcome> prepared = prepare(delivery);
    if (IntakeOutcome *refused = std::get_if<IntakeOutcome>(&prepared))
        return *refused;
    return store({std::get<NormalizedEvent>(std::move(prepared))}).first();
}

void EventIntake::submit(const WebhookDelivery &delivery, Answer answer)
{
    std::variant<NormalizedEvent, IntakeOutcome> prepared = prepare(delivery);
    if (IntakeOutcome *refused = std::get_if<IntakeOutcome>(&prepared)) {
        answer(*refused);
        return;
    }
    // Posted, not timed: it runs once the event loop has read every request that is ready now.
    if (m_pending.isEmpty())
        QMetaObject::invokeMethod(this, &EventIntake::flush, Qt::QueuedConnection);
    m_pending.append({std::get<NormalizedEvent>(std::move(prepared)), std::move(answer)});
}

void EventIntake::flush()
{
    if (m_pending.isEmpty())
        return;
    const QList<Pending> batch = std::exchange(m_pending, {});
    QList<NormalizedEvent> events;
    events.reserve(batch.size());
    for (const Pending &pending : batch)
        events.append(pending.event);
    const QList<IntakeOutcome> outcomes = store(events);
    // Answered only now, after the commit: an acknowledged delivery is never lost to a crash.
    for (qsizetype i = 0; i < batch.size(); ++i)
        batch[i].answer(outcomes[i]);
}

} // namespace exeserver
