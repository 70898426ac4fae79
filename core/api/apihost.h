#pragma once

#include "util/result.h"

#include <QHostAddress>

#include <functional>
#include <memory>
#include <optional>

namespace exeserver {

class ApiServer;
class AutomationHost;
class EventStore;
class GitHubClient;
class Settings;
class SyncService;

// Where the API listens.
struct ApiAddress
{
    QHostAddress bind;
    quint16 port = 0;
};

// Starts the local API beside a running AutomationHost, as `serve` and the desktop app both do: the store,
// the host's trigger engine (retries, action updates on the stream), the sync's status, and the host's
// accepted and polled events published on the stream.
namespace apihost {

// api.port and api.bind from the settings, the command line's values winning when given. An error names
// the bad value.
Result<ApiAddress> addressFrom(const Settings &settings, const QString &portOverride = {},
                               const QString &bindOverride = {});

// Listening, or an error saying why not (a public address without a token, a port in use). `token` empty:
// loopback only.
// `github` is the dashboard's client (null: runs, workflows, dispatch and comments answer 503).
Result<std::unique_ptr<ApiServer>> start(const ApiAddress &address, const QString &token, EventStore &store,
                                         AutomationHost &host, SyncService *sync,
                                         std::function<GitHubClient *()> github, const QString &dataDir);

} // namespace apihost

} // namespace exeserver
