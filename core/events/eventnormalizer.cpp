#include "events/eventnormalizer.h"

#include "events/payloadfields.h"

#include "events/occurrence.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

#include <algorithm>

namespace exeserver {

namespace {

using payload::idText;
using payload::stringAt;

QDateTime parseTime(const QString &text)
{
    if (text.isEmpty())
        return {};
    QDateTime when = QDateTime::fromString(text, Qt::ISODate);
    return when.isValid() ? when.toUTC() : QDateTime();
}

QDateTime parseTime(const QJsonValue &value)
{
    return value.isString() ? parseTime(value.toString()) : QDateTime();
}

QDateTime occurredAt(const payload::FieldReader &payload)
{
    using L = QLatin1StringView;
    // A push says when its head commit was made; star when it was starred.
    if (QDateTime when = parseTime(payload.text(L("head_commit"), L("timestamp"))); when.isValid())
        return when;
    if (QDateTime when = parseTime(payload.text(L("starred_at"))); when.isValid())
        return when;
    for (const char *subject : payload::kSubjectKeys) {
        for (const char *field : payload::kSubjectTimeKeys) {
            if (QDateTime when = parseTime(payload.text(L(subject), L(field))); when.isValid())
                return when;
        }
    }
    return {};
}

// GitHub's "application/x-www-form-urlencoded" content type sends the JSON as the `payload` field.
bool isFormEncoded(const QByteArray &contentType)
{
    constexpr QByteArrayView kForm("application/x-www-form-urlencoded");
    const QByteArrayView type = QByteArrayView(contentType).trimmed();
    return type.size() >= kForm.size() && qstrnicmp(type.data(), kForm.data(), kForm.size()) == 0;
}

// GitHub's documented correspondence of Events API types to webhook names, where the general rule
// (drop "Event", CamelCase to snake_case) would give something else. WatchEvent is the `watch` webhook
// (action "started", sent when someone stars a repository), not the newer `star` webhook.
QString convertCamelCase(const QString &type)
{
    QString base = type;
    if (base.endsWith(QLatin1StringView("Event")) && base.size() > 5)
        base.chop(5);
    QString out;
    for (qsizetype i = 0; i < base.size(); ++i) {
        const QChar c = base.at(i);
        if (c.isUpper()) {
            if (i > 0)
                out += QLatin1Char('_');
            out += c.toLower();
        } else {
            out += c;
        }
    }
    return out;
}

QJsonObject repositoryFromEventsApi(const QJsonObject &repo)
{
    // The Events API's `repo` is {id, name: "owner/name", url}; a webhook's `repository` has full_name,
    // name and owner.login. Fill what can be derived; the rest is not in the item.
    const QString fullName = stringAt(repo, QLatin1StringView("name"));
    const QString owner = fullName.section(QLatin1Char('/'), 0, 0);
    QJsonObject repository{{QStringLiteral("id"), repo.value(QLatin1StringView("id"))},
                           {QStringLiteral("full_name"), fullName},
                           {QStringLiteral("name"), fullName.section(QLatin1Char('/'), 1)},
                           {QStringLiteral("url"), repo.value(QLatin1StringView("url"))}};
    if (!owner.isEmpty())
        repository.insert(QStringLiteral("owner"), QJsonObject{{QStringLiteral("login"), owner}});
    return repository;
}

QJsonObject senderFromEventsApi(const QJsonObject &actor)
{
    QJsonObject sender;
    for (const char *key : {"login", "id", "node_id", "avatar_url", "gravatar_id", "url", "type"}) {
        const QJsonValue value = actor.value(QLatin1StringView(key));
        if (!value.isUndefined())
            sender.insert(QLatin1StringView(key), value);
    }
    return sender;
}

// Reshapes an Events API payload onto the webhook payload of the same event, where the two differ.
void reshapePayload(const QString &name, QJsonObject &payload)
{
    if (name == QLatin1StringView("push")) {
        // Events API: `head`; webhook: `after`. Commits carry `sha` instead of `id`.
        if (!payload.contains(QLatin1StringView("after")) && payload.contains(QLatin1StringView("head")))
            payload.insert(QStringLiteral("after"), payload.value(QLatin1StringView("head")));
        QJsonArray commits = payload.value(QLatin1StringView("commits")).toArray();
        for (qsizetype i = 0; i < commits.size(); ++i) {
            QJsonObject commit = commits.at(i).toObject();
            if (!commit.contains(QLatin1StringView("id")) && commit.contains(QLatin1StringView("sha")))
                commit.insert(QStringLiteral("id"), commit.value(QLatin1StringView("sha")));
            commits.replace(i, commit);
        }
        if (!commits.isEmpty())
            payload.insert(QStringLiteral("commits"), commits);
    } else if (name == QLatin1StringView("pull_request_review")) {
        // The Events API reports a submitted review as "created"; the webhook says "submitted".
        if (stringAt(payload, QLatin1StringView("action")) == QLatin1StringView("created"))
            payload.insert(QStringLiteral("action"), QStringLiteral("submitted"));
    }
}

// workflow_run webhooks know three actions; the Actions API has more statuses.
QString runAction(const QString &status)
{
    if (status == QLatin1StringView("completed"))
        return QStringLiteral("completed");
    if (status == QLatin1StringView("in_progress"))
        return QStringLiteral("in_progress");
    return QStringLiteral("requested"); // queued, requested, waiting, pending
}

} // namespace

QString EventNormalizer::webhookNameForEventsApiType(const QString &type)
{
    return convertCamelCase(type);
}

QString EventNormalizer::contentHashId(const QString &eventName, const QByteArray &payload)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(eventName.toUtf8());
    hash.addData(QByteArrayView("\n"));
    hash.addData(payload);
    return QStringLiteral("sha256:") + QString::fromLatin1(hash.result().toHex());
}

void EventNormalizer::fillCommonFields(NormalizedEvent &event, const payload::FieldReader &payload)
{
    event.action = payload.text(QLatin1StringView("action"));
    event.repository = payload.text(QLatin1StringView("repository"), QLatin1StringView("full_name"));
    event.sender = payload.text(QLatin1StringView("sender"), QLatin1StringView("login"));
    event.dedupeKey = Occurrence::key(event.name, payload);
}

Result<NormalizedEvent> EventNormalizer::fromWebhook(const QString &eventName, const QString &deliveryId,
                                                     const QByteArray &body, const QDateTime &receivedAt,
                                                     const QByteArray &contentType)
{
    if (eventName.trimmed().isEmpty())
        return Error{
            QStringLiteral("missing_event"),
            QStringLiteral("The delivery has no X-GitHub-Event header, so its event type is unknown."), 400};
    QByteArray json = body;
    if (isFormEncoded(contentType)) {
        const QUrlQuery form(QString::fromUtf8(body));
        json = form.queryItemValue(QStringLiteral("payload"), QUrl::FullyDecoded).toUtf8();
    }
    // One validating pass over the bytes that keeps only the fields an event needs: no tree is built.
    payload::ScannedFields fields;
    json::Scanner scanner(json, fields);
    if (!scanner.run(true))
        return Error{QStringLiteral("malformed_json"),
                     QStringLiteral("The body is not valid JSON: %1.").arg(scanner.error()), 400};
    if (!fields.isObject())
        return Error{QStringLiteral("malformed_json"), QStringLiteral("The body is JSON but not an object."),
                     400};
    return fromScannedWebhook(eventName, deliveryId, json, fields, receivedAt);
}

NormalizedEvent EventNormalizer::fromScannedWebhook(const QString &eventName, const QString &deliveryId,
                                                    const QByteArray &json,
                                                    const payload::ScannedFields &fields,
                                                    const QDateTime &receivedAt)
{
    NormalizedEvent event;
    event.name = eventName.trimmed();
    event.source = EventSource::Webhook;
    event.payload = json;
    event.receivedAt = receivedAt.toUTC();
    event.occurredAt = occurredAt(fields);
    const QString id = deliveryId.trimmed();
    event.id = id.isEmpty() ? contentHashId(event.name, json) : id;
    fillCommonFields(event, fields);
    return event;
}

Result<NormalizedEvent> EventNormalizer::fromEventsApi(const QJsonObject &item, const QDateTime &receivedAt)
{
    const QString type = stringAt(item, QLatin1StringView("type"));
    const QString itemId = idText(item.value(QLatin1StringView("id")));
    if (type.isEmpty() || itemId.isEmpty())
        return Error{QStringLiteral("malformed_event"),
                     QStringLiteral("The Events API item has no type or id."), 0};

    NormalizedEvent event;
    event.name = webhookNameForEventsApiType(type);
    QJsonObject payload = item.value(QLatin1StringView("payload")).toObject();
    reshapePayload(event.name, payload);
    payload.insert(QStringLiteral("repository"),
                   repositoryFromEventsApi(item.value(QLatin1StringView("repo")).toObject()));
    payload.insert(QStringLiteral("sender"),
                   senderFromEventsApi(item.value(QLatin1StringView("actor")).toObject()));
    if (const QJsonObject org = item.value(QLatin1StringView("org")).toObject(); !org.isEmpty())
        payload.insert(QStringLiteral("organization"), org);

    event.id = QStringLiteral("events-api:") + itemId;
    event.source = EventSource::EventsApi;
    event.receivedAt = receivedAt.toUTC();
    event.occurredAt = parseTime(item.value(QLatin1StringView("created_at")));
    if (!event.occurredAt.isValid())
        event.occurredAt = occurredAt(payload::JsonFields(payload));
    event.payload = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    fillCommonFields(event, payload::JsonFields(payload));
    return event;
}

NormalizedEvent EventNormalizer::fromWorkflowRun(const QJsonObject &run, const QString &repository,
                                                 const QDateTime &receivedAt)
{
    const QString action = runAction(stringAt(run, QLatin1StringView("status")));
    const qint64 attempt = std::max<qint64>(1, run.value(QLatin1StringView("run_attempt")).toInteger());
    QJsonObject repositoryObject = run.value(QLatin1StringView("repository")).toObject();
    if (stringAt(repositoryObject, QLatin1StringView("full_name")).isEmpty())
        repositoryObject.insert(QStringLiteral("full_name"), repository);
    const QString sender =
        stringAt(run.value(QLatin1StringView("actor")).toObject(), QLatin1StringView("login"));
    const QJsonObject payload{{QStringLiteral("action"), action},
                              {QStringLiteral("workflow_run"), run},
                              {QStringLiteral("repository"), repositoryObject},
                              {QStringLiteral("sender"), QJsonObject{{QStringLiteral("login"), sender}}}};
    NormalizedEvent event;
    event.id = QStringLiteral("poll:workflow_run:%1:%2:%3")
                   .arg(idText(run.value(QLatin1StringView("id"))), action)
                   .arg(attempt);
    event.name = QStringLiteral("workflow_run");
    event.source = EventSource::EventsApi;
    event.receivedAt = receivedAt.toUTC();
    event.occurredAt = parseTime(run.value(QLatin1StringView("updated_at")));
    event.payload = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    fillCommonFields(event, payload::JsonFields(payload));
    return event;
}

Result<NormalizedEvent> EventNormalizer::fromManual(const QString &eventName, const QByteArray &payload,
                                                    const QDateTime &receivedAt)
{
    Result<NormalizedEvent> event = fromWebhook(eventName, QString(), payload, receivedAt);
    if (event)
        event.value().source = EventSource::Manual;
    return event;
}

} // namespace exeserver
