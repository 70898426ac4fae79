#pragma once

#include <QIcon>
#include <QList>
#include <QSize>
#include <QString>

namespace exeserver {

// One PNG file of an icon and the size of the image in it.
struct PngIconFile
{
    QString path;
    QSize size;
};

enum class PngIconScaling
{
    DownOnly,        // as QIcon(fileName) draws: the best file, shrunk to fit, never enlarged
    ToRequestedSize, // the best file scaled to exactly the size asked for, larger than the largest too
};

// An icon from PNG files of known sizes. Each file is read when a size that needs it is first drawn, with
// Qt's built-in PNG reader alone. QIcon(fileName) instead asks every installed image plugin whether it reads
// PNG, which loads them all (gif, ico, jpeg, svg with QtSvg, …): ~0.7 MB of an idle window, for icons that
// are all PNG. The file chosen for a size is QIcon's: the smallest at least as large (by area), else the
// largest. Disabled and selected pixmaps come from the application style, as for QIcon(fileName).
QIcon pngIcon(QList<PngIconFile> files, PngIconScaling scaling = PngIconScaling::DownOnly);

} // namespace exeserver
