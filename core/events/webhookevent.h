#pragma once

#include "events/event.h"
#include "util/result.h"

namespace exeserver {

// Builds an Event from a webhook body and the two headers ExeServer keeps (X-GitHub-Event and
// X-GitHub-Delivery): action, repository and sender come from the payload, the time from the payload's
// most specific timestamp, the id from the delivery or, without one, from a hash of type and body.
// Refuses a body that is not a JSON object.
Result<Event> eventFromWebhook(const QString &eventName, const QString &deliveryId, const QByteArray &payload,
                               const QDateTime &receivedAt, const QString &source = eventsource::Webhook);

} // namespace exeserver
