#include "github/githubtypes.h"

#include <QJsonArray>

namespace exeserver {

namespace {

QString str(const QJsonObject &json, const char *key)
{
    return json.value(QLatin1String(key)).toString();
}

qint64 integer(const QJsonObject &json, const char *key)
{
    return json.value(QLatin1String(key)).toInteger();
}

QDateTime date(const QJsonObject &json, const char *key)
{
    return QDateTime::fromString(str(json, key), Qt::ISODate);
}

QJsonValue dateJson(const QDateTime &when)
{
    return when.isValid() ? QJsonValue(when.toUTC().toString(Qt::ISODate)) : QJsonValue();
}

QJsonValue orNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

QString login(const QJsonObject &json, const char *key)
{
    return json.value(QLatin1String(key)).toObject().value(QLatin1String("login")).toString();
}

} // namespace

User User::fromJson(const QJsonObject &json)
{
    return {integer(json, "id"), str(json, "login"), str(json, "name"), str(json, "type"),
            str(json, "html_url")};
}

QJsonObject User::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("login"), login},
            {QStringLiteral("name"), orNull(name)},
            {QStringLiteral("type"), type},
            {QStringLiteral("html_url"), htmlUrl}};
}

Repository Repository::fromJson(const QJsonObject &json)
{
    Repository r;
    r.id = integer(json, "id");
    r.fullName = str(json, "full_name");
    r.owner = login(json, "owner");
    r.name = str(json, "name");
    if (r.owner.isEmpty())
        r.owner = r.fullName.section(QLatin1Char('/'), 0, 0);
    if (r.name.isEmpty())
        r.name = r.fullName.section(QLatin1Char('/'), 1);
    r.description = str(json, "description");
    r.defaultBranch = str(json, "default_branch");
    r.htmlUrl = str(json, "html_url");
    r.isPrivate = json.value(QLatin1String("private")).toBool();
    r.archived = json.value(QLatin1String("archived")).toBool();
    r.fork = json.value(QLatin1String("fork")).toBool();
    r.pushedAt = date(json, "pushed_at");
    r.updatedAt = date(json, "updated_at");
    return r;
}

QJsonObject Repository::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("full_name"), fullName},
            {QStringLiteral("description"), orNull(description)},
            {QStringLiteral("default_branch"), defaultBranch},
            {QStringLiteral("html_url"), htmlUrl},
            {QStringLiteral("private"), isPrivate},
            {QStringLiteral("archived"), archived},
            {QStringLiteral("fork"), fork},
            {QStringLiteral("pushed_at"), dateJson(pushedAt)},
            {QStringLiteral("updated_at"), dateJson(updatedAt)}};
}

QString Workflow::fileName() const
{
    return path.section(QLatin1Char('/'), -1);
}

Branch Branch::fromJson(const QJsonObject &json)
{
    Branch b;
    b.name = str(json, "name");
    b.sha = str(json.value(QLatin1String("commit")).toObject(), "sha");
    b.isProtected = json.value(QLatin1String("protected")).toBool();
    return b;
}

Workflow Workflow::fromJson(const QJsonObject &json)
{
    Workflow w;
    w.id = integer(json, "id");
    w.name = str(json, "name");
    w.path = str(json, "path");
    w.state = str(json, "state");
    w.htmlUrl = str(json, "html_url");
    w.badgeUrl = str(json, "badge_url");
    w.createdAt = date(json, "created_at");
    w.updatedAt = date(json, "updated_at");
    return w;
}

QJsonObject Workflow::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("path"), path},
            {QStringLiteral("state"), state},
            {QStringLiteral("html_url"), htmlUrl},
            {QStringLiteral("created_at"), dateJson(createdAt)},
            {QStringLiteral("updated_at"), dateJson(updatedAt)}};
}

WorkflowRun WorkflowRun::fromJson(const QJsonObject &json)
{
    WorkflowRun r;
    r.id = integer(json, "id");
    r.workflowId = integer(json, "workflow_id");
    r.name = str(json, "name");
    r.displayTitle = str(json, "display_title");
    r.status = str(json, "status");
    r.conclusion = str(json, "conclusion");
    r.headBranch = str(json, "head_branch");
    r.headSha = str(json, "head_sha");
    r.event = str(json, "event");
    r.actor = login(json, "actor");
    if (r.actor.isEmpty())
        r.actor = login(json, "triggering_actor");
    r.htmlUrl = str(json, "html_url");
    r.url = str(json, "url");
    r.runNumber = json.value(QLatin1String("run_number")).toInt();
    r.runAttempt = json.value(QLatin1String("run_attempt")).toInt();
    r.createdAt = date(json, "created_at");
    r.updatedAt = date(json, "updated_at");
    r.runStartedAt = date(json, "run_started_at");
    return r;
}

QJsonObject WorkflowRun::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("workflow_id"), workflowId},
            {QStringLiteral("name"), name},
            {QStringLiteral("display_title"), displayTitle},
            {QStringLiteral("status"), status},
            {QStringLiteral("conclusion"), orNull(conclusion)},
            {QStringLiteral("head_branch"), headBranch},
            {QStringLiteral("head_sha"), headSha},
            {QStringLiteral("event"), event},
            {QStringLiteral("actor"), actor},
            {QStringLiteral("html_url"), htmlUrl},
            {QStringLiteral("run_number"), runNumber},
            {QStringLiteral("run_attempt"), runAttempt},
            {QStringLiteral("created_at"), dateJson(createdAt)},
            {QStringLiteral("updated_at"), dateJson(updatedAt)}};
}

Step Step::fromJson(const QJsonObject &json)
{
    return {json.value(QLatin1String("number")).toInt(),
            str(json, "name"),
            str(json, "status"),
            str(json, "conclusion"),
            date(json, "started_at"),
            date(json, "completed_at")};
}

QJsonObject Step::toJson() const
{
    return {{QStringLiteral("number"), number},
            {QStringLiteral("name"), name},
            {QStringLiteral("status"), status},
            {QStringLiteral("conclusion"), orNull(conclusion)},
            {QStringLiteral("started_at"), dateJson(startedAt)},
            {QStringLiteral("completed_at"), dateJson(completedAt)}};
}

Job Job::fromJson(const QJsonObject &json)
{
    Job j;
    j.id = integer(json, "id");
    j.runId = integer(json, "run_id");
    j.name = str(json, "name");
    j.status = str(json, "status");
    j.conclusion = str(json, "conclusion");
    j.htmlUrl = str(json, "html_url");
    j.runnerName = str(json, "runner_name");
    j.startedAt = date(json, "started_at");
    j.completedAt = date(json, "completed_at");
    const QJsonArray steps = json.value(QLatin1String("steps")).toArray();
    for (const QJsonValue &step : steps)
        j.steps.append(Step::fromJson(step.toObject()));
    return j;
}

QJsonObject Job::toJson() const
{
    QJsonArray steps;
    for (const Step &step : this->steps)
        steps.append(step.toJson());
    return {{QStringLiteral("id"), id},
            {QStringLiteral("run_id"), runId},
            {QStringLiteral("name"), name},
            {QStringLiteral("status"), status},
            {QStringLiteral("conclusion"), orNull(conclusion)},
            {QStringLiteral("html_url"), htmlUrl},
            {QStringLiteral("started_at"), dateJson(startedAt)},
            {QStringLiteral("completed_at"), dateJson(completedAt)},
            {QStringLiteral("steps"), steps}};
}

PullRequest PullRequest::fromJson(const QJsonObject &json)
{
    PullRequest p;
    p.id = integer(json, "id");
    p.number = json.value(QLatin1String("number")).toInt();
    p.title = str(json, "title");
    p.body = str(json, "body");
    p.state = str(json, "state");
    p.author = login(json, "user");
    const QJsonObject head = json.value(QLatin1String("head")).toObject();
    p.headRef = str(head, "ref");
    p.headSha = str(head, "sha");
    p.baseRef = str(json.value(QLatin1String("base")).toObject(), "ref");
    p.htmlUrl = str(json, "html_url");
    p.draft = json.value(QLatin1String("draft")).toBool();
    p.merged = json.value(QLatin1String("merged")).toBool() || !str(json, "merged_at").isEmpty();
    p.createdAt = date(json, "created_at");
    p.updatedAt = date(json, "updated_at");
    return p;
}

QJsonObject PullRequest::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("number"), number},
            {QStringLiteral("title"), title},
            {QStringLiteral("state"), state},
            {QStringLiteral("author"), author},
            {QStringLiteral("head_ref"), headRef},
            {QStringLiteral("head_sha"), headSha},
            {QStringLiteral("base_ref"), baseRef},
            {QStringLiteral("html_url"), htmlUrl},
            {QStringLiteral("draft"), draft},
            {QStringLiteral("merged"), merged},
            {QStringLiteral("created_at"), dateJson(createdAt)},
            {QStringLiteral("updated_at"), dateJson(updatedAt)}};
}

Comment Comment::fromJson(const QJsonObject &json)
{
    return {integer(json, "id"),   str(json, "body"),        login(json, "user"),
            str(json, "html_url"), date(json, "created_at"), date(json, "updated_at")};
}

QJsonObject Comment::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("body"), body},
            {QStringLiteral("author"), author},
            {QStringLiteral("html_url"), htmlUrl},
            {QStringLiteral("created_at"), dateJson(createdAt)},
            {QStringLiteral("updated_at"), dateJson(updatedAt)}};
}

Artifact Artifact::fromJson(const QJsonObject &json)
{
    Artifact artifact;
    artifact.id = integer(json, "id");
    artifact.name = str(json, "name");
    artifact.sizeInBytes = integer(json, "size_in_bytes");
    artifact.expired = json.value(QLatin1String("expired")).toBool();
    artifact.createdAt = date(json, "created_at");
    artifact.expiresAt = date(json, "expires_at");
    return artifact;
}

void ChecksSummary::add(const QString &status, const QString &conclusion)
{
    ++total;
    if (status != QLatin1String("completed"))
        ++pending;
    else if (conclusion == QLatin1String("success") || conclusion == QLatin1String("neutral") ||
             conclusion == QLatin1String("skipped"))
        ++passed;
    else
        ++failed;
}

QString ChecksSummary::state() const
{
    if (failed > 0)
        return QStringLiteral("failing");
    if (pending > 0)
        return QStringLiteral("pending");
    return total > 0 ? QStringLiteral("passing") : QStringLiteral("none");
}

QString ChecksSummary::describe() const
{
    if (failed > 0)
        return QStringLiteral("failing (%1 of %2 failed)").arg(failed).arg(total);
    if (pending > 0)
        return QStringLiteral("pending (%1 of %2 running)").arg(pending).arg(total);
    return total > 0 ? QStringLiteral("passing (%1)").arg(total) : QStringLiteral("no checks");
}

QJsonObject ChecksSummary::toJson() const
{
    return {{QStringLiteral("state"), state()},
            {QStringLiteral("total"), total},
            {QStringLiteral("passed"), passed},
            {QStringLiteral("failed"), failed},
            {QStringLiteral("pending"), pending}};
}

PendingDeployment PendingDeployment::fromJson(const QJsonObject &json)
{
    const QJsonObject environment = json.value(QLatin1String("environment")).toObject();
    PendingDeployment pending;
    pending.environmentId = integer(environment, "id");
    pending.environment = str(environment, "name");
    pending.currentUserCanApprove = json.value(QLatin1String("current_user_can_approve")).toBool();
    pending.waitTimer = int(integer(json, "wait_timer"));
    return pending;
}

QJsonObject PendingDeployment::toJson() const
{
    return {{QStringLiteral("environment_id"), environmentId},
            {QStringLiteral("environment"), environment},
            {QStringLiteral("current_user_can_approve"), currentUserCanApprove},
            {QStringLiteral("wait_timer"), waitTimer}};
}

QString artifactFileName(const Artifact &artifact)
{
    QString name = artifact.name;
    for (QChar &c : name)
        if (c.unicode() < 0x20 || QStringLiteral("/\\:*?\"<>|").contains(c))
            c = QLatin1Char('_');
    if (name.isEmpty() || name == QLatin1String(".") || name == QLatin1String(".."))
        name = QStringLiteral("artifact-%1").arg(artifact.id);
    return name + QStringLiteral(".zip");
}

QJsonObject Artifact::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("size_in_bytes"), sizeInBytes},
            {QStringLiteral("expired"), expired},
            {QStringLiteral("created_at"), dateJson(createdAt)},
            {QStringLiteral("expires_at"), dateJson(expiresAt)}};
}

QString DispatchInput::typeName(Type type)
{
    switch (type) {
    case Type::String:
        return QStringLiteral("string");
    case Type::Choice:
        return QStringLiteral("choice");
    case Type::Boolean:
        return QStringLiteral("boolean");
    case Type::Number:
        return QStringLiteral("number");
    case Type::Environment:
        return QStringLiteral("environment");
    }
    return QStringLiteral("string");
}

QJsonObject DispatchInput::toJson() const
{
    QJsonObject json{{QStringLiteral("name"), name},
                     {QStringLiteral("type"), typeName(type)},
                     {QStringLiteral("description"), orNull(description)},
                     {QStringLiteral("required"), required},
                     {QStringLiteral("default"), hasDefault ? QJsonValue(defaultValue) : QJsonValue()}};
    if (type == Type::Choice)
        json.insert(QStringLiteral("options"), QJsonArray::fromStringList(options));
    return json;
}

RepositoryEvent RepositoryEvent::fromJson(const QJsonObject &json)
{
    return {str(json, "id"),
            str(json, "type"),
            login(json, "actor"),
            str(json.value(QLatin1String("repo")).toObject(), "name"),
            json.value(QLatin1String("payload")).toObject(),
            date(json, "created_at")};
}

QJsonObject RepositoryEvent::toJson() const
{
    return {{QStringLiteral("id"), id},           {QStringLiteral("type"), type},
            {QStringLiteral("actor"), actor},     {QStringLiteral("repo"), repo},
            {QStringLiteral("payload"), payload}, {QStringLiteral("created_at"), dateJson(createdAt)}};
}

Notification Notification::fromJson(const QJsonObject &json)
{
    const QJsonObject subject = json.value(QLatin1String("subject")).toObject();
    return {str(json, "id"),
            str(json, "reason"),
            json.value(QLatin1String("unread")).toBool(),
            str(subject, "title"),
            str(subject, "type"),
            str(subject, "url"),
            str(json.value(QLatin1String("repository")).toObject(), "full_name"),
            date(json, "updated_at")};
}

QJsonObject Notification::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("reason"), reason},
            {QStringLiteral("unread"), unread},
            {QStringLiteral("title"), title},
            {QStringLiteral("type"), subjectType},
            {QStringLiteral("url"), orNull(subjectUrl)},
            {QStringLiteral("repository"), repo},
            {QStringLiteral("updated_at"), dateJson(updatedAt)}};
}

QJsonObject DispatchResult::toJson() const
{
    return {{QStringLiteral("workflow_run_id"), runId ? QJsonValue(runId) : QJsonValue()},
            {QStringLiteral("run_url"), orNull(runUrl)},
            {QStringLiteral("html_url"), orNull(htmlUrl)},
            {QStringLiteral("reported_by_github"), reportedByGitHub}};
}

Hook Hook::fromJson(const QJsonObject &json)
{
    Hook hook;
    hook.id = integer(json, "id");
    hook.name = str(json, "name");
    hook.active = json.value(QLatin1String("active")).toBool();
    for (const QJsonValue &event : json.value(QLatin1String("events")).toArray())
        hook.events.append(event.toString());
    const QJsonObject config = json.value(QLatin1String("config")).toObject();
    hook.url = str(config, "url");
    hook.contentType = str(config, "content_type");
    const QJsonValue insecure = config.value(QLatin1String("insecure_ssl"));
    hook.insecureSsl = insecure.isString() ? insecure.toString() : QString::number(insecure.toInteger());
    const QJsonObject last = json.value(QLatin1String("last_response")).toObject();
    hook.lastResponseCode = int(integer(last, "code"));
    hook.lastResponseStatus = str(last, "status");
    hook.createdAt = date(json, "created_at");
    hook.updatedAt = date(json, "updated_at");
    return hook;
}

QJsonObject Hook::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("active"), active},
            {QStringLiteral("events"), QJsonArray::fromStringList(events)},
            {QStringLiteral("url"), url},
            {QStringLiteral("content_type"), contentType},
            {QStringLiteral("insecure_ssl"), insecureSsl},
            {QStringLiteral("last_response_code"),
             lastResponseCode ? QJsonValue(lastResponseCode) : QJsonValue()},
            {QStringLiteral("last_response_status"), orNull(lastResponseStatus)},
            {QStringLiteral("created_at"), dateJson(createdAt)},
            {QStringLiteral("updated_at"), dateJson(updatedAt)}};
}

HookDelivery HookDelivery::fromJson(const QJsonObject &json)
{
    HookDelivery delivery;
    delivery.id = integer(json, "id");
    delivery.guid = str(json, "guid");
    delivery.deliveredAt = date(json, "delivered_at");
    delivery.redelivery = json.value(QLatin1String("redelivery")).toBool();
    delivery.duration = json.value(QLatin1String("duration")).toDouble();
    delivery.status = str(json, "status");
    delivery.statusCode = int(integer(json, "status_code"));
    delivery.event = str(json, "event");
    delivery.action = str(json, "action");
    return delivery;
}

QJsonObject HookDelivery::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("guid"), guid},
            {QStringLiteral("delivered_at"), dateJson(deliveredAt)},
            {QStringLiteral("redelivery"), redelivery},
            {QStringLiteral("duration"), duration},
            {QStringLiteral("status"), status},
            {QStringLiteral("status_code"), statusCode},
            {QStringLiteral("event"), event},
            {QStringLiteral("action"), orNull(action)}};
}

} // namespace exeserver
