#include "hooks/hooksdock.h"

#include "dashboard/repositorypicker.h"

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

void setUpWebhookInDock(QDockWidget *dock, const QStringList &repositories,
                        const std::function<void(const QString &)> &done)
{
    dock->show();
    dock->raise();
    auto *panel = qobject_cast<HooksPanel *>(dock->widget());
    if (!panel)
        return;
    if (repositories.isEmpty())
        return; // a pattern: the user picks the repository in the panel
    panel->setRepository(repositories.first());
    if (done) {
        auto *once = new QObject(panel);
        QObject::connect(panel, &HooksPanel::finished, once, [once, done](const QString &status) {
            once->deleteLater();
            done(status);
        });
    }
    panel->setUpWebhook();
}

} // namespace exeserver
