#pragma once

#include "triggers/condition.h"
#include "triggers/globpattern.h"

#include <QList>
#include <QMap>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <optional>
#include <variant>

namespace exeserver {

// The things a trigger can do. String fields may hold templates (`{{ event.pull_request.number }}`), which
// TemplateEngine substitutes as data just before the action runs.
struct CodefileAction
{
    QString id;       // optional: later actions read its outputs as `{{ steps.<id>.outputs.<name> }}`
    QString path;     // the script or program; never templated
    QStringList args; // templated, passed as separate arguments (no shell)
    int timeoutSeconds = 300;
    QString workdir; // empty: the script's folder
    bool passToken = false;
    friend bool operator==(const CodefileAction &, const CodefileAction &) = default;
};

struct WorkflowAction
{
    QString repository; // empty: the event's repository
    QString workflow;   // file name (ci.yml) or id
    QString ref;        // empty: the repository's default branch
    QMap<QString, QString> inputs;
    friend bool operator==(const WorkflowAction &, const WorkflowAction &) = default;
};

struct CommentAction
{
    QString preset; // a built-in or user preset name; or
    QString body;   // a literal body (template)
    QString args;   // text for the preset's {{ args }}, e.g. the question of /ask
    QString pr;     // empty: the event's pull request
    friend bool operator==(const CommentAction &, const CommentAction &) = default;
};

struct NotifyAction
{
    QString title;
    QString body;
    friend bool operator==(const NotifyAction &, const NotifyAction &) = default;
};

// Re-run the failed jobs of the event's workflow run (workflow_run events), or of `run` when given.
struct RerunFailedAction
{
    QString run;
    friend bool operator==(const RerunFailedAction &, const RerunFailedAction &) = default;
};

struct CancelRunAction
{
    QString run;
    friend bool operator==(const CancelRunAction &, const CancelRunAction &) = default;
};

// A reaction on the comment (or issue/PR) that caused the event, as PR-Agent adds 👀 to a command comment.
struct ReactionAction
{
    QString content = QStringLiteral("eyes"); // +1, -1, laugh, confused, heart, hooray, rocket, eyes
    friend bool operator==(const ReactionAction &, const ReactionAction &) = default;
};

using TriggerAction = std::variant<CodefileAction, WorkflowAction, CommentAction, NotifyAction,
                                   RerunFailedAction, CancelRunAction, ReactionAction>;

// The key an action has in the file format ("codefile", "workflow", ...).
QString actionKind(const TriggerAction &action);

// PR-Agent-style reasons to leave an event alone even when everything else matches.
struct IgnoreRules
{
    bool bots = false;                 // sender.type == "Bot" or a login ending in "[bot]"
    QList<GlobPattern> senders;        // sender logins
    QList<QRegularExpression> titles;  // PR / issue titles (searched, not anchored)
    QStringList labels;                // any of these labels on the PR / issue
    QList<GlobPattern> branches;       // source branch: PR head ref, pushed branch, workflow run branch
    QList<GlobPattern> targetBranches; // PR base ref

    bool isEmpty() const
    {
        return !bots && senders.isEmpty() && titles.isEmpty() && labels.isEmpty() && branches.isEmpty() &&
               targetBranches.isEmpty();
    }
};

// "At most `max` fires in any `perSeconds` window" for one trigger; max 0 = unlimited.
struct RateLimit
{
    int max = 0;
    int perSeconds = 60;
};

// One rule: which events (event type, actions, repositories, conditions, ignore rules), how often
// (debounce, rate limit), and what to do (run). Built by TriggerFile, which validates and compiles it, so a
// Trigger in memory is always evaluable.
struct Trigger
{
    QString name;
    bool enabled = true;
    QList<GlobPattern> repositories; // empty: every repository
    QString event;                   // webhook event name; "*" or empty: any
    QStringList actions;             // payload "action" values; empty: any
    std::optional<Condition> conditions;
    IgnoreRules ignore;
    int debounceSeconds = 0; // per pull request (or branch): fire once the storm has been quiet this long
    RateLimit rateLimit;
    QList<TriggerAction> run;

    bool matchesRepository(QStringView fullName) const;
};

} // namespace exeserver
