#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

// GitHub's REST resources as ExeServer uses them. Each type reads only the fields it needs, ignores the
// rest and leaves missing optional fields at their defaults, so new or absent fields never break parsing
// (GitHub adds fields without notice; GitHub Enterprise Server lags behind api.github.com).
namespace exeserver {

struct User
{
    qint64 id = 0;
    QString login;
    QString name;
    QString type; // "User", "Organization", "Bot"
    QString htmlUrl;

    static User fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
};

struct Repository
{
    qint64 id = 0;
    QString fullName; // "owner/name"
    QString owner;
    QString name;
    QString description;
    QString defaultBranch;
    QString htmlUrl;
    bool isPrivate = false;
    bool archived = false;
    bool fork = false;
    QDateTime pushedAt;
    QDateTime updatedAt;

    static Repository fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
};

struct Workflow
{
    qint64 id = 0;
    QString name;
    QString path;  // ".github/workflows/ci.yml"
    QString state; // "active", "disabled_manually", "disabled_inactivity", ...
    QString htmlUrl;
    QString badgeUrl;
    QDateTime createdAt;
    QDateTime updatedAt;

    bool isActive() const { return state == QLatin1String("active"); }
    QString fileName() const; // "ci.yml"
    static Workflow fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
};

// One item of `GET /repos/{o}/{r}/branches`.
struct Branch
{
    QString name;
    QString sha;
    bool isProtected = false;

    static Branch fromJson(const QJsonObject &json);
};

struct WorkflowRun
{
    qint64 id = 0;
    qint64 workflowId = 0;
    QString name;
    QString displayTitle;
    QString status;     // queued, in_progress, completed, waiting, requested, pending
    QString conclusion; // success, failure, cancelled, skipped, timed_out, ... (empty until completed)
    QString headBranch;
    QString headSha;
    QString event;
    QString actor;
    QString htmlUrl;
    QString url; // API URL
    int runNumber = 0;
    int runAttempt = 0;
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime runStartedAt;

    static WorkflowRun fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
};

struct Step
{
    int number = 0;
    QString name;
    QString status;
    QString conclusion;
    QDateTime startedAt;
    QDateTime completedAt;

    static Step fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
};

struct Job
{
    qint64 id = 0;
    qint64 runId = 0;
    QString name;
    QString status;
    QString conclusion;
    QString htmlUrl;
    QString runnerName;
    QDateTime startedAt;
    QDateTime completedAt;
    QList<Step> steps;

    static Job fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
};

// A deployment a run waits on (`GET …/runs/{id}/pending_deployments`): its environment and whether the
// token's user may approve or reject it.
struct PendingDeployment
{
    qint64 environmentId = 0;
    QString environment;
    bool currentUserCanApprove = false;
    int waitTimer = 0; // minutes

    static PendingDeployment fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
};

// The check runs of a commit folded into what a pull request list shows (`GET …/commits/{ref}/check-runs`).
struct ChecksSummary
{
    int total = 0;
    int passed = 0; // success, neutral or skipped
    int failed = 0; // failure, cancelled, timed_out, action_required, stale
    int pending = 0;

    void add(const QString &status, const QString &conclusion);
    QString state() const;    // "failing", "pending", "passing" or "none"
    QString describe() const; // "failing (1 of 3 failed)"
    QJsonObject toJson() const;
};

// A file a run uploaded (`GET …/actions/runs/{id}/artifacts`); downloaded as a zip.
struct Artifact
{
    qint64 id = 0;
    QString name;
    qint64 sizeInBytes = 0;
    bool expired = false;
    QDateTime createdAt;
    QDateTime expiresAt;

    static Artifact fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
};

// "NAME.zip" with characters no file system takes replaced, and never a path: a name is chosen by the
// workflow, so it must not lead a download outside the folder the user picked.
QString artifactFileName(const Artifact &artifact);

struct PullRequest
{
    qint64 id = 0;
    int number = 0;
    QString title;
    QString body;
    QString state; // open, closed
    QString author;
    QString headRef;
    QString headSha;
    QString baseRef;
    QString htmlUrl;
    bool draft = false;
    bool merged = false;
    QDateTime createdAt;
    QDateTime updatedAt;

    static PullRequest fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
};

struct Comment
{
    qint64 id = 0;
    QString body;
    QString author;
    QString htmlUrl;
    QDateTime createdAt;
    QDateTime updatedAt;

    static Comment fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
};

// One `workflow_dispatch` input of a workflow file.
struct DispatchInput
{
    enum class Type
    {
        String,
        Choice,
        Boolean,
        Number,
        Environment
    };

    QString name;
    Type type = Type::String;
    QString description;
    bool required = false;
    QString defaultValue; // as written in the file; booleans as "true"/"false"
    bool hasDefault = false;
    QStringList options; // choice only

    static QString typeName(Type type);
    QJsonObject toJson() const;
};

// An entry of the repository events feed; the events module maps it onto its own Event type.
struct RepositoryEvent
{
    QString id;
    QString type; // Events API name, e.g. "PushEvent"
    QString actor;
    QString repo;
    QJsonObject payload;
    QDateTime createdAt;

    static RepositoryEvent fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
};

struct Notification
{
    QString id; // thread id
    QString reason;
    bool unread = false;
    QString title;
    QString subjectType; // Issue, PullRequest, CheckSuite, ...
    QString subjectUrl;
    QString repo;
    QDateTime updatedAt;

    static Notification fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
};

// A repository or organisation webhook (`GET …/hooks`). `url`, `contentType` and `insecureSsl` are its
// `config`; GitHub never returns the secret (only "********"), so it is not kept here.
struct Hook
{
    qint64 id = 0;
    QString name; // "web"
    bool active = false;
    QStringList events;
    QString url;
    QString contentType;        // json or form
    QString insecureSsl;        // "0" or "1"
    int lastResponseCode = 0;   // 0: none yet
    QString lastResponseStatus; // "active", "unused", ...
    QDateTime createdAt;
    QDateTime updatedAt;

    static Hook fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
};

// One delivery of a hook (`GET …/hooks/{id}/deliveries`).
struct HookDelivery
{
    qint64 id = 0;
    QString guid; // X-GitHub-Delivery
    QDateTime deliveredAt;
    bool redelivery = false;
    double duration = 0; // seconds
    QString status;      // "OK", "Invalid HTTP Response: 404", ...
    int statusCode = 0;  // 0: no response
    QString event;
    QString action;

    static HookDelivery fromJson(const QJsonObject &json);
    QJsonObject toJson() const;
};

// What a dispatch produced. `runId` is 0 when GitHub answered 204 and the run could not be found yet.
struct DispatchResult
{
    qint64 runId = 0;
    QString runUrl;
    QString htmlUrl;
    bool reportedByGitHub = false; // true: from the 200 answer; false: found among the runs (or not at all)

    QJsonObject toJson() const;
};

} // namespace exeserver
