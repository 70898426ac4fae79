#pragma once

#include "clicontext.h"
#include "github/githubclient.h"
#include "github/responsecache.h"

#include <memory>

namespace exeserver::cli {

// A client whose ETag cache lives in the event store, so a second command in a minute costs no quota.
struct ConnectedClient
{
    std::unique_ptr<ResponseCache> cache; // declared first: outlives the client
    std::unique_ptr<GitHubClient> client;
    GitHubClient *operator->() const { return client.get(); }
};

ConnectedClient makeClient(CliContext &context);

} // namespace exeserver::cli
