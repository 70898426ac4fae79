#include "hooksdock.h"

#include "repositorypicker.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>
#include <QPointer>

namespace exeserver {

QDockWidget *addHooksDock(QMainWindow *window, QMenu *viewMenu, HooksPanel::Services services,
                          RepositoryPicker *picker)
{
    auto *dock = new QDockWidget(QObject::tr("Webhooks"), window);
    dock->setObjectName(QStringLiteral("hooksDock"));
    dock->setAllowedAreas(Qt::AllDockWidgetAreas);
    window->addDockWidget(Qt::BottomDockWidgetArea, dock);
    dock->hide();
    if (viewMenu)
        viewMenu->addAction(dock->toggleViewAction());
    QPointer<RepositoryPicker> followed(picker);
    QObject::connect(dock, &QDockWidget::visibilityChanged, dock, [dock, services, followed](bool visible) {
        if (!visible || dock->widget())
            return;
        auto *panel = new HooksPanel(services, dock);
        dock->setWidget(panel);
        if (followed) {
            panel->setRepositories(followed->selected());
            QObject::connect(followed, &RepositoryPicker::selectionChanged, panel,
                             &HooksPanel::setRepositories);
        }
        panel->refresh();
    });
    return dock;
}

} // namespace exeserver
