#pragma once

#include "events/normalizedevent.h"
#include "util/result.h"

#include <QJsonObject>

namespace exeserver {

// Turns what GitHub sends — a webhook delivery or an Events API item — into the one canonical event:
// webhook names and payload shapes, a stable id, and the fields triggers filter on. Pure functions.
class EventNormalizer
{
public:
    // A webhook delivery: X-GitHub-Event, X-GitHub-Delivery and the raw body (JSON, or the
    // application/x-www-form-urlencoded `payload=` form GitHub offers as an alternative). An empty
    // delivery id gets a content-hash id. Error kind "malformed_json" when the body is not a JSON object.
    static Result<NormalizedEvent> fromWebhook(const QString &eventName, const QString &deliveryId,
                                               const QByteArray &body, const QDateTime &receivedAt,
                                               const QByteArray &contentType = {});

    // One item of GET /repos/{o}/{r}/events (or /users/{u}/events, /orgs/{o}/events): the type mapped to
    // its webhook name, `payload` reshaped with `repository` and `sender` from `repo` and `actor`,
    // id "events-api:<id>", occurredAt from created_at.
    static Result<NormalizedEvent> fromEventsApi(const QJsonObject &item, const QDateTime &receivedAt);

    // An event ingested by hand: id is "sha256:" + hex SHA-256 of name and payload, so ingesting the same
    // file twice is a duplicate.
    static Result<NormalizedEvent> fromManual(const QString &eventName, const QByteArray &payload,
                                              const QDateTime &receivedAt);

    // "PushEvent" → "push", "WatchEvent" → "watch", "PullRequestReviewCommentEvent" →
    // "pull_request_review_comment". Types GitHub has not documented are converted by the same rule.
    static QString webhookNameForEventsApiType(const QString &type);

    // A key equal for the webhook delivery and the Events API item of one GitHub event, for the event
    // types where the payload identifies the event itself (not just the object it happened to). Empty
    // otherwise. See "Event ids and duplicates" in docs/ARCHITECTURE.md.
    static QString dedupeKey(const QString &eventName, const QJsonObject &payload);
    // The event types dedupeKey() can give a key to; for every other type it is always empty.
    static QStringList dedupeKeyTypes();

    static QString contentHashId(const QString &eventName, const QByteArray &payload);

private:
    static void fillCommonFields(NormalizedEvent &event, const QJsonObject &payload);
};

} // namespace exeserver
