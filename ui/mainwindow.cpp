#include "mainwindow.h"

#include "config/settings.h"
#include "dashboardpage.h"
#include "exeserver/version.h"
#include "host/automationhost.h"
#include "repositorypicker.h"
#include "welcomepage.h"
#include "workbenchdocks.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QSystemTrayIcon>

namespace exeserver {

MainWindow::MainWindow(Settings &settings, QWidget *parent)
    : QMainWindow(parent)
    , m_settings(settings)
{
    setWindowTitle(QStringLiteral("ExeServer"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/exeserver.svg")));
    setObjectName(QStringLiteral("MainWindow"));
    resize(1100, 720);
    restoreGeometry(
        QSettings(stateFile(), QSettings::IniFormat).value(QStringLiteral("window/geometry")).toByteArray());

    m_welcome = new WelcomePage(settings, this);
    setCentralWidget(m_welcome);

    m_tokenStatus = new QLabel(this);
    m_tokenStatus->setObjectName(QStringLiteral("tokenStatus"));
    m_tokenStatus->setAccessibleName(tr("GitHub token status"));
    statusBar()->addPermanentWidget(m_tokenStatus, 1);
    m_dashboardStatus = new QLabel(this);
    m_dashboardStatus->setObjectName(QStringLiteral("dashboardStatus"));
    m_dashboardStatus->setAccessibleName(tr("Last update and rate limit"));
    statusBar()->addPermanentWidget(m_dashboardStatus);
    m_hostStatus = new QLabel(this);
    m_hostStatus->setObjectName(QStringLiteral("hostStatus"));
    m_hostStatus->setAccessibleName(tr("Webhooks, polling and triggers"));
    m_hostStatus->hide();
    statusBar()->addPermanentWidget(m_hostStatus);

    createMenus();
    refreshCredentials();
}

MainWindow::~MainWindow() = default;

QString MainWindow::stateFile() const
{
    return QDir(m_settings.dataDir()).filePath(QStringLiteral("ui-state.ini"));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings state(stateFile(), QSettings::IniFormat);
    state.setValue(QStringLiteral("window/geometry"), saveGeometry());
    QMainWindow::closeEvent(event);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *actions = menuBar()->addMenu(tr("&Actions"));
    m_presetAction = actions->addAction(tr("Pre-set &comment…"), this, [this]() {
        if (m_dashboard)
            m_dashboard->openPresetComments();
    });
    m_presetAction->setObjectName(QStringLiteral("presetCommentAction"));
    m_presetAction->setEnabled(false); // until the dashboard is shown

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About ExeServer"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

QString MainWindow::tokenStatusText() const
{
    const SettingValue token = m_settings.value(setting::GitHubToken);
    if (token.value.isEmpty())
        return tr("GitHub token: not configured — set GITHUB_TOKEN, store one with "
                  "\"exeserver-cli config set-secret github.token\", or log in with \"gh auth login\"");
    const QString where = token.origin.isEmpty()
                              ? toString(token.source)
                              : QStringLiteral("%1, %2").arg(toString(token.source), token.origin);
    return tr("GitHub token: configured (%1) · %2").arg(where, m_settings.gitHubApiUrl().host());
}

void MainWindow::refreshCredentials()
{
    m_tokenStatus->setText(tokenStatusText());
    if (m_welcome)
        m_welcome->refresh();
}

void MainWindow::attachGitHub(GitHubClient *client, EventStore *store)
{
    if (m_dashboard || !client || m_settings.gitHubToken().isEmpty())
        return;
    m_dashboard = new DashboardPage(*client, store, stateFile(), this);
    connect(m_dashboard, &DashboardPage::statusChanged, m_dashboardStatus, &QLabel::setText);
    m_dashboardStatus->setText(m_dashboard->statusText());
    setCentralWidget(m_dashboard); // deletes the welcome page
    m_welcome = nullptr;
    m_presetAction->setEnabled(true);
    if (store) {
        m_workbench = new WorkbenchDocks(this, *store);
        m_workbench->setHost(m_host);
        m_workbench->followRepositories(m_dashboard->repositoryPicker());
    }
    followSelection();
}

void MainWindow::followSelection()
{
    if (!m_host || !m_dashboard)
        return;
    RepositoryPicker *picker = m_dashboard->repositoryPicker();
    connect(picker, &RepositoryPicker::selectionChanged, m_host, &AutomationHost::setRepositories,
            Qt::UniqueConnection);
    // A first start picks repositories without the picker's signal; the list arrives after the network.
    connect(m_dashboard, &DashboardPage::repositoriesLoaded, m_host, [this]() {
        if (m_host && m_dashboard)
            m_host->setRepositories(m_dashboard->repositoryPicker()->selected());
    });
    m_host->setRepositories(picker->selected());
}

void MainWindow::setAutomationHost(AutomationHost *host, const QString &startError)
{
    m_host = host;
    m_hostError = startError;
    if (m_workbench)
        m_workbench->setHost(host);
    if (!host)
        return;
    connect(host, &AutomationHost::descriptionChanged, this, &MainWindow::updateHostStatus);
    connect(host, &AutomationHost::notification, this, [this](const TriggerNotification &notification) {
        showHostMessage(notification.title, notification.body, false);
    });
    connect(host, &AutomationHost::errorRaised, this,
            [this](const QString &message) { showHostMessage(tr("ExeServer"), message, true); });
    connect(host, &AutomationHost::warningRaised, this,
            [this](const QString &message) { statusBar()->showMessage(message, 15000); });
    connect(host, &AutomationHost::pollFailed, this, [this](const QString &message) {
        statusBar()->showMessage(tr("Poll failed: %1").arg(message), 15000);
    });
    if (!startError.isEmpty())
        showHostMessage(tr("ExeServer cannot host webhooks and triggers"), startError, true);
    followSelection();
    updateHostStatus();
}

QString MainWindow::hostStatusText() const
{
    if (!m_host)
        return {};
    QString text = m_host->description();
    if (!m_hostError.isEmpty())
        text += tr(" · error: %1").arg(m_hostError);
    return text;
}

void MainWindow::updateHostStatus()
{
    m_hostStatus->setText(hostStatusText());
    m_hostStatus->setToolTip(m_hostError);
    m_hostStatus->setVisible(m_host != nullptr);
}

void MainWindow::showHostMessage(const QString &title, const QString &body, bool error)
{
    m_lastHostMessage = body.isEmpty() ? title : title + QStringLiteral(": ") + body;
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        if (!m_tray) {
            m_tray = new QSystemTrayIcon(windowIcon(), this);
            m_tray->setToolTip(QStringLiteral("ExeServer"));
            m_tray->show();
        }
        m_tray->showMessage(title, body, error ? QSystemTrayIcon::Warning : QSystemTrayIcon::Information);
    }
    // The status bar always says it too, so an error is never only in a bubble that went by.
    statusBar()->showMessage(m_lastHostMessage, error ? 0 : 15000);
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About ExeServer"),
        tr("<h3>ExeServer %1</h3>"
           "<p>A desktop automation desk for GitHub: triggers, workflows, runs and an event log.</p>"
           "<p>Built with Qt %2, running on Qt %3.</p>"
           "<p>ExeServer is licensed under the Apache License 2.0. It uses Qt (LGPL-3.0), QtKeychain "
           "(BSD-3-Clause), SQLite (public domain) and yaml-cpp (MIT).</p>")
            .arg(QString::fromLatin1(kVersion), QStringLiteral(QT_VERSION_STR),
                 QString::fromLatin1(qVersion())));
}

} // namespace exeserver
