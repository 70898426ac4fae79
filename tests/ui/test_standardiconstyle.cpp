#include "catch.h"

#include "widgets/standardiconstyle.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QIcon>
#include <QImage>
#include <QPixmap>
#include <QStyleFactory>
#include <QStyleOption>
#include <QTemporaryDir>

#include <memory>

using namespace exeserver;

namespace {

QImage pixels(const QIcon &icon, int side, QIcon::Mode mode)
{
    return icon.pixmap(QSize(side, side), mode)
        .toImage()
        .convertToFormat(QImage::Format_ARGB32_Premultiplied);
}

// An icon theme named `name` in a folder of its own with one icon, Refresh (solid blue, 16 px), made the
// application's theme for the object's lifetime.
class BlueRefreshTheme
{
public:
    explicit BlueRefreshTheme(const QString &name)
        : m_searchPaths(QIcon::themeSearchPaths())
        , m_themeName(QIcon::themeName())
    {
        REQUIRE(m_themes.isValid());
        REQUIRE(QDir(m_themes.path()).mkpath(name + QStringLiteral("/16x16/actions")));
        QFile index(m_themes.filePath(name + QStringLiteral("/index.theme")));
        REQUIRE(index.open(QIODevice::WriteOnly));
        index.write("[Icon Theme]\nName=" + name.toUtf8() +
                    "\nDirectories=16x16/actions\n\n[16x16/actions]\nSize=16\nContext=Actions\nType=Fixed\n");
        index.close();
        QImage refresh(16, 16, QImage::Format_ARGB32);
        refresh.fill(Qt::blue);
        REQUIRE(
            refresh.save(m_themes.filePath(name + QStringLiteral("/16x16/actions/view-refresh.png")), "PNG"));
        QIcon::setThemeSearchPaths({m_themes.path()});
        QIcon::setThemeName(name);
    }
    ~BlueRefreshTheme()
    {
        QIcon::setThemeName(m_themeName);
        QIcon::setThemeSearchPaths(m_searchPaths);
    }
    BlueRefreshTheme(const BlueRefreshTheme &) = delete;
    BlueRefreshTheme &operator=(const BlueRefreshTheme &) = delete;

private:
    QTemporaryDir m_themes;
    QStringList m_searchPaths;
    QString m_themeName;
};

} // namespace

TEST_CASE("Standard icon style: Fusion's icons, the same pixels at every size and mode", "[ui][style]")
{
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
    REQUIRE(StandardIconStyle::canStandIn(fusion.get()));
    StandardIconStyle style;
    QApplication::setStyle(QStringLiteral("Fusion")); // Disabled and Selected come from the app's style
    QStyleOption rightToLeft;
    rightToLeft.direction = Qt::RightToLeft;
    for (const QStyle::StandardPixmap which :
         {QStyle::SP_ToolBarHorizontalExtensionButton, QStyle::SP_ToolBarVerticalExtensionButton,
          QStyle::SP_BrowserReload, QStyle::SP_LineEditClearButton}) {
        for (const QStyleOption *option :
             {static_cast<const QStyleOption *>(nullptr), static_cast<const QStyleOption *>(&rightToLeft)}) {
            const QIcon own = style.standardIcon(which, option);
            const QIcon qt = fusion->standardIcon(which, option);
            CAPTURE(int(which), option != nullptr);
            REQUIRE_FALSE(own.isNull());
            CHECK(own.availableSizes() == qt.availableSizes());
            for (const int side : {8, 12, 16, 20, 24, 32, 48}) {
                CAPTURE(side);
                CHECK(own.actualSize(QSize(side, side)) == qt.actualSize(QSize(side, side)));
                for (const QIcon::Mode mode :
                     {QIcon::Normal, QIcon::Disabled, QIcon::Active, QIcon::Selected}) {
                    CAPTURE(int(mode));
                    CHECK(pixels(own, side, mode) == pixels(qt, side, mode));
                }
            }
        }
    }
    // Other icons are Fusion's own.
    CHECK(style.standardIcon(QStyle::SP_TitleBarCloseButton).availableSizes() ==
          fusion->standardIcon(QStyle::SP_TitleBarCloseButton).availableSizes());
}

TEST_CASE("Standard icon style: stands in for Fusion only", "[ui][style]")
{
    for (const QString &name : QStyleFactory::keys()) {
        const std::unique_ptr<QStyle> style(QStyleFactory::create(name));
        CAPTURE(name);
        CHECK(StandardIconStyle::canStandIn(style.get()) ==
              (name.compare(QLatin1String("Fusion"), Qt::CaseInsensitive) == 0));
    }
    CHECK_FALSE(StandardIconStyle::canStandIn(nullptr));
}

TEST_CASE("Standard icon style: an icon theme's Refresh and clear button win, as they do in Fusion",
          "[ui][style]")
{
    // A theme with Refresh only: Fusion takes it from the theme, and so does the style; the clear button
    // and the extension arrows still come from Qt's files.
    const BlueRefreshTheme theme(QStringLiteral("probe"));
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
    StandardIconStyle style;
    CHECK(fusion->standardIcon(QStyle::SP_BrowserReload).name() == QLatin1String("view-refresh"));
    CHECK(style.standardIcon(QStyle::SP_BrowserReload).name() == QLatin1String("view-refresh"));
    CHECK(pixels(style.standardIcon(QStyle::SP_BrowserReload), 16, QIcon::Normal).pixelColor(8, 8) ==
          QColor(Qt::blue));
    CHECK(pixels(style.standardIcon(QStyle::SP_LineEditClearButton), 16, QIcon::Normal) ==
          pixels(fusion->standardIcon(QStyle::SP_LineEditClearButton), 16, QIcon::Normal));
    CHECK(style.standardIcon(QStyle::SP_ToolBarHorizontalExtensionButton).availableSizes() ==
          fusion->standardIcon(QStyle::SP_ToolBarHorizontalExtensionButton).availableSizes());
}

TEST_CASE("Standard icon style: hicolor, a bare X session's theme, is not read for Refresh or the clear "
          "button",
          "[ui][style]")
{
    // By the icon theme specification hicolor holds applications' icons, so Fusion's lookup there finds
    // nothing and only costs the first frame the parse of its index.theme. Even a hicolor that breaks the
    // rule and has Refresh gives Qt's own icon here.
    const BlueRefreshTheme theme(QStringLiteral("hicolor"));
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
    StandardIconStyle style;
    const QIcon own = style.standardIcon(QStyle::SP_BrowserReload);
    CHECK(own.name().isEmpty());
    CHECK(pixels(own, 16, QIcon::Normal).pixelColor(8, 8) != QColor(Qt::blue));
    CHECK(own.availableSizes() == QList<QSize>({QSize(24, 24), QSize(32, 32)})); // Qt's refresh-24/32.png
    CHECK(pixels(style.standardIcon(QStyle::SP_LineEditClearButton), 16, QIcon::Normal) ==
          pixels(fusion->standardIcon(QStyle::SP_LineEditClearButton), 16, QIcon::Normal));
}
