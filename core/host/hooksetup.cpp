#include "host/hooksetup.h"

#include "config/settings.h"
#include "config/webhooksecret.h"
#include "events/relaychannel.h"
#include "triggers/eventcoverage.h"

namespace exeserver {

HookSetup::HookSetup(Settings &settings, SecretStore &secrets, QNetworkAccessManager &network,
                     WebhookManager &manager)
    : m_settings(settings)
    , m_secrets(secrets)
    , m_network(network)
    , m_manager(manager)
{
}

QList<Trigger> HookSetup::triggersFor(const HookScope &scope, const QList<Trigger> &triggers)
{
    QList<Trigger> found;
    const QString orgPrefix = scope.name + QLatin1Char('/');
    for (const Trigger &trigger : triggers) {
        if (!trigger.enabled)
            continue;
        bool applies = trigger.repositories.isEmpty();
        for (const GlobPattern &pattern : trigger.repositories) {
            applies = applies || (scope.isOrganization() ? pattern.pattern().startsWith(orgPrefix)
                                                         : pattern.matches(scope.name));
        }
        if (applies)
            found.append(trigger);
    }
    return found;
}

void HookSetup::withTarget(const Request &request, std::function<void(Result<QUrl>, bool created)> done)
{
    if (!request.url.isEmpty())
        return done(request.url, false);
    const SettingValue relay = m_settings.value(setting::RelayUrl);
    if (!relay.value.isEmpty() && (request.relay || m_settings.get(setting::WebhookPublicUrl).isEmpty()))
        return done(QUrl(relay.value), false);
    if (!request.relay) {
        const QString publicUrl = m_settings.get(setting::WebhookPublicUrl);
        if (publicUrl.isEmpty())
            return done(Error{QStringLiteral("config"),
                              QStringLiteral("No target for the webhook: give a URL, set webhook.public_url, "
                                             "or use a relay channel (--relay).")},
                        false);
        // A bare host name means the receiver: its webhook path is added (WebhookReceiver's first path).
        QUrl url(publicUrl);
        if (url.path().isEmpty() || url.path() == QLatin1StringView("/"))
            url.setPath(QStringLiteral("/api/v1/github_webhooks"));
        return done(url, false);
    }
    const QUrl service(m_settings.get(setting::RelayService));
    RelayChannel::create(m_network, service, [this, done = std::move(done)](Result<QUrl> channel) {
        if (!channel)
            return done(channel.error(), false);
        if (const Status saved = m_settings.setFileValue(setting::RelayUrl, channel->toString()); !saved)
            return done(Error{saved.error().kind,
                              QStringLiteral("Relay channel %1 was created but could not be saved: %2")
                                  .arg(channel->toString(), saved.error().message)},
                        false);
        done(*channel, true);
    });
}

void HookSetup::run(const Request &request, const QList<Trigger> &triggers,
                    std::function<void(Result<Outcome>)> done)
{
    QStringList events = request.events;
    if (events.isEmpty())
        events = EventCoverage::webhookEvents(triggersFor(request.scope, triggers));
    if (events.isEmpty())
        return done(Error{QStringLiteral("no_events"),
                          QStringLiteral("No enabled trigger listens on %1, so the webhook would have no "
                                         "events. Enable a trigger first, or name the events (--events "
                                         "push,pull_request or --events all).")
                              .arg(request.scope.name)});
    ensureWebhookSecret(m_settings, m_secrets, [this, request, events, done](Result<QString> secret) {
        if (!secret)
            return done(secret.error());
        withTarget(request,
                   [this, request, events, secret = *secret, done](Result<QUrl> target, bool newChannel) {
                       if (!target)
                           return done(target.error());
                       const HookSpec spec{target->toString(), secret, events, true};
                       m_manager.setUp(
                           request.scope, spec,
                           [target = *target, newChannel, events, done](Result<WebhookManager::Setup> setup) {
                               if (!setup)
                                   return done(setup.error());
                               done(Outcome{setup->hook, setup->created, target, newChannel, events});
                           });
                   });
    });
}

} // namespace exeserver
