#pragma once

#include "hooks/hookspanel.h"

#include <functional>

class QDockWidget;
class QMainWindow;
class QMenu;

namespace exeserver {

class RepositoryPicker;

// The "Webhooks" dock: hidden at first, listed in `viewMenu`, its HooksPanel built the first time it is
// shown (so no request goes to GitHub before someone looks), offering the dashboard's selected
// repositories. `services` must outlive the window.
QDockWidget *addHooksDock(QMainWindow *window, QMenu *viewMenu, HooksPanel::Services services,
                          RepositoryPicker *picker);

// "Set up webhook" from elsewhere (the trigger editor): opens the dock and sets up ExeServer's webhook on
// the first of `repositories`; with none (a trigger on a pattern), opens it for the user to choose.
// `done` runs with the panel's status text after the setup.
void setUpWebhookInDock(QDockWidget *dock, const QStringList &repositories,
                        const std::function<void(const QString &)> &done = {});

} // namespace exeserver
