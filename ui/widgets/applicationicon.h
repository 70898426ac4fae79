#pragma once

#include <QIcon>

namespace exeserver {

// The application's icon for the window, the tray and dialogs: the PNG sizes make-icons.sh renders from
// resources/icons/exeserver.svg, as a pngIcon() (widgets/pngicon.h says why not QIcon(fileName)). Not the
// SVG: drawing it at start mapped QtSvg, its icon engine and libm's tables into every window (~0.7 MB of an
// idle one).
QIcon applicationIcon();

} // namespace exeserver
