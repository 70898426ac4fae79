#pragma once

#include "github/githubtypes.h"

#include <QIcon>
#include <QList>
#include <QString>

#include <optional>

namespace exeserver {

// A watched workflow's health, as CCMenu and CatLight show a build's: from its latest run on the default
// branch. Ordered from best to worst, so the tray shows the maximum.
enum class CiHealthState
{
    Passing,
    Running,
    Unknown, // no run on the default branch yet, or its outcome says nothing (cancelled, skipped)
    Failing,
};

QString ciHealthText(CiHealthState state); // "Passing"

// One workflow the user chose to watch (in the dashboard's workflow menu) and its latest default-branch run.
struct WatchedWorkflow
{
    QString repo;
    qint64 workflowId = 0;
    QString name;   // the workflow's name; the key until a run or the workflow list names it
    QString branch; // the repository's default branch
    std::optional<WorkflowRun> latest;

    QString key() const { return keyOf(repo, workflowId); }
    static QString keyOf(const QString &repo, qint64 workflowId);
    CiHealthState state() const;
    QString label() const; // "octocat/Hello-World · CI"
};

// The watched workflows' states together: what the tray icon and its tooltip show.
struct CiHealth
{
    QList<WatchedWorkflow> workflows;

    bool isEmpty() const { return workflows.isEmpty(); }
    CiHealthState overall() const; // the worst; Unknown when nothing is watched
    QStringList labelsIn(CiHealthState state) const;
    QString toolTip() const; // names the failing workflows first
};

// The tray icon for a state: the application's icon with the state's badge in a corner (a tick, a cross,
// a ring or a question mark, so it reads without colour too).
QIcon ciHealthIcon(const QIcon &base, CiHealthState state);
QIcon ciHealthBadge(CiHealthState state); // the badge alone, for a watched workflow's row

} // namespace exeserver
