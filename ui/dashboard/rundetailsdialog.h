#pragma once

#include "github/githubtypes.h"
#include "store/actionrecord.h"
#include "util/result.h"

#include <QDialog>
#include <QUrl>

#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QTimer;
class QTreeWidget;
class QTreeWidgetItem;

namespace exeserver {

class EventStore;
class GitHubClient;
class LogView;
class RunArtifactsPanel;
class DeploymentReviewBar;

// One workflow run: its jobs and steps, the selected job's log, and the actions on it (re-run, re-run
// failed jobs, cancel, open on GitHub). Every action is confirmed first and, when a store is given,
// written to the action log before the call and finished with its outcome after it.
class RunDetailsDialog : public QDialog
{
    Q_OBJECT
public:
    RunDetailsDialog(GitHubClient &client, EventStore *store, QString repo, WorkflowRun run,
                     QWidget *parent = nullptr);

    // Tests replace QDesktopServices::openUrl.
    void setUrlOpener(std::function<void(const QUrl &)> opener) { m_openUrl = std::move(opener); }

    const QList<Job> &jobs() const { return m_jobs; }
    bool isLoading() const { return m_pending > 0; }
    LogView *logView() const { return m_log; }
    QTreeWidget *jobTree() const { return m_tree; }
    RunArtifactsPanel *artifactsPanel() const { return m_artifacts; }
    QTabWidget *sideTabs() const { return m_tabs; }
    DeploymentReviewBar *reviewBar() const { return m_review; }
    // Which attempt the jobs and logs are of: 0 the latest, else 1, 2, … (an earlier one is read-only).
    void showAttempt(int attempt);
    int shownAttempt() const { return m_attempt; }
    QComboBox *attemptChooser() const { return m_attempts; }
    void setDebugLogging(bool on);
    // Shows the job's log. Asked again for the job already shown, it fetches the log once more unless the
    // complete log of the finished job is already there: a running job's log appears when it ends.
    void showJobLog(qint64 jobId);
    qint64 shownLogJob() const { return m_logJob; }
    // Why the shown job has no log yet, or what went wrong fetching it; empty while a log is shown.
    QString logNotice() const;
    void setPollInterval(int ms); // default 10 s; never shorter than GitHub's X-Poll-Interval
    int pollInterval() const;
    bool isPolling() const;

public Q_SLOTS:
    void reload();
    void rerun();
    void rerunFailed();
    void rerunJob(); // the selected job
    void cancelRun();
    void openOnGitHub();

Q_SIGNALS:
    void jobsLoaded();
    void logLoaded(qint64 jobId);
    // An action ended (successfully or not); the dashboard refreshes.
    void actionFinished(exeserver::ActionKind kind, bool ok);

private:
    using Call = std::function<void(std::function<void(Status)>)>;
    void perform(ActionKind kind, const QString &question, const QString &doing, Call call);
    void fillAttempts();
    qint64 selectedJob() const;
    void fillJobs();
    void jobsArrived(const QList<Job> &jobs);
    void fetchLog();
    void logArrived(qint64 jobId, Result<QByteArray> result);
    void setLogNotice(const QString &text, bool error);
    void addShortcuts();
    void updatePolling();
    void updateHeader();
    void setMessage(const QString &text, bool error);

    GitHubClient &m_client;
    EventStore *m_store;
    QString m_repo;
    WorkflowRun m_run;
    QList<Job> m_jobs;
    int m_pending = 0;
    int m_reloading = 0; // getRun and listJobs of the current reload still out
    bool m_reloadAgain = false;
    qint64 m_logJob = 0;
    bool m_logComplete = false; // the finished job's whole log is shown: nothing more to fetch
    bool m_logInFlight = false;
    int m_logRetriesLeft = 0; // a finished job whose log GitHub has not published yet is asked again
    int m_pollMs = 10000;
    std::function<void(const QUrl &)> m_openUrl;

    QLabel *m_header;
    QLabel *m_message;
    QTreeWidget *m_tree;
    RunArtifactsPanel *m_artifacts;
    QTabWidget *m_tabs;
    LogView *m_log;
    QLabel *m_logNotice;
    QLineEdit *m_search;
    QPushButton *m_rerun;
    QPushButton *m_rerunFailed;
    QPushButton *m_cancel;
    QPushButton *m_rerunJob;
    QCheckBox *m_debug;
    QComboBox *m_attempts;
    DeploymentReviewBar *m_review;
    int m_attempt = 0;
    WorkflowRun m_attemptRun; // the earlier attempt shown
    QPushButton *m_open;
    QTimer *m_poll; // reloads while the run is queued, waiting or in progress
};

} // namespace exeserver
