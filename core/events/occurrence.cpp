#include "events/occurrence.h"

#include "events/payloadfields.h"

namespace exeserver {

namespace {

using payload::idText;
using payload::stringAt;

bool isOneOf(const QString &action, std::initializer_list<const char *> actions)
{
    for (const char *candidate : actions) {
        if (action == QLatin1StringView(candidate))
            return true;
    }
    return false;
}

} // namespace

QString Occurrence::key(const QString &eventName, const QJsonObject &payload)
{
    const QString repository =
        stringAt(payload.value(QLatin1StringView("repository")).toObject(), QLatin1StringView("full_name"));
    const QString action = stringAt(payload, QLatin1StringView("action"));
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
    auto updated = [](const QJsonObject &o) { return stringAt(o, QLatin1StringView("updated_at")); };
    auto id = [](const QJsonObject &o) { return idText(o.value(QLatin1StringView("id"))); };

    // A push is identified by the ref it moved and the commits it moved it from and to; the same
    // (ref, before, after) cannot happen twice without a force-push back and forth, which the before
    // sha distinguishes too except in a cycle — documented.
    if (eventName == QLatin1StringView("push"))
        return key({stringAt(payload, QLatin1StringView("ref")),
                    stringAt(payload, QLatin1StringView("before")),
                    stringAt(payload, QLatin1StringView("after"))});
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
            parts << stringAt(object("label"), QLatin1StringView("name"));
        else if (isOneOf(action, {"assigned", "unassigned"}))
            parts << stringAt(object("assignee"), QLatin1StringView("login"));
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

QStringList Occurrence::keyedTypes()
{
    return {QStringLiteral("push"),           QStringLiteral("workflow_run"),
            QStringLiteral("pull_request"),   QStringLiteral("issues"),
            QStringLiteral("issue_comment"),  QStringLiteral("pull_request_review_comment"),
            QStringLiteral("commit_comment"), QStringLiteral("pull_request_review"),
            QStringLiteral("release"),        QStringLiteral("fork")};
}

QString Occurrence::claimKey(const QString &eventName, const QJsonObject &payload, const QString &eventId)
{
    const QString occurrence = key(eventName, payload);
    return occurrence.isEmpty() ? QStringLiteral("id:") + eventId : occurrence;
}

} // namespace exeserver
