#pragma once

#include "events/normalizedevent.h"
#include "triggers/triggerengine.h"
#include "util/result.h"

#include <QHostAddress>
#include <QObject>
#include <QStringList>
#include <QUrl>

#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace exeserver {

class EventIntake;
class EventStore;
class GitHubClient;
class Poller;
class RelayClient;
class Settings;
class TriggerRuntime;
class WebhookReceiver;

// What `exeserver-cli serve` and the desktop app host: the event intake (into the store, or memory), the
// webhook receiver, the relay client, the poller and the trigger engine, which runs for every accepted
// event. Entry points only present it: serve prints lines, the window shows a status and notifications.
class AutomationHost : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        std::optional<quint16> webhookPort; // none: no receiver; 0: any free port
        QHostAddress webhookBind = QHostAddress(QHostAddress::LocalHost);
        QUrl relayUrl;            // empty: no relay
        QStringList repositories; // polled while polling is on
        bool poll = true;
        bool markNotificationsRead = false; // poll.mark_notifications_read
        QString pollerStatePath;            // empty: the poller starts afresh each time
        bool runTriggers = true;            // only with a store
        int maxRateLimitWaitSecs = 90;
        // With a store: deliveries are answered once written to the intake journal and stored by a
        // worker thread in large transactions (JournalledStoreSink). Off: stored before the answer, on
        // the answering thread (benchmarks compare the two).
        bool journalIntake = true;
    };

    // The desktop app's options from the settings: webhook.port, webhook.bind, poll.enabled, relay.url,
    // the poller state in the data dir. An error names the bad setting.
    static Result<Options> optionsFrom(const Settings &settings);

    // `store` null: events are kept in memory and no trigger runs. Settings, store and network must
    // outlive the host.
    AutomationHost(Settings &settings, EventStore *store, QNetworkAccessManager &network, Options options,
                   QObject *parent = nullptr);
    ~AutomationHost() override;

    // Listens, connects the relay, starts polling and the trigger engine, which first finishes what the
    // last exit left undone (TriggerEngine::resume) and decides the events stored since it last decided
    // (TriggerEngine::decidePending). Signals report each part as it starts. An error (port in use, a
    // public address without a webhook secret, a bad database URL) says what failed; the parts started
    // before it keep running until stop().
    Status start();
    // Drains: stops taking new deliveries and lets queued announcements run.
    void stop();
    bool isStarted() const { return m_started; }

    // Polls these repositories from now on (the dashboard's selection); restarts the poller.
    void setRepositories(const QStringList &repositories);
    QStringList repositories() const { return m_options.repositories; }
    // What the poller watches: the dashboard's repositories and those the enabled triggers name
    // (PollTargets), read from the store at start() and every minute after, globs expanded against the
    // account's repositories (listed again every 15 minutes). Call refresh after changing triggers to
    // apply it at once.
    QStringList polledRepositories() const;
    void refreshTriggerRepositories();

    // The token changed in the settings: the poller's and the triggers' GitHub clients use it from now on
    // (requests in flight finish with the old one), and the poller polls again at once with it.
    void setToken(const QString &token);

    // The webhook secret or the relay channel changed in the settings (a hook was just set up): the intake
    // checks deliveries against the new secret, and a started host follows the new relay channel, without
    // a restart.
    void applyWebhookSettings();

    // While paused, events are still received, polled and stored, but no trigger runs for them, not even
    // on unpause (they stay in the event log, where they can be replayed). Firings already queued or held
    // by a debounce before the pause still run.
    void setTriggersPaused(bool paused);
    bool triggersPaused() const { return m_triggersPaused; }

    // "Webhooks on 127.0.0.1:3000 · polling 3 repositories · triggers on"
    QString description() const;
    // Which part start() failed on: true when the receiver could not listen.
    bool listenFailed() const { return m_listenFailed; }
    // What start() found of the last exit's unfinished work.
    const ResumeReport &resumeReport() const { return m_resumed; }
    // Events the last run accepted (answered) but had not stored yet, stored by start() from the journal.
    int recoveredEvents() const;
    int interruptedCount() const { return m_resumed.interrupted; }

    EventIntake &intake();
    WebhookReceiver *receiver() const;
    RelayClient *relay() const;
    Poller *poller() const;
    TriggerRuntime *triggers() const;
    QUrl webhookUrl() const; // the receiver's base URL; empty when off

Q_SIGNALS:
    void webhooksListening(const QUrl &baseUrl);
    void relayStarted(const QUrl &channel);
    void relayConnected();
    void relayReconnecting(int delayMs);
    // Emitted by start() always and by setRepositories(): `repositories` empty means polling is off.
    void pollingChanged(const QUrl &apiUrl, const QStringList &repositories);
    void eventPolled(const exeserver::NormalizedEvent &event);
    void eventAccepted(const exeserver::NormalizedEvent &event);
    // For every stored event the triggers decided about (received, polled, or left undecided by a crash).
    void eventProcessed(const QString &eventId, const exeserver::ProcessReport &report);
    void processingFailed(const QString &message);
    // Team mode: a trigger eventProcessed listed as `claiming` was decided (TriggerEngine::claimDecided).
    void claimDecided(const QString &eventId, const exeserver::ProcessReport &report);
    void actionFinished(const QString &actionId, exeserver::ActionKind kind, const QString &target,
                        exeserver::ActionStatus status, const QString &detail);
    void notification(const exeserver::TriggerNotification &notification);
    void warningRaised(const QString &message); // the receiver's (listening without a secret, ...)
    void pollFailed(const QString &message);
    void errorRaised(const QString &message); // a trigger not run, a part that stopped working
    void descriptionChanged(const QString &description);
    void triggersPausedChanged(bool paused);

private:
    void startPoller();
    void startRelay();
    void setTriggerRepositories(const QStringList &repositories);
    GitHubClient &ensureClient();
    void onAccepted(const NormalizedEvent &event);
    void decidePending();

    struct Private;
    std::unique_ptr<Private> d;
    Settings &m_settings;
    EventStore *m_store;
    QNetworkAccessManager &m_network;
    Options m_options;
    bool m_started = false;
    bool m_listenFailed = false;
    bool m_triggersPaused = false;
    ResumeReport m_resumed;
};

} // namespace exeserver

Q_DECLARE_METATYPE(exeserver::TriggerNotification)
Q_DECLARE_METATYPE(exeserver::ProcessReport)
