#include "chatcardwidget.h"

#include <QFormLayout>
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

QColor ChatCardWidget::statusColor(const QString &status)
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
        return QColor(0x1a, 0x7f, 0x37);
    if (bad.contains(status))
        return QColor(0xcf, 0x22, 0x2e);
    if (busy.contains(status))
        return QColor(0x9a, 0x67, 0x00);
    return QColor(0x57, 0x60, 0x6a);
}

ChatCardWidget::ChatCardWidget(const ChatCard &card, QWidget *parent)
    : QFrame(parent)
    , m_card(card)
{
    const bool proposal = !card.proposalId.isEmpty();
    setObjectName(proposal ? QStringLiteral("proposalCard") : QStringLiteral("%1Card").arg(card.kind));
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet(QStringLiteral("QFrame#%1 { background: %2; border: 1px solid %3; border-radius: 6px; }")
                      .arg(objectName(), proposal ? QStringLiteral("#fff8e1") : QStringLiteral("#ffffff"),
                           proposal ? QStringLiteral("#d4a72c") : QStringLiteral("#d0d7de")));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->setSpacing(4);

    auto *header = new QHBoxLayout;
    auto *kind = new QLabel(kindLabel(card.kind), this);
    kind->setStyleSheet(QStringLiteral("color: #57606a; font-size: 8pt; font-weight: bold;"));
    header->addWidget(kind);
    header->addStretch(1);
    if (!card.status.isEmpty()) {
        auto *badge = new QLabel(card.status, this);
        badge->setObjectName(QStringLiteral("statusBadge"));
        badge->setStyleSheet(
            QStringLiteral("color: white; background: %1; border-radius: 4px; padding: 1px 6px; "
                           "font-size: 8pt; font-weight: bold;")
                .arg(statusColor(card.status).name()));
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
            nameLabel->setStyleSheet(QStringLiteral("color: #57606a;"));
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
        outcome->setStyleSheet(QStringLiteral("color: %1;").arg(statusColor(card.status).name()));
        layout->addWidget(outcome);
    }

    auto *buttons = new QHBoxLayout;
    if (proposal && card.state == ProposalState::Pending) {
        auto *approve = new QPushButton(tr("Approve"), this);
        approve->setObjectName(QStringLiteral("approveButton"));
        approve->setStyleSheet(
            QStringLiteral("QPushButton { background: #1f883d; color: white; padding: 3px 12px; "
                           "border-radius: 4px; font-weight: bold; }"));
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
