#pragma once

#include "events/normalizedevent.h"
#include "util/result.h"

#include <QJsonObject>

namespace exeserver {

namespace payload {
class FieldReader;
class ScannedFields;
} // namespace payload

// Turns what GitHub sends — a webhook delivery or an Events API item — into the one canonical event:
// webhook names and payload shapes, a stable id, and the fields triggers filter on. Pure functions.
class EventNormalizer
{
public:
    // A webhook delivery: X-GitHub-Event, X-GitHub-Delivery and the raw body (JSON, or the
    // application/x-www-form-urlencoded `payload=` form GitHub offers as an alternative). An empty
    // delivery id gets a content-hash id. Error kind "malformed_json" when the body is not a JSON object.
    // Reads the body in one validating pass (json::Scanner) that keeps only the fields it needs.
    static Result<NormalizedEvent> fromWebhook(const QString &eventName, const QString &deliveryId,
                                               const QByteArray &body, const QDateTime &receivedAt,
                                               const QByteArray &contentType = {});

    // One item of GET /repos/{o}/{r}/events (or /users/{u}/events, /orgs/{o}/events): the type mapped to
    // its webhook name, `payload` reshaped with `repository` and `sender` from `repo` and `actor`,
    // id "events-api:<id>", occurredAt from created_at.
    // The same from a JSON body already scanned into `fields` (by scanPayload with fields, which also
    // yields the store's search text), for one pass shared by normalising and storing.
    static NormalizedEvent fromScannedWebhook(const QString &eventName, const QString &deliveryId,
                                              const QByteArray &json, const payload::ScannedFields &fields,
                                              const QDateTime &receivedAt);

    static Result<NormalizedEvent> fromEventsApi(const QJsonObject &item, const QDateTime &receivedAt);

    // One run of GET /repos/{o}/{r}/actions/runs as the workflow_run webhook of its current status would
    // carry it (queued, waiting and pending are `requested`), id
    // "poll:workflow_run:<run>:<action>:<attempt>". `repository` ("owner/name") fills the run's
    // repository.full_name when the item lacks it.
    static NormalizedEvent fromWorkflowRun(const QJsonObject &run, const QString &repository,
                                           const QDateTime &receivedAt);

    // An event ingested by hand: id is "sha256:" + hex SHA-256 of name and payload, so ingesting the same
    // file twice is a duplicate.
    static Result<NormalizedEvent> fromManual(const QString &eventName, const QByteArray &payload,
                                              const QDateTime &receivedAt);

    // "PushEvent" → "push", "WatchEvent" → "watch", "PullRequestReviewCommentEvent" →
    // "pull_request_review_comment". Types GitHub has not documented are converted by the same rule.
    static QString webhookNameForEventsApiType(const QString &type);

    static QString contentHashId(const QString &eventName, const QByteArray &payload);

private:
    static void fillCommonFields(NormalizedEvent &event, const payload::FieldReader &payload);
};

} // namespace exeserver
