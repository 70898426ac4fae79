#include "widgets/standardiconstyle.h"

#include "widgets/pngicon.h"

#include <QFile>
#include <QGuiApplication>
#include <QIcon>
#include <QStyleFactory>
#include <QStyleOption>

#include <algorithm>

namespace exeserver {

namespace {

// The files and sizes QCommonStyle (Fusion's base) uses for each icon, in Qt 6's resources.
QList<PngIconFile> filesFor(QStyle::StandardPixmap icon, bool rightToLeft)
{
    const auto file = [](const char *name, int width, int height) {
        return PngIconFile{QStringLiteral(":/qt-project.org/styles/commonstyle/images/") +
                               QLatin1String(name),
                           QSize(width, height)};
    };
    switch (icon) {
    case QStyle::SP_ToolBarHorizontalExtensionButton:
        if (rightToLeft)
            return {file("toolbar-ext-h-rtl-8.png", 8, 5), file("toolbar-ext-h-rtl-16.png", 16, 10),
                    file("toolbar-ext-h-rtl-32.png", 32, 20)};
        return {file("toolbar-ext-h-8.png", 8, 5), file("toolbar-ext-h-16.png", 16, 10),
                file("toolbar-ext-h-32.png", 32, 20)};
    case QStyle::SP_ToolBarVerticalExtensionButton:
        return {file("toolbar-ext-v-5.png", 5, 8), file("toolbar-ext-v-10.png", 10, 16),
                file("toolbar-ext-v-20.png", 20, 32)};
    case QStyle::SP_BrowserReload:
        return {file("refresh-24.png", 24, 24), file("refresh-32.png", 32, 32)};
    case QStyle::SP_LineEditClearButton:
        return {file("cleartext-16.png", 16, 16)};
    default:
        return {};
    }
}

// Whether Fusion would take `icon` from the icon theme: the names it asks the theme for (Refresh and the
// clear button only; the extension arrows always come from Qt's files). Without a theme, or with one that
// lacks them, Fusion uses its PNG files.
//
// hicolor, the theme of a bare X session and the one every theme inherits, is not asked: by the icon theme
// specification it holds applications' own icons, not actions like these, so Fusion's lookup there finds
// nothing. That lookup still costs ~5 ms of the first frame: QIconLoader parses the theme's index.theme
// with QSettings, and Debian's lists 650 folders.
bool themeHasIconFor(QStyle::StandardPixmap icon, bool rightToLeft)
{
    if (!QGuiApplication::desktopSettingsAware())
        return false;
    const QString theme = QIcon::themeName();
    if (theme.isEmpty() || theme == QLatin1String("hicolor"))
        return false;
    switch (icon) {
    case QStyle::SP_BrowserReload:
        return QIcon::hasThemeIcon(QStringLiteral("view-refresh"));
    case QStyle::SP_LineEditClearButton:
        return QIcon::hasThemeIcon(rightToLeft ? QStringLiteral("edit-clear-locationbar-ltr")
                                               : QStringLiteral("edit-clear-locationbar-rtl")) ||
               QIcon::hasThemeIcon(QStringLiteral("edit-clear"));
    default:
        return false;
    }
}

} // namespace

StandardIconStyle::StandardIconStyle()
    : QProxyStyle(QStyleFactory::create(QStringLiteral("Fusion")))
{
}

bool StandardIconStyle::canStandIn(const QStyle *style)
{
    return style && style->name().compare(QLatin1String("fusion"), Qt::CaseInsensitive) == 0;
}

QIcon StandardIconStyle::standardIcon(StandardPixmap icon, const QStyleOption *option,
                                      const QWidget *widget) const
{
    const bool rightToLeft = option ? option->direction == Qt::RightToLeft : QGuiApplication::isRightToLeft();
    if (!themeHasIconFor(icon, rightToLeft)) {
        const QList<PngIconFile> files = filesFor(icon, rightToLeft);
        // A later Qt that moved or dropped a file gets Fusion's own icon.
        const bool present =
            !files.isEmpty() && std::all_of(files.cbegin(), files.cend(),
                                            [](const PngIconFile &f) { return QFile::exists(f.path); });
        if (present)
            return pngIcon(files);
    }
    return QProxyStyle::standardIcon(icon, option, widget);
}

} // namespace exeserver
