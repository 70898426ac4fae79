#pragma once

#include "github/webhookmanager.h"
#include "triggers/trigger.h"

#include <QUrl>

class QNetworkAccessManager;

namespace exeserver {

class SecretStore;
class Settings;

// "Set up webhook" in one step, for the CLI (`hooks add`) and the GUI alike: the secret
// (ensureWebhookSecret), the target (an explicit URL, the relay channel — asked for from the relay service
// when `newRelay` and none is configured — or webhook.public_url), the events the enabled triggers on the
// scope need, then WebhookManager::setUp. A new relay channel is kept in the settings file (relay.url);
// EXESERVER_RELAY_URL still wins over it and is then used as it is.
class HookSetup
{
public:
    struct Request
    {
        HookScope scope;
        QUrl url;           // explicit target; empty: relay channel or webhook.public_url
        bool relay = false; // point the hook at the relay channel, creating one when none is set
        QStringList events; // explicit; empty: from the triggers
    };
    struct Outcome
    {
        Hook hook;
        bool created = false;
        QUrl target;
        bool newChannel = false; // a relay channel was created and saved in the settings
        QStringList events;
    };

    // All must outlive the setup's callback.
    HookSetup(Settings &settings, SecretStore &secrets, QNetworkAccessManager &network,
              WebhookManager &manager);

    void run(const Request &request, const QList<Trigger> &triggers,
             std::function<void(Result<Outcome>)> done);

    // The enabled triggers that can fire for the scope: a repository's matching ones; for an organisation,
    // those on every repository or naming one of its repositories.
    static QList<Trigger> triggersFor(const HookScope &scope, const QList<Trigger> &triggers);

private:
    void withTarget(const Request &request, std::function<void(Result<QUrl>, bool created)> done);

    Settings &m_settings;
    SecretStore &m_secrets;
    QNetworkAccessManager &m_network;
    WebhookManager &m_manager;
};

} // namespace exeserver
