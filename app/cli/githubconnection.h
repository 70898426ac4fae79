#pragma once

#include "blocking.h"
#include "clicontext.h"
#include "github/githubclient.h"
#include "github/responsecache.h"

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

ConnectedClient makeClient(CliContext &context);

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
