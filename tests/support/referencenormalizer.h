#pragma once

#include "events/normalizedevent.h"
#include "util/result.h"

namespace exeserver::testing {

// The webhook normaliser as it was before the byte scan (EventNormalizer::fromWebhook): the body parsed
// into a QJsonDocument and the fields read from the tree. The tests and the normaliser's fuzzer check the
// scan against it field by field.
Result<NormalizedEvent> referenceFromWebhook(const QString &eventName, const QString &deliveryId,
                                             const QByteArray &body, const QDateTime &receivedAt,
                                             const QByteArray &contentType = {});

// The first field that differs between two events ("" when none does), for a readable failure.
QString firstDifference(const NormalizedEvent &a, const NormalizedEvent &b);

} // namespace exeserver::testing
