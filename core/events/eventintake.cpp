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
}

IntakeOutcome EventIntake::reject(int status, const QString &reason, const WebhookDelivery &delivery)
{
    ++m_rejected;
    // Log the delivery id, never the body or the signature.
    qCInfo(lcEvents).noquote() << "rejected" << toString(delivery.source) << "delivery" << delivery.deliveryId
                               << "event" << delivery.eventName << "status" << status << reason;
    Q_EMIT deliveryRejected(status, reason);
    IntakeOutcome outcome;
    outcome.kind = IntakeOutcome::Kind::Rejected;
    outcome.httpStatus = status;
    outcome.message = reason;
    outcome.eventName = delivery.eventName;
    return outcome;
}

IntakeOutcome EventIntake::process(const WebhookDelivery &delivery)
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

    const Result<EventSink::Outcome> stored = m_sink.accept(event);
    if (!stored)
        return reject(500, QStringLiteral("Could not store the event: %1").arg(stored.error().message),
                      delivery);

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
    QMetaObject::invokeMethod(
        this, [this, event = std::move(event)]() { Q_EMIT eventAccepted(event); }, Qt::QueuedConnection);
    return outcome;
}

} // namespace exeserver
