#pragma once

#include <QObject>
#include <QPointer>

class QDockWidget;
class QMainWindow;
class QMenu;
class QTimer;
class QWidget;

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
//
// The docks start hidden, and their views (tables over the store, the trigger editor) cost memory and
// queries nobody asked for, so each view is built the first time its dock is shown — from the View menu, a
// tab click, restoreState() reopening it from the last session — or when an accessor asks for it (a
// notification opening the action log). The sync panel is built at once: its line is in the status bar.
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

    // Each builds its view if it does not exist yet (the dock stays as it is).
    EventLogView *eventLog();
    ActionLogView *actionLog();
    TriggerListView *triggers();
    SyncStatusPanel *sync() const { return m_sync; }
    // Whether a dock's view exists yet (hidden docks have none until shown).
    bool isBuilt(const QDockWidget *dock) const;

    QDockWidget *triggersDock() const { return m_triggersDock; }
    QDockWidget *syncDock() const { return m_syncDock; }
    QDockWidget *eventLogDock() const { return m_eventLogDock; }
    QDockWidget *actionLogDock() const { return m_actionLogDock; }
    QMenu *viewMenu() const { return m_viewMenu; }

    // Shows the action log (or the event log) with the action (event) selected; false when it is not
    // among the newest rows (the log is shown anyway).
    bool showAction(const QString &actionId);
    bool showEvent(const QString &eventId);

Q_SIGNALS:
    void eventLogCreated(exeserver::EventLogView *view);
    void actionLogCreated(exeserver::ActionLogView *view);
    void triggersCreated(exeserver::TriggerListView *view);

private:
    QDockWidget *addDock(const QString &title, const QString &name, Qt::Key key);
    void buildShown();
    void openDock(QDockWidget *dock);
    bool eventFilter(QObject *watched, QEvent *event) override;

    QMainWindow *m_window;
    EventStore &m_store;
    QPointer<AutomationHost> m_host;
    QPointer<RepositoryPicker> m_picker;
    QPointer<GitHubClient> m_client;
    QMenu *m_viewMenu;
    EventLogView *m_eventLog = nullptr;
    ActionLogView *m_actionLog = nullptr;
    TriggerListView *m_triggers = nullptr;
    QDockWidget *m_triggersDock;
    QDockWidget *m_eventLogDock;
    QDockWidget *m_actionLogDock;
    SyncStatusPanel *m_sync;
    QDockWidget *m_syncDock;
    QTimer *m_eventRefresh;
};

} // namespace exeserver
