#include "triggereditor/triggerlimitspage.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QVBoxLayout>

namespace exeserver {

namespace {

QString joined(const QJsonValue &list, const QString &separator)
{
    QStringList items;
    for (const QJsonValue &item : list.toArray())
        items.append(item.toString());
    return items.join(separator);
}

QJsonArray listOf(const QString &text, QChar separator)
{
    QJsonArray out;
    for (const QString &item : text.split(separator, Qt::SkipEmptyParts)) {
        if (!item.trimmed().isEmpty())
            out.append(item.trimmed());
    }
    return out;
}

} // namespace

TriggerLimitsPage::TriggerLimitsPage(QWidget *parent)
    : QWidget(parent)
    , m_bots(new QCheckBox(tr("Ignore events sent by bots"), this))
    , m_senders(new QLineEdit(this))
    , m_titles(new QPlainTextEdit(this))
    , m_labels(new QLineEdit(this))
    , m_branches(new QLineEdit(this))
    , m_targetBranches(new QLineEdit(this))
    , m_debounce(new QSpinBox(this))
    , m_rateMax(new QSpinBox(this))
    , m_ratePer(new QSpinBox(this))
{
    setObjectName(QStringLiteral("TriggerLimitsPage"));
    m_bots->setObjectName(QStringLiteral("ignoreBots"));
    m_senders->setObjectName(QStringLiteral("ignoreSenders"));
    m_senders->setPlaceholderText(tr("dependabot*, renovate* — comma-separated patterns"));
    m_senders->setAccessibleName(tr("Ignore senders"));
    m_titles->setObjectName(QStringLiteral("ignoreTitles"));
    m_titles->setPlaceholderText(tr("One regular expression per line, e.g. ^WIP"));
    m_titles->setAccessibleName(tr("Ignore titles matching"));
    m_titles->setMaximumHeight(56);
    m_labels->setObjectName(QStringLiteral("ignoreLabels"));
    m_labels->setPlaceholderText(tr("wip, do-not-merge — comma-separated"));
    m_labels->setAccessibleName(tr("Ignore labels"));
    m_branches->setObjectName(QStringLiteral("ignoreBranches"));
    m_branches->setPlaceholderText(tr("gh-pages, tmp/* — the branch pushed or the pull request's head"));
    m_branches->setAccessibleName(tr("Ignore branches"));
    m_targetBranches->setObjectName(QStringLiteral("ignoreTargetBranches"));
    m_targetBranches->setPlaceholderText(tr("release/* — the pull request's base"));
    m_targetBranches->setAccessibleName(tr("Ignore target branches"));
    m_debounce->setObjectName(QStringLiteral("debounce"));
    m_debounce->setRange(0, 24 * 3600);
    m_debounce->setSuffix(tr(" s"));
    m_debounce->setSpecialValueText(tr("off"));
    m_debounce->setAccessibleName(tr("Debounce in seconds"));
    m_debounce->setToolTip(tr("Wait this long after a matching event; a newer one for the same pull request "
                              "or branch replaces it"));
    m_rateMax->setObjectName(QStringLiteral("rateLimitMax"));
    m_rateMax->setRange(0, 1000000);
    m_rateMax->setSpecialValueText(tr("no limit"));
    m_rateMax->setAccessibleName(tr("Rate limit: most runs"));
    m_ratePer->setObjectName(QStringLiteral("rateLimitPer"));
    m_ratePer->setRange(1, 7 * 24 * 3600);
    m_ratePer->setSuffix(tr(" s"));
    m_ratePer->setValue(60);
    m_ratePer->setAccessibleName(tr("Rate limit: per seconds"));

    auto *rate = new QHBoxLayout;
    rate->addWidget(m_rateMax);
    rate->addWidget(new QLabel(tr("runs per"), this));
    rate->addWidget(m_ratePer);
    rate->addStretch(1);
    auto *debounceRow = new QHBoxLayout;
    debounceRow->addWidget(m_debounce);
    debounceRow->addStretch(1);
    auto *form = new QFormLayout;
    form->addRow(QString(), m_bots);
    form->addRow(tr("Senders"), m_senders);
    form->addRow(tr("Titles"), m_titles);
    form->addRow(tr("Labels"), m_labels);
    form->addRow(tr("Branches"), m_branches);
    form->addRow(tr("Target branches"), m_targetBranches);
    form->addRow(tr("Debounce"), debounceRow);
    form->addRow(tr("Rate limit"), rate);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addStretch(1); // the rows stay together at the top of a tall tab

    const auto edited = [this]() {
        if (!m_loading)
            Q_EMIT this->edited();
    };
    connect(m_bots, &QCheckBox::toggled, this, edited);
    for (QLineEdit *edit : {m_senders, m_labels, m_branches, m_targetBranches})
        connect(edit, &QLineEdit::textChanged, this, edited);
    connect(m_titles, &QPlainTextEdit::textChanged, this, edited);
    for (QSpinBox *spin : {m_debounce, m_rateMax, m_ratePer})
        connect(spin, &QSpinBox::valueChanged, this, edited);
    connect(m_rateMax, &QSpinBox::valueChanged, m_ratePer,
            [this](int max) { m_ratePer->setEnabled(max > 0); });
    m_ratePer->setEnabled(false);
}

void TriggerLimitsPage::load(const QJsonObject &trigger)
{
    m_loading = true;
    const QJsonObject ignore = trigger.value(QLatin1String("ignore")).toObject();
    const QString comma = QStringLiteral(", ");
    m_bots->setChecked(ignore.value(QLatin1String("bots")).toBool());
    m_senders->setText(joined(ignore.value(QLatin1String("senders")), comma));
    m_titles->setPlainText(joined(ignore.value(QLatin1String("titles")), QStringLiteral("\n")));
    m_labels->setText(joined(ignore.value(QLatin1String("labels")), comma));
    m_branches->setText(joined(ignore.value(QLatin1String("branches")), comma));
    m_targetBranches->setText(joined(ignore.value(QLatin1String("target_branches")), comma));
    m_debounce->setValue(trigger.value(QLatin1String("debounce")).toInt());
    const QJsonObject rate = trigger.value(QLatin1String("rate_limit")).toObject();
    m_rateMax->setValue(rate.value(QLatin1String("max")).toInt());
    m_ratePer->setValue(rate.value(QLatin1String("per")).toInt(60));
    m_loading = false;
}

void TriggerLimitsPage::apply(QJsonObject &trigger) const
{
    QJsonObject ignore;
    if (m_bots->isChecked())
        ignore.insert(QStringLiteral("bots"), true);
    const auto put = [&ignore](const char *key, const QJsonArray &values) {
        if (!values.isEmpty())
            ignore.insert(QLatin1String(key), values);
    };
    put("senders", listOf(m_senders->text(), QLatin1Char(',')));
    put("titles", listOf(m_titles->toPlainText(), QLatin1Char('\n'))); // a regex may hold a comma
    put("labels", listOf(m_labels->text(), QLatin1Char(',')));
    put("branches", listOf(m_branches->text(), QLatin1Char(',')));
    put("target_branches", listOf(m_targetBranches->text(), QLatin1Char(',')));
    if (ignore.isEmpty())
        trigger.remove(QStringLiteral("ignore"));
    else
        trigger.insert(QStringLiteral("ignore"), ignore);
    if (m_debounce->value() > 0)
        trigger.insert(QStringLiteral("debounce"), m_debounce->value());
    else
        trigger.remove(QStringLiteral("debounce"));
    if (m_rateMax->value() > 0)
        trigger.insert(QStringLiteral("rate_limit"),
                       QJsonObject{{QStringLiteral("max"), m_rateMax->value()},
                                   {QStringLiteral("per"), m_ratePer->value()}});
    else
        trigger.remove(QStringLiteral("rate_limit"));
}

} // namespace exeserver
