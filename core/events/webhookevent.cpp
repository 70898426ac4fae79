#include "events/webhookevent.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>

namespace exeserver {

namespace {

// The object whose timestamp says when the event happened, in the order GitHub's payloads use them.
QDateTime occurredAt(const QJsonObject &root, const QString &eventName)
{
    const QJsonObject subject = root.value(eventName).toObject();
    const QJsonObject headCommit = root.value(QStringLiteral("head_commit")).toObject();
    const QString candidates[] = {
        subject.value(QStringLiteral("updated_at")).toString(),
        subject.value(QStringLiteral("created_at")).toString(),
        headCommit.value(QStringLiteral("timestamp")).toString(),
        root.value(QStringLiteral("comment")).toObject().value(QStringLiteral("updated_at")).toString(),
        root.value(QStringLiteral("issue")).toObject().value(QStringLiteral("updated_at")).toString(),
    };
    for (const QString &text : candidates) {
        const QDateTime when = QDateTime::fromString(text, Qt::ISODate);
        if (when.isValid())
            return when.toUTC();
    }
    return {};
}

} // namespace

Result<Event> eventFromWebhook(const QString &eventName, const QString &deliveryId, const QByteArray &payload,
                               const QDateTime &receivedAt, const QString &source)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(payload, &parseError);
    if (!document.isObject())
        return Error{QStringLiteral("invalid_payload"),
                     QStringLiteral("The %1 payload is not a JSON object (%2).")
                         .arg(eventName, parseError.error == QJsonParseError::NoError
                                             ? QStringLiteral("not an object")
                                             : parseError.errorString())};
    if (eventName.isEmpty())
        return Error{QStringLiteral("invalid_event"),
                     QStringLiteral("The event name (X-GitHub-Event) is empty.")};
    const QJsonObject root = document.object();

    Event event;
    event.type = eventName;
    event.action = root.value(QStringLiteral("action")).toString();
    event.repository =
        root.value(QStringLiteral("repository")).toObject().value(QStringLiteral("full_name")).toString();
    event.sender = root.value(QStringLiteral("sender")).toObject().value(QStringLiteral("login")).toString();
    event.source = source;
    event.receivedAt = receivedAt.toUTC();
    event.occurredAt = occurredAt(root, eventName);
    if (!event.occurredAt.isValid())
        event.occurredAt = event.receivedAt;
    event.payload = payload;
    // Without a delivery id the same body delivered twice must still be one event.
    event.id = !deliveryId.isEmpty()
                   ? deliveryId
                   : QStringLiteral("sha256:") +
                         QString::fromLatin1(QCryptographicHash::hash(eventName.toUtf8() + '\n' + payload,
                                                                      QCryptographicHash::Sha256)
                                                 .toHex());
    return event;
}

} // namespace exeserver
