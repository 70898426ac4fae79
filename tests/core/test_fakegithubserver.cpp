#include "catch.h"

#include "fakegithubserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

#include <memory>

using namespace exeserver;
using namespace exeserver::test;

namespace {

struct Reply
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QNetworkReply *raw = nullptr; // for headers; owned by the Client

    QByteArray header(const QByteArray &name) const { return raw->rawHeader(name); }
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
};

// A QNetworkAccessManager that talks to the fake like a GitHub client would.
class Client
{
public:
    explicit Client(const FakeGitHubServer &server, QByteArray token = FakeGitHubServer::DefaultToken)
        : m_base(server.baseUrl().toString())
        , m_token(std::move(token))
    {
    }

    Reply send(const QByteArray &method, const QString &pathOrUrl, const QByteArray &body = {},
               const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        QNetworkRequest request(
            QUrl(pathOrUrl.startsWith(QLatin1String("http")) ? pathOrUrl : m_base + pathOrUrl));
        request.setRawHeader("Accept", "application/vnd.github+json");
        request.setRawHeader("X-GitHub-Api-Version", "2022-11-28");
        if (!m_token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + m_token);
        if (!body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
        QNetworkReply *reply = m_nam.sendCustomRequest(request, method, body);
        m_replies.emplace_back(reply);
        const bool finished = QTest::qWaitFor([reply]() { return reply->isFinished(); }, 10000);
        REQUIRE(finished);
        return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->error(),
                reply->readAll(), reply};
    }
    Reply get(const QString &path, const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return send("GET", path, {}, headers);
    }

    QNetworkAccessManager &nam() { return m_nam; }

private:
    QString m_base;
    QByteArray m_token;
    QNetworkAccessManager m_nam;
    std::vector<std::unique_ptr<QNetworkReply>> m_replies;
};

} // namespace

TEST_CASE("FakeGitHubServer serves the authenticated user with GitHub's headers", "[fakegithub]")
{
    FakeGitHubServer server;
    REQUIRE(server.start());
    CHECK(server.baseUrl().toString() == QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
    Client client(server);
    const Reply reply = client.get(QStringLiteral("/user"));
    REQUIRE(reply.status == 200);
    const QJsonObject user = reply.json().object();
    CHECK(user.value(QStringLiteral("login")).toString() == QStringLiteral("octocat"));
    CHECK(user.value(QStringLiteral("id")).toInt() == 1);
    CHECK(user.value(QStringLiteral("type")).toString() == QStringLiteral("User"));

    CHECK(reply.header("ETag").startsWith("\""));
    CHECK_FALSE(reply.header("Last-Modified").isEmpty());
    CHECK(reply.header("x-ratelimit-limit") == "5000");
    CHECK(reply.header("x-ratelimit-remaining") == "4999");
    CHECK(reply.header("x-ratelimit-used") == "1");
    CHECK(reply.header("x-ratelimit-resource") == "core");
    CHECK(reply.header("x-ratelimit-reset").toLongLong() > QDateTime::currentSecsSinceEpoch());
    CHECK_FALSE(reply.header("X-GitHub-Request-Id").isEmpty());
    CHECK(reply.header("X-OAuth-Scopes").contains("workflow"));
    CHECK(server.rateLimitUsed() == 1);

    const QList<RecordedRequest> recorded = server.requestsTo(QStringLiteral("/user"));
    REQUIRE(recorded.size() == 1);
    CHECK(recorded.first().method == "GET");
    CHECK(recorded.first().host == QStringLiteral("127.0.0.1"));
    CHECK(recorded.first().header("authorization") == "Bearer " + QByteArray(FakeGitHubServer::DefaultToken));
    CHECK(recorded.first().header("x-github-api-version") == "2022-11-28");
    CHECK(recorded.first().status == 200);
}

TEST_CASE("FakeGitHubServer refuses a wrong or missing token with 401 and charges nothing", "[fakegithub]")
{
    FakeGitHubServer server;
    REQUIRE(server.start());
    Client wrong(server, "ghp_wrong");
    const Reply bad = wrong.get(QStringLiteral("/user"));
    CHECK(bad.status == 401);
    CHECK(bad.json().object().value(QStringLiteral("message")).toString() ==
          QStringLiteral("Bad credentials"));
    CHECK(bad.json().object().value(QStringLiteral("status")).toString() == QStringLiteral("401"));

    Client anonymous(server, {});
    CHECK(anonymous.get(QStringLiteral("/repos/octocat/Hello-World")).status == 401);

    server.setToken(QStringLiteral("gho_other"));
    Client classic(server, {});
    CHECK(classic.get(QStringLiteral("/user"), {{"Authorization", "token gho_other"}}).status == 200);
    CHECK(server.rateLimitUsed() == 1);
}

TEST_CASE("FakeGitHubServer answers a matching If-None-Match with 304 and charges no unit", "[fakegithub]")
{
    FakeGitHubServer server;
    REQUIRE(server.start());
    Client client(server);
    const QString runsPath = QStringLiteral("/repos/octocat/Hello-World/actions/runs");
    const Reply first = client.get(runsPath);
    REQUIRE(first.status == 200);
    const QByteArray etag = first.header("ETag");
    REQUIRE_FALSE(etag.isEmpty());
    CHECK(server.rateLimitUsed() == 1);

    const Reply cached = client.get(runsPath, {{"If-None-Match", etag}});
    CHECK(cached.status == 304);
    CHECK(cached.body.isEmpty());
    CHECK(cached.header("ETag") == etag);
    CHECK(cached.header("x-ratelimit-remaining") == "4999");
    CHECK(server.rateLimitUsed() == 1);
    CHECK(server.count304() == 1);

    // A change to the data changes the body, so the old ETag no longer matches.
    const qint64 runId = server.runs(QStringLiteral("octocat/Hello-World")).first().id;
    server.setRunStatus(runId, QStringLiteral("completed"), QStringLiteral("failure"));
    const Reply changed = client.get(runsPath, {{"If-None-Match", etag}});
    CHECK(changed.status == 200);
    CHECK(changed.header("ETag") != etag);
    CHECK(server.rateLimitUsed() == 2);

    // If-Modified-Since with the Last-Modified just received is not modified either.
    const Reply sinceLast = client.get(runsPath, {{"If-Modified-Since", changed.header("Last-Modified")}});
    CHECK(sinceLast.status == 304);
    CHECK(server.rateLimitUsed() == 2);
}

TEST_CASE("FakeGitHubServer paginates with per_page, page and a Link header", "[fakegithub]")
{
    FakeGitHubServer server;
    REQUIRE(server.start());
    for (int i = 0; i < 4; ++i)
        server.addRepository({.fullName = QStringLiteral("octocat/extra-%1").arg(i)});
    Client client(server); // 3 seeded + 4 = 7 repositories

    const Reply first = client.get(QStringLiteral("/user/repos?per_page=3"));
    REQUIRE(first.status == 200);
    CHECK(first.json().array().size() == 3);
    const QByteArray link = first.header("Link");
    const QByteArray base = server.baseUrl().toEncoded();
    CHECK(link == "<" + base + "/user/repos?per_page=3&page=2>; rel=\"next\", <" + base +
                      "/user/repos?per_page=3&page=3>; rel=\"last\"");

    const Reply last = client.get(QStringLiteral("/user/repos?per_page=3&page=3"));
    CHECK(last.json().array().size() == 1);
    CHECK(last.header("Link").contains("rel=\"prev\""));
    CHECK(last.header("Link").contains("rel=\"first\""));
    CHECK_FALSE(last.header("Link").contains("rel=\"next\""));

    const Reply all = client.get(QStringLiteral("/user/repos"));
    CHECK(all.json().array().size() == 7);
    CHECK(all.header("Link").isEmpty());
}

TEST_CASE("FakeGitHubServer lists and filters workflow runs and their jobs", "[fakegithub]")
{
    FakeGitHubServer server;
    REQUIRE(server.start());
    Client client(server);
    const QString repo = QStringLiteral("/repos/octocat/Hello-World");

    const QJsonObject all = client.get(repo + "/actions/runs").json().object();
    CHECK(all.value(QStringLiteral("total_count")).toInt() == 3);
    const QJsonArray runs = all.value(QStringLiteral("workflow_runs")).toArray();
    REQUIRE(runs.size() == 3);
    CHECK(runs.first().toObject().value(QStringLiteral("status")).toString() ==
          QStringLiteral("in_progress"));
    CHECK(runs.first().toObject().value(QStringLiteral("conclusion")).isNull());

    const QJsonObject failed = client.get(repo + "/actions/runs?status=failure").json().object();
    CHECK(failed.value(QStringLiteral("total_count")).toInt() == 1);
    const QJsonObject onBranch =
        client.get(repo + "/actions/runs?branch=new-topic&event=pull_request").json().object();
    CHECK(onBranch.value(QStringLiteral("total_count")).toInt() == 1);
    const QJsonObject ci = client.get(repo + "/actions/workflows/ci.yml/runs?per_page=1").json().object();
    CHECK(ci.value(QStringLiteral("total_count")).toInt() == 2);
    CHECK(ci.value(QStringLiteral("workflow_runs")).toArray().size() == 1);

    const QJsonObject workflows = client.get(repo + "/actions/workflows").json().object();
    CHECK(workflows.value(QStringLiteral("total_count")).toInt() == 2);
    CHECK(client.get(repo + "/actions/workflows/deploy.yml").json().object().value(QStringLiteral("name")) ==
          QStringLiteral("Deploy"));

    const qint64 runId = runs.first().toObject().value(QStringLiteral("id")).toInteger();
    const QJsonObject jobs =
        client.get(repo + QStringLiteral("/actions/runs/%1/jobs").arg(runId)).json().object();
    REQUIRE(jobs.value(QStringLiteral("total_count")).toInt() == 1);
    const QJsonObject job = jobs.value(QStringLiteral("jobs")).toArray().first().toObject();
    CHECK(job.value(QStringLiteral("run_id")).toInteger() == runId);
    CHECK(job.value(QStringLiteral("steps")).toArray().size() == 4);
    CHECK(job.value(QStringLiteral("status")).toString() == QStringLiteral("in_progress"));

    CHECK(client.get(repo + "/actions/runs/1").status == 404);
    CHECK(client.get(QStringLiteral("/repos/octocat/nope/actions/runs")).status == 404);
}

TEST_CASE("FakeGitHubServer records dispatches and answers with run details when asked", "[fakegithub]")
{
    FakeGitHubServer server;
    REQUIRE(server.start());
    Client client(server);
    const QString path = QStringLiteral("/repos/octocat/Hello-World/actions/workflows/deploy.yml/dispatches");

    const Reply details = client.send(
        "POST", path, R"({"ref":"main","inputs":{"environment":"production"},"return_run_details":true})");
    REQUIRE(details.status == 200);
    const qint64 runId = details.json().object().value(QStringLiteral("workflow_run_id")).toInteger();
    CHECK(details.json()
              .object()
              .value(QStringLiteral("run_url"))
              .toString()
              .endsWith(QStringLiteral("/repos/octocat/Hello-World/actions/runs/%1").arg(runId)));
    REQUIRE(server.run(runId).has_value());
    CHECK(server.run(runId)->status == QStringLiteral("queued"));
    CHECK(server.run(runId)->event == QStringLiteral("workflow_dispatch"));
    REQUIRE(server.dispatches().size() == 1);
    CHECK(server.dispatches()
              .first()
              .body.value(QStringLiteral("inputs"))
              .toObject()
              .value(QStringLiteral("environment")) == QStringLiteral("production"));

    CHECK(client.send("POST", path, R"({"ref":"main"})").status == 204);
    server.setDispatchReturnsRunDetails(false); // older GHES
    CHECK(client.send("POST", path, R"({"ref":"main","return_run_details":true})").status == 204);
    CHECK(client.send("POST", path, R"({"inputs":{}})").status == 422);
    CHECK(server.dispatches().size() == 3);
}

TEST_CASE("FakeGitHubServer changes runs on rerun and cancel", "[fakegithub]")
{
    FakeGitHubServer server;
    REQUIRE(server.start());
    Client client(server);
    const qint64 running = server.addRun(
        {.repo = QStringLiteral("octocat/Hello-World"), .status = QStringLiteral("in_progress")});
    const QString base = QStringLiteral("/repos/octocat/Hello-World/actions/runs/%1/").arg(running);
    CHECK(client.send("POST", base + "rerun").status == 403);
    CHECK(client.send("POST", base + "cancel").status == 202);
    CHECK(server.run(running)->conclusion == QStringLiteral("cancelled"));
    CHECK(client.send("POST", base + "cancel").status == 409);
    CHECK(client.send("POST", base + "rerun").status == 201);
    CHECK(server.run(running)->status == QStringLiteral("queued"));
    CHECK(server.run(running)->runAttempt == 2);
    CHECK(client.send("PUT", QStringLiteral("/repos/octocat/Hello-World/actions/workflows/ci.yml/disable"))
              .status == 204);
    CHECK(server.workflows(QStringLiteral("octocat/Hello-World")).first().state ==
          QStringLiteral("disabled_manually"));
}

TEST_CASE("FakeGitHubServer redirects job logs to another host name", "[fakegithub]")
{
    FakeGitHubServer server;
    REQUIRE(server.start());
    Client client(server);
    const FakeRun failed = server.runs(QStringLiteral("octocat/Hello-World")).at(1);
    REQUIRE(failed.conclusion == QStringLiteral("failure"));
    const QString logs =
        QStringLiteral("/repos/octocat/Hello-World/actions/jobs/%1/logs").arg(failed.jobs.first().id);

    // Without following: the redirect itself.
    QNetworkRequest request(QUrl(server.baseUrl().toString() + logs));
    request.setRawHeader("Authorization", "Bearer " + QByteArray(FakeGitHubServer::DefaultToken));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    std::unique_ptr<QNetworkReply> redirect(client.nam().get(request));
    REQUIRE(QTest::qWaitFor([&]() { return redirect->isFinished(); }, 10000));
    CHECK(redirect->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 302);
    const QUrl location(QString::fromLatin1(redirect->rawHeader("Location")));
    CHECK(location.host() == QStringLiteral("localhost"));
    CHECK(location.port() == server.port());

    // Fetching the location as a careful client does: no Authorization to the other host.
    QNetworkRequest blob(location);
    std::unique_ptr<QNetworkReply> text(client.nam().get(blob));
    REQUIRE(QTest::qWaitFor([&]() { return text->isFinished(); }, 10000));
    CHECK(text->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200);
    const QByteArray log = text->readAll();
    CHECK(log.startsWith("\xEF\xBB\xBF"));
    CHECK(log.contains("##[group]Run make test"));
    CHECK(log.contains("##[endgroup]"));
    CHECK(log.contains("\x1b[31m"));
    CHECK(log.contains("##[error]Process completed with exit code 2."));

    const QList<RecordedRequest> blobRequests = server.requestsTo(QStringLiteral("/_logs/.*"));
    REQUIRE(blobRequests.size() == 1);
    CHECK(blobRequests.first().host == QStringLiteral("localhost"));
    CHECK_FALSE(blobRequests.first().headers.contains("Authorization"));
}

TEST_CASE("FakeGitHubServer injects failures GitHub really sends", "[fakegithub]")
{
    FakeGitHubServer server;
    REQUIRE(server.start());
    Client client(server);
    const QString runs = QStringLiteral("/repos/octocat/Hello-World/actions/runs");

    SECTION("404, 422 and 5xx with GitHub's bodies, once each")
    {
        server.failNext("GET", runs, 404);
        const Reply notFound = client.get(runs);
        CHECK(notFound.status == 404);
        CHECK(notFound.json().object().value(QStringLiteral("message")).toString() ==
              QStringLiteral("Not Found"));
        CHECK(client.get(runs).status == 200);

        server.failNext("POST", QStringLiteral("/repos/.*/issues/\\d+/comments"), 422);
        const Reply invalid = client.send(
            "POST", QStringLiteral("/repos/octocat/Hello-World/issues/1347/comments"), R"({"body":"hi"})");
        CHECK(invalid.status == 422);
        CHECK(invalid.json().object().value(QStringLiteral("errors")).toArray().size() == 1);

        server.failNext({}, runs, 502, 2);
        CHECK(client.get(runs).status == 502);
        CHECK(client.get(runs).status == 502);
        CHECK(client.get(runs).status == 200);
    }

    SECTION("primary rate limit")
    {
        server.failNextRateLimited(runs, FakeGitHubServer::RateLimit::Primary, 120);
        const int usedBefore = server.rateLimitUsed();
        const Reply limited = client.get(runs);
        CHECK(limited.status == 403);
        CHECK(limited.header("x-ratelimit-remaining") == "0");
        CHECK(limited.header("x-ratelimit-reset").toLongLong() >= QDateTime::currentSecsSinceEpoch() + 100);
        CHECK(limited.json()
                  .object()
                  .value(QStringLiteral("message"))
                  .toString()
                  .startsWith(QStringLiteral("API rate limit exceeded")));
        CHECK(server.rateLimitUsed() == usedBefore);
    }

    SECTION("secondary rate limit")
    {
        server.failNextRateLimited(runs, FakeGitHubServer::RateLimit::Secondary, 30);
        const Reply limited = client.get(runs);
        CHECK(limited.status == 403);
        CHECK(limited.header("retry-after") == "30");
        CHECK(limited.json()
                  .object()
                  .value(QStringLiteral("message"))
                  .toString()
                  .contains(QStringLiteral("secondary rate limit")));
    }

    SECTION("an exhausted rate limit answers 403 until the window resets")
    {
        server.setRateLimitRemaining(0);
        const Reply limited = client.get(QStringLiteral("/user"));
        CHECK(limited.status == 403);
        CHECK(limited.header("x-ratelimit-remaining") == "0");
        CHECK(client.get(QStringLiteral("/rate_limit")).status == 200); // free, like GitHub's
    }

    SECTION("a dropped connection and a slow path")
    {
        // QNetworkAccessManager silently retries a request whose connection closed without an answer.
        server.dropNext(runs, 5);
        const Reply dropped = client.get(runs);
        CHECK(dropped.error == QNetworkReply::RemoteHostClosedError);
        CHECK(dropped.status == 0);
        CHECK(server.requestsTo(runs).size() >= 2);
        CHECK(server.requestsTo(runs).last().status == 0);
        server.clearFailures();

        server.setDelay(300, runs);
        QElapsedTimer timer;
        timer.start();
        CHECK(client.get(runs).status == 200);
        CHECK(timer.elapsed() >= 250);
        timer.restart();
        CHECK(client.get(QStringLiteral("/user")).status == 200);
        CHECK(timer.elapsed() < 250);
    }
}

TEST_CASE("FakeGitHubServer serves notifications with Last-Modified and X-Poll-Interval", "[fakegithub]")
{
    FakeGitHubServer server;
    REQUIRE(server.start());
    Client client(server);
    const Reply first = client.get(QStringLiteral("/notifications"));
    REQUIRE(first.status == 200);
    CHECK(first.header("X-Poll-Interval") == "60");
    const QJsonArray threads = first.json().array();
    REQUIRE(threads.size() == 2);
    const QByteArray lastModified = first.header("Last-Modified");

    CHECK(client.get(QStringLiteral("/notifications"), {{"If-Modified-Since", lastModified}}).status == 304);

    const QString id = threads.first().toObject().value(QStringLiteral("id")).toString();
    CHECK(client.send("PATCH", QStringLiteral("/notifications/threads/") + id).status == 205);
    const Reply after = client.get(QStringLiteral("/notifications"), {{"If-Modified-Since", lastModified}});
    CHECK(after.status == 200);
    CHECK(after.json().array().size() == 1);
    CHECK(client.get(QStringLiteral("/notifications?all=true")).json().array().size() == 2);
}

TEST_CASE("FakeGitHubServer serves file contents, pull requests, comments and reactions", "[fakegithub]")
{
    FakeGitHubServer server;
    REQUIRE(server.start());
    Client client(server);
    const QString repo = QStringLiteral("/repos/octocat/Hello-World");

    const QJsonObject file = client.get(repo + "/contents/.github/workflows/deploy.yml").json().object();
    CHECK(file.value(QStringLiteral("encoding")).toString() == QStringLiteral("base64"));
    const QByteArray yaml =
        QByteArray::fromBase64(file.value(QStringLiteral("content")).toString().toLatin1());
    CHECK(yaml.contains("workflow_dispatch:"));
    CHECK(yaml.contains("environment:"));
    server.setFileContent(QStringLiteral("octocat/Hello-World"), QStringLiteral("docs/a.md"), "# A\n");
    const QJsonArray root = client.get(repo + "/contents/").json().array();
    CHECK(root.size() == 3); // .github/, README, docs/
    CHECK(client.get(repo + "/contents/missing.txt").status == 404);

    const QJsonArray pulls = client.get(repo + "/pulls").json().array();
    REQUIRE(pulls.size() == 1);
    CHECK(pulls.first().toObject().value(QStringLiteral("number")).toInt() == 1347);
    CHECK(client.get(repo + "/pulls/1347")
              .json()
              .object()
              .value(QStringLiteral("head"))
              .toObject()
              .value(QStringLiteral("ref")) == QStringLiteral("new-topic"));

    const Reply created =
        client.send("POST", repo + "/issues/1347/comments", R"({"body":"/deploy staging"})");
    REQUIRE(created.status == 201);
    const qint64 commentId = created.json().object().value(QStringLiteral("id")).toInteger();
    CHECK(created.json().object().value(QStringLiteral("body")).toString() ==
          QStringLiteral("/deploy staging"));
    CHECK(client.get(repo + "/issues/1347/comments").json().array().size() == 2);
    CHECK(client.send("POST", repo + "/issues/1347/comments", R"({"body":""})").status == 422);

    const QString reactions = repo + QStringLiteral("/issues/comments/%1/reactions").arg(commentId);
    CHECK(client.send("POST", reactions, R"({"content":"rocket"})").status == 201);
    CHECK(client.send("POST", reactions, R"({"content":"rocket"})").status == 200);
    CHECK(client.send("POST", reactions, R"({"content":"party"})").status == 422);
    CHECK(client.get(QStringLiteral("/repos/octocat/Hello-World/events")).header("X-Poll-Interval") == "60");
}

TEST_CASE("FakeGitHubServer works under a GitHub Enterprise Server path prefix", "[fakegithub]")
{
    FakeGitHubServer server;
    server.setPathPrefix(QStringLiteral("/api/v3"));
    REQUIRE(server.start());
    CHECK(server.baseUrl().path() == QStringLiteral("/api/v3"));
    Client client(server);
    const Reply repos = client.get(QStringLiteral("/orgs/octo-org/repos"));
    REQUIRE(repos.status == 200);
    CHECK(repos.json().array().first().toObject().value(QStringLiteral("url")).toString() ==
          server.baseUrl().toString() + QStringLiteral("/repos/octo-org/octo-repo"));
    CHECK(server.requestsTo(QStringLiteral("/orgs/octo-org/repos")).size() == 1);
    CHECK(client.get(QStringLiteral("http://127.0.0.1:%1/user").arg(server.port())).status == 404);
}
