#pragma once

#include <QObject>
#include <QPointer>

class QDockWidget;
class QMainWindow;
class QMenu;
class QTimer;

namespace exeserver {

class ActionLogView;
class AutomationHost;
class EventLogView;
class EventStore;
class GitHubClient;
class RepositoryPicker;
class SyncStatusPanel;
class TriggerListView;

// The triggers (list and editor), the event log and the action log as docks of the main window, listed in
// a View menu, following the automation host (live updates, Retry through its trigger engine). Closing the
// window with unsaved trigger edits asks first. Kept apart from MainWindow so the
// window only creates it.
class WorkbenchDocks : public QObject
{
    Q_OBJECT
public:
    // `store` must outlive the window.
    WorkbenchDocks(QMainWindow *window, EventStore &store);

    void setHost(AutomationHost *host);
    // The editor offers the dashboard's selected repositories.
    void followRepositories(RepositoryPicker *picker);
    // The trigger editor lists a repository's workflows and reads their inputs through it.
    void setGitHubClient(GitHubClient *client);

    EventLogView *eventLog() const { return m_eventLog; }
    ActionLogView *actionLog() const { return m_actionLog; }
    TriggerListView *triggers() const { return m_triggers; }
    QDockWidget *triggersDock() const { return m_triggersDock; }
    SyncStatusPanel *sync() const { return m_sync; }
    QDockWidget *syncDock() const { return m_syncDock; }
    QDockWidget *eventLogDock() const { return m_eventLogDock; }
    QDockWidget *actionLogDock() const { return m_actionLogDock; }
    QMenu *viewMenu() const { return m_viewMenu; }

private:
    QDockWidget *addDock(const QString &title, const QString &name, QWidget *content);
    bool eventFilter(QObject *watched, QEvent *event) override;

    QMainWindow *m_window;
    EventStore &m_store;
    QPointer<AutomationHost> m_host;
    QMenu *m_viewMenu;
    EventLogView *m_eventLog;
    ActionLogView *m_actionLog;
    TriggerListView *m_triggers;
    QDockWidget *m_triggersDock;
    QDockWidget *m_eventLogDock;
    QDockWidget *m_actionLogDock;
    SyncStatusPanel *m_sync;
    QDockWidget *m_syncDock;
    QTimer *m_eventRefresh;
};

} // namespace exeserver
