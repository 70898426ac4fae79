#pragma once

#include <QIcon>

namespace exeserver {

// The application's icon for the window, the tray and dialogs: the PNG sizes make-icons.sh renders from
// resources/icons/exeserver.svg, read with Qt's built-in PNG reader alone. Not the SVG: drawing it at start
// mapped QtSvg, its icon engine and libm's tables into every window (~0.7 MB of an idle one). And not
// QIcon(fileName): that asks every image plugin whether it reads the format, loading them all.
QIcon applicationIcon();

} // namespace exeserver
