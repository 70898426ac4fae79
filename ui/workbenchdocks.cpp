#include "workbenchdocks.h"

#include "dashboard/repositorypicker.h"
#include "github/githubclient.h"
#include "host/automationhost.h"
#include "logs/actionlogview.h"
#include "logs/eventlogview.h"
#include "logs/syncstatuspanel.h"
#include "store/eventstore.h"
#include "triggereditor/triggerlistview.h"
#include "triggers/triggerruntime.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QTimer>

namespace exeserver {

namespace {

// "View" before "Help", which stays last by convention. The assistant dock may have made it already: one
// View menu, shared.
QMenu *addViewMenu(QMainWindow *window)
{
    for (QAction *action : window->menuBar()->actions()) {
        if (action->menu() && action->text().remove(QLatin1Char('&')) == WorkbenchDocks::tr("View")) {
            action->menu()->addSeparator();
            return action->menu();
        }
    }
    auto *menu = new QMenu(WorkbenchDocks::tr("&View"), window);
    const QList<QAction *> menus = window->menuBar()->actions();
    window->menuBar()->insertMenu(menus.isEmpty() ? nullptr : menus.last(), menu);
    return menu;
}

// Puts a view built after its dock into the dock; a dock already on screen shows it at once.
void place(QDockWidget *dock, QWidget *view)
{
    dock->setWidget(view);
    if (dock->isVisible())
        view->show();
}

} // namespace

WorkbenchDocks::WorkbenchDocks(QMainWindow *window, EventStore &store)
    : QObject(window)
    , m_window(window)
    , m_store(store)
    , m_viewMenu(addViewMenu(window))
    , m_triggersDock(addDock(tr("Triggers"), QStringLiteral("triggersDock"), Qt::Key_T))
    , m_eventLogDock(addDock(tr("Event log"), QStringLiteral("eventLogDock"), Qt::Key_E))
    , m_actionLogDock(addDock(tr("Action log"), QStringLiteral("actionLogDock"), Qt::Key_L))
    , m_sync(new SyncStatusPanel(store, store.clock()))
    , m_syncDock(addDock(tr("Sync"), QStringLiteral("syncDock"), Qt::Key_Y))
    , m_eventRefresh(new QTimer(this))
{
    m_syncDock->setWidget(m_sync);
    window->statusBar()->addPermanentWidget(m_sync->statusBarLabel());
    m_sync->statusBarLabel()->show();
    m_viewMenu->setObjectName(QStringLiteral("viewMenu"));
    window->tabifyDockWidget(m_triggersDock, m_eventLogDock);
    window->tabifyDockWidget(m_eventLogDock, m_actionLogDock);
    window->installEventFilter(this);
    // New events re-count the log; a burst of deliveries costs one refresh.
    m_eventRefresh->setSingleShot(true);
    m_eventRefresh->setInterval(1000);
    connect(m_eventRefresh, &QTimer::timeout, this, [this]() {
        if (m_eventLog)
            m_eventLog->refresh();
    });
    // A dock shown (View menu, its tab, restoreState) gets its view before it is painted.
    for (QDockWidget *dock : {m_triggersDock, m_eventLogDock, m_actionLogDock}) {
        connect(dock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
            if (visible)
                buildShown();
        });
    }
}

QDockWidget *WorkbenchDocks::addDock(const QString &title, const QString &name, Qt::Key key)
{
    auto *dock = new QDockWidget(title, m_window);
    dock->setObjectName(name);
    dock->setAllowedAreas(Qt::AllDockWidgetAreas);
    m_window->addDockWidget(Qt::BottomDockWidgetArea, dock);
    dock->hide(); // opened from the View menu; the dashboard stays the first thing seen
    // Ctrl+Shift+letter, beside the assistant's Ctrl+Shift+A; shown in the View menu.
    dock->toggleViewAction()->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | key));
    dock->toggleViewAction()->setShortcutContext(Qt::WindowShortcut);
    m_window->addAction(dock->toggleViewAction()); // works with the menu bar hidden too
    m_viewMenu->addAction(dock->toggleViewAction());
    // Chosen from the menu, a dock tabbed behind another comes to the front (and so gets its view).
    connect(dock->toggleViewAction(), &QAction::triggered, dock, [this, dock](bool checked) {
        if (checked)
            openDock(dock);
    });
    return dock;
}

void WorkbenchDocks::buildShown()
{
    if (m_triggersDock->isVisible())
        triggers();
    if (m_eventLogDock->isVisible())
        eventLog();
    if (m_actionLogDock->isVisible())
        actionLog();
}

bool WorkbenchDocks::isBuilt(const QDockWidget *dock) const
{
    return dock && dock->widget() != nullptr;
}

EventLogView *WorkbenchDocks::eventLog()
{
    if (m_eventLog)
        return m_eventLog;
    m_eventLog = new EventLogView(m_store);
    connect(m_eventLog, &EventLogView::createTriggerRequested, this, [this](const TriggerDraft &draft) {
        TriggerListView *list = triggers();
        openDock(m_triggersDock);
        list->createFromDraft(draft);
    });
    place(m_eventLogDock, m_eventLog);
    Q_EMIT eventLogCreated(m_eventLog);
    return m_eventLog;
}

ActionLogView *WorkbenchDocks::actionLog()
{
    if (m_actionLog)
        return m_actionLog;
    m_actionLog = new ActionLogView(m_store);
    TriggerRuntime *runtime = m_host ? m_host->triggers() : nullptr;
    m_actionLog->setEngine(runtime ? &runtime->engine() : nullptr);
    place(m_actionLogDock, m_actionLog);
    Q_EMIT actionLogCreated(m_actionLog);
    return m_actionLog;
}

TriggerListView *WorkbenchDocks::triggers()
{
    if (m_triggers)
        return m_triggers;
    m_triggers = new TriggerListView(m_store);
    m_triggers->setGitHubClient(m_client);
    if (m_picker) {
        connect(m_picker, &RepositoryPicker::selectionChanged, m_triggers,
                &TriggerListView::setRepositoryChoices);
        m_triggers->setRepositoryChoices(m_picker->selected());
    }
    place(m_triggersDock, m_triggers);
    Q_EMIT triggersCreated(m_triggers);
    return m_triggers;
}

void WorkbenchDocks::openDock(QDockWidget *dock)
{
    dock->show();
    dock->raise();
    // A dock opened squeezed under the dashboard gets about half the window, so its tables and the
    // editor's form have rows to show; one the user made taller keeps its height.
    const int half = m_window->height() * 45 / 100;
    if (!dock->isFloating() && m_window->dockWidgetArea(dock) == Qt::BottomDockWidgetArea &&
        dock->height() < half)
        m_window->resizeDocks({dock}, {half}, Qt::Vertical);
}

bool WorkbenchDocks::showAction(const QString &actionId)
{
    ActionLogView *log = actionLog();
    openDock(m_actionLogDock);
    return log->selectAction(actionId);
}

bool WorkbenchDocks::showEvent(const QString &eventId)
{
    EventLogView *log = eventLog();
    openDock(m_eventLogDock);
    return log->selectEvent(eventId);
}

bool WorkbenchDocks::eventFilter(QObject *watched, QEvent *event)
{
    // Unsaved trigger edits are never lost silently: closing the window asks first. No editor built, no
    // edits.
    if (watched == m_window && event->type() == QEvent::Close && m_triggers && !m_triggers->confirmLeave()) {
        event->ignore();
        return true;
    }
    return QObject::eventFilter(watched, event);
}

void WorkbenchDocks::setGitHubClient(GitHubClient *client)
{
    m_client = client;
    if (m_triggers)
        m_triggers->setGitHubClient(client);
}

void WorkbenchDocks::followRepositories(RepositoryPicker *picker)
{
    if (!picker)
        return;
    m_picker = picker;
    if (m_triggers) {
        connect(picker, &RepositoryPicker::selectionChanged, m_triggers,
                &TriggerListView::setRepositoryChoices);
        m_triggers->setRepositoryChoices(picker->selected());
    }
}

void WorkbenchDocks::setHost(AutomationHost *host)
{
    if (m_host)
        disconnect(m_host, nullptr, this, nullptr);
    m_host = host;
    TriggerRuntime *runtime = host ? host->triggers() : nullptr;
    if (m_actionLog)
        m_actionLog->setEngine(runtime ? &runtime->engine() : nullptr);
    if (host) {
        connect(host, &AutomationHost::eventAccepted, this, [this]() { m_eventRefresh->start(); });
        // Last fired and the success and failure counts follow the actions.
        connect(host, &AutomationHost::actionFinished, this, [this]() {
            if (m_triggers)
                m_triggers->scheduleReload();
        });
    }
}

} // namespace exeserver
