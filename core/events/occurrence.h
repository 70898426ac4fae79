#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace exeserver {

namespace payload {
class FieldReader;
}

// The source-independent identity of one GitHub occurrence: equal for the webhook delivery, the Events API
// item and the poller's workflow_run of the same thing, whose event ids all differ. The one definition
// behind local dedupe (the store's event_keys) and team claims (TriggerClaims).
class Occurrence
{
public:
    // Empty where the payload does not identify the occurrence itself (an edit, a star, ...), or a
    // field the key needs is missing. See docs/ARCHITECTURE.md, "Ids and what can be matched".
    static QString key(const QString &eventName, const QJsonObject &payload);
    // The same over a webhook body's scan (payload::ScannedFields) or any other reader of its fields.
    static QString key(const QString &eventName, const payload::FieldReader &payload);
    // The event types key() can give a key to; for every other type it is always empty. The store
    // backfills keys for these types when a migration adds one.
    static QStringList keyedTypes();
    // What a team claims a firing by: key(), or "id:" + the event id for an event without one (only
    // copies of the same delivery — a redelivery, or one webhook seen by two desks — share that).
    static QString claimKey(const QString &eventName, const QJsonObject &payload, const QString &eventId);
};

} // namespace exeserver
