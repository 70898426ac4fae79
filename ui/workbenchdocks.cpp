#include "workbenchdocks.h"

#include "actionlogview.h"
#include "eventlogview.h"
#include "host/automationhost.h"
#include "repositorypicker.h"
#include "store/eventstore.h"
#include "syncstatuspanel.h"
#include "triggerlistview.h"
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

// "View" before "Help", which stays last by convention.
QMenu *addViewMenu(QMainWindow *window)
{
    auto *menu = new QMenu(WorkbenchDocks::tr("&View"), window);
    const QList<QAction *> menus = window->menuBar()->actions();
    window->menuBar()->insertMenu(menus.isEmpty() ? nullptr : menus.last(), menu);
    return menu;
}

} // namespace

WorkbenchDocks::WorkbenchDocks(QMainWindow *window, EventStore &store)
    : QObject(window)
    , m_window(window)
    , m_store(store)
    , m_viewMenu(addViewMenu(window))
    , m_eventLog(new EventLogView(store))
    , m_actionLog(new ActionLogView(store))
    , m_triggers(new TriggerListView(store))
    , m_triggersDock(addDock(tr("Triggers"), QStringLiteral("triggersDock"), m_triggers))
    , m_eventLogDock(addDock(tr("Event log"), QStringLiteral("eventLogDock"), m_eventLog))
    , m_actionLogDock(addDock(tr("Action log"), QStringLiteral("actionLogDock"), m_actionLog))
    , m_sync(new SyncStatusPanel(store, store.clock()))
    , m_syncDock(addDock(tr("Sync"), QStringLiteral("syncDock"), m_sync))
    , m_eventRefresh(new QTimer(this))
{
    window->statusBar()->addPermanentWidget(m_sync->statusBarLabel());
    m_sync->statusBarLabel()->show();
    m_viewMenu->setObjectName(QStringLiteral("viewMenu"));
    window->tabifyDockWidget(m_triggersDock, m_eventLogDock);
    window->tabifyDockWidget(m_eventLogDock, m_actionLogDock);
    connect(m_eventLog, &EventLogView::createTriggerRequested, this, [this](const TriggerDraft &draft) {
        m_triggersDock->show();
        m_triggersDock->raise();
        m_triggers->createFromDraft(draft);
    });
    window->installEventFilter(this);
    // New events re-count the log; a burst of deliveries costs one refresh.
    m_eventRefresh->setSingleShot(true);
    m_eventRefresh->setInterval(1000);
    connect(m_eventRefresh, &QTimer::timeout, m_eventLog, &EventLogView::refresh);
}

QDockWidget *WorkbenchDocks::addDock(const QString &title, const QString &name, QWidget *content)
{
    auto *dock = new QDockWidget(title, m_window);
    dock->setObjectName(name);
    dock->setWidget(content);
    dock->setAllowedAreas(Qt::AllDockWidgetAreas);
    m_window->addDockWidget(Qt::BottomDockWidgetArea, dock);
    dock->hide(); // opened from the View menu; the dashboard stays the first thing seen
    m_viewMenu->addAction(dock->toggleViewAction());
    return dock;
}

bool WorkbenchDocks::eventFilter(QObject *watched, QEvent *event)
{
    // Unsaved trigger edits are never lost silently: closing the window asks first.
    if (watched == m_window && event->type() == QEvent::Close && !m_triggers->confirmLeave()) {
        event->ignore();
        return true;
    }
    return QObject::eventFilter(watched, event);
}

void WorkbenchDocks::setGitHubClient(GitHubClient *client)
{
    m_triggers->setGitHubClient(client);
}

void WorkbenchDocks::followRepositories(RepositoryPicker *picker)
{
    if (!picker)
        return;
    connect(picker, &RepositoryPicker::selectionChanged, m_triggers, &TriggerListView::setRepositoryChoices);
    m_triggers->setRepositoryChoices(picker->selected());
}

void WorkbenchDocks::setHost(AutomationHost *host)
{
    if (m_host)
        disconnect(m_host, nullptr, this, nullptr);
    m_host = host;
    TriggerRuntime *runtime = host ? host->triggers() : nullptr;
    m_actionLog->setEngine(runtime ? &runtime->engine() : nullptr);
    if (host) {
        connect(host, &AutomationHost::eventAccepted, m_eventRefresh, qOverload<>(&QTimer::start));
        // Last fired and the success and failure counts follow the actions.
        connect(host, &AutomationHost::actionFinished, m_triggers, &TriggerListView::reload);
    }
}

} // namespace exeserver
