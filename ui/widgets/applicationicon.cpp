#include "widgets/applicationicon.h"

#include <QApplication>
#include <QFile>
#include <QHash>
#include <QIconEngine>
#include <QImage>
#include <QImageReader>
#include <QPainter>
#include <QPixmap>
#include <QStyle>
#include <QStyleOption>

#include <array>

namespace exeserver {

namespace {

// The sizes make-icons.sh renders that title bars, task bars and trays ask for.
constexpr std::array kSizes{16, 22, 24, 32, 48, 64, 128};

// Reads a size when it is first asked for: a window and its tray need two or three of the seven.
class ApplicationIconEngine final : public QIconEngine
{
public:
    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State) override
    {
        const int side = sourceSideFor(size);
        QPixmap &read = m_read[side];
        if (read.isNull())
            read = readPng(side);
        QPixmap scaled = read.width() == size.width() && read.height() == size.height()
                             ? read
                             : read.scaled(size, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        if (mode == QIcon::Disabled) {
            QStyleOption option;
            option.palette = QGuiApplication::palette();
            return QApplication::style()->generatedIconPixmap(mode, scaled, &option);
        }
        return scaled;
    }

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State state) override
    {
        const qreal ratio = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
        QPixmap drawn = pixmap(rect.size() * ratio, mode, state);
        drawn.setDevicePixelRatio(ratio);
        painter->drawPixmap(rect, drawn);
    }

    QSize actualSize(const QSize &size, QIcon::Mode, QIcon::State) override
    {
        const int side = std::min(size.width(), size.height());
        return {side, side};
    }

    QList<QSize> availableSizes(QIcon::Mode, QIcon::State) override
    {
        QList<QSize> sizes;
        for (const int side : kSizes)
            sizes.append(QSize(side, side));
        return sizes;
    }

    QIconEngine *clone() const override { return new ApplicationIconEngine(*this); }
    QString key() const override { return QStringLiteral("exeserver-application"); }

private:
    // The smallest rendered size at least as large as asked (sharp when scaled down), else the largest.
    static int sourceSideFor(const QSize &size)
    {
        const int wanted = std::max(size.width(), size.height());
        for (const int side : kSizes) {
            if (side >= wanted)
                return side;
        }
        return kSizes.back();
    }

    static QPixmap readPng(int side)
    {
        QFile file(QStringLiteral(":/application-icon/%1x%1/apps/io.github.exeserver.png").arg(side));
        if (!file.open(QIODevice::ReadOnly))
            return {};
        QImageReader reader(&file, "png");
        reader.setAutoDetectImageFormat(false); // the built-in reader, without probing the plugins
        return QPixmap::fromImage(reader.read());
    }

    QHash<int, QPixmap> m_read;
};

} // namespace

QIcon applicationIcon()
{
    return QIcon(new ApplicationIconEngine);
}

} // namespace exeserver
