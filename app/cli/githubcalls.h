#pragma once

// What every command that talks to GitHub shares: a client whose cache lives in the event store, and a
// blocking call (the CLI may block at its top level).
#include "blocking.h"
#include "clicontext.h"
#include "github/githubclient.h"
#include "store/eventstore.h"
#include "store/sqliteresponsecache.h"

#include <QNetworkAccessManager>

#include <memory>
#include <optional>

namespace exeserver::cli {

// A client whose ETag cache lives in the event store, so a second command in a minute costs no quota.
struct ConnectedClient
{
    std::unique_ptr<ResponseCache> cache; // declared first: outlives the client
    std::unique_ptr<GitHubClient> client;
    GitHubClient *operator->() const { return client.get(); }
};

inline ConnectedClient makeClient(CliContext &context)
{
    ConnectedClient connected;
    if (EventStore *store = context.store())
        connected.cache = std::make_unique<SqliteResponseCache>(*store);
    GitHubClient::Options options = GitHubClient::optionsFrom(context.settings(), &context.network());
    options.connection.cache = connected.cache.get(); // null: an in-memory cache for this command
    // A shell user would rather hear "rate limited until 14:32" than wait an hour in silence.
    options.connection.maxRateLimitWaitSecs = 90;
    connected.client = std::make_unique<GitHubClient>(options);
    return connected;
}

// Runs one client call to completion (the CLI may block at its top level).
template <typename T, typename Start>
Result<T> call(Start start)
{
    std::optional<Result<T>> result;
    runBlocking([&](std::function<void()> finished) {
        start([&result, finished](Result<T> value) {
            result.emplace(std::move(value));
            finished();
        });
    });
    return std::move(*result);
}

} // namespace exeserver::cli
