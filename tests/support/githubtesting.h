#pragma once

#include "catch.h"
#include "fakegithubserver.h"
#include "github/githubclient.h"
#include "github/responsecache.h"
#include "util/clock.h"

#include <QNetworkAccessManager>
#include <QTest>

#include <memory>
#include <optional>

namespace exeserver::test {

// A GitHubClient wired to a FakeGitHubServer, a ManualClock shared by both, and fast retries and waits.
struct GitHubHarness
{
    FakeGitHubServer server;
    QNetworkAccessManager network;
    ManualClock clock;
    MemoryResponseCache cache;
    std::unique_ptr<GitHubClient> client;

    explicit GitHubHarness(const std::function<void(GitHubClient::Options &)> &adjust = {},
                           const QString &pathPrefix = {})
    {
        server.setClock(&clock);
        if (!pathPrefix.isEmpty())
            server.setPathPrefix(pathPrefix);
        REQUIRE(server.start());
        GitHubClient::Options options;
        options.connection.apiUrl = server.baseUrl();
        options.connection.token = QString::fromLatin1(FakeGitHubServer::DefaultToken);
        options.connection.network = &network;
        options.connection.clock = &clock;
        options.connection.cache = &cache;
        options.connection.retryDelayMs = 5;
        options.connection.clockCheckIntervalMs = 5;
        options.connection.transferTimeoutMs = 2000;
        options.dispatchLookupDelayMs = 5;
        if (adjust)
            adjust(options);
        client = std::make_unique<GitHubClient>(options);
    }

    GitHubConnection &connection() { return client->connection(); }
};

// Starts an asynchronous call and spins the event loop until its callback ran.
template <typename T, typename Start>
Result<T> await(Start start, int timeoutMs = 15000)
{
    std::optional<Result<T>> result;
    start([&result](Result<T> value) { result.emplace(std::move(value)); });
    REQUIRE(QTest::qWaitFor([&]() { return result.has_value(); }, timeoutMs));
    return std::move(*result);
}

} // namespace exeserver::test
