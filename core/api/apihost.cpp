#include "api/apihost.h"

#include "api/apiserver.h"
#include "config/settings.h"
#include "events/storeeventsink.h"
#include "host/automationhost.h"
#include "sync/syncservice.h"
#include "triggers/triggerruntime.h"

namespace exeserver::apihost {

Result<ApiAddress> addressFrom(const Settings &settings, const QString &portOverride,
                               const QString &bindOverride)
{
    const QString portText = portOverride.isEmpty() ? settings.get(setting::ApiPort) : portOverride;
    bool ok = false;
    const uint port = portText.toUInt(&ok);
    if (!ok || port > 65535)
        return Error{QStringLiteral("bad_setting"),
                     QStringLiteral("The API port (api.port) must be a number from 0 to 65535, not '%1'.")
                         .arg(portText)};
    const QString bindText = bindOverride.isEmpty() ? settings.get(setting::ApiBind) : bindOverride;
    const QHostAddress bind = bindText == QLatin1StringView("localhost")
                                  ? QHostAddress(QHostAddress::LocalHost)
                                  : QHostAddress(bindText);
    if (bind.isNull())
        return Error{
            QStringLiteral("bad_setting"),
            QStringLiteral("The API bind address (api.bind) needs an IP address such as 127.0.0.1, not '%1'.")
                .arg(bindText)};
    return ApiAddress{bind, quint16(port)};
}

Result<std::unique_ptr<ApiServer>> start(const ApiAddress &address, const QString &token, EventStore &store,
                                         AutomationHost &host, SyncService *sync,
                                         std::function<GitHubClient *()> github, const QString &dataDir)
{
    ApiSources sources;
    sources.store = &store;
    sources.engine = host.triggers() ? &host.triggers()->engine() : nullptr;
    if (sync)
        sources.syncStatus = [sync](QString *target, SyncStatus *status) {
            *target = sync->targetDescription();
            *status = sync->status();
            return true;
        };
    sources.github = std::move(github);
    sources.repositories = [&host]() { return host.repositories(); };
    sources.presetDir = dataDir;
    auto api = std::make_unique<ApiServer>(std::move(sources));
    api->setToken(token);
    QObject::connect(api.get(), &ApiServer::warningRaised, &host, &AutomationHost::warningRaised);
    if (const Status listening = api->listen(address.bind, address.port); !listening)
        return listening.error();
    ApiServer *raw = api.get();
    const auto publish = [raw](const NormalizedEvent &event) { raw->publishEvent(toEvent(event)); };
    QObject::connect(&host, &AutomationHost::eventAccepted, raw, publish);
    QObject::connect(&host, &AutomationHost::eventPolled, raw, publish);
    return api;
}

} // namespace exeserver::apihost
