#include "catch.h"

#include "imagepluginwarmup.h"
#include "widgets/applicationicon.h"

#include <QApplication>
#include <QBuffer>
#include <QIcon>
#include <QImage>
#include <QImageReader>
#include <QMenuBar>
#include <QPixmap>
#include <QStyle>

using namespace exeserver;

// The plugins the warm-up loads on its thread must then serve the main thread: the window's icons, the
// style's icons, and a plugin-only format (JPEG) written and read back.
TEST_CASE(
    "Image plugin warm-up: images and icons load on the main thread after the plugins loaded on another",
    "[app][start]")
{
    {
        const ImagePluginWarmUp warmUp; // joins here
    }
    CHECK(QImageReader::supportedImageFormats().contains("png"));
    CHECK_FALSE(applicationIcon().pixmap(32, 32).isNull());
    QMenuBar bar; // its extension button's icon is the image that used to load the plugins
    CHECK_FALSE(
        bar.style()->standardIcon(QStyle::SP_ToolBarHorizontalExtensionButton).pixmap(16, 16).isNull());
    if (QImageReader::supportedImageFormats().contains("jpeg")) {
        QImage image(8, 8, QImage::Format_RGB32);
        image.fill(Qt::red);
        QByteArray bytes;
        QBuffer buffer(&bytes);
        REQUIRE(buffer.open(QIODevice::WriteOnly));
        REQUIRE(image.save(&buffer, "JPEG"));
        const QImage back = QImage::fromData(bytes);
        REQUIRE_FALSE(back.isNull());
        CHECK(back.size() == QSize(8, 8));
    }
}
