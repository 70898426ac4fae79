#include "dashboard/errorbanner.h"

#include "widgets/themecolors.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace exeserver {

namespace {

// One headline for a failed refresh: offline and rate-limited are named as such; the first message says
// what to do; the full list goes to the tooltip.
QString refreshErrorText(const QList<Error> &errors, const QStringList &repos)
{
    const Error &first = errors.first();
    QString headline;
    if (first.kind == QLatin1String("network") || first.kind == QLatin1String("timeout") ||
        first.kind == QLatin1String("tls"))
        headline = QObject::tr("Offline: GitHub cannot be reached.");
    else if (first.kind == QLatin1String("rate_limited"))
        headline = QObject::tr("Rate limited: GitHub refuses requests for now.");
    else
        headline = QObject::tr("GitHub refused a request.");
    QString text = QObject::tr("%1 Could not refresh %2 — showing what was loaded before.\n%3")
                       .arg(headline, repos.join(QStringLiteral(", ")), first.message);
    if (errors.size() > 1)
        text += QObject::tr(" (%n more error(s); hover for details)", "", int(errors.size() - 1));
    return text;
}

QString detailLines(const QList<Error> &errors)
{
    QStringList lines;
    for (const Error &error : errors) {
        if (!lines.contains(error.message))
            lines.append(error.message);
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace

ErrorBanner::ErrorBanner(QWidget *parent)
    : QFrame(parent)
    , m_text(new QLabel(this))
{
    setObjectName(QStringLiteral("errorBanner"));
    m_text->setObjectName(QStringLiteral("errorBannerText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *retry = new QPushButton(tr("Retry"), this);
    retry->setObjectName(QStringLiteral("retryButton"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    layout->addWidget(m_text, 1);
    layout->addWidget(retry);
    connect(retry, &QPushButton::clicked, this, &ErrorBanner::retryRequested);
}

void ErrorBanner::showMessage(const QString &text, const QString &details)
{
    // Styled when first shown: a style sheet costs the start a parse and a style for a banner rarely seen.
    if (styleSheet().isEmpty()) {
        const Swatch swatch = toneSwatch(Tone::Failure);
        setStyleSheet(QStringLiteral("#errorBanner { background: %1; border: 1px solid %2; "
                                     "border-radius: 4px; } #errorBanner QLabel { color: %3; }")
                          .arg(swatch.background.name(), swatch.border.name(), swatch.text.name()));
    }
    m_text->setText(QStringLiteral("⚠ ") + text);
    setToolTip(details);
    show();
}

void ErrorBanner::showRefreshErrors(const QList<Error> &errors, const QStringList &repos)
{
    showMessage(refreshErrorText(errors, repos), detailLines(errors));
}

void ErrorBanner::clearMessage()
{
    hide();
    m_text->clear();
    setToolTip({});
}

QString ErrorBanner::text() const
{
    return m_text->text();
}

} // namespace exeserver
