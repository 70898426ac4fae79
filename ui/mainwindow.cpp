#include "mainwindow.h"

#include "config/settings.h"
#include "dashboardpage.h"
#include "exeserver/version.h"
#include "welcomepage.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

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
