#pragma once

#include <QMainWindow>

class QLabel;

namespace exeserver {

class Settings;
class WelcomePage;

// The application window: menus, the status bar's connection summary, and the page for the current state
// (the welcome page until the dashboard exists).
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(Settings &settings, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Re-reads the settings after secrets arrived from the keychain or the gh CLI.
    void refreshCredentials();

    QString tokenStatusText() const;

public Q_SLOTS:
    void showAbout();

private:
    void createMenus();

    Settings &m_settings;
    WelcomePage *m_welcome = nullptr;
    QLabel *m_tokenStatus = nullptr;
};

} // namespace exeserver
