#include "events/event.h"

namespace exeserver {

// Defined here, not inline in the header: one initialiser in the program instead of one per file that
// includes event.h.
namespace eventsource {
const QString Webhook = QStringLiteral("webhook");
const QString Relay = QStringLiteral("relay");
const QString Poll = QStringLiteral("poll");
const QString Manual = QStringLiteral("manual");
} // namespace eventsource

} // namespace exeserver
