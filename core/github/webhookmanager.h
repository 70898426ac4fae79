#pragma once

#include "github/githubclient.h"

#include <functional>

namespace exeserver {

class HookRegistry;

// A hook as the hooks panel and `exeserver-cli hooks list` show it.
struct ManagedHook
{
    Hook hook;
    bool ours = false; // created by ExeServer (HookRegistry): the only kind it changes or removes
};

// Sets up, changes and removes the webhooks ExeServer created, and leaves every other hook untouched:
// update and remove refuse a hook the registry does not know, and creating a hook to a URL another hook
// of the scope already uses is refused rather than duplicating or taking it over. Reading (list,
// deliveries) and asking GitHub to send (ping, redeliver) work on any hook.
class WebhookManager
{
public:
    template <typename T>
    using Callback = std::function<void(Result<T>)>;
    using StatusCallback = std::function<void(Status)>;

    struct Setup
    {
        Hook hook;
        bool created = false; // false: ExeServer's existing hook to that URL was updated
    };

    // Client and registry must outlive every callback.
    WebhookManager(GitHubClient &client, HookRegistry &registry);

    void list(const HookScope &scope, Callback<QList<ManagedHook>> done);
    void setUp(const HookScope &scope, const HookSpec &spec, Callback<Setup> done);
    void remove(const HookScope &scope, qint64 hookId, StatusCallback done);

private:
    void withOwnHook(const HookScope &scope, qint64 hookId, Callback<Hook> done);

    GitHubClient &m_client;
    HookRegistry &m_registry;
};

} // namespace exeserver
