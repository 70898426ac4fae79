#include "catch.h"
#include "githubtesting.h"
#include "net/localhttpserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>

using namespace exeserver;
using namespace exeserver::test;

namespace {

const QString kRepo = QStringLiteral("octocat/Hello-World");

QString errorKind(const Status &status)
{
    return status ? QString() : status.error().kind;
}

} // namespace

TEST_CASE("GitHubClient sends GitHub's headers and the token as a Bearer credential", "[github]")
{
    GitHubHarness h;
    const auto user = await<AuthenticatedUser>([&](auto done) { h.client->currentUser(done); });
    REQUIRE(user.ok());
    CHECK(user->user.login == QLatin1String("octocat"));
    CHECK(user->scopesReported);
    CHECK(user->scopes.contains(QLatin1String("workflow")));
    const RecordedRequest request = h.server.requests().constLast();
    CHECK(request.header("Accept") == "application/vnd.github+json");
    CHECK(request.header("X-GitHub-Api-Version") == "2022-11-28");
    CHECK(request.header("User-Agent").startsWith("ExeServer/0."));
    CHECK(request.header("Authorization") == QByteArray("Bearer ") + FakeGitHubServer::DefaultToken);
    CHECK(h.client->rateLimit().limit == 5000);
    CHECK(h.client->rateLimit().resource == QLatin1String("core"));
}

TEST_CASE("GitHubClient works against a GitHub Enterprise Server base URL with /api/v3", "[github]")
{
    GitHubHarness h({}, QStringLiteral("/api/v3"));
    CHECK(h.server.baseUrl().path() == QLatin1String("/api/v3"));
    const auto repos = await<QList<Repository>>([&](auto done) { h.client->listRepositories(done); });
    REQUIRE(repos.ok());
    CHECK(repos->size() == 3);
    const auto runs =
        await<QList<WorkflowRun>>([&](auto done) { h.client->listRuns(kRepo, RunFilter{}, done); });
    REQUIRE(runs.ok());
    CHECK(runs->size() == 3);
    for (const RecordedRequest &request : h.server.requests())
        CHECK(request.status == 200); // a request outside /api/v3 would have been a 404
}

TEST_CASE("A second refresh of unchanged data is answered with 304s only and costs no rate-limit units",
          "[github]")
{
    GitHubHarness h;
    const auto refresh = [&]() {
        for (const QString &repo : {kRepo, QStringLiteral("octocat/Spoon-Knife")}) {
            REQUIRE(await<QList<Workflow>>([&](auto done) { h.client->listWorkflows(repo, done); }).ok());
            REQUIRE(await<QList<WorkflowRun>>([&](auto done) {
                        h.client->listRuns(repo, RunFilter{}, done);
                    }).ok());
        }
    };
    refresh();
    const int usedAfterFirst = h.server.rateLimitUsed();
    CHECK(usedAfterFirst == 4);
    h.server.clearRequests();
    h.connection().resetStatistics();

    refresh();
    CHECK(h.server.rateLimitUsed() == usedAfterFirst);
    CHECK(h.server.count304() == 4);
    for (const RecordedRequest &request : h.server.requests()) {
        CHECK(request.status == 304);
        CHECK(!request.header("If-None-Match").isEmpty());
    }
    CHECK(h.connection().statistics().notModified == 4);

    // The cached answer is the same data.
    const auto runs =
        await<QList<WorkflowRun>>([&](auto done) { h.client->listRuns(kRepo, RunFilter{}, done); });
    REQUIRE(runs.ok());
    CHECK(runs->size() == 3);

    // A change is seen on the next refresh.
    h.server.addRun({.repo = kRepo, .status = QStringLiteral("queued"), .conclusion = {}});
    const auto changed =
        await<QList<WorkflowRun>>([&](auto done) { h.client->listRuns(kRepo, RunFilter{}, done); });
    REQUIRE(changed.ok());
    CHECK(changed->size() == 4);
}

TEST_CASE("Pagination follows Link rel=next and stops at the page cap", "[github]")
{
    GitHubHarness h([](GitHubClient::Options &o) { o.maxPages = 2; });
    h.server.clearData();
    for (int i = 0; i < 250; ++i)
        h.server.addRepository(
            {.fullName = QStringLiteral("octocat/repo-%1").arg(i, 3, 10, QLatin1Char('0'))});
    const auto repos = await<QList<Repository>>([&](auto done) { h.client->listRepositories(done); });
    REQUIRE(repos.ok());
    CHECK(repos->size() == 200);
    CHECK(h.server.requestsTo(QStringLiteral("/user/repos")).size() == 2);

    GitHubHarness all;
    all.server.clearData();
    for (int i = 0; i < 250; ++i)
        all.server.addRepository(
            {.fullName = QStringLiteral("octocat/repo-%1").arg(i, 3, 10, QLatin1Char('0'))});
    const auto every = await<QList<Repository>>([&](auto done) { all.client->listRepositories(done); });
    REQUIRE(every.ok());
    CHECK(every->size() == 250);
    CHECK(every->constLast().fullName == QLatin1String("octocat/repo-249"));

    // A second listing is three 304s, each page served from the cache with its Link header.
    all.server.clearRequests();
    const auto again = await<QList<Repository>>([&](auto done) { all.client->listRepositories(done); });
    REQUIRE(again.ok());
    CHECK(again->size() == 250);
    CHECK(all.server.count304() == 3);
}

TEST_CASE("runs list honours the filters and the limit", "[github]")
{
    GitHubHarness h;
    for (int i = 0; i < 130; ++i)
        h.server.addRun({.repo = kRepo, .headBranch = QStringLiteral("main")});
    RunFilter filter;
    filter.workflow = QStringLiteral("ci.yml");
    filter.branch = QStringLiteral("main");
    filter.status = QStringLiteral("success");
    filter.event = QStringLiteral("push");
    filter.actor = QStringLiteral("octocat");
    filter.limit = 120;
    const auto runs = await<QList<WorkflowRun>>([&](auto done) { h.client->listRuns(kRepo, filter, done); });
    REQUIRE(runs.ok());
    CHECK(runs->size() == 120);
    const RecordedRequest first = h.server.requestsTo(QStringLiteral(".*/runs")).constFirst();
    CHECK(first.path == QLatin1String("/repos/octocat/Hello-World/actions/workflows/ci.yml/runs"));
    CHECK(first.query.queryItemValue(QStringLiteral("branch")) == QLatin1String("main"));
    CHECK(first.query.queryItemValue(QStringLiteral("status")) == QLatin1String("success"));
    CHECK(first.query.queryItemValue(QStringLiteral("actor")) == QLatin1String("octocat"));
    CHECK(first.query.queryItemValue(QStringLiteral("per_page")) == QLatin1String("100"));
}

TEST_CASE("GitHub's refusals become errors a user can act on", "[github]")
{
    GitHubHarness h;

    SECTION("401: token invalid or expired")
    {
        h.server.setToken(QStringLiteral("another-token"));
        const auto user = await<AuthenticatedUser>([&](auto done) { h.client->currentUser(done); });
        REQUIRE_FALSE(user.ok());
        CHECK(user.error().kind == QLatin1String("unauthorized"));
        CHECK(user.error().httpStatus == 401);
        CHECK(user.error().message.contains(QLatin1String("invalid or has expired")));
        CHECK_FALSE(user.error().message.contains(QLatin1String(FakeGitHubServer::DefaultToken)));
    }
    SECTION("403: names the missing permission and the token's scopes")
    {
        HttpHeaders headers;
        headers.set("X-Accepted-GitHub-Permissions", "actions=write");
        h.server.failNext("POST", QStringLiteral(".*/cancel"), 403, 1, headers);
        const auto status =
            await<Done>([&](auto done) { h.client->cancelRun(kRepo, 30433642, false, done); });
        REQUIRE_FALSE(status.ok());
        CHECK(status.error().kind == QLatin1String("forbidden"));
        CHECK(status.error().message.contains(QLatin1String("actions=write")));
        CHECK(status.error().message.contains(QLatin1String("Resource not accessible")));
        CHECK(status.error().message.contains(QLatin1String("repo, workflow")));
        CHECK(h.server.requestsTo(QStringLiteral(".*/cancel")).size() == 1);
    }
    SECTION("404: repository not found or not visible")
    {
        const auto workflows = await<QList<Workflow>>(
            [&](auto done) { h.client->listWorkflows(QStringLiteral("octocat/no-such-repo"), done); });
        REQUIRE_FALSE(workflows.ok());
        CHECK(workflows.error().kind == QLatin1String("not_found"));
        CHECK(workflows.error().message.contains(QLatin1String("cannot see it")));
        CHECK(workflows.error().message.contains(
            QLatin1String("/repos/octocat/no-such-repo/actions/workflows")));
    }
    SECTION("422: GitHub's message and errors")
    {
        h.server.failNext("POST", QStringLiteral(".*/comments"), 422);
        const auto comment = await<Comment>(
            [&](auto done) { h.client->createIssueComment(kRepo, 1347, QStringLiteral("x"), done); });
        REQUIRE_FALSE(comment.ok());
        CHECK(comment.error().kind == QLatin1String("invalid"));
        CHECK(comment.error().message.contains(QLatin1String("Validation Failed")));
        CHECK(comment.error().message.contains(QLatin1String("body is too long")));
    }
    SECTION("5xx on a GET: retried three times with backoff, then reported")
    {
        h.server.failNext("GET", QStringLiteral(".*/pulls"), 502, 10);
        const auto pulls =
            await<QList<PullRequest>>([&](auto done) { h.client->listPullRequests(kRepo, {}, done); });
        REQUIRE_FALSE(pulls.ok());
        CHECK(pulls.error().kind == QLatin1String("server_error"));
        CHECK(pulls.error().httpStatus == 502);
        CHECK(h.server.requestsTo(QStringLiteral(".*/pulls")).size() == 4);
        CHECK(h.connection().statistics().retries == 3);
    }
    SECTION("5xx on a GET that recovers")
    {
        h.server.failNext("GET", QStringLiteral(".*/pulls"), 503, 2);
        const auto pulls =
            await<QList<PullRequest>>([&](auto done) { h.client->listPullRequests(kRepo, {}, done); });
        REQUIRE(pulls.ok());
        CHECK(pulls->size() == 1);
        CHECK(h.server.requestsTo(QStringLiteral(".*/pulls")).size() == 3);
    }
    SECTION("5xx on a POST is never retried")
    {
        h.server.failNext("POST", QStringLiteral(".*/comments"), 500, 5);
        const auto comment = await<Comment>(
            [&](auto done) { h.client->createIssueComment(kRepo, 1347, QStringLiteral("x"), done); });
        REQUIRE_FALSE(comment.ok());
        CHECK(comment.error().kind == QLatin1String("server_error"));
        CHECK(h.server.requestsTo(QStringLiteral(".*/comments"), "POST").size() == 1);
        CHECK(h.server.comments(kRepo, 1347).size() == 1);
    }
    SECTION("dropped connection: a GET is retried, a POST is not")
    {
        h.server.dropNext(QStringLiteral(".*/actions/runs"), 4);
        const auto runs =
            await<QList<WorkflowRun>>([&](auto done) { h.client->listRuns(kRepo, RunFilter{}, done); });
        CHECK(runs.ok());
        CHECK(h.connection().statistics().retries >= 1);
        // Qt's HTTP stack itself re-sends a request (any method) when a kept-alive connection closes before
        // a single response byte arrives; the client adds no retry of its own on top for a POST.
        h.connection().resetStatistics();
        h.server.dropNext(QStringLiteral(".*/rerun"), 10);
        const auto rerun = await<Done>([&](auto done) { h.client->rerunRun(kRepo, 30433642, false, done); });
        REQUIRE_FALSE(rerun.ok());
        CHECK(rerun.error().kind == QLatin1String("network"));
        CHECK(h.connection().statistics().retries == 0);
        CHECK(h.connection().statistics().requests == 1);
    }
}

TEST_CASE("A request that exceeds the transfer timeout fails with a timeout error", "[github]")
{
    GitHubHarness h([](GitHubClient::Options &o) {
        o.connection.transferTimeoutMs = 300;
        o.connection.maxRetries = 1;
    });
    h.server.setDelay(1500, QStringLiteral("/user"));
    const auto user = await<AuthenticatedUser>([&](auto done) { h.client->currentUser(done); });
    REQUIRE_FALSE(user.ok());
    CHECK(user.error().kind == QLatin1String("timeout"));
    CHECK(user.error().message.contains(QLatin1String("within 0.3 s")));
    CHECK(h.connection().statistics().retries == 1); // a GET: retried once (maxRetries), then reported

    h.server.setDelay(1500, QStringLiteral(".*/cancel"));
    const auto cancel = await<Done>([&](auto done) { h.client->cancelRun(kRepo, 30433642, false, done); });
    REQUIRE_FALSE(cancel.ok());
    CHECK(cancel.error().kind == QLatin1String("timeout"));
    CHECK(h.connection().statistics().retries == 1); // the POST was not retried
}

TEST_CASE("A TLS failure is reported as such", "[github]")
{
    // A plain-text server behind an https:// URL: the handshake cannot succeed.
    QTcpServer plain;
    REQUIRE(plain.listen(QHostAddress::LocalHost));
    QObject::connect(&plain, &QTcpServer::newConnection, &plain, [&plain]() {
        while (QTcpSocket *socket = plain.nextPendingConnection()) {
            socket->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
            socket->disconnectFromHost();
        }
    });
    QNetworkAccessManager network;
    GitHubClient::Options options;
    options.connection.apiUrl = QUrl(QStringLiteral("https://127.0.0.1:%1").arg(plain.serverPort()));
    options.connection.network = &network;
    options.connection.maxRetries = 0;
    GitHubClient client(options);
    const auto user = await<AuthenticatedUser>([&](auto done) { client.currentUser(done); });
    REQUIRE_FALSE(user.ok());
    CHECK((user.error().kind == QLatin1String("tls") || user.error().kind == QLatin1String("network")));
    INFO(user.error().message.toStdString());
    CHECK(user.error().kind == QLatin1String("tls"));
}

TEST_CASE("Primary rate limit: requests wait until x-ratelimit-reset, measured on the injected clock",
          "[github]")
{
    GitHubHarness h;
    QSignalSpy changed(&h.connection(), &GitHubConnection::rateLimitChanged);
    h.server.failNextRateLimited(QStringLiteral("/user"), FakeGitHubServer::RateLimit::Primary, 600);
    std::optional<Result<AuthenticatedUser>> result;
    h.client->currentUser([&](Result<AuthenticatedUser> r) { result.emplace(std::move(r)); });
    REQUIRE(QTest::qWaitFor([&]() { return h.server.requestsTo(QStringLiteral("/user")).size() == 1; }));
    QTest::qWait(100);
    CHECK_FALSE(result.has_value());
    CHECK(h.server.requestsTo(QStringLiteral("/user")).size() == 1);
    const RateLimitState state = h.client->rateLimit();
    CHECK(state.remaining == 0);
    CHECK(state.isBlocked(h.clock.now()));
    CHECK(h.clock.now().secsTo(state.blockedUntil) == 601);
    CHECK(state.describe(h.clock.now()).startsWith(QLatin1String("rate limited until ")));
    CHECK(state.describe(h.clock.now())
              .contains(state.blockedUntil.toLocalTime().toString(QStringLiteral("HH:mm"))));
    CHECK(changed.count() >= 1);

    h.clock.advance(602 * 1000);
    REQUIRE(QTest::qWaitFor([&]() { return result.has_value(); }, 5000));
    CHECK(result->ok());
    CHECK(h.server.requestsTo(QStringLiteral("/user")).size() == 2);
    CHECK(h.connection().statistics().rateLimitWaits == 1);
}

TEST_CASE("Secondary rate limit: retry-after is honoured, without it the wait starts at 60 s and doubles",
          "[github]")
{
    GitHubHarness h;
    SECTION("retry-after")
    {
        h.server.failNextRateLimited(QStringLiteral("/user"), FakeGitHubServer::RateLimit::Secondary, 30);
        std::optional<Result<AuthenticatedUser>> result;
        h.client->currentUser([&](Result<AuthenticatedUser> r) { result.emplace(std::move(r)); });
        REQUIRE(QTest::qWaitFor([&]() { return h.client->rateLimit().isBlocked(h.clock.now()); }));
        CHECK(h.clock.now().secsTo(h.client->rateLimit().blockedUntil) == 30);
        h.clock.advance(29 * 1000);
        QTest::qWait(50);
        CHECK_FALSE(result.has_value());
        h.clock.advance(2 * 1000);
        REQUIRE(QTest::qWaitFor([&]() { return result.has_value(); }));
        CHECK(result->ok());
    }
    SECTION("exponential from 60 s")
    {
        const QByteArray body = R"({"message":"You have exceeded a secondary rate limit."})";
        h.server.failNext({}, QStringLiteral("/user"), 403, 2, {}, body);
        std::optional<Result<AuthenticatedUser>> result;
        h.client->currentUser([&](Result<AuthenticatedUser> r) { result.emplace(std::move(r)); });
        REQUIRE(QTest::qWaitFor([&]() { return h.client->rateLimit().isBlocked(h.clock.now()); }));
        CHECK(h.clock.now().secsTo(h.client->rateLimit().blockedUntil) == 60);
        h.clock.advance(61 * 1000);
        REQUIRE(QTest::qWaitFor([&]() { return h.server.requestsTo(QStringLiteral("/user")).size() == 2; }));
        REQUIRE(QTest::qWaitFor([&]() { return h.client->rateLimit().isBlocked(h.clock.now()); }));
        CHECK(h.clock.now().secsTo(h.client->rateLimit().blockedUntil) == 120);
        h.clock.advance(121 * 1000);
        REQUIRE(QTest::qWaitFor([&]() { return result.has_value(); }));
        CHECK(result->ok());
    }
    SECTION("a wait longer than the caller accepts fails at once with the time")
    {
        GitHubHarness cli([](GitHubClient::Options &o) { o.connection.maxRateLimitWaitSecs = 10; });
        cli.server.failNextRateLimited(QStringLiteral("/user"), FakeGitHubServer::RateLimit::Primary, 900);
        const auto user = await<AuthenticatedUser>([&](auto done) { cli.client->currentUser(done); });
        REQUIRE_FALSE(user.ok());
        CHECK(user.error().kind == QLatin1String("rate_limited"));
        CHECK(user.error().message.contains(QLatin1String("rate limited until")));
        // While blocked, queued requests fail the same way without reaching GitHub.
        const int sent = cli.server.requests().size();
        const auto repos = await<QList<Repository>>([&](auto done) { cli.client->listRepositories(done); });
        REQUIRE_FALSE(repos.ok());
        CHECK(repos.error().kind == QLatin1String("rate_limited"));
        CHECK(cli.server.requests().size() == sent);
    }
}

TEST_CASE("At most 8 requests run at once, the rest wait in the queue", "[github]")
{
    GitHubHarness h;
    h.server.setDelay(150);
    int finished = 0;
    int peak = 0;
    for (int i = 0; i < 20; ++i)
        h.client->getRun(kRepo, 30433642, [&](Result<WorkflowRun> run) { finished += run.ok() ? 1 : 0; });
    REQUIRE(QTest::qWaitFor(
        [&]() {
            peak = std::max(peak, h.connection().activeCount());
            return finished == 20;
        },
        15000));
    CHECK(peak == 8);
}

TEST_CASE("Content-creating calls are paced under 80 a minute", "[github]")
{
    GitHubHarness h;
    int finished = 0;
    for (int i = 0; i < 81; ++i)
        h.client->createIssueComment(kRepo, 1347, QStringLiteral("comment %1").arg(i),
                                     [&](Result<Comment> c) { finished += c.ok() ? 1 : 0; });
    REQUIRE(QTest::qWaitFor([&]() { return finished == 79; }, 15000));
    QTest::qWait(100);
    CHECK(finished == 79);
    CHECK(h.server.requestsTo(QStringLiteral(".*/comments"), "POST").size() == 79);
    // Reads are not held back by the pacing.
    CHECK(await<WorkflowRun>([&](auto done) { h.client->getRun(kRepo, 30433642, done); }).ok());
    h.clock.advance(61 * 1000);
    REQUIRE(QTest::qWaitFor([&]() { return finished == 81; }, 5000));
}

TEST_CASE("Job logs follow the redirect to the storage host without the Authorization header", "[github]")
{
    GitHubHarness h;
    const auto jobs = await<QList<Job>>([&](auto done) { h.client->listJobs(kRepo, 30433642, done); });
    REQUIRE(jobs.ok());
    REQUIRE_FALSE(jobs->isEmpty());
    CHECK_FALSE(jobs->constFirst().steps.isEmpty());
    h.server.clearRequests();
    const auto log =
        await<QByteArray>([&](auto done) { h.client->jobLogs(kRepo, jobs->constFirst().id, done); });
    REQUIRE(log.ok());
    CHECK_FALSE(log->isEmpty());
    const QList<RecordedRequest> requests = h.server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].host == QLatin1String("127.0.0.1"));
    CHECK(requests[0].status == 302);
    CHECK(requests[0].header("Authorization").startsWith("Bearer "));
    CHECK(requests[1].host == QLatin1String("localhost"));
    CHECK(requests[1].path.startsWith(QLatin1String("/_logs/")));
    CHECK(requests[1].header("Authorization").isEmpty());
    CHECK_FALSE(requests[1].headers.contains("Authorization"));
}

TEST_CASE("Dispatch returns the run from GitHub's 200 answer, or finds it after a 204", "[github]")
{
    GitHubHarness h;
    const QJsonObject inputs{{QStringLiteral("environment"), QStringLiteral("production")},
                             {QStringLiteral("dry_run"), QStringLiteral("true")}};
    SECTION("200 with return_run_details")
    {
        const auto result = await<DispatchResult>([&](auto done) {
            h.client->dispatchWorkflow(kRepo, QStringLiteral("ci.yml"), QStringLiteral("main"), inputs, done);
        });
        REQUIRE(result.ok());
        CHECK(result->reportedByGitHub);
        REQUIRE(h.server.dispatches().size() == 1);
        CHECK(result->runId == h.server.dispatches().constFirst().runId);
        CHECK(result->htmlUrl.contains(QString::number(result->runId)));
        const QJsonObject sent = h.server.dispatches().constFirst().body;
        CHECK(sent.value(QLatin1String("return_run_details")).toBool());
        CHECK(sent.value(QLatin1String("ref")).toString() == QLatin1String("main"));
        CHECK(sent.value(QLatin1String("inputs")).toObject() == inputs);
    }
    SECTION("204 without details: the run created after the dispatch is looked up")
    {
        h.server.setDispatchReturnsRunDetails(false);
        h.clock.advance(5000);
        const auto result = await<DispatchResult>([&](auto done) {
            h.client->dispatchWorkflow(kRepo, QStringLiteral("161335"), QStringLiteral("main"), inputs, done);
        });
        REQUIRE(result.ok());
        CHECK_FALSE(result->reportedByGitHub);
        REQUIRE(h.server.dispatches().size() == 1);
        CHECK(result->runId == h.server.dispatches().constFirst().runId);
        const RecordedRequest lookup = h.server.requestsTo(QStringLiteral(".*/runs"), "GET").constLast();
        CHECK(lookup.query.queryItemValue(QStringLiteral("event")) == QLatin1String("workflow_dispatch"));
        CHECK(lookup.query.queryItemValue(QStringLiteral("branch")) == QLatin1String("main"));
        CHECK_FALSE(lookup.query.hasQueryItem(QStringLiteral("created")));
    }
    SECTION("a dispatch refused with 422 is reported and not retried")
    {
        h.server.failNext("POST", QStringLiteral(".*/dispatches"), 422, 3, {},
                          R"({"message":"Unexpected inputs provided: [\"nope\"]"})");
        const auto result = await<DispatchResult>([&](auto done) {
            h.client->dispatchWorkflow(kRepo, QStringLiteral("ci.yml"), QStringLiteral("main"),
                                       QJsonObject{{QStringLiteral("nope"), QStringLiteral("1")}}, done);
        });
        REQUIRE_FALSE(result.ok());
        CHECK(result.error().message.contains(QLatin1String("Unexpected inputs provided")));
        CHECK(h.server.requestsTo(QStringLiteral(".*/dispatches")).size() == 1);
    }
}

TEST_CASE("Workflow inputs are read from the workflow file through the contents API", "[github]")
{
    GitHubHarness h;
    const auto inputs = await<QList<DispatchInput>>(
        [&](auto done) { h.client->workflowInputs(kRepo, QStringLiteral("ci.yml"), {}, done); });
    REQUIRE(inputs.ok());
    REQUIRE(inputs->size() == 2);
    CHECK(inputs->at(0).name == QLatin1String("environment"));
    CHECK(inputs->at(0).type == DispatchInput::Type::Choice);
    CHECK(inputs->at(0).options == QStringList{QStringLiteral("staging"), QStringLiteral("production")});
    CHECK(inputs->at(0).required);
    CHECK(inputs->at(0).defaultValue == QLatin1String("staging"));
    CHECK(inputs->at(1).type == DispatchInput::Type::Boolean);
    CHECK(inputs->at(1).defaultValue == QLatin1String("false"));

    h.server.setFileContent(kRepo, QStringLiteral(".github/workflows/ci.yml"), "on: [push\njobs: {");
    const auto broken = await<QList<DispatchInput>>(
        [&](auto done) { h.client->workflowInputs(kRepo, QStringLiteral("ci.yml"), {}, done); });
    REQUIRE_FALSE(broken.ok());
    CHECK(broken.error().kind == QLatin1String("invalid_workflow"));
    CHECK(broken.error().message.contains(QLatin1String(".github/workflows/ci.yml")));
}

TEST_CASE("Notifications: participating, If-Modified-Since, X-Poll-Interval and marking a thread read",
          "[github]")
{
    GitHubHarness h;
    const auto first = await<NotificationsPage>([&](auto done) { h.client->listNotifications(true, done); });
    REQUIRE(first.ok());
    CHECK(first->changed);
    CHECK(first->pollIntervalSecs == 60);
    CHECK(h.server.requests().constLast().query.queryItemValue(QStringLiteral("participating")) ==
          QLatin1String("true"));
    const auto second = await<NotificationsPage>([&](auto done) { h.client->listNotifications(true, done); });
    REQUIRE(second.ok());
    CHECK_FALSE(second->changed);
    CHECK(second->notifications.size() == first->notifications.size());
    CHECK(h.server.requests().constLast().status == 304);
    CHECK_FALSE(h.server.requests().constLast().header("If-Modified-Since").isEmpty());

    const QString thread = h.server.notifications().constFirst().id;
    REQUIRE(await<Done>([&](auto done) { h.client->markNotificationRead(thread, done); }).ok());
    CHECK_FALSE(h.server.notifications().constFirst().unread);
}

TEST_CASE("Every other endpoint builds the right request and parses the answer", "[github]")
{
    GitHubHarness h;
    const auto org = await<QList<Repository>>(
        [&](auto done) { h.client->listOrganizationRepositories(QStringLiteral("octo-org"), done); });
    REQUIRE(org.ok());
    REQUIRE(org->size() == 1);
    CHECK(org->constFirst().isPrivate);

    const auto events =
        await<QList<RepositoryEvent>>([&](auto done) { h.client->listRepositoryEvents(kRepo, done); });
    REQUIRE(events.ok());
    REQUIRE(events->size() >= 2);
    CHECK(events->constFirst().type == QLatin1String("PullRequestEvent"));

    const auto workflow =
        await<Workflow>([&](auto done) { h.client->getWorkflow(kRepo, QStringLiteral("161335"), done); });
    REQUIRE(workflow.ok());
    CHECK(workflow->fileName() == QLatin1String("ci.yml"));

    REQUIRE(await<Done>([&](auto done) {
                h.client->setWorkflowEnabled(kRepo, QStringLiteral("ci.yml"), false, done);
            }).ok());
    CHECK(h.server.workflow(161335)->state == QLatin1String("disabled_manually"));
    REQUIRE(await<Done>([&](auto done) {
                h.client->setWorkflowEnabled(kRepo, QStringLiteral("ci.yml"), true, done);
            }).ok());
    CHECK(h.server.workflow(161335)->state == QLatin1String("active"));

    const auto run = await<WorkflowRun>([&](auto done) { h.client->getRun(kRepo, 30433642, done); });
    REQUIRE(run.ok());
    CHECK(run->status == QLatin1String("completed"));
    CHECK(run->actor == QLatin1String("octocat"));

    for (const QString &path : {QStringLiteral("rerun"), QStringLiteral("rerun-failed-jobs")})
        CHECK(h.server.requestsTo(QStringLiteral(".*/") + path).isEmpty());
    CHECK(await<Done>([&](auto done) { h.client->rerunRun(kRepo, 30433642, false, done); }).ok());
    CHECK(h.server.requestsTo(QStringLiteral(".*/rerun"), "POST").size() == 1);
    const qint64 failed = h.server.addRun({.repo = kRepo, .conclusion = QStringLiteral("failure")});
    CHECK(await<Done>([&](auto done) { h.client->rerunRun(kRepo, failed, true, done); }).ok());
    CHECK(h.server.requestsTo(QStringLiteral(".*/rerun-failed-jobs"), "POST").size() == 1);

    const qint64 running =
        h.server.addRun({.repo = kRepo, .status = QStringLiteral("in_progress"), .conclusion = {}});
    CHECK(await<Done>([&](auto done) { h.client->cancelRun(kRepo, running, false, done); }).ok());
    CHECK(h.server.requestsTo(QStringLiteral(".*/cancel"), "POST").size() == 1);
    const qint64 stuck =
        h.server.addRun({.repo = kRepo, .status = QStringLiteral("in_progress"), .conclusion = {}});
    CHECK(await<Done>([&](auto done) { h.client->cancelRun(kRepo, stuck, true, done); }).ok());
    CHECK(h.server.requestsTo(QStringLiteral(".*/force-cancel"), "POST").size() == 1);

    const auto pulls =
        await<QList<PullRequest>>([&](auto done) { h.client->listPullRequests(kRepo, {}, done); });
    REQUIRE(pulls.ok());
    REQUIRE(pulls->size() == 1);
    CHECK(pulls->constFirst().number == 1347);
    CHECK(pulls->constFirst().headRef == QLatin1String("new-topic"));
    const auto pull = await<PullRequest>([&](auto done) { h.client->getPullRequest(kRepo, 1347, done); });
    REQUIRE(pull.ok());
    CHECK(pull->title == QLatin1String("Amazing new feature"));

    const auto comments =
        await<QList<Comment>>([&](auto done) { h.client->listIssueComments(kRepo, 1347, done); });
    REQUIRE(comments.ok());
    REQUIRE(comments->size() == 1);
    CHECK(comments->constFirst().body == QLatin1String("Me too"));
    const auto created = await<Comment>([&](auto done) {
        h.client->createIssueComment(kRepo, 1347, QStringLiteral("Deployed to staging"), done);
    });
    REQUIRE(created.ok());
    CHECK(created->body == QLatin1String("Deployed to staging"));
    CHECK(h.server.comments(kRepo, 1347).size() == 2);

    CHECK(await<Done>([&](auto done) {
              h.client->createCommentReaction(kRepo, created->id, QStringLiteral("rocket"), done);
          }).ok());
    const auto badReaction = await<Done>([&](auto done) {
        h.client->createCommentReaction(kRepo, created->id, QStringLiteral("thumbs"), done);
    });
    CHECK(errorKind(badReaction) == QLatin1String("invalid"));
}

namespace {

// A client of `server` on 127.0.0.1 with a token, for the paging tests.
GitHubClient::Options optionsFor(const LocalHttpServer &server, QNetworkAccessManager &network)
{
    GitHubClient::Options options;
    options.connection.apiUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
    options.connection.token = QStringLiteral("secret-token");
    options.connection.network = &network;
    return options;
}

} // namespace

TEST_CASE("A next-page link to another host is not followed, so the token never goes there", "[github]")
{
    QList<HttpRequest> seen;
    LocalHttpServer server([&seen](const HttpRequest &request, LocalHttpServer::Responder respond) {
        seen.append(request);
        HttpResponse response = HttpResponse::json(200, R"([{"full_name":"a/b"}])");
        const QByteArray host = request.headers.value("Host");
        response.headers.set("Link", "<http://localhost:" + host.mid(host.lastIndexOf(':') + 1) +
                                         "/user/repos?page=2>; rel=\"next\"");
        respond(response);
    });
    REQUIRE(server.listen());
    QNetworkAccessManager network;
    GitHubClient client(optionsFor(server, network));
    const auto repos = await<QList<Repository>>([&](auto done) { client.listRepositories(done); });
    REQUIRE(repos.ok());
    CHECK(repos->size() == 1);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].headers.value("Host").startsWith("127.0.0.1"));
}

TEST_CASE("The next page is the Link header's entry whose rel names next, among others and spaces",
          "[github]")
{
    QList<QByteArray> paths;
    LocalHttpServer server([&paths](const HttpRequest &request, LocalHttpServer::Responder respond) {
        paths.append(request.target);
        const QByteArray host = request.headers.value("Host");
        const QByteArray base = "http://" + host + "/user/repos?page=";
        const bool first = !request.target.contains("page=2");
        HttpResponse response =
            HttpResponse::json(200, first ? R"([{"full_name":"a/one"}])" : R"([{"full_name":"a/two"}])");
        // First a link that only mentions "next" in another parameter, then one rel with two values.
        response.headers.set("Link", first ? "<" + base + "9>; title=\"not next\"; rel=\"last\", <" + base +
                                                 "2> ;rel=\"prev next\""
                                           : "<" + base + "1>; rel=\"prev first\"");
        respond(response);
    });
    REQUIRE(server.listen());
    QNetworkAccessManager network;
    GitHubClient client(optionsFor(server, network));
    const auto repos = await<QList<Repository>>([&](auto done) { client.listRepositories(done); });
    REQUIRE(repos.ok());
    REQUIRE(repos->size() == 2);
    CHECK(repos->at(1).fullName == QStringLiteral("a/two"));
    REQUIRE(paths.size() == 2);
    CHECK(paths[1].endsWith("page=2"));
}

TEST_CASE("listBranches returns the repository's branches and the connection remembers X-Poll-Interval",
          "[github]")
{
    GitHubHarness h;
    h.server.addRun({.repo = kRepo, .headBranch = QStringLiteral("release/2.0")});
    CHECK(h.connection().pollIntervalSecs() == 0);
    const auto branches = await<QList<Branch>>([&](auto done) { h.client->listBranches(kRepo, done); });
    REQUIRE(branches.ok());
    QStringList names;
    for (const Branch &branch : *branches)
        names.append(branch.name);
    CHECK(names.contains(QStringLiteral("main")));
    CHECK(names.contains(QStringLiteral("release/2.0")));
    CHECK(names.contains(QStringLiteral("new-topic")));
    for (const Branch &branch : *branches) {
        CHECK(branch.sha.size() == 40);
        CHECK(branch.isProtected == (branch.name == QStringLiteral("main")));
    }
    CHECK(h.server.requests().last().query.queryItemValue(QStringLiteral("per_page")) ==
          QStringLiteral("100"));

    h.server.setPollInterval(45);
    REQUIRE(await<QList<WorkflowRun>>([&](auto done) { h.client->listRuns(kRepo, RunFilter{}, done); }).ok());
    CHECK(h.connection().pollIntervalSecs() == 45);
}
