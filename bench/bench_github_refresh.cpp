// How much a dashboard refresh costs: the workflows and recent runs of 20 repositories, first with an empty
// response cache (cold) and then when nothing changed (warm: every answer should be a 304, costing 0
// rate-limit units). Runs against the fake GitHub server on 127.0.0.1; prints medians.
//
//     build/dev/bench/bench_github_refresh [--iterations N]
#include "fakegithubserver.h"
#include "github/githubclient.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QTest>

#include <algorithm>
#include <cstdio>

using namespace exeserver;
using namespace exeserver::test;

namespace {

constexpr int kRepositories = 20;

struct Sample
{
    double ms = 0;
    int requests = 0;
    int notModified = 0;
    int units = 0;
};

// One refresh as the dashboard does it: every call issued at once, the connection queues them (8 at a time).
Sample refresh(FakeGitHubServer &server, GitHubClient &client, const QStringList &repos)
{
    client.connection().resetStatistics();
    const int unitsBefore = server.rateLimitUsed();
    int pending = 0;
    int failures = 0;
    QElapsedTimer timer;
    timer.start();
    for (const QString &repo : repos) {
        pending += 2;
        client.listWorkflows(repo, [&](Result<QList<Workflow>> r) {
            failures += r.ok() ? 0 : 1;
            --pending;
        });
        RunFilter filter;
        filter.limit = 30;
        client.listRuns(repo, filter, [&](Result<QList<WorkflowRun>> r) {
            failures += r.ok() ? 0 : 1;
            --pending;
        });
    }
    if (!QTest::qWaitFor([&]() { return pending == 0; }, 60000) || failures > 0) {
        std::fprintf(stderr, "refresh failed (%d failures)\n", failures);
        std::exit(1);
    }
    const GitHubStatistics stats = client.connection().statistics();
    return {double(timer.nsecsElapsed()) / 1e6, stats.requests, stats.notModified,
            server.rateLimitUsed() - unitsBefore};
}

template <typename F>
double median(QList<Sample> samples, F field)
{
    QList<double> values;
    for (const Sample &s : samples)
        values.append(double(field(s)));
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

void print(const char *name, const QList<Sample> &samples)
{
    std::printf(
        "%-5s  median %7.2f ms  (min %7.2f, max %7.2f)  requests %3.0f  304s %3.0f  rate-limit units %3.0f\n",
        name, median(samples, [](const Sample &s) { return s.ms; }),
        std::min_element(samples.begin(), samples.end(), [](auto &a, auto &b) { return a.ms < b.ms; })->ms,
        std::max_element(samples.begin(), samples.end(), [](auto &a, auto &b) { return a.ms < b.ms; })->ms,
        median(samples, [](const Sample &s) { return s.requests; }),
        median(samples, [](const Sample &s) { return s.notModified; }),
        median(samples, [](const Sample &s) { return s.units; }));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // One debug line per request would measure the terminal, not the client.
    QLoggingCategory::setFilterRules(QStringLiteral("exeserver.*.debug=false"));
    int iterations = 21;
    const QStringList args = app.arguments();
    if (const qsizetype at = args.indexOf(QStringLiteral("--iterations")); at >= 0)
        iterations = std::max(1, args.value(at + 1).toInt());

    FakeGitHubServer server;
    if (!server.start())
        return 1;
    server.clearData();
    QStringList repos;
    for (int i = 0; i < kRepositories; ++i) {
        const QString repo = QStringLiteral("octocat/service-%1").arg(i, 2, 10, QLatin1Char('0'));
        repos.append(repo);
        server.addRepository({.fullName = repo});
        const qint64 ci = server.addWorkflow({.repo = repo});
        server.addWorkflow({.repo = repo,
                            .name = QStringLiteral("Deploy"),
                            .path = QStringLiteral(".github/workflows/deploy.yml")});
        for (int r = 0; r < 25; ++r)
            server.addRun({.repo = repo, .workflowId = ci});
    }

    QNetworkAccessManager network;
    const auto makeClient = [&](ResponseCache *cache) {
        GitHubClient::Options options;
        options.connection.apiUrl = server.baseUrl();
        options.connection.token = QString::fromLatin1(FakeGitHubServer::DefaultToken);
        options.connection.network = &network;
        options.connection.cache = cache;
        return std::make_unique<GitHubClient>(options);
    };

    refresh(server, *makeClient(nullptr), repos); // warm up connections and allocators
    QList<Sample> cold;
    QList<Sample> warm;
    MemoryResponseCache cache;
    auto client = makeClient(&cache);
    refresh(server, *client, repos); // fills the cache
    for (int i = 0; i < iterations; ++i) {
        MemoryResponseCache empty;
        cold.append(refresh(server, *makeClient(&empty), repos));
        warm.append(refresh(server, *client, repos));
    }

    std::printf("Refresh of %d repositories (workflows + 30 latest runs each), %d iterations, Qt %s\n",
                kRepositories, iterations, qVersion());
    print("cold", cold);
    print("warm", warm);
    const double coldMs = median(cold, [](const Sample &s) { return s.ms; });
    const double warmMs = median(warm, [](const Sample &s) { return s.ms; });
    std::printf("warm/cold wall time: %.2f; rate-limit units per unchanged refresh: %.0f\n", warmMs / coldMs,
                median(warm, [](const Sample &s) { return s.units; }));
    return median(warm, [](const Sample &s) { return s.units; }) == 0 ? 0 : 2;
}
