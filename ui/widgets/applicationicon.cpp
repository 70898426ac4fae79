#include "widgets/applicationicon.h"

#include "widgets/pngicon.h"

#include <array>

namespace exeserver {

QIcon applicationIcon()
{
    // The sizes make-icons.sh renders that title bars, task bars and trays ask for; a window and its tray
    // read two or three of them.
    static constexpr std::array kSides{16, 22, 24, 32, 48, 64, 128};
    QList<PngIconFile> files;
    for (const int side : kSides)
        files.append({QStringLiteral(":/application-icon/%1x%1/apps/io.github.exeserver.png").arg(side),
                      QSize(side, side)});
    return pngIcon(std::move(files), PngIconScaling::ToRequestedSize);
}

} // namespace exeserver
