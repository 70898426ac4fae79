#pragma once

#include "tray/notificationpolicy.h"
#include "tray/trayhealth.h"

#include <QIcon>
#include <QObject>
#include <QPointer>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace exeserver {

class AutomationHost;

// The system tray icon: its menu (Show, Pause/Resume triggers, Quit), its tooltip and the notifications,
// and where a clicked notification leads. Without a system tray (offscreen tests, some desktops) there is
// no icon, but the menu's actions, the pause and the click routing work the same, so they are testable and
// the window can show the same messages in its status bar.
class TrayController : public QObject
{
    Q_OBJECT
public:
    explicit TrayController(const QIcon &icon, QObject *parent = nullptr);
    ~TrayController() override;

    bool hasIcon() const { return m_icon != nullptr; }
    QMenu *menu() const { return m_menu; }
    QAction *showAction() const { return m_show; }
    QAction *pauseAction() const { return m_pause; }
    QAction *quitAction() const { return m_quit; }
    QString toolTip() const { return m_toolTip; }

    // Pause/Resume acts on this host's triggers; without one the entry is disabled.
    void setHost(AutomationHost *host);

    // The watched workflows' health: the icon gets the worst state's badge, the tooltip names the failing
    // ones. An empty health (nothing watched) shows the plain icon.
    void setHealth(const CiHealth &health);
    CiHealth health() const { return m_health; }
    QIcon currentIcon() const { return m_currentIcon; }

    // Shows `notification` as a tray message (when there is a tray) and remembers it for messageClicked().
    void notify(const DesktopNotification &notification);
    DesktopNotification lastNotification() const { return m_last; }

public Q_SLOTS:
    // What QSystemTrayIcon::messageClicked leads to: the last notification's run, event or action.
    void openLastNotification();

Q_SIGNALS:
    void showRequested();
    void quitRequested();
    void runRequested(const QString &repo, qint64 runId);
    void eventRequested(const QString &eventId);
    void actionRequested(const QString &actionId);

private:
    void updatePauseState();
    void updateToolTip();

    QPointer<AutomationHost> m_host;
    QSystemTrayIcon *m_icon = nullptr;
    QMenu *m_menu = nullptr;
    QAction *m_show = nullptr;
    QAction *m_pause = nullptr;
    QAction *m_quit = nullptr;
    QString m_toolTip;
    bool m_paused = false;
    QIcon m_baseIcon;
    QIcon m_currentIcon;
    CiHealth m_health;
    DesktopNotification m_last;
};

} // namespace exeserver
