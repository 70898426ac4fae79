#include "widgets/logview.h"

#include "widgets/themecolors.h"

#include <QMouseEvent>
#include <QRegularExpression>
#include <QTextBlock>
#include <QTextCursor>

namespace exeserver {

namespace {

const QString kGroup = QStringLiteral("##[group]");
const QString kEndGroup = QStringLiteral("##[endgroup]");

QString headerText(const QString &title, bool expanded)
{
    return (expanded ? QStringLiteral("▾ ") : QStringLiteral("▸ ")) + title;
}

} // namespace

LogView::LogView(QWidget *parent)
    : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setObjectName(QStringLiteral("logView"));
    setAccessibleName(tr("Job log"));
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setUndoRedoEnabled(false);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    setFont(mono);
}

QString LogView::stripAnsi(const QString &text)
{
    static const QRegularExpression ansi(QStringLiteral("\x1b\\[[0-9;?]*[A-Za-z]"));
    QString out = text;
    out.remove(ansi);
    return out;
}

void LogView::setLog(const QByteArray &raw)
{
    static const QRegularExpression timestamp(
        QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z "));
    QString text = QString::fromUtf8(raw);
    if (text.startsWith(QChar(0xFEFF)))
        text.remove(0, 1);
    const QStringList lines = stripAnsi(text).split(QLatin1Char('\n'));

    m_groups.clear();
    clear();
    QTextDocument *doc = document();
    QTextCursor cursor(doc);
    QTextCharFormat plain;
    QTextCharFormat header;
    header.setFontWeight(QFont::Bold);
    header.setForeground(toneText(Tone::Info));
    QTextCharFormat error;
    error.setForeground(toneText(Tone::Failure));
    error.setFontWeight(QFont::Bold);
    QTextCharFormat warning;
    warning.setForeground(toneText(Tone::Warning));

    cursor.beginEditBlock(); // one layout pass for the whole log, not one per line
    bool firstBlock = true;
    int openGroup = -1;
    const auto append = [&](const QString &line, const QTextCharFormat &format) {
        if (!firstBlock)
            cursor.insertBlock();
        firstBlock = false;
        cursor.insertText(line, format);
        return cursor.blockNumber();
    };
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QString line = lines.at(i);
        line.remove(timestamp);
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        if (line.startsWith(kGroup)) {
            Group group;
            group.title = line.mid(kGroup.size());
            group.header = append(headerText(group.title, false), header);
            group.first = group.header + 1;
            m_groups.append(group);
            openGroup = int(m_groups.size()) - 1;
        } else if (line.startsWith(kEndGroup)) {
            openGroup = -1;
        } else if (line.startsWith(QLatin1String("##[error]"))) {
            append(QStringLiteral("✖ Error: ") + line.mid(9), error);
        } else if (line.startsWith(QLatin1String("##[warning]"))) {
            append(QStringLiteral("⚠ Warning: ") + line.mid(11), warning);
        } else {
            if (line.isEmpty() && i == lines.size() - 1)
                continue;
            const int block = append(openGroup >= 0 ? QStringLiteral("    ") + line : line, plain);
            if (openGroup >= 0)
                m_groups[openGroup].last = block;
        }
    }
    cursor.endEditBlock();
    for (int i = 0; i < m_groups.size(); ++i)
        setGroupExpanded(i, false);
    moveCursor(QTextCursor::Start);
}

QString LogView::groupTitle(int group) const
{
    return group >= 0 && group < m_groups.size() ? m_groups.at(group).title : QString();
}

bool LogView::isGroupExpanded(int group) const
{
    return group >= 0 && group < m_groups.size() && m_groups.at(group).expanded;
}

void LogView::setGroupExpanded(int group, bool expanded)
{
    if (group < 0 || group >= m_groups.size())
        return;
    Group &g = m_groups[group];
    g.expanded = expanded;
    QTextDocument *doc = document();
    for (int b = g.first; b <= g.last; ++b)
        doc->findBlockByNumber(b).setVisible(expanded);
    // Rewrite the header's marker without touching the undo stack's idea of the text layout.
    const QTextBlock headerBlock = doc->findBlockByNumber(g.header);
    QTextCursor cursor(headerBlock);
    cursor.movePosition(QTextCursor::NextCharacter, QTextCursor::KeepAnchor);
    const QTextCharFormat format = cursor.charFormat();
    cursor.insertText(expanded ? QStringLiteral("▾") : QStringLiteral("▸"), format);
    const QTextBlock lastBlock = doc->findBlockByNumber(std::max(g.last, g.header));
    doc->markContentsDirty(headerBlock.position(),
                           lastBlock.position() + lastBlock.length() - headerBlock.position());
    viewport()->update();
}

int LogView::groupOfHeader(int block) const
{
    for (int i = 0; i < m_groups.size(); ++i) {
        if (m_groups.at(i).header == block)
            return i;
    }
    return -1;
}

int LogView::groupContaining(int block) const
{
    for (int i = 0; i < m_groups.size(); ++i) {
        if (block >= m_groups.at(i).first && block <= m_groups.at(i).last)
            return i;
    }
    return -1;
}

bool LogView::findText(const QString &text)
{
    if (text.isEmpty())
        return false;
    QTextDocument *doc = document();
    QTextCursor found = doc->find(text, textCursor());
    if (found.isNull())
        found = doc->find(text, 0);
    if (found.isNull())
        return false;
    const int group = groupContaining(found.blockNumber());
    if (group >= 0 && !isGroupExpanded(group))
        setGroupExpanded(group, true);
    setTextCursor(found);
    ensureCursorVisible();
    return true;
}

int LogView::visibleLineCount() const
{
    int count = 0;
    for (QTextBlock block = document()->begin(); block.isValid(); block = block.next())
        count += block.isVisible() ? 1 : 0;
    return count;
}

void LogView::mousePressEvent(QMouseEvent *event)
{
    const int group = groupOfHeader(cursorForPosition(event->position().toPoint()).blockNumber());
    if (group >= 0 && event->button() == Qt::LeftButton) {
        setGroupExpanded(group, !isGroupExpanded(group));
        event->accept();
        return;
    }
    QPlainTextEdit::mousePressEvent(event);
}

} // namespace exeserver
