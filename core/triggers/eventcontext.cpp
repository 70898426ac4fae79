#include "triggers/eventcontext.h"

namespace exeserver {

namespace {

QJsonObject object(const QJsonObject &parent, QLatin1StringView key)
{
    return parent.value(key).toObject();
}

QString string(const QJsonObject &parent, QLatin1StringView key)
{
    return parent.value(key).toString();
}

} // namespace

EventContext EventContext::fromPayload(const QString &type, const QJsonObject &payload, const QString &id)
{
    EventContext e;
    e.id = id;
    e.type = type;
    e.payload = payload;
    e.action = string(payload, QLatin1StringView("action"));
    e.repository = string(object(payload, QLatin1StringView("repository")), QLatin1StringView("full_name"));
    const QJsonObject sender = object(payload, QLatin1StringView("sender"));
    e.sender = string(sender, QLatin1StringView("login"));
    e.senderType = string(sender, QLatin1StringView("type"));

    // The same values GitHub Actions would put in GITHUB_REF / GITHUB_SHA, so scripts written for Actions
    // behave the same here.
    const QJsonObject pr = object(payload, QLatin1StringView("pull_request"));
    if (!pr.isEmpty()) {
        const qint64 number = pr.value(QLatin1StringView("number")).toInteger();
        e.ref = QStringLiteral("refs/pull/%1/merge").arg(number);
        e.sha = string(pr, QLatin1StringView("merge_commit_sha"));
        if (e.sha.isEmpty())
            e.sha = string(object(pr, QLatin1StringView("head")), QLatin1StringView("sha"));
        e.headRef = string(object(pr, QLatin1StringView("head")), QLatin1StringView("ref"));
        e.baseRef = string(object(pr, QLatin1StringView("base")), QLatin1StringView("ref"));
    } else if (type == u"push") {
        e.ref = string(payload, QLatin1StringView("ref"));
        e.sha = string(payload, QLatin1StringView("after"));
    } else if (const QJsonObject run = object(payload, QLatin1StringView("workflow_run")); !run.isEmpty()) {
        const QString branch = string(run, QLatin1StringView("head_branch"));
        if (!branch.isEmpty())
            e.ref = QStringLiteral("refs/heads/") + branch;
        e.sha = string(run, QLatin1StringView("head_sha"));
    } else if (const QString ref = string(payload, QLatin1StringView("ref")); !ref.isEmpty()) {
        // create / delete carry a short ref name and its type.
        const QString refType = string(payload, QLatin1StringView("ref_type"));
        e.ref = refType == u"tag"      ? QStringLiteral("refs/tags/") + ref
                : refType == u"branch" ? QStringLiteral("refs/heads/") + ref
                                       : ref;
    }
    return e;
}

qint64 EventContext::number() const
{
    for (const auto key : {QLatin1StringView("pull_request"), QLatin1StringView("issue")}) {
        const qint64 n = object(payload, key).value(QLatin1StringView("number")).toInteger();
        if (n > 0)
            return n;
    }
    return payload.value(QLatin1StringView("number")).toInteger();
}

} // namespace exeserver
