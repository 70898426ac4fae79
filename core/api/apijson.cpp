#include "api/apijson.h"

#include <QJsonDocument>

namespace exeserver::apijson {

namespace {

QDateTime timeFrom(const QJsonValue &value)
{
    return QDateTime::fromString(value.toString(), Qt::ISODate);
}

std::optional<int> optionalInt(const QJsonValue &value)
{
    return value.isDouble() ? std::optional<int>(value.toInt()) : std::nullopt;
}

} // namespace

QString isoOrDash(const QDateTime &when)
{
    return when.isValid() ? when.toUTC().toString(Qt::ISODate) : QStringLiteral("-");
}

QJsonObject fromEvent(const Event &event, bool withPayload)
{
    QJsonObject object{{QStringLiteral("id"), event.id},
                       {QStringLiteral("type"), event.type},
                       {QStringLiteral("action"), event.action},
                       {QStringLiteral("repository"), event.repository},
                       {QStringLiteral("sender"), event.sender},
                       {QStringLiteral("source"), event.source},
                       {QStringLiteral("occurred_at"), isoOrDash(event.occurredAt)},
                       {QStringLiteral("received_at"), isoOrDash(event.receivedAt)}};
    if (withPayload)
        object.insert(QStringLiteral("payload"), QJsonDocument::fromJson(event.payload).object());
    return object;
}

Event toEvent(const QJsonObject &object)
{
    Event event;
    event.id = object.value(QStringLiteral("id")).toString();
    event.type = object.value(QStringLiteral("type")).toString();
    event.action = object.value(QStringLiteral("action")).toString();
    event.repository = object.value(QStringLiteral("repository")).toString();
    event.sender = object.value(QStringLiteral("sender")).toString();
    event.source = object.value(QStringLiteral("source")).toString();
    event.occurredAt = timeFrom(object.value(QStringLiteral("occurred_at")));
    event.receivedAt = timeFrom(object.value(QStringLiteral("received_at")));
    if (object.contains(QStringLiteral("payload")))
        event.payload =
            QJsonDocument(object.value(QStringLiteral("payload")).toObject()).toJson(QJsonDocument::Compact);
    return event;
}

QJsonObject fromAction(const ActionRecord &record)
{
    QJsonObject object{{QStringLiteral("id"), record.id},
                       {QStringLiteral("seq"), record.seq},
                       {QStringLiteral("kind"), toString(record.kind)},
                       {QStringLiteral("status"), toString(record.status)},
                       {QStringLiteral("target"), record.target},
                       {QStringLiteral("event_id"), record.eventId},
                       {QStringLiteral("trigger_id"), record.triggerId},
                       {QStringLiteral("requested_at"), isoOrDash(record.requestedAt)},
                       {QStringLiteral("started_at"), isoOrDash(record.startedAt)},
                       {QStringLiteral("finished_at"), isoOrDash(record.finishedAt)},
                       {QStringLiteral("output"), record.output},
                       {QStringLiteral("error"), record.error}};
    object.insert(QStringLiteral("exit_code"), record.exitCode ? QJsonValue(*record.exitCode) : QJsonValue());
    object.insert(QStringLiteral("http_status"),
                  record.httpStatus ? QJsonValue(*record.httpStatus) : QJsonValue());
    // A code file's GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, when it wrote any.
    if (!record.outputs.isEmpty())
        object.insert(QStringLiteral("outputs"), record.outputs);
    if (!record.summary.isEmpty())
        object.insert(QStringLiteral("summary"), record.summary);
    return object;
}

ActionRecord toAction(const QJsonObject &object)
{
    ActionRecord record;
    record.id = object.value(QStringLiteral("id")).toString();
    record.seq = object.value(QStringLiteral("seq")).toInteger();
    record.kind =
        actionKindFromString(object.value(QStringLiteral("kind")).toString()).value_or(ActionKind::Notify);
    record.status = actionStatusFromString(object.value(QStringLiteral("status")).toString())
                        .value_or(ActionStatus::Queued);
    record.target = object.value(QStringLiteral("target")).toString();
    record.eventId = object.value(QStringLiteral("event_id")).toString();
    record.triggerId = object.value(QStringLiteral("trigger_id")).toString();
    record.requestedAt = timeFrom(object.value(QStringLiteral("requested_at")));
    record.startedAt = timeFrom(object.value(QStringLiteral("started_at")));
    record.finishedAt = timeFrom(object.value(QStringLiteral("finished_at")));
    record.output = object.value(QStringLiteral("output")).toString();
    record.error = object.value(QStringLiteral("error")).toString();
    record.exitCode = optionalInt(object.value(QStringLiteral("exit_code")));
    record.httpStatus = optionalInt(object.value(QStringLiteral("http_status")));
    record.outputs = object.value(QStringLiteral("outputs")).toObject();
    record.summary = object.value(QStringLiteral("summary")).toString();
    return record;
}

} // namespace exeserver::apijson
