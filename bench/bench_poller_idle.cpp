// What polling costs when nothing happens: 20 idle repositories (plus the notifications inbox) polled for
// one simulated hour against the fake GitHub server. The clock is a ManualClock that jumps to the poller's
// next due time, so an hour takes seconds; the numbers are requests, 304s and rate-limit units, which do not
// depend on wall time. Goal (issue 6): 0 units beyond the first round's baseline.
//
//     build/dev/bench/bench_poller_idle [--hours N]
#include "events/memoryeventsink.h"
#include "events/poller.h"
#include "fakegithubserver.h"
#include "github/githubclient.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QTest>

#include <cstdio>

using namespace exeserver;
using namespace exeserver::test;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("exeserver.*.debug=false"));
    int hours = 1;
    const QStringList args = app.arguments();
    if (const qsizetype at = args.indexOf(QStringLiteral("--hours")); at >= 0)
        hours = std::max(1, args.value(at + 1).toInt());

    ManualClock clock;
    FakeGitHubServer server;
    server.setClock(&clock);
    if (!server.start())
        return 1;
    server.clearData();
    QStringList repos;
    for (int i = 0; i < 20; ++i) {
        const QString repo = QStringLiteral("octocat/idle-%1").arg(i, 2, 10, QLatin1Char('0'));
        repos.append(repo);
        server.addRepository({.fullName = repo});
        const qint64 ci = server.addWorkflow({.repo = repo});
        server.addRun({.repo = repo, .workflowId = ci}); // completed: nothing in progress
    }

    QNetworkAccessManager network;
    MemoryResponseCache cache;
    GitHubClient::Options options;
    options.connection.apiUrl = server.baseUrl();
    options.connection.token = QString::fromLatin1(FakeGitHubServer::DefaultToken);
    options.connection.network = &network;
    options.connection.cache = &cache;
    options.connection.clock = &clock;
    GitHubClient client(options);
    MemoryEventSink sink;
    Poller poller(client, sink, &clock, repos);

    const auto round = [&]() {
        bool finished = false;
        poller.pollOnce([&](Status) { finished = true; });
        if (!QTest::qWaitFor([&]() { return finished; }, 60000)) {
            std::fprintf(stderr, "a poll round did not finish\n");
            std::exit(1);
        }
    };

    round(); // the baseline: first answers are remembered, not stored
    const int baselineUnits = server.rateLimitUsed();
    const int baselineRequests = int(server.requests().size());
    server.clearRequests();
    const QDateTime end = clock.now().addSecs(3600LL * hours);
    int rounds = 0;
    while (true) {
        const QDateTime next = poller.nextPollAt();
        if (!next.isValid() || next > end)
            break;
        clock.set(std::max(next, clock.now()));
        round();
        ++rounds;
    }
    const int requests = int(server.requests().size());
    const int units = server.rateLimitUsed() - baselineUnits;
    std::printf("Polling %lld idle repositories + notifications for %d simulated hour(s), Qt %s\n",
                qlonglong(repos.size()), hours, qVersion());
    std::printf("baseline round: %d requests, %d rate-limit units\n", baselineRequests, baselineUnits);
    std::printf("after it: %d rounds, %d requests, %d answered 304, %d rate-limit units, %d events stored\n",
                rounds, requests, server.count304(), units, poller.storedCount());
    std::printf("rate-limit units per hour beyond the baseline: %.1f\n", double(units) / hours);
    return units == 0 ? 0 : 2;
}
