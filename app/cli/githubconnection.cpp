#include "githubconnection.h"

#include "store/eventstore.h"
#include "store/sqliteresponsecache.h"

namespace exeserver::cli {

ConnectedClient makeClient(CliContext &context)
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

} // namespace exeserver::cli
