#include "host/automationhost.h"

#include "config/settings.h"
#include "events/eventintake.h"
#include "events/journalledstoresink.h"
#include "events/memoryeventsink.h"
#include "events/poller.h"
#include "events/relayclient.h"
#include "events/storeeventsink.h"
#include "events/webhookreceiver.h"
#include "github/githubclient.h"
#include "host/polltargets.h"
#include "store/eventstore.h"
#include "store/fulltextindexer.h"
#include "store/sqliteresponsecache.h"
#include "triggers/triggerdryrun.h"
#include "triggers/triggerruntime.h"
#include "util/clock.h"

#include <QDir>
#include <QPointer>
#include <QTimer>

namespace exeserver {

struct AutomationHost::Private
{
    std::unique_ptr<EventSink> sink;              // the poller's: stores before it returns
    std::unique_ptr<JournalledStoreSink> journal; // the intake's, with a store
    std::unique_ptr<EventIntake> intake;
    std::unique_ptr<WebhookReceiver> receiver;
    std::unique_ptr<RelayClient> relay;
    std::unique_ptr<ResponseCache> cache; // outlives the client
    std::unique_ptr<GitHubClient> client;
    std::unique_ptr<Poller> poller;
    std::unique_ptr<TriggerRuntime> triggers;
    std::unique_ptr<FullTextIndexer> indexer;
    QStringList triggerRepositories; // PollTargets of the enabled triggers
    QStringList accountRepositories; // for their globs
    QDateTime accountListedAt;
    bool pollerStarted = false;
    bool decideQueued = false;
    QTimer refreshTimer;
};

Result<AutomationHost::Options> AutomationHost::optionsFrom(const Settings &settings)
{
    Options options;
    options.maxRateLimitWaitSecs = 30;
    const QString portText = settings.get(setting::WebhookPort).trimmed();
    if (!portText.isEmpty()) {
        bool ok = false;
        const uint port = portText.toUInt(&ok);
        if (!ok || port > 65535)
            return Error{
                QStringLiteral("config"),
                QStringLiteral("webhook.port must be a number from 0 to 65535, not '%1'").arg(portText)};
        options.webhookPort = quint16(port);
    }
    const QString bindText = settings.get(setting::WebhookBind).trimmed();
    if (!bindText.isEmpty() && bindText != QLatin1StringView("localhost")) {
        options.webhookBind = QHostAddress(bindText);
        if (options.webhookBind.isNull())
            return Error{QStringLiteral("config"),
                         QStringLiteral("webhook.bind needs an IP address such as 127.0.0.1, ::1 or 0.0.0.0, "
                                        "not '%1'")
                             .arg(bindText)};
    }
    const QString poll = settings.get(setting::PollEnabled).trimmed().toLower();
    options.poll = !(poll == QLatin1StringView("false") || poll == QLatin1StringView("0") ||
                     poll == QLatin1StringView("no") || poll == QLatin1StringView("off"));
    const QString mark = settings.get(setting::PollMarkNotificationsRead).trimmed().toLower();
    options.markNotificationsRead = mark == QLatin1StringView("true") || mark == QLatin1StringView("1") ||
                                    mark == QLatin1StringView("yes") || mark == QLatin1StringView("on");
    const QString relayText = settings.get(setting::RelayUrl);
    if (!relayText.isEmpty()) {
        options.relayUrl = QUrl(relayText, QUrl::StrictMode);
        if (!options.relayUrl.isValid() || !options.relayUrl.scheme().startsWith(QLatin1StringView("http")))
            return Error{QStringLiteral("config"),
                         QStringLiteral("the relay URL must be an http(s) URL, not '%1'").arg(relayText)};
    }
    options.pollerStatePath = QDir(settings.dataDir()).filePath(QStringLiteral("poller-state.json"));
    return options;
}

AutomationHost::AutomationHost(Settings &settings, EventStore *store, QNetworkAccessManager &network,
                               Options options, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
    , m_settings(settings)
    , m_store(store)
    , m_network(network)
    , m_options(std::move(options))
{
    if (m_store)
        d->sink = std::make_unique<StoreEventSink>(*m_store);
    else
        d->sink = std::make_unique<MemoryEventSink>();
    if (m_store && m_options.journalIntake) {
        d->journal = std::make_unique<JournalledStoreSink>(*m_store);
        connect(d->journal.get(), &JournalledStoreSink::storeFailing, this, [this](const QString &message) {
            Q_EMIT errorRaised(tr("Cannot store accepted events (kept in the intake journal, retried; new "
                                  "deliveries are refused until it works): %1")
                                   .arg(message));
        });
    }
    d->intake = std::make_unique<EventIntake>(d->journal ? static_cast<EventSink &>(*d->journal) : *d->sink,
                                              *SystemClock::instance());
    d->intake->setSecret(m_settings.get(setting::WebhookSecret).toUtf8());
    connect(d->intake.get(), &EventIntake::eventAccepted, this, &AutomationHost::onAccepted);
}

AutomationHost::~AutomationHost()
{
    stop();
}

int AutomationHost::recoveredEvents() const
{
    return d->journal ? d->journal->recoveredCount() : 0;
}

EventIntake &AutomationHost::intake()
{
    return *d->intake;
}

WebhookReceiver *AutomationHost::receiver() const
{
    return d->receiver.get();
}

RelayClient *AutomationHost::relay() const
{
    return d->relay.get();
}

Poller *AutomationHost::poller() const
{
    return d->poller.get();
}

TriggerRuntime *AutomationHost::triggers() const
{
    return d->triggers.get();
}

QUrl AutomationHost::webhookUrl() const
{
    return d->receiver ? QUrl(d->receiver->baseUrl()) : QUrl();
}

Status AutomationHost::start()
{
    if (m_started)
        return success();
    m_started = true;
    m_listenFailed = false;
    d->intake->setSecret(m_settings.get(setting::WebhookSecret).toUtf8()); // may have come from the keychain
    if (d->journal) {
        // Before listening: what the last run accepted but did not store yet goes first.
        if (const Status started = d->journal->start(); !started) {
            m_started = false;
            return started;
        }
        if (!d->journal->recoveryError().isEmpty())
            Q_EMIT errorRaised(d->journal->recoveryError());
    }
    if (m_options.webhookPort) {
        d->receiver = std::make_unique<WebhookReceiver>(*d->intake);
        connect(d->receiver.get(), &WebhookReceiver::warningRaised, this, &AutomationHost::warningRaised);
        if (const Status listening = d->receiver->listen(m_options.webhookBind, *m_options.webhookPort);
            !listening) {
            d->receiver.reset();
            m_listenFailed = true;
            Q_EMIT descriptionChanged(description());
            return listening;
        }
        Q_EMIT webhooksListening(QUrl(d->receiver->baseUrl()));
    }
    startRelay();
    refreshTriggerRepositories();
    startPoller();
    d->pollerStarted = true;
    d->refreshTimer.setInterval(60 * 1000);
    connect(&d->refreshTimer, &QTimer::timeout, this, &AutomationHost::refreshTriggerRepositories,
            Qt::UniqueConnection);
    d->refreshTimer.start();
    if (m_store) {
        d->indexer = std::make_unique<FullTextIndexer>(*m_store);
        d->indexer->start();
    }

    // Triggers run for stored events only: in memory there is no action log to run them through.
    if (m_store && m_options.runTriggers) {
        d->triggers = std::make_unique<TriggerRuntime>(m_settings, *m_store, &m_network,
                                                       m_options.maxRateLimitWaitSecs);
        if (!d->triggers->status()) {
            const Status failed = d->triggers->status();
            d->triggers.reset();
            Q_EMIT descriptionChanged(description());
            return failed;
        }
        connect(d->triggers.get(), &TriggerRuntime::notification, this, &AutomationHost::notification);
        connect(&d->triggers->engine(), &TriggerEngine::actionFinished, this,
                &AutomationHost::actionFinished);
        connect(&d->triggers->engine(), &TriggerEngine::claimDecided, this,
                [this](const QString &eventId, const ProcessReport &report) {
                    Q_EMIT claimDecided(eventId, report);
                    for (const QString &error : report.errors)
                        Q_EMIT errorRaised(QStringLiteral("Trigger not run for %1: %2").arg(eventId, error));
                });
        const Result<ResumeReport> resumed = d->triggers->engine().resume();
        if (resumed)
            m_resumed = *resumed;
        else
            Q_EMIT errorRaised(
                QStringLiteral("Cannot resume the last run's actions: %1").arg(resumed.error().message));
        decidePending();
    }
    Q_EMIT descriptionChanged(description());
    return success();
}

void AutomationHost::startRelay()
{
    if (d->relay) {
        d->relay->stop();
        d->relay.reset();
    }
    if (m_options.relayUrl.isEmpty())
        return;
    d->relay = std::make_unique<RelayClient>(m_network, *d->intake);
    connect(d->relay.get(), &RelayClient::connected, this, &AutomationHost::relayConnected);
    connect(d->relay.get(), &RelayClient::reconnectScheduled, this, &AutomationHost::relayReconnecting);
    d->relay->start(m_options.relayUrl);
    Q_EMIT relayStarted(m_options.relayUrl);
}

void AutomationHost::applyWebhookSettings()
{
    d->intake->setSecret(m_settings.get(setting::WebhookSecret).toUtf8());
    const QUrl relay(m_settings.get(setting::RelayUrl), QUrl::StrictMode);
    if (!m_started || relay.isEmpty() || !relay.isValid() || relay == m_options.relayUrl)
        return;
    m_options.relayUrl = relay;
    startRelay();
    Q_EMIT descriptionChanged(description());
}

void AutomationHost::startPoller()
{
    if (d->poller) {
        d->poller->stop();
        d->poller.reset();
    }
    const QStringList polled = polledRepositories();
    if (!m_options.poll || polled.isEmpty()) {
        Q_EMIT pollingChanged(QUrl(), {});
        return;
    }
    Poller::Options pollerOptions;
    pollerOptions.markNotificationsRead = m_options.markNotificationsRead;
    // With the store, remember what was seen across restarts so downtime is caught up, not skipped.
    if (m_store)
        pollerOptions.statePath = m_options.pollerStatePath;
    d->poller =
        std::make_unique<Poller>(ensureClient(), *d->sink, SystemClock::instance(), polled, pollerOptions);
    connect(d->poller.get(), &Poller::eventPolled, this, &AutomationHost::eventPolled);
    connect(d->poller.get(), &Poller::eventPolled, this, &AutomationHost::decidePending);
    connect(d->poller.get(), &Poller::pollFailed, this, &AutomationHost::pollFailed);
    Q_EMIT pollingChanged(d->client->connection().options().apiUrl, polled);
    d->poller->start();
}

GitHubClient &AutomationHost::ensureClient()
{
    if (!d->client) {
        if (m_store)
            d->cache = std::make_unique<SqliteResponseCache>(*m_store);
        GitHubClient::Options options = GitHubClient::optionsFrom(m_settings, &m_network);
        options.connection.cache = d->cache.get();
        d->client = std::make_unique<GitHubClient>(options);
    }
    return *d->client;
}

void AutomationHost::setRepositories(const QStringList &repositories)
{
    if (repositories == m_options.repositories)
        return;
    m_options.repositories = repositories;
    if (m_started) {
        startPoller();
        Q_EMIT descriptionChanged(description());
    }
}

QStringList AutomationHost::polledRepositories() const
{
    return PollTargets::unite(m_options.repositories, d->triggerRepositories);
}

void AutomationHost::refreshTriggerRepositories()
{
    if (!m_store || !m_options.poll)
        return;
    const Result<QList<Trigger>> triggers = loadStoredTriggers(*m_store);
    if (!triggers) {
        Q_EMIT errorRaised(QStringLiteral("Cannot read the triggers' repositories to poll: %1")
                               .arg(triggers.error().message));
        return;
    }
    setTriggerRepositories(PollTargets::repositories(*triggers, d->accountRepositories));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (!PollTargets::needsAccount(*triggers) ||
        (d->accountListedAt.isValid() && d->accountListedAt.secsTo(now) < 15 * 60))
        return;
    d->accountListedAt = now;
    QPointer<AutomationHost> self(this);
    ensureClient().listRepositories([self, triggers = *triggers](Result<QList<Repository>> repos) {
        if (!self)
            return;
        if (!repos) {
            self->d->accountListedAt = {}; // try again on the next refresh
            Q_EMIT self->pollFailed(QStringLiteral("Cannot list your repositories for the triggers' "
                                                   "patterns: %1")
                                        .arg(repos.error().message));
            return;
        }
        QStringList names;
        for (const Repository &repo : *repos)
            names.append(repo.fullName);
        self->d->accountRepositories = names;
        self->setTriggerRepositories(PollTargets::repositories(triggers, names));
    });
}

void AutomationHost::setTriggerRepositories(const QStringList &repositories)
{
    if (repositories == d->triggerRepositories)
        return;
    d->triggerRepositories = repositories;
    if (m_started && d->pollerStarted) {
        startPoller();
        Q_EMIT descriptionChanged(description());
    }
}

void AutomationHost::onAccepted(const NormalizedEvent &event)
{
    Q_EMIT eventAccepted(event);
    // decidePending takes every stored event past the mark, so the events of one group commit (announced
    // in the same turn) need one call, queued behind their announcements, not one each.
    if (d->decideQueued)
        return;
    d->decideQueued = true;
    QMetaObject::invokeMethod(
        this,
        [this]() {
            d->decideQueued = false;
            decidePending();
        },
        Qt::QueuedConnection);
}

// Every stored event past the engine's mark, not just the one that arrived: an event stored by a process
// that died before deciding it is decided now, and so is one the poller stored.
void AutomationHost::decidePending()
{
    if (!d->triggers)
        return;
    TriggerEngine &engine = d->triggers->engine();
    if (m_triggersPaused) {
        if (const Status skipped = engine.skipPending(); !skipped)
            Q_EMIT errorRaised(QStringLiteral("Triggers paused: %1").arg(skipped.error().message));
        return;
    }
    const Result<QList<DecidedEvent>> decided = engine.decidePending();
    if (!decided) {
        Q_EMIT processingFailed(decided.error().message);
        Q_EMIT errorRaised(QStringLiteral("Triggers not run: %1").arg(decided.error().message));
        return;
    }
    for (const DecidedEvent &event : *decided) {
        Q_EMIT eventProcessed(event.eventId, event.report);
        for (const QString &error : event.report.errors)
            Q_EMIT errorRaised(QStringLiteral("Trigger not run for %1: %2").arg(event.eventId, error));
    }
}

void AutomationHost::setToken(const QString &token)
{
    // Parts created later read the token from the settings, which already hold the new one.
    if (d->triggers)
        d->triggers->setToken(token);
    if (d->client && d->client->token() != token) {
        d->client->connection().setToken(token);
        if (m_started && d->poller)
            startPoller(); // a poller backing off after the old token's 401 asks again now
    }
}

void AutomationHost::setTriggersPaused(bool paused)
{
    if (paused == m_triggersPaused)
        return;
    m_triggersPaused = paused;
    Q_EMIT triggersPausedChanged(paused);
    Q_EMIT descriptionChanged(description());
}

void AutomationHost::stop()
{
    if (!m_started)
        return;
    m_started = false;
    d->pollerStarted = false;
    d->refreshTimer.stop();
    d->indexer.reset();
    if (d->poller)
        d->poller->stop();
    if (d->relay)
        d->relay->stop();
    if (d->receiver)
        d->receiver->close();
    d->intake->flush();
    if (d->journal)
        d->journal->stop(); // stores what was accepted and announces it
}

QString AutomationHost::description() const
{
    QStringList parts;
    if (d->receiver) {
        const QUrl url(d->receiver->baseUrl());
        parts << tr("Webhooks on %1:%2").arg(url.host()).arg(url.port());
    } else if (m_listenFailed) {
        parts << tr("Webhooks failed");
    } else {
        parts << tr("Webhooks off");
    }
    if (d->relay)
        parts << tr("relay %1").arg(m_options.relayUrl.host());
    if (d->poller) {
        const qsizetype n = polledRepositories().size();
        parts << (n == 1 ? tr("polling 1 repository") : tr("polling %1 repositories").arg(n));
    } else {
        parts << tr("polling off");
    }
    parts << (!d->triggers       ? tr("triggers off")
              : m_triggersPaused ? tr("triggers paused")
                                 : tr("triggers on"));
    return parts.join(QStringLiteral(" · "));
}

} // namespace exeserver
