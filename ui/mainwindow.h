#pragma once

#include <QMainWindow>

class QAction;
class QLabel;
class QSystemTrayIcon;

namespace exeserver {

class AutomationHost;
class DashboardPage;
class EventStore;
class GitHubClient;
class Settings;
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
    DashboardPage *dashboard() const { return m_dashboard; }
    WorkbenchDocks *workbench() const { return m_workbench; }

    // Shows what `host` hosts in the status bar, its trigger notifications (a tray message, or a status
    // bar message without a system tray) and its errors; the dashboard's selected repositories become
    // the polled ones. `startError`: why host->start() failed, shown instead of being lost. The host
    // must outlive the window.
    void setAutomationHost(AutomationHost *host, const QString &startError = {});
    QString hostStatusText() const;
    // The last notification or error shown (tests; also the tray message's text).
    QString lastHostMessage() const { return m_lastHostMessage; }

public Q_SLOTS:
    void showAbout();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    QString stateFile() const;

    Settings &m_settings;
    WelcomePage *m_welcome = nullptr;
    DashboardPage *m_dashboard = nullptr;
    QLabel *m_tokenStatus = nullptr;
    QLabel *m_dashboardStatus = nullptr;
    QLabel *m_hostStatus = nullptr;
    AutomationHost *m_host = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QAction *m_presetAction = nullptr;
    WorkbenchDocks *m_workbench = nullptr; // event and action logs, triggers
    QString m_hostError;
    QString m_lastHostMessage;

    void updateHostStatus();
    void showHostMessage(const QString &title, const QString &body, bool error);
    void followSelection();
};

} // namespace exeserver
