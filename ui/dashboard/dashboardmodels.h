#pragma once

#include "dashboard/runstatus.h"
#include "github/githubtypes.h"
#include "tray/trayhealth.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSortFilterProxyModel>
#include <QStyledItemDelegate>

class QTimer;

namespace exeserver {

// Roles the dashboard's models share, so one filter proxy serves both tables.
namespace role {
inline constexpr int Sort = Qt::UserRole + 1;       // value to sort by (numbers, times)
inline constexpr int Repository = Qt::UserRole + 2; // "owner/name"
inline constexpr int Branch = Qt::UserRole + 3;
inline constexpr int State = Qt::UserRole + 4; // int(RunState) of the run / last run; -1: none
inline constexpr int RunId = Qt::UserRole + 5;
inline constexpr int History = Qt::UserRole + 6;
inline constexpr int WorkflowName = Qt::UserRole + 7; // QVariantList of {state, seconds} pairs, oldest first
} // namespace role

// A workflow run as the dashboard lists it: the run plus the repository it came from.
struct DashboardRun
{
    QString repo;
    WorkflowRun run;
    RunState state() const { return runStateOf(run.status, run.conclusion); }
};

struct DashboardWorkflow
{
    QString repo;
    Workflow workflow;
    QList<WorkflowRun> recent; // its fetched runs, newest first, at most kRecentRuns

    static constexpr int kRecentRuns = 10;
    const WorkflowRun *lastRun() const { return recent.isEmpty() ? nullptr : &recent.first(); }
};

// Formats "1m 05s" / "2h 03m"; negative or invalid: empty.
QString formatDuration(qint64 seconds);

// Recent Workflow Runs. While a run is queued, waiting or in progress, a timer advances the spinner frame
// and repaints only the status column.
class RunTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Status,
        Repository,
        Workflow,
        Branch,
        Event,
        Actor,
        RunNumber,
        Started,
        Duration,
        ColumnCount
    };

    explicit RunTableModel(QObject *parent = nullptr);

    void setRuns(QList<DashboardRun> runs); // newest first
    const QList<DashboardRun> &runs() const { return m_runs; }
    const DashboardRun *runAt(int row) const;
    bool hasRunningRuns() const;
    int animationFrame() const { return m_frame; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void advanceAnimation();

    QList<DashboardRun> m_runs;
    QTimer *m_animation;
    int m_frame = 0;
};

// Active Workflows: one row per workflow of the selected repositories, with its last run.
class WorkflowTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Repository,
        Name,
        File,
        State,
        LastRun,
        LastRunTime,
        Recent, // sparkline of the recent runs (SparklineDelegate); data: role::History
        ColumnCount
    };

    explicit WorkflowTableModel(QObject *parent = nullptr);

    void setWorkflows(QList<DashboardWorkflow> workflows);
    const QList<DashboardWorkflow> &workflows() const { return m_workflows; }
    // Watched workflows (WatchedWorkflow::key) with their health: their name gets the tray's badge.
    void setWatched(QHash<QString, CiHealthState> watched);
    bool isWatched(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<DashboardWorkflow> m_workflows;
    QHash<QString, CiHealthState> m_watched;
};

// Draws role::History as bars, oldest left: height by duration, colour and shape (full / hollow bar) by
// outcome, so failures stand out without colour too (a failed run is a hollow bar with a cross-stroke).
class SparklineDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

// Filters either table by repository, branch, state and free text (any column); sorts by role::Sort.
class DashboardFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit DashboardFilterProxy(QObject *parent = nullptr);

    void setRepository(const QString &repo); // empty: all
    void setBranch(const QString &branch);   // empty: all
    void setWorkflow(const QString &name);   // workflow name; empty: all
    void setState(int state);                // int(RunState), -1: all
    void setText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_repository;
    QString m_branch;
    QString m_workflow;
    int m_state = -1;
    QString m_text;
};

} // namespace exeserver
