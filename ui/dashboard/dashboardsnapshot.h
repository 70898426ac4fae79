#pragma once

#include "dashboard/dashboardmodels.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

#include <future>

namespace exeserver {

// The dashboard's last good refresh as read from dashboard-snapshot.json (every repository's rows; the
// page keeps the selected ones). Reading it is plain file and JSON work, safe on any thread, so the main
// window starts it on a thread of its own while it builds itself (readAsync) and the dashboard takes the
// result (take) before the first frame.
struct DashboardSnapshot
{
    struct Row
    {
        QString repo;
        Workflow workflow;
    };
    QList<DashboardRun> runs; // newest first, as saved
    QList<Row> workflows;     // as saved, without their recent runs (taken from `runs`)
    QDateTime savedAt;        // invalid without a snapshot
    QDateTime fileModified;   // the file as read, to notice a snapshot written after a read ahead
    qint64 fileSize = -1;     // -1: no file

    static QString pathBeside(const QString &stateFile); // dashboard-snapshot.json next to ui-state.ini
    static DashboardSnapshot read(const QString &path);
    // read(path) on a thread of its own.
    static std::future<DashboardSnapshot> readAsync(const QString &path);
    // The result of `ahead` (a readAsync of `path`; waits for it) when the file is still the one it read,
    // otherwise (no read ahead, or the file changed since) read(path).
    static DashboardSnapshot take(std::future<DashboardSnapshot> ahead, const QString &path);
    // Replaces the file at `path` with these rows (atomically: a crash leaves the old one).
    static void write(const QString &path, const QList<DashboardRun> &runs,
                      const QList<DashboardWorkflow> &workflows);
};

// Each workflow's recent runs are its runs among `runs` (newest first), at most kRecentRuns: computed
// the same way after a refresh and from the snapshot, which therefore does not store them twice.
QHash<QString, QHash<qint64, QList<WorkflowRun>>> recentRunsByWorkflow(const QList<DashboardRun> &runs);

} // namespace exeserver
