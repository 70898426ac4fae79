#include "hooks/coverageline.h"

#include "config/settings.h"
#include "github/hookregistry.h"
#include "host/automationhost.h"
#include "triggers/eventcoverage.h"
#include "triggers/trigger.h"

#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace exeserver {

CoverageLine::CoverageLine(QWidget *parent)
    : QWidget(parent)
    , m_text(new QLabel(this))
    , m_setUp(new QPushButton(tr("Set up webhook"), this))
{
    setObjectName(QStringLiteral("coverageLine"));
    m_text->setWordWrap(true);
    m_text->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_text->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    m_setUp->setObjectName(QStringLiteral("setUpWebhook"));
    m_setUp->setToolTip(
        tr("Creates a webhook for this trigger's repositories that delivers through your relay "
           "channel, with a secret kept in the keychain."));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_setUp, 0, Qt::AlignTop);
    connect(m_setUp, &QPushButton::clicked, this, [this]() {
        QStringList literal;
        for (const QString &repo : std::as_const(m_repositories)) {
            if (GlobPattern(repo).isLiteral() && repo.contains(QLatin1Char('/')))
                literal.append(repo);
        }
        Q_EMIT setUpWebhookRequested(literal);
    });
    refresh();
}

void CoverageLine::setSettings(const Settings *settings)
{
    m_settings = settings;
    refresh();
}

void CoverageLine::setTrigger(const QString &event, const QStringList &repositories)
{
    m_event = event;
    m_repositories = repositories;
    refresh();
}

CoverageContext CoverageLine::contextOf(const Trigger &trigger) const
{
    if (!m_settings)
        return {};
    HookRegistry hooks(QDir(m_settings->dataDir()).filePath(QStringLiteral("webhooks.json")));
    (void)hooks.load(); // an unreadable registry is reported where hooks are managed; here: none known
    const Result<AutomationHost::Options> options = AutomationHost::optionsFrom(*m_settings);
    return EventCoverage::contextFor(trigger, hooks, m_settings->get(setting::RelayUrl),
                                     !options || options->poll);
}

QString CoverageLine::describe(const Trigger &trigger, bool *deaf) const
{
    const CoverageContext context = contextOf(trigger);
    if (deaf)
        *deaf = EventCoverage::isDeaf(trigger.event, context);
    return EventCoverage::describe(trigger.event, context);
}

void CoverageLine::refresh()
{
    Trigger trigger;
    trigger.event = m_event;
    for (const QString &repo : std::as_const(m_repositories))
        trigger.repositories.append(GlobPattern(repo));
    const CoverageContext context = contextOf(trigger);
    const bool deaf = EventCoverage::isDeaf(m_event, context);
    m_text->setText((deaf ? QStringLiteral("⚠ ") : QString()) + EventCoverage::describe(m_event, context));
    m_text->setForegroundRole(deaf ? QPalette::Link : QPalette::WindowText);
    const bool webhookEvent = EventCoverage::pollSource(m_event) != PollSource::Notifications;
    m_setUp->setVisible(!context.hook && webhookEvent);
}

QString CoverageLine::text() const
{
    return m_text->text();
}

bool CoverageLine::offersSetUp() const
{
    return !m_setUp->isHidden();
}

} // namespace exeserver
