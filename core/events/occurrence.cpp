#include "events/occurrence.h"

#include "events/payloadfields.h"

namespace exeserver {

namespace {

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
    return key(eventName, payload::JsonFields(payload));
}

QString Occurrence::key(const QString &eventName, const payload::FieldReader &payload)
{
    using L = QLatin1StringView;
    const QString repository = payload.text(L("repository"), L("full_name"));
    const QString action = payload.text(L("action"));
    auto key = [&](const QStringList &parts) -> QString {
        for (const QString &part : parts) {
            if (part.isEmpty())
                return {};
        }
        return eventName + QLatin1Char(':') + repository + QLatin1Char(':') + parts.join(QLatin1Char(':'));
    };
    if (repository.isEmpty())
        return {};

    // A push is identified by the ref it moved and the commits it moved it from and to; the same
    // (ref, before, after) cannot happen twice without a force-push back and forth, which the before
    // sha distinguishes too except in a cycle — documented.
    if (eventName == L("push"))
        return key({payload.text(L("ref")), payload.text(L("before")), payload.text(L("after"))});
    // A run attempt passes each of the webhook's three actions once. The poller maps the Actions API's
    // statuses onto those actions and an absent run_attempt to 1, so both sides give the same parts.
    if (eventName == L("workflow_run")) {
        if (!isOneOf(action, {"requested", "in_progress", "completed"}))
            return {};
        const qint64 attempt = std::max<qint64>(1, payload.integer(L("workflow_run"), L("run_attempt")));
        return key({payload.id(L("workflow_run")), QString::number(attempt), action});
    }
    // Pull requests and issues: their id, the action and updated_at — but only for actions that cannot
    // happen twice within updated_at's one-second resolution. Adding two labels in one request sends two
    // `labeled` deliveries with the same updated_at, so those carry the label (or assignee) as well, and
    // without it get no key.
    if (eventName == L("pull_request") || eventName == L("issues")) {
        const L subject = eventName == L("issues") ? L("issue") : L("pull_request");
        QStringList parts{payload.id(subject), action, payload.text(subject, L("updated_at"))};
        if (isOneOf(action, {"labeled", "unlabeled"}))
            parts << payload.text(L("label"), L("name"));
        else if (isOneOf(action, {"assigned", "unassigned"}))
            parts << payload.text(L("assignee"), L("login"));
        else if (!isOneOf(action, {"opened", "closed", "reopened"}))
            return {};
        return key(parts);
    }
    // Comments are created and deleted once; edits can repeat within a second, so they get no key.
    if ((eventName == L("issue_comment") || eventName == L("pull_request_review_comment")) &&
        isOneOf(action, {"created", "deleted"}))
        return key({payload.id(L("comment")), action});
    // Objects created once, with an action that happens once per object.
    if (eventName == L("commit_comment") && action == L("created"))
        return key({payload.id(L("comment")), action});
    if (eventName == L("pull_request_review") && action == L("submitted"))
        return key({payload.id(L("review")), action});
    if (eventName == L("release") && action == L("published"))
        return key({payload.id(L("release")), action});
    if (eventName == L("fork"))
        return key({payload.id(L("forkee"))});
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
