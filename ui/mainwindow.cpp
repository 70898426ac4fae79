#include "mainwindow.h"

#include "afterfirstpaint.h"
#include "chat/chatdock.h"
#include "config/secretstore.h"
#include "config/settings.h"
#include "dashboard/dashboardpage.h"
#include "dashboard/repositorypicker.h"
#include "dashboard/rundetailsdialog.h"
#include "exeserver/version.h"
#include "github/githubclient.h"
#include "hooks/coverageline.h"
#include "hooks/hooksdock.h"
#include "host/automationhost.h"
#include "logs/syncstatuspanel.h"
#include "settingsdialog.h"
#include "store/eventstore.h"
#include "sync/syncservice.h"
#include "tray/notificationpolicy.h"
#include "tray/traycontroller.h"
#include "triggereditor/triggereditor.h"
#include "triggereditor/triggerlistview.h"
#include "util/heaptrim.h"
#include "welcomepage.h"
#include "widgets/applicationicon.h"
#include "widgets/elidedlabel.h"
#include "workbenchdocks.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPixmapCache>
#include <QPointer>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QWindow>

namespace exeserver {

namespace {

// How long after a finished dashboard refresh the window gives back what it no longer needs: by then the
// refreshed tables are repainted.
constexpr int kIdleReleaseDelayMs = 1000;

} // namespace

MainWindow::MainWindow(Settings &settings, QWidget *parent)
    : QMainWindow(parent)
    , m_settings(settings)
{
    // With a token the dashboard follows within the first event-loop turn, before the first frame, and
    // shows the last refresh's snapshot: reading that (file and JSON) goes to a second thread while this
    // window builds itself, so the dashboard only waits if it is not done yet.
    if (!settings.gitHubToken().isEmpty())
        m_snapshotAhead = DashboardSnapshot::readAsync(DashboardSnapshot::pathBeside(stateFile()));
    setWindowTitle(QStringLiteral("ExeServer"));
    setObjectName(QStringLiteral("MainWindow"));
    resize(1100, 720);
    restoreGeometry(
        QSettings(stateFile(), QSettings::IniFormat).value(QStringLiteral("window/geometry")).toByteArray());

    if (settings.gitHubToken().isEmpty()) {
        m_welcome = new WelcomePage(settings, this);
        setCentralWidget(m_welcome);
    } else {
        // A token is already known (environment): the dashboard replaces this within the first
        // event-loop turns, so a plain line is enough and the start does not lay out the welcome text.
        auto *connecting = new QLabel(tr("Connecting to GitHub…"), this);
        connecting->setAlignment(Qt::AlignCenter);
        setCentralWidget(connecting);
    }

    m_tokenStatus = new ElidedLabel(this);
    m_tokenStatus->setObjectName(QStringLiteral("tokenStatus"));
    m_tokenStatus->setAccessibleName(tr("GitHub token status"));
    // A normal (not permanent) widget: a temporary message (a notification, an error) replaces it while
    // shown.
    statusBar()->addWidget(m_tokenStatus, 1);
    m_dashboardStatus = new ElidedLabel(this);
    m_dashboardStatus->setObjectName(QStringLiteral("dashboardStatus"));
    m_dashboardStatus->setAccessibleName(tr("Last update and rate limit"));
    statusBar()->addPermanentWidget(m_dashboardStatus);
    m_hostStatus = new ElidedLabel(this);
    m_hostStatus->setObjectName(QStringLiteral("hostStatus"));
    m_hostStatus->setAccessibleName(tr("Webhooks, polling and triggers"));
    m_hostStatus->hide();
    statusBar()->addPermanentWidget(m_hostStatus);

    createMenus();
    m_assistant = new ChatDock(settings, this);
    m_assistant->addTo(this);
    setWindowIcon(applicationIcon());
    createTray();
    connectWelcomePage();
    refreshCredentials();
}

void MainWindow::createTray()
{
    m_notifications = std::make_unique<NotificationPolicy>(NotificationChoices::from(m_settings));
    m_trayController = new TrayController(windowIcon(), this);
    connect(m_trayController, &TrayController::showRequested, this, [this]() {
        showNormal();
        raise();
        activateWindow();
    });
    connect(m_trayController, &TrayController::quitRequested, qApp, &QApplication::quit);
    connect(m_trayController, &TrayController::runRequested, this, [this](const QString &repo, qint64 runId) {
        if (!m_dashboard || !m_dashboard->openRunById(repo, runId))
            statusBar()->showMessage(tr("That run of %1 is no longer listed.").arg(repo), 15000);
    });
    connect(m_trayController, &TrayController::eventRequested, this, [this](const QString &eventId) {
        if (!m_workbench || !m_workbench->showEvent(eventId)) // the id itself means nothing to people
            statusBar()->showMessage(tr("That event is no longer in the event log."), 15000);
        Q_EMIT eventRequested(eventId);
    });
    connect(m_trayController, &TrayController::actionRequested, this, [this](const QString &actionId) {
        if (!m_workbench)
            statusBar()->showMessage(tr("The action log needs the event store, which did not open."), 15000);
        else if (!m_workbench->showAction(actionId))
            statusBar()->showMessage(tr("That action is no longer in the action log."), 15000);
    });
}

void MainWindow::showNotification(const DesktopNotification &notification)
{
    m_trayController->notify(notification);
    m_lastHostMessage = notification.body.isEmpty()
                            ? notification.title
                            : notification.title + QStringLiteral(": ") + notification.body;
    statusBar()->showMessage(m_lastHostMessage, notification.warning ? 0 : 15000);
}

void MainWindow::connectWelcomePage()
{
    if (m_welcome)
        connect(m_welcome, &WelcomePage::settingsRequested, this, &MainWindow::openSettings);
}

void MainWindow::setSettingsServices(SecretStore *secrets, QNetworkAccessManager *network)
{
    m_secrets = secrets;
    m_network = network;
    m_settingsAction->setEnabled(secrets && network);
    if (m_welcome)
        m_welcome->setSettingsAvailable(secrets && network);
    if (!secrets)
        return;
    // Known from reading the secrets at start; the welcome page says so before anyone types a token.
    const auto showKeychain = [this]() {
        if (m_welcome && m_secrets)
            m_welcome->setKeychainAvailable(m_secrets->isAvailable(), m_secrets->unavailableReason());
    };
    showKeychain();
    connect(secrets, &SecretStore::backendUnavailable, this, showKeychain);
}

SettingsDialog *MainWindow::openSettings()
{
    if (!m_secrets || !m_network)
        return nullptr;
    auto *dialog = new SettingsDialog(m_settings, *m_secrets, *m_network, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SettingsDialog::saved, this, [this](bool tokenChanged) {
        refreshCredentials();
        m_notifications->setChoices(NotificationChoices::from(m_settings));
        if (tokenChanged)
            useNewToken();
        Q_EMIT settingsSaved(tokenChanged);
    });
    dialog->open();
    return dialog;
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
    state.setValue(QStringLiteral("window/docks"), saveState());
    QMainWindow::closeEvent(event);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_settingsAction = file->addAction(tr("&Settings…"), this, &MainWindow::openSettings);
    m_settingsAction->setObjectName(QStringLiteral("settingsAction"));
    m_settingsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_settingsAction->setMenuRole(QAction::PreferencesRole);
    m_settingsAction->setEnabled(false); // until setSettingsServices()
    file->addSeparator();
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
    if (store)
        m_store = store;
    m_dashboard = new DashboardPage(*client, store, stateFile(), this, std::move(m_snapshotAhead));
    connect(m_dashboard, &DashboardPage::statusChanged, m_dashboardStatus, &QLabel::setText);
    m_dashboardStatus->setText(m_dashboard->statusText());
    setCentralWidget(m_dashboard); // deletes the welcome page
    m_welcome = nullptr;
    m_presetAction->setEnabled(true);
    m_client = client;
    connect(m_dashboard, &DashboardPage::refreshed, this, [this]() {
        for (const DesktopNotification &notification :
             m_notifications->runsRefreshed(m_dashboard->runModel()->runs()))
            showNotification(notification);
        // The refresh's replies and JSON are freed by now, and its repaint (which draws the tables'
        // headers and buttons into the style's cache again) is done a second later: the window then idles
        // without their pages.
        QTimer::singleShot(kIdleReleaseDelayMs, this, &MainWindow::releaseIdleMemory);
    });
    connect(m_dashboard, &DashboardPage::ciHealthChanged, this, [this](const CiHealth &health) {
        m_trayController->setHealth(health);
        for (const DesktopNotification &notification : m_notifications->healthChanged(health))
            showNotification(notification);
    });
    // The first frame shows the last refresh's snapshot, and GitHub cannot answer before it is painted:
    // the requests (the ETag cache's reads, connections, TLS on the network thread) start after that frame
    // instead of competing with it for the CPU. The assistant and the docks start hidden and read the store
    // (the last conversation, the logs), so they come after that frame too — or from setEventStore(), when
    // the store itself opens after the first frame.
    const bool attachDocks = !m_waitingForStore;
    const auto startDashboardAndDocks = [this, client, store, attachDocks]() {
        m_dashboard->start();
        fetchLogin();
        if (attachDocks)
            attachHidden(client, store);
    };
    if (isVisible() && !(windowHandle() && windowHandle()->isExposed()))
        AfterFirstPaint::run(this, startDashboardAndDocks);
    else
        startDashboardAndDocks();
    followSelection();
}

void MainWindow::attachHidden(GitHubClient *client, EventStore *store)
{
    m_assistant->attach(client, store);
    if (store)
        createWorkbench(*store, client);
    restoreDocks(); // the workbench's docks exist only from here
}

void MainWindow::waitForEventStore()
{
    m_waitingForStore = true;
}

void MainWindow::setEventStore(EventStore *store)
{
    if (!m_waitingForStore)
        return;
    m_waitingForStore = false;
    m_store = store;
    if (!m_dashboard) {
        // No dashboard yet (no token): attachGitHub gets the store when it comes. The triggers and the
        // logs are local data, so their docks work already.
        m_assistant->setStore(store);
        if (store) {
            createWorkbench(*store, nullptr);
            restoreDocks();
        }
        return;
    }
    m_dashboard->setStore(store);
    attachHidden(m_client, store);
}

void MainWindow::releaseIdleMemory()
{
    // Fusion keeps a pixmap of every header section, button and combo box frame it painted, per size:
    // ~0.2 MB for the dashboard. They are drawn again when next painted, and Qt itself empties this cache
    // after a minute or two of idling, but leaves the freed heap to the next trim.
    QPixmapCache::clear();
    if (m_store)
        m_store->releaseMemory(); // its page cache, then the heap's free pages with it
    else
        releaseFreeHeap();
}

void MainWindow::fetchLogin()
{
    // "Runs of mine" are the token owner's; failures found by each refresh may become notifications.
    QPointer<MainWindow> self(this);
    m_client->currentUser([self](Result<AuthenticatedUser> user) {
        if (self && user)
            self->m_notifications->setLogin(user->user.login);
    });
}

void MainWindow::useNewToken()
{
    const QString token = m_settings.gitHubToken();
    // The host's poller and triggers have their own clients; they switch too, without a restart.
    if (m_host && !token.isEmpty())
        m_host->setToken(token);
    // Without a dashboard yet, the token brings one up (app/gui/main.cpp answers settingsSaved).
    if (!m_client || !m_dashboard)
        return;
    if (token.isEmpty() || token == m_client->token())
        return; // e.g. GITHUB_TOKEN in the environment wins over the keychain
    m_client->setToken(token);
    fetchLogin();
    // Another token may see other repositories; the runs are re-read with the new one at once.
    m_dashboard->loadRepositories();
    m_dashboard->refresh();
    statusBar()->showMessage(tr("The new token is in use."), 15000);
}

void MainWindow::createWorkbench(EventStore &store, GitHubClient *client)
{
    // Made without a token (for the local docks), it follows the dashboard and its client once they come.
    if (!m_workbench) {
        m_workbench = new WorkbenchDocks(this, store);
        m_workbench->setHost(m_host);
        m_workbench->sync()->setService(m_syncService);
        // The trigger list and editor read coverage (hooks, relay, polling) from the same settings.
        connect(m_workbench, &WorkbenchDocks::triggersCreated, this, [this](TriggerListView *view) {
            view->editor()->coverageLine()->setSettings(&m_settings);
            view->scheduleReload(); // its rows' coverage, now with the hooks and the relay known
        });
    }
    if (m_dashboard)
        m_workbench->followRepositories(m_dashboard->repositoryPicker());
    if (client)
        m_workbench->setGitHubClient(client);
    if (m_hooksDock || !m_dashboard || !m_secrets || !m_network || !client)
        return;
    QPointer<MainWindow> self(this);
    const auto settingsChanged = [self]() {
        if (self && self->m_host)
            self->m_host->applyWebhookSettings();
    };
    QDockWidget *hooks = addHooksDock(this, m_workbench->viewMenu(),
                                      {m_settings, *m_secrets, *m_network, *client, &store, settingsChanged},
                                      m_dashboard->repositoryPicker());
    m_hooksDock = hooks;
    // "Set up webhook" in the editor goes through that dock.
    connect(m_workbench, &WorkbenchDocks::triggersCreated, this, [hooks](TriggerListView *view) {
        CoverageLine *line = view->editor()->coverageLine();
        connect(line, &CoverageLine::setUpWebhookRequested, hooks, [hooks, line](const QStringList &repos) {
            QPointer<CoverageLine> guarded(line);
            setUpWebhookInDock(hooks, repos, [guarded](const QString &) {
                if (guarded)
                    guarded->refresh();
            });
        });
    });
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
    m_trayController->setHost(host);
    connect(host, &AutomationHost::notification, this, [this](const TriggerNotification &notification) {
        if (const auto shown = m_notifications->triggerMessage(notification))
            showNotification(*shown);
    });
    connect(host, &AutomationHost::errorRaised, this, [this](const QString &message) {
        if (const auto shown = m_notifications->triggerFailed(message))
            showNotification(*shown);
        else
            statusBar()->showMessage(m_lastHostMessage = message); // not chosen for the tray; still said
    });
    connect(host, &AutomationHost::actionFinished, this,
            [this](const QString &actionId, ActionKind kind, const QString &target, ActionStatus status,
                   const QString &detail) {
                if (status != ActionStatus::Failure)
                    return;
                if (const auto shown = m_notifications->triggerFailed(
                        tr("%1 %2 failed: %3").arg(toString(kind), target, detail), QString(), actionId))
                    showNotification(*shown);
            });
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
    if (error) {
        DesktopNotification notification;
        notification.title = title;
        notification.body = body;
        notification.warning = true;
        m_trayController->notify(notification);
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

void MainWindow::setSyncService(SyncService *sync)
{
    m_syncService = sync;
    if (m_workbench)
        m_workbench->sync()->setService(sync);
}

void MainWindow::restoreDocks()
{
    // Which docks were open, where, and tabbed how; docks created later are placed when they appear.
    restoreState(
        QSettings(stateFile(), QSettings::IniFormat).value(QStringLiteral("window/docks")).toByteArray());
}

} // namespace exeserver
