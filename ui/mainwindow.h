#pragma once

#include <QMainWindow>

class QLabel;

namespace exeserver {

class DashboardPage;
class EventStore;
class GitHubClient;
class Settings;
class WelcomePage;

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
};

} // namespace exeserver
