#include "events/eventsummary.h"

#include <QJsonArray>

namespace exeserver {

namespace {

QString firstLine(const QString &text)
{
    const qsizetype end = text.indexOf(QLatin1Char('\n'));
    return (end < 0 ? text : text.left(end)).trimmed();
}

QString field(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String(key)).toString();
}

QString titled(const QJsonObject &item)
{
    const QString title = field(item, "title");
    const int number = item.value(QStringLiteral("number")).toInt();
    return number > 0 ? QStringLiteral("#%1 %2").arg(number).arg(firstLine(title)) : firstLine(title);
}

QString pushSummary(const QJsonObject &payload)
{
    QString message =
        payload.value(QStringLiteral("head_commit")).toObject().value(QStringLiteral("message")).toString();
    if (message.isEmpty()) {
        const QJsonArray commits = payload.value(QStringLiteral("commits")).toArray();
        if (!commits.isEmpty())
            message = commits.last().toObject().value(QStringLiteral("message")).toString();
    }
    const QString ref = field(payload, "ref").section(QLatin1Char('/'), 2);
    if (message.isEmpty())
        return ref;
    return ref.isEmpty() ? firstLine(message) : QStringLiteral("%1: %2").arg(ref, firstLine(message));
}

} // namespace

QString eventSummary(const QString &type, const QJsonObject &payload)
{
    if (type == QLatin1String("push"))
        return pushSummary(payload);
    if (type == QLatin1String("workflow_run") || type == QLatin1String("workflow_job") ||
        type == QLatin1String("check_run") || type == QLatin1String("check_suite")) {
        const QJsonObject run = payload.value(type).toObject();
        const QString title = field(run, "display_title");
        QString text = field(run, "name");
        if (!title.isEmpty())
            text += QStringLiteral(" — ") + firstLine(title);
        const QString conclusion = field(run, "conclusion");
        if (!conclusion.isEmpty())
            text += QStringLiteral(" (%1)").arg(conclusion);
        return text;
    }
    if (type == QLatin1String("create") || type == QLatin1String("delete"))
        return QStringLiteral("%1 %2").arg(field(payload, "ref_type"), field(payload, "ref"));
    // Most others carry the thing they are about under a key: pull_request, issue, release, discussion...
    for (const char *key : {"pull_request", "issue", "discussion", "release", "milestone", "label"}) {
        const QJsonObject item = payload.value(QLatin1String(key)).toObject();
        if (item.isEmpty())
            continue;
        const QString text = titled(item);
        if (!text.isEmpty())
            return text;
        const QString name = field(item, "name");
        if (!name.isEmpty())
            return name;
        const QString tag = field(item, "tag_name");
        if (!tag.isEmpty())
            return tag;
    }
    const QJsonObject same = payload.value(type).toObject();
    for (const char *key : {"title", "name", "message"}) {
        const QString text = field(same, key);
        if (!text.isEmpty())
            return firstLine(text);
    }
    return {};
}

} // namespace exeserver
