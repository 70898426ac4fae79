#pragma once

#include <QProxyStyle>

namespace exeserver {

// Fusion, with the standard icons it builds from PNG files in Qt's own resources made by pngIcon() instead:
// the menu bar's and tool bars' extension arrows, Refresh and a line edit's clear button — the ones the
// main window shows or creates before its first frame. Fusion makes them with QIcon(fileName), which asks
// every installed image plugin whether it reads PNG and so loads all of them, QtSvg with its own plugin
// included: ~0.7 MB of an idle window, and a thread to load them off the first frame's path, for four small
// PNG files. The icons are the same files at the same sizes, drawn the same way.
//
// Where the icon theme (a desktop's) has Refresh or the clear button, Fusion takes them from the theme, and
// so does this style. hicolor, a bare X session's theme, is not read for them (standardiconstyle.cpp says
// why).
class StandardIconStyle final : public QProxyStyle
{
    Q_OBJECT
public:
    StandardIconStyle();

    // Whether this style can stand in for `style` without changing how anything looks: Fusion only.
    static bool canStandIn(const QStyle *style);

    QIcon standardIcon(StandardPixmap icon, const QStyleOption *option = nullptr,
                       const QWidget *widget = nullptr) const override;
};

} // namespace exeserver
