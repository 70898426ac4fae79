#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace exeserver {

// What the app did or is doing on GitHub or on this machine, as the action log records it.
enum class ActionKind
{
    CodeFile, // a local code file run by a trigger
    Dispatch, // workflow_dispatch
    Comment,  // a comment on an issue or pull request
    Rerun,    // re-run a workflow run or its failed jobs
    Cancel,   // cancel a workflow run
    Reaction, // a reaction on a comment or issue
    EnableWorkflow,
    DisableWorkflow,
    Notify, // a desktop or chat notification
    DeleteArtifact,
    ReviewDeployment, // approve or reject a run's pending deployments
};

enum class ActionStatus
{
    Queued,  // written, not started: nothing happened yet
    Running, // started: the side effect may have happened
    Success,
    Failure,
    Interrupted, // was running when ExeServer stopped; the outcome is unknown
    Skipped,     // decided not to run (condition, duplicate, or never started before a stop)
};

QString toString(ActionKind kind);
QString toString(ActionStatus status);
std::optional<ActionKind> actionKindFromString(const QString &text);
std::optional<ActionStatus> actionStatusFromString(const QString &text);
bool isFinished(ActionStatus status);

// Written before an action starts.
struct ActionRequest
{
    ActionKind kind = ActionKind::Dispatch;
    QString target;       // what it acts on: "owner/repo#42", "owner/repo:ci.yml@main", a file path
    QString eventId;      // the event that caused it, empty for manual actions
    QString triggerId;    // the trigger that decided it, empty for manual actions
    bool startNow = true; // false: written as queued, started later with EventStore::startAction()
};

// How an action ended. Text fields are redacted and capped by the store.
struct ActionOutcome
{
    ActionStatus status = ActionStatus::Success;
    std::optional<int> exitCode;   // code files
    std::optional<int> httpStatus; // GitHub calls
    QString output;                // stdout/stderr or response excerpt
    QString error;
    QJsonObject outputs = {}; // code files: what they wrote to GITHUB_OUTPUT (name → string)
    QString summary = {};     // code files: their GITHUB_STEP_SUMMARY (Markdown)
};

struct ActionRecord
{
    QString id;
    qint64 seq = 0; // local order, for paging
    ActionKind kind = ActionKind::Dispatch;
    ActionStatus status = ActionStatus::Queued;
    QString target;
    QString eventId;
    QString triggerId;
    QDateTime requestedAt;
    QDateTime startedAt;
    QDateTime finishedAt;
    std::optional<int> exitCode;
    std::optional<int> httpStatus;
    QString output;
    QString error;
    QJsonObject outputs; // GITHUB_OUTPUT of a code file
    QString summary;     // GITHUB_STEP_SUMMARY of a code file (Markdown)
};

struct ActionQuery
{
    std::optional<ActionStatus> status;
    std::optional<ActionKind> kind;
    QString eventId;
    int limit = 100;
    qint64 beforeSeq = 0; // keyset cursor: the seq of the last row of the previous page
    qint64 fromSeq = 0;   // and no older than this seq (a view reading down to one action)
};

} // namespace exeserver
