#include "hooks/hookspanel.h"

#include "config/settings.h"
#include "events/relaychannel.h"
#include "store/eventstore.h"
#include "triggers/triggerdryrun.h"
#include "widgets/emptyhint.h"

#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace exeserver {

namespace {

QString lastResponse(const Hook &hook)
{
    if (hook.lastResponseCode == 0)
        return hook.lastResponseStatus.isEmpty() ? HooksPanel::tr("none yet") : hook.lastResponseStatus;
    return QStringLiteral("%1 (%2)").arg(hook.lastResponseCode).arg(hook.lastResponseStatus);
}

} // namespace

HooksPanel::HooksPanel(Services services, QWidget *parent)
    : QWidget(parent)
    , m_services(services)
    , m_registry(QDir(services.settings.dataDir()).filePath(QStringLiteral("webhooks.json")))
    , m_manager(services.client, m_registry)
    , m_setup(services.settings, services.secrets, services.network, m_manager)
    , m_repository(new QComboBox(this))
    , m_hooks(new QTreeWidget(this))
    , m_deliveries(new QTreeWidget(this))
    , m_refresh(new QPushButton(tr("Refresh"), this))
    , m_setUp(new QPushButton(tr("Set up webhook"), this))
    , m_newChannel(new QPushButton(tr("New channel"), this))
    , m_ping(new QPushButton(tr("Ping"), this))
    , m_redeliver(new QPushButton(tr("Redeliver"), this))
    , m_remove(new QPushButton(tr("Remove"), this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("hooksPanel"));
    m_repository->setAccessibleName(tr("Repository"));
    m_hooks->setAccessibleName(tr("Webhooks of the repository"));
    m_deliveries->setAccessibleName(tr("Recent deliveries of the selected webhook"));
    setEmptyHint(m_hooks, tr("No webhooks listed. Set up webhook adds ExeServer's for the events your "
                             "triggers need."));
    setEmptyHint(m_deliveries, tr("Select a webhook to see what GitHub delivered through it."));
    m_repository->setEditable(true);
    m_repository->lineEdit()->setPlaceholderText(QStringLiteral("owner/repository"));
    m_setUp->setToolTip(tr("Creates (or updates) ExeServer's webhook for the events the enabled triggers "
                           "need, delivering through your relay channel; the secret stays in the keychain."));
    m_newChannel->setToolTip(tr("Asks the relay service (relay.service) for a channel of your own."));
    m_remove->setToolTip(tr("Only webhooks ExeServer set up can be removed here."));

    m_hooks->setHeaderLabels(
        {tr("Id"), tr("Active"), tr("Set up by"), tr("Delivers to"), tr("Events"), tr("Last response")});
    m_hooks->setRootIsDecorated(false);
    m_hooks->setAllColumnsShowFocus(true);
    m_hooks->header()->setStretchLastSection(false);
    m_hooks->header()->setSectionResizeMode(3, QHeaderView::Stretch);
    m_deliveries->setHeaderLabels({tr("Delivery"), tr("When"), tr("Status"), tr("Event")});
    m_deliveries->setRootIsDecorated(false);
    m_status->setWordWrap(true);
    // Room for a two-line error (a 403 names scope and permission) without the trees jumping.
    m_status->setMinimumHeight(2 * m_status->fontMetrics().lineSpacing() + 4);
    m_status->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Repository:"), this));
    top->addWidget(m_repository, 1);
    top->addWidget(m_refresh);
    top->addWidget(m_setUp);
    top->addWidget(m_newChannel);
    auto *actions = new QHBoxLayout;
    actions->addWidget(new QLabel(tr("Recent deliveries of the selected webhook"), this), 1);
    actions->addWidget(m_ping);
    actions->addWidget(m_redeliver);
    actions->addWidget(m_remove);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_hooks, 3);
    layout->addLayout(actions);
    layout->addWidget(m_deliveries, 2);
    layout->addWidget(m_status);

    connect(m_refresh, &QPushButton::clicked, this, &HooksPanel::refresh);
    connect(m_setUp, &QPushButton::clicked, this, &HooksPanel::setUpWebhook);
    connect(m_newChannel, &QPushButton::clicked, this, &HooksPanel::newChannel);
    connect(m_ping, &QPushButton::clicked, this, &HooksPanel::pingSelected);
    connect(m_redeliver, &QPushButton::clicked, this, &HooksPanel::redeliverSelected);
    connect(m_remove, &QPushButton::clicked, this, &HooksPanel::removeSelected);
    connect(m_repository, &QComboBox::activated, this, &HooksPanel::refresh);
    connect(m_hooks, &QTreeWidget::currentItemChanged, this, [this]() {
        updateButtons();
        loadDeliveries();
    });
    connect(m_deliveries, &QTreeWidget::currentItemChanged, this, &HooksPanel::updateButtons);
    if (const Status loaded = m_registry.load(); !loaded)
        m_status->setText(loaded.error().message);
    updateButtons();
}

HooksPanel::~HooksPanel() = default;

void HooksPanel::setRepositories(const QStringList &repositories)
{
    const QString current = repository();
    m_repository->clear();
    m_repository->addItems(repositories);
    if (!current.isEmpty())
        m_repository->setCurrentText(current);
    updateButtons();
}

void HooksPanel::setRepository(const QString &repository)
{
    if (m_repository->findText(repository) < 0)
        m_repository->addItem(repository);
    m_repository->setCurrentText(repository);
    updateButtons();
}

QString HooksPanel::repository() const
{
    return m_repository->currentText().trimmed();
}

QString HooksPanel::status() const
{
    return m_status->text();
}

HookScope HooksPanel::scope() const
{
    return HookScope::repository(repository());
}

const ManagedHook *HooksPanel::selectedHook() const
{
    const int row = m_hooks->indexOfTopLevelItem(m_hooks->currentItem());
    return row >= 0 && row < m_current.size() ? &m_current[row] : nullptr;
}

void HooksPanel::begin()
{
    ++m_pending;
    updateButtons();
}

void HooksPanel::report(const QString &text, bool refreshAfter)
{
    --m_pending;
    m_status->setText(text);
    updateButtons();
    Q_EMIT finished(text);
    if (refreshAfter)
        refresh();
}

void HooksPanel::updateButtons()
{
    const bool idle = m_pending == 0;
    const bool hasRepo = repository().contains(QLatin1Char('/'));
    const ManagedHook *hook = selectedHook();
    m_refresh->setEnabled(idle && hasRepo);
    m_setUp->setEnabled(idle && hasRepo);
    m_newChannel->setEnabled(idle);
    m_ping->setEnabled(idle && hook);
    m_redeliver->setEnabled(idle && hook && m_deliveries->currentItem());
    m_remove->setEnabled(idle && hook && hook->ours);
}

void HooksPanel::refresh()
{
    if (!repository().contains(QLatin1Char('/')))
        return;
    begin();
    QPointer<HooksPanel> self(this);
    m_manager.list(scope(), [self](Result<QList<ManagedHook>> hooks) {
        if (!self)
            return;
        if (!hooks) {
            self->showHooks({});
            self->report(hooks.error().message);
        } else {
            self->showHooks(*hooks);
            self->report(hooks->isEmpty() ? tr("%1 has no webhooks.").arg(self->repository())
                                          : tr("%n webhook(s).", nullptr, int(hooks->size())));
        }
        Q_EMIT self->refreshed();
    });
}

void HooksPanel::showHooks(const QList<ManagedHook> &hooks)
{
    m_current = hooks;
    m_hooks->clear();
    m_deliveries->clear();
    for (const ManagedHook &managed : hooks) {
        const Hook &hook = managed.hook;
        auto *item = new QTreeWidgetItem(
            m_hooks, {QString::number(hook.id), hook.active ? tr("yes") : tr("no"),
                      managed.ours ? tr("ExeServer") : tr("someone else (left alone)"), hook.url,
                      hook.events.join(QStringLiteral(", ")), lastResponse(hook)});
        if (!managed.ours)
            item->setForeground(2, palette().brush(QPalette::PlaceholderText));
    }
    for (int column = 0; column < m_hooks->columnCount(); ++column) {
        if (column != 3)
            m_hooks->resizeColumnToContents(column);
    }
    if (!hooks.isEmpty())
        m_hooks->setCurrentItem(m_hooks->topLevelItem(0));
    updateButtons();
}

void HooksPanel::loadDeliveries()
{
    m_deliveries->clear();
    const ManagedHook *hook = selectedHook();
    if (!hook)
        return;
    const qint64 hookId = hook->hook.id;
    QPointer<HooksPanel> self(this);
    m_services.client.listHookDeliveries(
        scope(), hookId, 10, [self, hookId](Result<QList<HookDelivery>> list) {
            const ManagedHook *selected = self ? self->selectedHook() : nullptr;
            if (!selected || selected->hook.id != hookId)
                return;
            if (!list) {
                self->m_status->setText(list.error().message);
                return;
            }
            for (const HookDelivery &delivery : *list) {
                new QTreeWidgetItem(
                    self->m_deliveries,
                    {QString::number(delivery.id),
                     delivery.deliveredAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                     delivery.statusCode
                         ? QStringLiteral("%1 %2").arg(delivery.statusCode).arg(delivery.status)
                         : delivery.status,
                     delivery.action.isEmpty() ? delivery.event
                                               : delivery.event + QLatin1Char('.') + delivery.action});
            }
            for (int column = 0; column < self->m_deliveries->columnCount(); ++column)
                self->m_deliveries->resizeColumnToContents(column);
            if (self->m_deliveries->topLevelItemCount() > 0)
                self->m_deliveries->setCurrentItem(self->m_deliveries->topLevelItem(0));
            self->updateButtons();
        });
}

void HooksPanel::setUpWebhook()
{
    QList<Trigger> triggers;
    if (m_services.store) {
        const Result<QList<Trigger>> loaded = loadStoredTriggers(*m_services.store);
        if (!loaded) {
            m_status->setText(loaded.error().message);
            return;
        }
        triggers = *loaded;
    }
    begin();
    const QString repo = repository();
    QPointer<HooksPanel> self(this);
    m_setup.run({scope(), {}, true, {}}, triggers, [self, repo](Result<HookSetup::Outcome> outcome) {
        if (!self)
            return;
        if (!outcome)
            return self->report(outcome.error().message);
        QString text = (outcome->created ? tr("Webhook %1 created on %2") : tr("Webhook %1 updated on %2"))
                           .arg(outcome->hook.id)
                           .arg(repo) +
                       tr(" for %1, delivering to %2.")
                           .arg(outcome->events.join(QStringLiteral(", ")), outcome->target.toString());
        if (outcome->newChannel)
            text += tr(" New relay channel saved.");
        if (self->m_services.settingsChanged)
            self->m_services.settingsChanged();
        self->report(text, true);
    });
}

void HooksPanel::newChannel()
{
    const SettingValue current = m_services.settings.value(setting::RelayUrl);
    if (current.source == SettingSource::Environment) {
        m_status->setText(tr("EXESERVER_RELAY_URL sets the relay channel (%1); it wins over a new one.")
                              .arg(current.value));
        return;
    }
    begin();
    QPointer<HooksPanel> self(this);
    RelayChannel::create(
        m_services.network, QUrl(m_services.settings.get(setting::RelayService)),
        [self](Result<QUrl> channel) {
            if (!self)
                return;
            if (!channel)
                return self->report(channel.error().message);
            const Status saved =
                self->m_services.settings.setFileValue(setting::RelayUrl, channel->toString());
            if (saved && self->m_services.settingsChanged)
                self->m_services.settingsChanged();
            self->report(saved ? tr("New relay channel %1 saved as relay.url.").arg(channel->toString())
                               : saved.error().message);
        });
}

void HooksPanel::pingSelected()
{
    const ManagedHook *hook = selectedHook();
    if (!hook)
        return;
    begin();
    const qint64 id = hook->hook.id;
    QPointer<HooksPanel> self(this);
    m_services.client.pingHook(scope(), id, [self, id](Status pinged) {
        if (self)
            self->report(pinged ? tr("GitHub is pinging webhook %1.").arg(id) : pinged.error().message, true);
    });
}

void HooksPanel::redeliverSelected()
{
    const ManagedHook *hook = selectedHook();
    QTreeWidgetItem *delivery = m_deliveries->currentItem();
    if (!hook || !delivery)
        return;
    begin();
    const qint64 deliveryId = delivery->text(0).toLongLong();
    QPointer<HooksPanel> self(this);
    m_services.client.redeliverHookDelivery(
        scope(), hook->hook.id, deliveryId, [self, deliveryId](Status sent) {
            if (self)
                self->report(
                    sent ? tr("GitHub is delivering %1 again.").arg(deliveryId) : sent.error().message, true);
        });
}

void HooksPanel::removeSelected()
{
    const ManagedHook *hook = selectedHook();
    if (!hook || !hook->ours)
        return;
    begin();
    const qint64 id = hook->hook.id;
    QPointer<HooksPanel> self(this);
    m_manager.remove(scope(), id, [self, id](Status removed) {
        if (self)
            self->report(removed ? tr("Webhook %1 removed.").arg(id) : removed.error().message, true);
    });
}

} // namespace exeserver
