#include "referencenormalizer.h"

#include "events/eventnormalizer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace exeserver::testing {

namespace {

QString stringAt(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1StringView(key)).toString();
}

QDateTime parseTime(const QJsonValue &value)
{
    if (!value.isString())
        return {};
    QDateTime when = QDateTime::fromString(value.toString(), Qt::ISODate);
    return when.isValid() ? when.toUTC() : QDateTime();
}

const char *const kSubjectKeys[] = {
    "comment",      "review",           "pull_request", "issue",          "release",           "discussion",
    "workflow_run", "workflow_job",     "check_run",    "check_suite",    "deployment_status", "deployment",
    "alert",        "milestone",        "project_card", "project_column", "project",           "package",
    "merge_group",  "projects_v2_item", "forkee",       "sponsorship",
};

QDateTime occurredAt(const QJsonObject &payload)
{
    if (QDateTime when = parseTime(
            payload.value(QLatin1StringView("head_commit")).toObject().value(QLatin1StringView("timestamp")));
        when.isValid())
        return when;
    if (QDateTime when = parseTime(payload.value(QLatin1StringView("starred_at"))); when.isValid())
        return when;
    for (const char *key : kSubjectKeys) {
        const QJsonObject subject = payload.value(QLatin1StringView(key)).toObject();
        if (subject.isEmpty())
            continue;
        for (const char *field : {"updated_at", "completed_at", "started_at", "submitted_at", "created_at"}) {
            if (QDateTime when = parseTime(subject.value(QLatin1StringView(field))); when.isValid())
                return when;
        }
    }
    return {};
}

QString stringOf(const QJsonObject &object, QLatin1StringView key)
{
    return object.value(key).toString();
}

QString idText(const QJsonValue &value)
{
    if (value.isDouble())
        return QString::number(value.toInteger());
    return value.toString();
}

bool isOneOf(const QString &action, std::initializer_list<const char *> actions)
{
    for (const char *candidate : actions) {
        if (action == QLatin1StringView(candidate))
            return true;
    }
    return false;
}
// Occurrence::key as it read the tree before FieldReader.
QString occurrenceKey(const QString &eventName, const QJsonObject &payload)
{
    const QString repository =
        stringOf(payload.value(QLatin1StringView("repository")).toObject(), QLatin1StringView("full_name"));
    const QString action = stringOf(payload, QLatin1StringView("action"));
    auto key = [&](const QStringList &parts) -> QString {
        for (const QString &part : parts) {
            if (part.isEmpty())
                return {};
        }
        return eventName + QLatin1Char(':') + repository + QLatin1Char(':') + parts.join(QLatin1Char(':'));
    };
    if (repository.isEmpty())
        return {};
    auto object = [&](const char *name) { return payload.value(QLatin1StringView(name)).toObject(); };
    auto updated = [](const QJsonObject &o) { return stringOf(o, QLatin1StringView("updated_at")); };
    auto id = [](const QJsonObject &o) { return idText(o.value(QLatin1StringView("id"))); };

    // A push is identified by the ref it moved and the commits it moved it from and to; the same
    // (ref, before, after) cannot happen twice without a force-push back and forth, which the before
    // sha distinguishes too except in a cycle — documented.
    if (eventName == QLatin1StringView("push"))
        return key({stringOf(payload, QLatin1StringView("ref")),
                    stringOf(payload, QLatin1StringView("before")),
                    stringOf(payload, QLatin1StringView("after"))});
    // A run attempt passes each of the webhook's three actions once. The poller maps the Actions API's
    // statuses onto those actions and an absent run_attempt to 1, so both sides give the same parts.
    if (eventName == QLatin1StringView("workflow_run")) {
        if (!isOneOf(action, {"requested", "in_progress", "completed"}))
            return {};
        const QJsonObject run = object("workflow_run");
        const qint64 attempt = std::max<qint64>(1, run.value(QLatin1StringView("run_attempt")).toInteger());
        return key({id(run), QString::number(attempt), action});
    }
    // Pull requests and issues: their id, the action and updated_at — but only for actions that cannot
    // happen twice within updated_at's one-second resolution. Adding two labels in one request sends two
    // `labeled` deliveries with the same updated_at, so those carry the label (or assignee) as well, and
    // without it get no key.
    if (eventName == QLatin1StringView("pull_request") || eventName == QLatin1StringView("issues")) {
        const QJsonObject subject =
            object(eventName == QLatin1StringView("issues") ? "issue" : "pull_request");
        QStringList parts{id(subject), action, updated(subject)};
        if (isOneOf(action, {"labeled", "unlabeled"}))
            parts << stringOf(object("label"), QLatin1StringView("name"));
        else if (isOneOf(action, {"assigned", "unassigned"}))
            parts << stringOf(object("assignee"), QLatin1StringView("login"));
        else if (!isOneOf(action, {"opened", "closed", "reopened"}))
            return {};
        return key(parts);
    }
    // Comments are created and deleted once; edits can repeat within a second, so they get no key.
    if ((eventName == QLatin1StringView("issue_comment") ||
         eventName == QLatin1StringView("pull_request_review_comment")) &&
        isOneOf(action, {"created", "deleted"}))
        return key({id(object("comment")), action});
    // Objects created once, with an action that happens once per object.
    if (eventName == QLatin1StringView("commit_comment") && action == QLatin1StringView("created"))
        return key({id(object("comment")), action});
    if (eventName == QLatin1StringView("pull_request_review") && action == QLatin1StringView("submitted"))
        return key({id(object("review")), action});
    if (eventName == QLatin1StringView("release") && action == QLatin1StringView("published"))
        return key({id(object("release")), action});
    if (eventName == QLatin1StringView("fork"))
        return key({id(object("forkee"))});
    return {};
}

} // namespace

Result<NormalizedEvent> referenceFromWebhook(const QString &eventName, const QString &deliveryId,
                                             const QByteArray &body, const QDateTime &receivedAt,
                                             const QByteArray &contentType)
{
    if (eventName.trimmed().isEmpty())
        return Error{QStringLiteral("missing_event"), QStringLiteral("no event"), 400};
    QByteArray json = body;
    if (contentType.trimmed().toLower().startsWith("application/x-www-form-urlencoded")) {
        const QUrlQuery form(QString::fromUtf8(body));
        json = form.queryItemValue(QStringLiteral("payload"), QUrl::FullyDecoded).toUtf8();
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return Error{QStringLiteral("malformed_json"), parseError.errorString(), 400};
    const QJsonObject payload = document.object();

    NormalizedEvent event;
    event.name = eventName.trimmed();
    event.source = EventSource::Webhook;
    event.payload = json;
    event.receivedAt = receivedAt.toUTC();
    event.occurredAt = occurredAt(payload);
    event.id = deliveryId.trimmed().isEmpty() ? EventNormalizer::contentHashId(event.name, json)
                                              : deliveryId.trimmed();
    event.action = stringAt(payload, "action");
    event.repository = stringAt(payload.value(QLatin1StringView("repository")).toObject(), "full_name");
    event.sender = stringAt(payload.value(QLatin1StringView("sender")).toObject(), "login");
    event.dedupeKey = occurrenceKey(event.name, payload);
    return event;
}

QString firstDifference(const NormalizedEvent &a, const NormalizedEvent &b)
{
    const auto show = [](const char *field, const QString &x, const QString &y) {
        return QStringLiteral("%1: \"%2\" vs \"%3\"").arg(QLatin1StringView(field), x, y);
    };
    if (a.id != b.id)
        return show("id", a.id, b.id);
    if (a.name != b.name)
        return show("name", a.name, b.name);
    if (a.action != b.action)
        return show("action", a.action, b.action);
    if (a.repository != b.repository)
        return show("repository", a.repository, b.repository);
    if (a.sender != b.sender)
        return show("sender", a.sender, b.sender);
    if (a.occurredAt != b.occurredAt || a.occurredAt.timeSpec() != b.occurredAt.timeSpec())
        return show("occurredAt", a.occurredAt.toString(Qt::ISODateWithMs),
                    b.occurredAt.toString(Qt::ISODateWithMs));
    if (a.receivedAt != b.receivedAt)
        return show("receivedAt", a.receivedAt.toString(Qt::ISODate), b.receivedAt.toString(Qt::ISODate));
    if (a.dedupeKey != b.dedupeKey)
        return show("dedupeKey", a.dedupeKey, b.dedupeKey);
    if (a.payload != b.payload)
        return QStringLiteral("payload differs");
    if (a.source != b.source)
        return show("source", toString(a.source), toString(b.source));
    return {};
}

} // namespace exeserver::testing
