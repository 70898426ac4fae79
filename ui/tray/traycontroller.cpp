#include "tray/traycontroller.h"

#include "host/automationhost.h"

#include <QAction>
#include <QIcon>
#include <QMenu>
#include <QSystemTrayIcon>

namespace exeserver {

TrayController::TrayController(const QIcon &icon, QObject *parent)
    : QObject(parent)
    , m_menu(new QMenu)
    , m_baseIcon(icon)
    , m_currentIcon(icon)
{
    m_show = m_menu->addAction(tr("&Show ExeServer"), this, &TrayController::showRequested);
    m_pause = m_menu->addAction(tr("&Pause triggers"), this, [this]() {
        if (m_host)
            m_host->setTriggersPaused(!m_host->triggersPaused());
    });
    m_pause->setObjectName(QStringLiteral("pauseTriggers"));
    m_menu->addSeparator();
    m_quit = m_menu->addAction(tr("&Quit"), this, &TrayController::quitRequested);
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_icon = new QSystemTrayIcon(icon, this);
        m_icon->setContextMenu(m_menu);
        connect(m_icon, &QSystemTrayIcon::messageClicked, this, &TrayController::openLastNotification);
        connect(m_icon, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
            if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
                Q_EMIT showRequested();
        });
        m_icon->show();
    }
    updatePauseState();
}

TrayController::~TrayController()
{
    delete m_menu; // a QMenu cannot have a QObject parent that is not a widget
}

void TrayController::setHost(AutomationHost *host)
{
    if (m_host)
        disconnect(m_host, nullptr, this, nullptr);
    m_host = host;
    if (host) {
        connect(host, &AutomationHost::triggersPausedChanged, this, &TrayController::updatePauseState);
        connect(host, &AutomationHost::descriptionChanged, this, &TrayController::updatePauseState);
    }
    updatePauseState();
}

void TrayController::updatePauseState()
{
    const bool paused = m_host && m_host->triggersPaused();
    m_pause->setEnabled(m_host != nullptr && m_host->triggers() != nullptr);
    m_pause->setText(paused ? tr("&Resume triggers") : tr("&Pause triggers"));
    m_paused = paused;
    updateToolTip();
}

void TrayController::updateToolTip()
{
    m_toolTip = m_paused ? tr("ExeServer — triggers paused (events are still recorded)")
                         : QStringLiteral("ExeServer");
    if (!m_health.isEmpty())
        m_toolTip += QLatin1Char('\n') + m_health.toolTip();
    if (m_icon)
        m_icon->setToolTip(m_toolTip);
}

void TrayController::setHealth(const CiHealth &health)
{
    m_health = health;
    m_currentIcon = health.isEmpty() ? m_baseIcon : ciHealthIcon(m_baseIcon, health.overall());
    if (m_icon)
        m_icon->setIcon(m_currentIcon);
    updateToolTip();
}

void TrayController::notify(const DesktopNotification &notification)
{
    m_last = notification;
    if (m_icon)
        m_icon->showMessage(notification.title, notification.body,
                            notification.warning ? QSystemTrayIcon::Warning : QSystemTrayIcon::Information);
}

void TrayController::openLastNotification()
{
    Q_EMIT showRequested();
    switch (m_last.target) {
    case DesktopNotification::Target::Run:
        Q_EMIT runRequested(m_last.repo, m_last.runId);
        break;
    case DesktopNotification::Target::Event:
        Q_EMIT eventRequested(m_last.eventId);
        break;
    case DesktopNotification::Target::Action:
        Q_EMIT actionRequested(m_last.actionId);
        break;
    case DesktopNotification::Target::Window:
        break;
    }
}

} // namespace exeserver
