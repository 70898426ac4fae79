#include "widgets/pngicon.h"

#include <QApplication>
#include <QFile>
#include <QIconEngine>
#include <QImageReader>
#include <QPainter>
#include <QPixmap>
#include <QStyle>
#include <QStyleOption>

#include <utility>

namespace exeserver {

namespace {

class PngIconEngine final : public QIconEngine
{
public:
    PngIconEngine(QList<PngIconFile> files, PngIconScaling scaling)
        : m_files(std::move(files))
        , m_read(m_files.size())
        , m_scaling(scaling)
    {
    }

    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        const qsizetype index = bestFileFor(size);
        if (index < 0)
            return {};
        QPixmap &read = m_read[index];
        if (read.isNull())
            read = readPng(m_files.at(index).path);
        if (read.isNull())
            return {};
        const QSize target = sizeFor(size, read.size());
        QPixmap drawn = read.size() == target
                            ? read
                            : read.scaled(target, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        // What QIcon(fileName) does for the modes it has no file for: the style greys (tints) the pixmap.
        if (mode == QIcon::Disabled || mode == QIcon::Selected) {
            QStyleOption option;
            option.palette = QGuiApplication::palette();
            return QApplication::style()->generatedIconPixmap(mode, drawn, &option);
        }
        Q_UNUSED(state)
        return drawn;
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
        const qsizetype index = bestFileFor(size);
        return index < 0 ? QSize() : sizeFor(size, m_files.at(index).size);
    }

    QList<QSize> availableSizes(QIcon::Mode, QIcon::State) override
    {
        QList<QSize> sizes;
        for (const PngIconFile &file : std::as_const(m_files))
            sizes.append(file.size);
        return sizes;
    }

    bool isNull() override { return m_files.isEmpty(); }
    QIconEngine *clone() const override { return new PngIconEngine(*this); }
    QString key() const override { return QStringLiteral("exeserver-png"); }

private:
    // QIcon's choice for files of one mode: the smallest by area that is at least as large as asked,
    // else the largest.
    qsizetype bestFileFor(const QSize &size) const
    {
        const qint64 wanted = qint64(size.width()) * size.height();
        qsizetype best = -1;
        qint64 bestArea = 0;
        for (qsizetype i = 0; i < m_files.size(); ++i) {
            const qint64 area = qint64(m_files.at(i).size.width()) * m_files.at(i).size.height();
            const bool better = best < 0 || (area >= wanted ? (bestArea < wanted || area < bestArea)
                                                            : (bestArea < wanted && area > bestArea));
            if (better) {
                best = i;
                bestArea = area;
            }
        }
        return best;
    }

    QSize sizeFor(const QSize &asked, const QSize &image) const
    {
        if (m_scaling == PngIconScaling::ToRequestedSize)
            return asked;
        if (image.width() <= asked.width() && image.height() <= asked.height())
            return image;
        return image.scaled(asked, Qt::KeepAspectRatio);
    }

    static QPixmap readPng(const QString &path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return {};
        QImageReader reader(&file, "png");
        reader.setAutoDetectImageFormat(false); // the built-in reader, without probing the plugins
        return QPixmap::fromImage(reader.read());
    }

    QList<PngIconFile> m_files;
    QList<QPixmap> m_read; // by file; null until first drawn
    PngIconScaling m_scaling;
};

} // namespace

QIcon pngIcon(QList<PngIconFile> files, PngIconScaling scaling)
{
    return QIcon(new PngIconEngine(std::move(files), scaling));
}

} // namespace exeserver
