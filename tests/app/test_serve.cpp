// `exeserver-cli serve` as a real process: it listens, stores a signed webhook once, and exits 0 on SIGTERM.
#include "catch.h"

#include "events/webhooksignature.h"
#include "fakegithubserver.h"
#include "fakepostgrest.h"

#include <QDir>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

namespace {

const QByteArray kSecret = "serve-test-secret";

QProcessEnvironment cleanEnvironment()
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
    env.insert(QStringLiteral("HOME"), QDir::tempPath());
    env.insert(QStringLiteral("EXESERVER_NO_KEYCHAIN"), QStringLiteral("1"));
    return env;
}

int postSigned(QNetworkAccessManager &network, const QUrl &url, const QByteArray &delivery,
               const QByteArray &body, const QByteArray &secret = kSecret)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("X-GitHub-Event", "issues");
    request.setRawHeader("X-GitHub-Delivery", delivery);
    request.setRawHeader("X-Hub-Signature-256", exeserver::WebhookSignature::sign(secret, body));
    QNetworkReply *reply = network.post(request, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

// Starts `serve` on a free port without polling and waits until it listens; `out` collects its stdout.
// Returns the webhook URL.
QUrl startListening(QProcess &serve, const QString &dataDir, const QProcessEnvironment &env, QString &out)
{
    serve.setProcessEnvironment(env);
    serve.start(QStringLiteral(EXESERVER_CLI_PATH),
                {QStringLiteral("--data-dir"), dataDir, QStringLiteral("serve"),
                 QStringLiteral("--webhook-port"), QStringLiteral("0"), QStringLiteral("--no-poll")});
    REQUIRE(serve.waitForStarted());
    const QRegularExpression listening(
        QStringLiteral("Listening for GitHub webhooks on http://127\\.0\\.0\\.1:(\\d+)"));
    QRegularExpressionMatch match;
    REQUIRE(QTest::qWaitFor(
        [&]() {
            out += QString::fromUtf8(serve.readAllStandardOutput());
            match = listening.match(out);
            return match.hasMatch();
        },
        15000));
    return QUrl(QStringLiteral("http://127.0.0.1:%1/api/v1/github_webhooks").arg(match.captured(1)));
}

} // namespace

TEST_CASE("serve: receives a signed webhook once and exits 0 on SIGTERM", "[cli][serve]")
{
    QTemporaryDir dir;
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("GITHUB_WEBHOOK_SECRET"), QString::fromUtf8(kSecret));
    QProcess serve;
    QString out;
    const QUrl url = startListening(serve, dir.path(), env, out);
    CHECK(out.contains(QLatin1StringView("Polling: off (--no-poll)")));

    const QByteArray body =
        R"({"action":"opened","issue":{"id":1},"repository":{"full_name":"octo/serve"},"sender":{"login":"octocat"}})";
    QNetworkAccessManager network;
    CHECK(postSigned(network, url, "serve-1", body) == 202);
    CHECK(postSigned(network, url, "serve-1", body) == 200);
    CHECK(postSigned(network, url, "serve-2", body, "wrong secret") == 401);
    REQUIRE(QTest::qWaitFor(
        [&]() {
            out += QString::fromUtf8(serve.readAllStandardOutput());
            return out.contains(QLatin1StringView("event issues opened octo/serve (webhook, serve-1)"));
        },
        10000));

    serve.terminate(); // SIGTERM
    REQUIRE(serve.waitForFinished(15000));
    out += QString::fromUtf8(serve.readAllStandardOutput());
    CHECK(serve.exitStatus() == QProcess::NormalExit);
    CHECK(serve.exitCode() == 0);
    CHECK(out.contains(QLatin1StringView("Stopped (SIGTERM): 1 stored, 1 duplicates, 1 rejected.")));
    CHECK(out.count(QLatin1StringView("event issues opened")) == 1);

    // The event is in the store, once.
    QProcess list;
    list.setProcessEnvironment(cleanEnvironment());
    list.start(QStringLiteral(EXESERVER_CLI_PATH),
               {QStringLiteral("--data-dir"), dir.path(), QStringLiteral("events"), QStringLiteral("list")});
    REQUIRE(list.waitForFinished(15000));
    const QString listed = QString::fromUtf8(list.readAllStandardOutput());
    CHECK(list.exitCode() == 0);
    CHECK(listed.count(QLatin1StringView("serve-1")) == 1);
}

TEST_CASE("serve: refuses a public address without a webhook secret", "[cli][serve]")
{
    QTemporaryDir dir;
    QProcess serve;
    serve.setProcessEnvironment(cleanEnvironment());
    serve.start(QStringLiteral(EXESERVER_CLI_PATH),
                {QStringLiteral("--data-dir"), dir.path(), QStringLiteral("serve"),
                 QStringLiteral("--in-memory"), QStringLiteral("--webhook-port"), QStringLiteral("0"),
                 QStringLiteral("--webhook-bind"), QStringLiteral("0.0.0.0")});
    REQUIRE(serve.waitForFinished(15000));
    CHECK(serve.exitCode() == 1);
    CHECK(
        QString::fromUtf8(serve.readAllStandardError()).contains(QLatin1StringView("GITHUB_WEBHOOK_SECRET")));
}

TEST_CASE("serve: rejects a bad port or address as a usage error", "[cli][serve]")
{
    QProcess serve;
    serve.setProcessEnvironment(cleanEnvironment());
    QTemporaryDir dir;
    serve.start(QStringLiteral(EXESERVER_CLI_PATH),
                {QStringLiteral("--data-dir"), dir.path(), QStringLiteral("serve"),
                 QStringLiteral("--webhook-port"), QStringLiteral("70000")});
    REQUIRE(serve.waitForFinished(15000));
    CHECK(serve.exitCode() == 2);
}

TEST_CASE("serve: polls the repositories given with --repo and says so", "[cli][serve]")
{
    exeserver::test::FakeGitHubServer github;
    REQUIRE(github.start());
    QTemporaryDir dir;
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("GITHUB_API_URL"), github.baseUrl().toString());
    env.insert(QStringLiteral("GITHUB_TOKEN"),
               QString::fromLatin1(exeserver::test::FakeGitHubServer::DefaultToken));
    QProcess serve;
    serve.setProcessEnvironment(env);
    serve.start(QStringLiteral(EXESERVER_CLI_PATH),
                {QStringLiteral("--data-dir"), dir.path(), QStringLiteral("serve"),
                 QStringLiteral("--in-memory"), QStringLiteral("--webhook-port"), QStringLiteral("0"),
                 QStringLiteral("--repo"), QStringLiteral("octocat/Hello-World")});
    REQUIRE(serve.waitForStarted());
    QString out;
    REQUIRE(QTest::qWaitFor(
        [&]() {
            out += QString::fromUtf8(serve.readAllStandardOutput());
            return !github.requestsTo(QStringLiteral("/repos/octocat/Hello-World/actions/runs")).isEmpty() &&
                   !github.requestsTo(QStringLiteral("/repos/octocat/Hello-World/events")).isEmpty() &&
                   !github.requestsTo(QStringLiteral("/notifications")).isEmpty();
        },
        15000));
    serve.terminate();
    REQUIRE(serve.waitForFinished(15000));
    out += QString::fromUtf8(serve.readAllStandardOutput());
    CHECK(serve.exitCode() == 0);
    CHECK(out.contains(QLatin1StringView("Polling GitHub")));
    CHECK(out.contains(QLatin1StringView("octocat/Hello-World")));
}

TEST_CASE("serve: keeps a configured Supabase in step with what it receives", "[cli][serve][sync]")
{
    const QString key = QStringLiteral("eyJhbGciOiJIUzI1NiJ9.serve-anon-key");
    exeserver::test::FakePostgrest supabase(key);
    QTemporaryDir dir;
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("GITHUB_WEBHOOK_SECRET"), QString::fromUtf8(kSecret));
    env.insert(QStringLiteral("SUPABASE_URL"), supabase.url());
    env.insert(QStringLiteral("SUPABASE_ANON_KEY"), key);
    QProcess serve;
    QString out;
    const QUrl url = startListening(serve, dir.path(), env, out);
    REQUIRE(QTest::qWaitFor(
        [&]() {
            out += QString::fromUtf8(serve.readAllStandardOutput());
            return out.contains(QLatin1StringView("Syncing events and actions to Supabase"));
        },
        15000));
    const QByteArray body =
        R"({"action":"opened","issue":{"id":7},"repository":{"full_name":"octo/sync"},"sender":{"login":"octocat"}})";
    QNetworkAccessManager network;
    CHECK(postSigned(network, url, "sync-1", body) == 202);
    CHECK(QTest::qWaitFor(
        [&]() {
            return supabase.table(QStringLiteral("exeserver_events")).contains(QStringLiteral("sync-1"));
        },
        15000));
    serve.terminate();
    REQUIRE(serve.waitForFinished(15000));
    out += QString::fromUtf8(serve.readAllStandardOutput()) + QString::fromUtf8(serve.readAllStandardError());
    CHECK(serve.exitCode() == 0);
    CHECK_FALSE(out.contains(key));
}
