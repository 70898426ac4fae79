#pragma once

#include "hookspanel.h"

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

} // namespace exeserver
