#pragma once

#include "dashboard/dashboardsnapshot.h"

#include <QMainWindow>
#include <QPointer>

#include <memory>

class QAction;
class QLabel;
class QNetworkAccessManager;

class QDockWidget;

namespace exeserver {

class AutomationHost;
class ChatDock;
class DashboardPage;
class NotificationPolicy;
class SecretStore;
class SettingsDialog;
class TrayController;
struct DesktopNotification;
class EventStore;
class GitHubClient;
class Settings;
class SyncService;
class WelcomePage;
class WorkbenchDocks;

// The application window: menus, the status bar's connection summary, and the page for the current state
// (the welcome page without a token, the dashboard with one).
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(Settings &settings, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Re-reads the settings after secrets arrived from the keychain or the gh CLI.
    void refreshCredentials();

    QString tokenStatusText() const;

    // With a token configured, replaces the welcome page by the dashboard over `client` (and `store` for
    // the action log; may be null). Both must outlive the window. Does nothing without a token.
    void attachGitHub(GitHubClient *client, EventStore *store);
    // At start the event store opens after the first frame (app/gui/main.cpp): after waitForEventStore(),
    // attachGitHub builds the dashboard without the store, and the parts that need it (the dashboard's
    // action log, the assistant's conversations, the workbench docks) get it from setEventStore() — null
    // when it could not be opened.
    void waitForEventStore();
    void setEventStore(EventStore *store);
    // For a window about to sit idle (started, refreshed): the style's cached drawings, the store's page
    // cache and the heap's freed pages go back to the system. A finished dashboard refresh calls it a
    // second later, once the refreshed tables are repainted.
    void releaseIdleMemory();
    DashboardPage *dashboard() const { return m_dashboard; }
    ChatDock *assistant() const { return m_assistant; } // the "Assistant" dock (View → Assistant)
    WorkbenchDocks *workbench() const { return m_workbench; }

    // Shows what `host` hosts in the status bar, its trigger notifications (a tray message, or a status
    // bar message without a system tray) and its errors; the dashboard's selected repositories become
    // the polled ones. `startError`: why host->start() failed, shown instead of being lost. The host
    // must outlive the window.
    void setAutomationHost(AutomationHost *host, const QString &startError = {});
    // The team database sync this app runs: its target and backoff join the sync panel and status line.
    void setSyncService(SyncService *sync);
    QString hostStatusText() const;
    // The last notification or error shown (tests; also the tray message's text).
    QString lastHostMessage() const { return m_lastHostMessage; }

    // What Settings… needs: the keychain and a network manager for "Test connection". Until this is
    // called the menu entry is disabled. Both must outlive the window.
    void setSettingsServices(SecretStore *secrets, QNetworkAccessManager *network);
    // Opens Settings… (window-modal, deleted on close); null without the services.
    SettingsDialog *openSettings();

    // The tray icon and its menu (no icon without a system tray), and what decides which runs and
    // trigger outcomes become notifications.
    TrayController *tray() const { return m_trayController; }
    NotificationPolicy &notificationPolicy() const { return *m_notifications; }
    // Shows a notification (tray message when there is a tray; the status bar always).
    void showNotification(const DesktopNotification &notification);

public Q_SLOTS:
    void showAbout();

Q_SIGNALS:
    // Settings were saved; `tokenChanged` when a new GitHub token is in the keychain (and the settings).
    void settingsSaved(bool tokenChanged);
    // A clicked notification about an event (for the event log view, which opens it).
    void eventRequested(const QString &eventId);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void restoreDocks();
    void createMenus();
    QString stateFile() const;

    Settings &m_settings;
    WelcomePage *m_welcome = nullptr;
    DashboardPage *m_dashboard = nullptr;
    QLabel *m_tokenStatus = nullptr;
    QLabel *m_dashboardStatus = nullptr;
    QLabel *m_hostStatus = nullptr;
    QPointer<SyncService> m_syncService; // shown by the workbench's sync panel once it exists
    AutomationHost *m_host = nullptr;
    TrayController *m_trayController = nullptr;
    std::unique_ptr<NotificationPolicy> m_notifications;
    QAction *m_presetAction = nullptr;
    ChatDock *m_assistant = nullptr;
    QAction *m_settingsAction = nullptr;
    SecretStore *m_secrets = nullptr;
    QNetworkAccessManager *m_network = nullptr;
    WorkbenchDocks *m_workbench = nullptr; // event and action logs, triggers
    QDockWidget *m_hooksDock = nullptr;    // made once the dashboard, its client and the keychain are there
    GitHubClient *m_client = nullptr;      // the dashboard's
    EventStore *m_store = nullptr;         // once setEventStore() or attachGitHub() gave it
    QString m_hostError;
    QString m_lastHostMessage;

    void updateHostStatus();
    void showHostMessage(const QString &title, const QString &body, bool error);
    void followSelection();
    void createWorkbench(EventStore &store, GitHubClient *client);
    void connectWelcomePage();
    void createTray();
    void useNewToken();
    void fetchLogin();
    void attachHidden(GitHubClient *client, EventStore *store);

    bool m_waitingForStore = false;
    std::future<DashboardSnapshot> m_snapshotAhead; // read while the window builds itself; see attachGitHub
};

} // namespace exeserver
