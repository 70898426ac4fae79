#pragma once

#include "catch.h"
#include "testutil.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QWidget>

namespace exeserver::test {

// Renders `widget` as it would be painted to outputDir()/name (a PNG to look at; `name` may hold a
// subfolder).
inline void savePng(QWidget &widget, const QString &name)
{
    QApplication::processEvents(); // laid out as it would be painted
    const QImage image = widget.grab().toImage();
    REQUIRE_FALSE(image.isNull());
    const QString path = QDir(outputDir()).filePath(name);
    REQUIRE(QDir().mkpath(QFileInfo(path).absolutePath()));
    REQUIRE(image.save(path));
}

} // namespace exeserver::test
