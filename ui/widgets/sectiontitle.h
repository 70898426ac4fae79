#pragma once

#include <QString>

class QLabel;
class QWidget;

namespace exeserver {

// A bold heading over a part of a page ("Active workflows"): plain text in a bold font, not "<b>…</b>".
// A rich-text label brings in Qt's HTML parser and text document layout (and their memory) for one word in
// bold, and the window shows no other rich text.
QLabel *sectionTitle(const QString &text, QWidget *parent);

} // namespace exeserver
