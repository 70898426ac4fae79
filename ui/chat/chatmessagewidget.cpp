#include "chat/chatmessagewidget.h"

#include "widgets/themecolors.h"

#include "chat/chatcardwidget.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QFrame>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QTextDocument>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtMath>

namespace exeserver {

namespace {

// `fill`: take the bubble's width instead of asking for the text's, so a long word does not push the whole
// conversation wider than the dock (tables are apart, in tableView()).
QLabel *markdownLabel(const QString &markdown, bool fill, QWidget *parent)
{
    auto *label = new QLabel(parent);
    if (fill) {
        QSizePolicy policy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        policy.setHeightForWidth(true);
        label->setSizePolicy(policy);
    }
    label->setObjectName(QStringLiteral("messageText"));
    label->setTextFormat(Qt::MarkdownText);
    label->setWordWrap(true);
    label->setOpenExternalLinks(true);
    label->setTextInteractionFlags(Qt::TextBrowserInteraction);
    label->setText(markdown);
    return label;
}

// A Markdown table at its natural width inside a strip that scrolls sideways: a table wider than the bubble
// is read by scrolling it, not clipped, and the conversation itself never gets wider than the dock.
QWidget *tableView(const QString &markdown, QWidget *parent)
{
    auto *scroll = new QScrollArea(parent);
    scroll->setObjectName(QStringLiteral("tableScroll"));
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    scroll->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setWidgetResizable(false);
    scroll->setStyleSheet(
        QStringLiteral("QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }"));
    auto *label = new QLabel(scroll);
    label->setObjectName(QStringLiteral("messageTable"));
    label->setTextFormat(Qt::MarkdownText);
    label->setWordWrap(false);
    label->setOpenExternalLinks(true);
    label->setTextInteractionFlags(Qt::TextBrowserInteraction);
    label->setText(markdown);
    // QLabel's own size hint cuts a wide table's last column short; the laid-out document knows its width.
    QTextDocument document;
    document.setDefaultFont(label->font());
    document.setMarkdown(markdown);
    document.setTextWidth(-1);
    label->resize(qCeil(document.size().width()) + 2, qCeil(document.size().height()) + 2);
    scroll->setWidget(label);
    // Room for the table and, below it, the scroll bar when it is wider than the bubble.
    scroll->setFixedHeight(label->height() + scroll->horizontalScrollBar()->sizeHint().height());
    scroll->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    return scroll;
}

QWidget *codeBlock(const QString &code, QWidget *parent)
{
    auto *frame = new QFrame(parent);
    frame->setObjectName(QStringLiteral("codeBlock"));
    const QPalette palette = QGuiApplication::palette();
    frame->setStyleSheet(QStringLiteral("QFrame#codeBlock { background: %1; border: 1px solid %2; "
                                        "border-radius: 4px; } QFrame#codeBlock QLabel { color: %3; }")
                             .arg(palette.color(QPalette::Base).name(), neutralSwatch().border.name(),
                                  palette.color(QPalette::Text).name()));
    auto *layout = new QHBoxLayout(frame);
    layout->setContentsMargins(6, 4, 4, 4);
    auto *text = new QLabel(code, frame);
    text->setObjectName(QStringLiteral("codeText"));
    text->setTextFormat(Qt::PlainText);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    text->setWordWrap(true);
    layout->addWidget(text, 1);
    auto *copy = new QToolButton(frame);
    copy->setObjectName(QStringLiteral("copyButton"));
    copy->setText(QObject::tr("Copy"));
    copy->setToolTip(QObject::tr("Copy to the clipboard"));
    QObject::connect(copy, &QToolButton::clicked, copy, [code, copy]() {
        QApplication::clipboard()->setText(code);
        copy->setText(QObject::tr("Copied"));
    });
    layout->addWidget(copy, 0, Qt::AlignTop);
    return frame;
}

} // namespace

QList<QPair<bool, QString>> ChatMessageWidget::splitTables(const QString &markdown)
{
    static const QRegularExpression separator(
        QStringLiteral("^\\s*\\|?\\s*:?-{3,}:?\\s*(\\|\\s*:?-{3,}:?\\s*)*\\|?\\s*$"));
    QList<QPair<bool, QString>> parts;
    const QStringList lines = markdown.split(QLatin1Char('\n'));
    QStringList text;
    const auto flushText = [&]() {
        if (!text.join(QLatin1Char('\n')).trimmed().isEmpty())
            parts.append({false, text.join(QLatin1Char('\n')).trimmed()});
        text.clear();
    };
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const bool starts = lines.at(i).trimmed().startsWith(QLatin1Char('|')) && i + 1 < lines.size() &&
                            separator.match(lines.at(i + 1)).hasMatch();
        if (!starts) {
            text.append(lines.at(i));
            continue;
        }
        flushText();
        QStringList table{lines.at(i), lines.at(i + 1)};
        for (i += 2; i < lines.size() && lines.at(i).trimmed().startsWith(QLatin1Char('|')); ++i)
            table.append(lines.at(i));
        --i;
        parts.append({true, table.join(QLatin1Char('\n'))});
    }
    flushText();
    return parts;
}

QList<QPair<bool, QString>> ChatMessageWidget::splitCodeBlocks(const QString &markdown)
{
    QList<QPair<bool, QString>> parts;
    const QStringList lines = markdown.split(QLatin1Char('\n'));
    QStringList current;
    bool inCode = false;
    auto flush = [&](bool code) {
        QString text = current.join(QLatin1Char('\n'));
        if (code || !text.trimmed().isEmpty())
            parts.append({code, code ? text : text.trimmed()});
        current.clear();
    };
    for (const QString &line : lines) {
        if (line.trimmed().startsWith(QLatin1String("```"))) {
            flush(inCode);
            inCode = !inCode;
            continue;
        }
        current.append(line);
    }
    flush(inCode); // an unclosed fence while streaming still shows as code
    return parts;
}

ChatMessageWidget::ChatMessageWidget(const ChatMessage &message, QWidget *parent)
    : QWidget(parent)
    , m_message(message)
{
    const bool user = message.role == ChatRole::User;
    setObjectName(user ? QStringLiteral("userMessage") : QStringLiteral("assistantMessage"));
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(4, 2, 4, 2);
    m_bubble = new QFrame(this);
    m_bubble->setObjectName(QStringLiteral("bubble"));
    auto *bubbleLayout = new QVBoxLayout(m_bubble);
    bubbleLayout->setContentsMargins(10, 6, 10, 8);
    bubbleLayout->setSpacing(4);
    m_header = new QLabel(m_bubble);
    m_header->setObjectName(QStringLiteral("messageHeader"));
    bubbleLayout->addWidget(m_header);
    m_content = new QWidget(m_bubble);
    m_contentLayout = new QVBoxLayout(m_content);
    m_contentLayout->setContentsMargins(0, 0, 0, 0);
    m_contentLayout->setSpacing(6);
    bubbleLayout->addWidget(m_content);
    // Side tells who spoke: the user's bubbles lean right, the assistant's left.
    if (user) {
        row->addSpacing(40);
        row->addStretch(1);
        row->addWidget(m_bubble, 0);
    } else {
        row->addWidget(m_bubble, 1);
        row->addSpacing(24);
    }
    rebuild();
    onPaletteChange(this, [this]() { rebuild(); }); // bubbles and cards in the new scheme
}

void ChatMessageWidget::setMessage(const ChatMessage &message)
{
    m_message = message;
    rebuild();
}

QString ChatMessageWidget::headerText() const
{
    const QString who = m_message.role == ChatRole::User ? tr("You") : tr("Assistant");
    return QStringLiteral("%1 · %2").arg(who, m_message.at.toLocalTime().toString(QStringLiteral("HH:mm")));
}

QString ChatMessageWidget::shownText() const
{
    if (m_message.role == ChatRole::Tool || m_message.role == ChatRole::System)
        return m_message.display; // a tool's summary, the note that older turns were summarised
    if (m_message.role == ChatRole::Assistant && m_message.text.isEmpty() && !m_message.toolCalls.isEmpty()) {
        QStringList names;
        for (const QJsonValue &call : m_message.toolCalls)
            names.append(QStringLiteral("`%1`").arg(call.toObject()
                                                        .value(QStringLiteral("function"))
                                                        .toObject()
                                                        .value(QStringLiteral("name"))
                                                        .toString()));
        return tr("*Looking up: %1*").arg(names.join(QStringLiteral(", ")));
    }
    if (m_message.streaming && m_message.text.isEmpty())
        return QStringLiteral("…");
    return m_message.text;
}

void ChatMessageWidget::rebuild()
{
    const bool user = m_message.role == ChatRole::User;
    // From the palette, so light text never lands on a light bubble in a dark scheme.
    const Swatch swatch = user              ? toneSwatch(Tone::Info)
                          : m_message.error ? toneSwatch(Tone::Failure)
                                            : neutralSwatch();
    m_bubble->setStyleSheet(QStringLiteral("QFrame#bubble { background: %1; border: 1px solid %2; "
                                           "border-radius: 8px; } QFrame#bubble QLabel { color: %3; }")
                                .arg(swatch.background.name(), swatch.border.name(), swatch.text.name()));
    m_header->setText(headerText());
    m_header->setStyleSheet(QStringLiteral("color: %1; font-weight: bold; font-size: 8pt;")
                                .arg(toneTextOn(user ? Tone::Info : Tone::Muted, swatch.background).name()));

    while (QLayoutItem *item = m_contentLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (const auto &[isCode, text] : splitCodeBlocks(shownText())) {
        if (isCode) {
            m_contentLayout->addWidget(codeBlock(text, m_content));
            continue;
        }
        for (const auto &[isTable, part] : splitTables(text)) {
            if (isTable) {
                m_contentLayout->addWidget(tableView(part, m_content));
                continue;
            }
            QLabel *label = markdownLabel(part, !user, m_content);
            // A short question stays on one line instead of wrapping at the bubble's narrowest.
            if (user)
                label->setMinimumWidth(qMin(label->fontMetrics().horizontalAdvance(part) + 8, 260));
            m_contentLayout->addWidget(label);
        }
    }
    for (const ChatCard &card : m_message.cards) {
        auto *widget = new ChatCardWidget(card, m_content);
        connect(widget, &ChatCardWidget::commandRequested, this, &ChatMessageWidget::commandRequested);
        connect(widget, &ChatCardWidget::approveRequested, this, &ChatMessageWidget::approveRequested);
        connect(widget, &ChatCardWidget::rejectRequested, this, &ChatMessageWidget::rejectRequested);
        m_contentLayout->addWidget(widget);
    }
    // A tool's answer with nothing to show (an empty result) takes no room.
    setVisible(m_contentLayout->count() > 0);
}

} // namespace exeserver
