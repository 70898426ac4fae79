#pragma once

#include "dashboard/dashboardmodels.h"
#include "dashboard/dashboardsnapshot.h"
#include "github/githubclient.h"
#include "tray/trayhealth.h"
#include "util/result.h"

#include <QDateTime>
#include <QHash>
#include <QStringList>
#include <QUrl>
#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QFrame;
class QLabel;
class QLineEdit;
class QPushButton;
class QSettings;
class QTableView;
class QTimer;

namespace exeserver {

class EventStore;
class GitHubClient;
class CiHealthWatcher;
class DashboardFilters;
class DispatchDialog;
class ErrorBanner;
class PresetCommentsDialog;
class RepositoryPicker;
class RunDetailsDialog;
class WorkflowFileDialog;

// The dashboard: repository picker, Active Workflows, Recent Workflow Runs with their filters, refresh
// (button, F5, and a timer that runs faster while runs are in progress) and an error banner. All GitHub
// work goes through the client asynchronously; the client's ETag cache makes a refresh of unchanged
// data a round of 304s. The picked repositories and column layouts persist in `stateFile` (INI); the last
// good refresh is kept beside it (dashboard-snapshot.json) and shown at start before the network answers.
class DashboardPage : public QWidget
{
    Q_OBJECT
public:
    // `readAhead`: DashboardSnapshot::readAsync of this page's snapshot, started earlier (MainWindow does
    // while it builds itself); without it the page reads the snapshot itself.
    DashboardPage(GitHubClient &client, EventStore *store, const QString &stateFile,
                  QWidget *parent = nullptr, std::future<DashboardSnapshot> readAhead = {});
    ~DashboardPage() override;

    // The constructor shows the last refresh's snapshot only; this asks GitHub for the repositories and
    // starts the first refresh (and with it the timer's).
    void start();

    // The store for the action log of the dialogs opened from here (null: none); see
    // MainWindow::setEventStore.
    void setStore(EventStore *store) { m_store = store; }
    EventStore *store() const { return m_store; }

    RepositoryPicker *repositoryPicker() const { return m_picker; }
    RunTableModel *runModel() const { return m_runs; }
    WorkflowTableModel *workflowModel() const { return m_workflows; }
    DashboardFilterProxy *runProxy() const { return m_runProxy; }
    DashboardFilterProxy *workflowProxy() const { return m_workflowProxy; }
    QTableView *runTable() const { return m_runTable; }
    QTableView *workflowTable() const { return m_workflowTable; }

    bool isRefreshing() const { return m_pending > 0; }
    int refreshCount() const { return m_refreshCount; } // completed refreshes
    QDateTime lastUpdated() const { return m_lastUpdated; }
    bool isBannerVisible() const;
    QString bannerText() const;
    QString statusText() const;      // "Updated 14:02:11 · 4990 of 5000 left (core)…"
    int autoRefreshInterval() const; // ms of the timer as now scheduled; 0: off
    void setAutoRefreshIntervals(int idleMs, int busyMs);

    // Filters (the combo boxes drive these too).
    void setRepositoryFilter(const QString &repo);
    void setBranchFilter(const QString &branch);
    void setWorkflowFilter(const QString &name);
    void setStateFilter(int state); // int(RunState), -1: all
    void setSearchText(const QString &text);

    // Enables or disables the workflow at `proxyRow` of the workflows table: confirmed, logged
    // (EnableWorkflow / DisableWorkflow), then refreshed. The table's context menu calls this.
    void setWorkflowEnabled(int proxyRow, bool enabled);

    // "Load more runs": the next page of runs of each shown repository, filtered on GitHub's side by the
    // branch, status and workflow filters (GitHub's `Link: rel="next"` pages on from there). Loaded runs
    // stay listed across refreshes until the repository selection changes.
    void loadMoreRuns();
    QPushButton *loadMoreButton() const { return m_loadMore; }

    // "Watch in the tray" for the workflow at `proxyRow`: its latest run on the default branch counts
    // towards the tray's CI health from the next refresh on (which this starts). Kept in the state file.
    void setWorkflowWatched(int proxyRow, bool watched);
    QStringList watchedWorkflows() const; // WatchedWorkflow::key()s
    CiHealth ciHealth() const;

    // The workflow file at `proxyRow` of the workflows table, read-only with its dispatch inputs.
    WorkflowFileDialog *openWorkflowFile(int proxyRow);

    // "Run workflow" for the workflow at `proxyRow` of the workflows table. The run it starts is listed at
    // once (queued, from the run id the dispatch returned), before the refresh that follows.
    DispatchDialog *openDispatch(int proxyRow);

    // Opens the details of the run at `proxyRow` of the runs table.
    RunDetailsDialog *openRun(int proxyRow);
    // The same for a run listed in the table (a clicked notification); null when it is not listed.
    RunDetailsDialog *openRunById(const QString &repo, qint64 runId);

    // "Pre-set comment…": the dialog over the open pull requests of the picked repositories, with the
    // presets kept beside the state file (non-modal, deleted on close).
    PresetCommentsDialog *openPresetComments();

public Q_SLOTS:
    void refresh();
    void loadRepositories();

Q_SIGNALS:
    void refreshed();
    void repositoriesLoaded();
    void statusChanged(const QString &text);
    void runDetailsOpened(exeserver::RunDetailsDialog *dialog);
    void workflowActionFinished(bool ok);
    // After every refresh: the watched workflows' latest default-branch runs (empty: none watched).
    void ciHealthChanged(const exeserver::CiHealth &health);

private:
    void finishRefresh();
    void scheduleAutoRefresh();
    void showError(const QString &text, const QString &details = {});
    void hideError();
    void updateFilterChoices();
    void onRepositoriesSelected(const QStringList &selected);
    void updateStatus();
    void saveState();
    void showWorkflowMenu(const QPoint &pos);
    void addDispatchedRun(const QString &repo, const Workflow &workflow, const QString &ref,
                          const DispatchResult &result);
    void loadSnapshot(std::future<DashboardSnapshot> readAhead);
    void saveSnapshot() const;
    void updateHealth();
    void keepDatesWhole(int logicalIndex);
    RunFilter serverFilter(const QString &repo) const;
    QString serverFilterKey() const;
    void morePageArrived(const QString &repo, const RunsPage &page);

    GitHubClient &m_client;
    EventStore *m_store;
    QSettings *m_state;

    RepositoryPicker *m_picker;
    RunTableModel *m_runs;
    WorkflowTableModel *m_workflows;
    DashboardFilterProxy *m_runProxy;
    DashboardFilterProxy *m_workflowProxy;
    QTableView *m_runTable;
    QTableView *m_workflowTable;
    ErrorBanner *m_banner;
    QPushButton *m_refreshButton;
    QPushButton *m_presetButton;
    QCheckBox *m_autoRefresh;
    QLabel *m_runsTitle;
    QLabel *m_runsActivity; // "— 2 in progress or queued" beside the title
    QPushButton *m_loadMore;
    DashboardFilters *m_filters;
    QTimer *m_timer;

    int m_idleIntervalMs = 60000;
    int m_busyIntervalMs = 10000;
    int m_pending = 0;
    bool m_again = false;
    int m_refreshCount = 0;
    QDateTime m_lastUpdated;
    QList<Repository> m_repositories;
    QString m_snapshotPath; // the last good refresh, shown at start before any answer arrives
    QDateTime m_snapshotTime;
    QList<Error> m_errors;
    QStringList m_failedRepos;
    QList<DashboardRun> m_nextRuns;
    QHash<QString, QList<Workflow>> m_nextWorkflows;
    QHash<QString, QUrl> m_moreNext; // repo -> next page of runs, for the filters in m_moreKey
    QString m_moreKey;               // "": the refresh's own unfiltered pages
    QList<DashboardRun> m_moreRuns;  // runs Load more added, beyond the refresh's newest
    int m_moreLoading = 0;
    CiHealthWatcher *m_watcher;
};

} // namespace exeserver
