#include "workbenchdocks.h"

#include "actionlogview.h"
#include "eventlogview.h"
#include "host/automationhost.h"
#include "triggers/triggerruntime.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
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
    , m_eventLogDock(addDock(tr("Event log"), QStringLiteral("eventLogDock"), m_eventLog))
    , m_actionLogDock(addDock(tr("Action log"), QStringLiteral("actionLogDock"), m_actionLog))
    , m_eventRefresh(new QTimer(this))
{
    m_viewMenu->setObjectName(QStringLiteral("viewMenu"));
    window->tabifyDockWidget(m_eventLogDock, m_actionLogDock);
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

void WorkbenchDocks::setHost(AutomationHost *host)
{
    if (m_host)
        disconnect(m_host, nullptr, this, nullptr);
    m_host = host;
    TriggerRuntime *runtime = host ? host->triggers() : nullptr;
    m_actionLog->setEngine(runtime ? &runtime->engine() : nullptr);
    if (host)
        connect(host, &AutomationHost::eventAccepted, m_eventRefresh, qOverload<>(&QTimer::start));
}

} // namespace exeserver
