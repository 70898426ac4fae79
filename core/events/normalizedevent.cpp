#include "events/normalizedevent.h"

namespace exeserver {

QString toString(EventSource source)
{
    switch (source) {
    case EventSource::Webhook:
        return QStringLiteral("webhook");
    case EventSource::Relay:
        return QStringLiteral("relay");
    case EventSource::EventsApi:
        return QStringLiteral("events-api");
    case EventSource::Manual:
        return QStringLiteral("manual");
    }
    return QStringLiteral("unknown");
}

} // namespace exeserver
