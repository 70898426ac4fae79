#include "chat/chatcardwidget.h"

#include "widgets/themecolors.h"

#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace exeserver {

namespace {

QString kindLabel(const QString &kind)
{
    if (kind == QLatin1String("proposal"))
        return QObject::tr("PROPOSED CHANGE");
    return kind.toUpper();
}

QString markdownTable(const QStringList &columns, const QList<QStringList> &rows)
{
    QString out = QStringLiteral("| ") + columns.join(QStringLiteral(" | ")) + QStringLiteral(" |\n|");
    for (qsizetype i = 0; i < columns.size(); ++i)
        out += QStringLiteral(" --- |");
    out += QLatin1Char('\n');
    for (QStringList row : rows) {
        for (QString &cell : row)
            cell.replace(QLatin1Char('|'), QStringLiteral("\\|"));
        out += QStringLiteral("| ") + row.join(QStringLiteral(" | ")) + QStringLiteral(" |\n");
    }
    return out;
}

} // namespace

Tone ChatCardWidget::statusTone(const QString &status)
{
    static const QStringList good{QStringLiteral("success"), QStringLiteral("matched"),
                                  QStringLiteral("enabled"), QStringLiteral("active"),
                                  QStringLiteral("done")};
    static const QStringList bad{QStringLiteral("failure"), QStringLiteral("timed_out"),
                                 QStringLiteral("no match"), QStringLiteral("failed"),
                                 QStringLiteral("startup_failure")};
    static const QStringList busy{QStringLiteral("in_progress"), QStringLiteral("queued"),
                                  QStringLiteral("running"), QStringLiteral("pending"),
                                  QStringLiteral("waiting")};
    if (good.contains(status))
        return Tone::Success;
    if (bad.contains(status))
        return Tone::Failure;
    if (busy.contains(status))
        return Tone::Warning;
    return Tone::Muted;
}

QColor ChatCardWidget::statusColor(const QString &status)
{
    return toneText(statusTone(status));
}

ChatCardWidget::ChatCardWidget(const ChatCard &card, QWidget *parent)
    : QFrame(parent)
    , m_card(card)
{
    const bool proposal = !card.proposalId.isEmpty();
    setObjectName(proposal ? QStringLiteral("proposalCard") : QStringLiteral("%1Card").arg(card.kind));
    setFrameShape(QFrame::StyledPanel);
    // A proposal is tinted as a warning; other cards are the palette's Base, light or dark.
    const QPalette palette = QGuiApplication::palette();
    Swatch swatch = proposal ? toneSwatch(Tone::Warning) : neutralSwatch();
    if (!proposal)
        swatch.background = palette.color(QPalette::Base);
    swatch.text = readableOn(palette.color(QPalette::Text), swatch.background);
    const QString muted = toneTextOn(Tone::Muted, swatch.background).name();
    setStyleSheet(QStringLiteral("QFrame#%1 { background: %2; border: 1px solid %3; border-radius: 6px; } "
                                 "QFrame#%1 QLabel { color: %4; }")
                      .arg(objectName(), swatch.background.name(), swatch.border.name(), swatch.text.name()));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->setSpacing(4);

    auto *header = new QHBoxLayout;
    auto *kind = new QLabel(kindLabel(card.kind), this);
    kind->setStyleSheet(QStringLiteral("color: %1; font-size: 8pt; font-weight: bold;").arg(muted));
    header->addWidget(kind);
    header->addStretch(1);
    if (!card.status.isEmpty()) {
        auto *badge = new QLabel(card.status, this);
        badge->setObjectName(QStringLiteral("statusBadge"));
        badge->setStyleSheet(
            QStringLiteral("color: %1; background: %2; border-radius: 4px; padding: 1px 6px; "
                           "font-size: 8pt; font-weight: bold;")
                .arg(swatch.background.name(),
                     toneTextOn(statusTone(card.status), swatch.background).name()));
        header->addWidget(badge);
    }
    layout->addLayout(header);

    auto *title = new QLabel(this);
    title->setObjectName(QStringLiteral("cardTitle"));
    title->setWordWrap(true);
    title->setTextFormat(Qt::RichText);
    title->setOpenExternalLinks(true);
    const QString escaped = card.title.toHtmlEscaped();
    title->setText(
        card.url.isEmpty()
            ? QStringLiteral("<b>%1</b>").arg(escaped)
            : QStringLiteral("<b><a href=\"%1\">%2</a></b>").arg(card.url.toHtmlEscaped(), escaped));
    layout->addWidget(title);

    if (!card.fields.isEmpty()) {
        auto *form = new QFormLayout;
        form->setContentsMargins(0, 0, 0, 0);
        form->setHorizontalSpacing(10);
        form->setVerticalSpacing(2);
        for (const auto &[name, value] : card.fields) {
            if (value.isEmpty())
                continue;
            auto *valueLabel = new QLabel(value, this);
            valueLabel->setWordWrap(true);
            valueLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
            auto *nameLabel = new QLabel(name, this);
            nameLabel->setStyleSheet(QStringLiteral("color: %1;").arg(muted));
            form->addRow(nameLabel, valueLabel);
        }
        layout->addLayout(form);
    }

    if (!card.columns.isEmpty()) {
        auto *table = new QLabel(this);
        table->setObjectName(QStringLiteral("cardTable"));
        table->setTextFormat(Qt::MarkdownText);
        table->setWordWrap(true);
        QSizePolicy policy(QSizePolicy::Ignored, QSizePolicy::Preferred); // the card's width, not the table's
        policy.setHeightForWidth(true);
        table->setSizePolicy(policy);
        table->setText(markdownTable(card.columns, card.rows));
        layout->addWidget(table);
    }

    if (proposal && !card.outcome.isEmpty()) {
        auto *outcome = new QLabel(card.outcome, this);
        outcome->setObjectName(QStringLiteral("proposalOutcome"));
        outcome->setWordWrap(true);
        outcome->setStyleSheet(
            QStringLiteral("color: %1;").arg(toneTextOn(statusTone(card.status), swatch.background).name()));
        layout->addWidget(outcome);
    }

    auto *buttons = new QHBoxLayout;
    if (proposal && card.state == ProposalState::Pending) {
        auto *approve = new QPushButton(tr("Approve"), this);
        approve->setObjectName(QStringLiteral("approveButton"));
        approve->setStyleSheet(
            QStringLiteral("QPushButton { background: %1; color: %2; padding: 3px 12px; "
                           "border-radius: 4px; font-weight: bold; }")
                .arg(toneText(Tone::Success).name(), palette.color(QPalette::Base).name()));
        auto *reject = new QPushButton(tr("Reject"), this);
        reject->setObjectName(QStringLiteral("rejectButton"));
        connect(approve, &QPushButton::clicked, this,
                [this]() { Q_EMIT approveRequested(m_card.proposalId); });
        connect(reject, &QPushButton::clicked, this, [this]() { Q_EMIT rejectRequested(m_card.proposalId); });
        buttons->addWidget(approve);
        buttons->addWidget(reject);
    }
    for (const CardAction &action : card.actions) {
        auto *button = new QPushButton(action.label, this);
        button->setObjectName(QStringLiteral("cardAction"));
        button->setToolTip(action.command.left(200));
        const QString command = action.command;
        connect(button, &QPushButton::clicked, this, [this, command]() { Q_EMIT commandRequested(command); });
        buttons->addWidget(button);
    }
    if (buttons->count() > 0) {
        buttons->addStretch(1);
        layout->addLayout(buttons);
    } else {
        delete buttons;
    }
}

} // namespace exeserver
