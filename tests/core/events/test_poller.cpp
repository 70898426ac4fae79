#include "events/eventnormalizer.h"
#include "events/memoryeventsink.h"
#include "events/poller.h"
#include "githubtesting.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace exeserver;
using namespace exeserver::test;

namespace {

const QString kRepo = QStringLiteral("octocat/Hello-World");

Status pollRound(Poller &poller)
{
    return await<Done>([&poller](auto done) { poller.pollOnce(std::move(done)); });
}

QList<NormalizedEvent> named(const MemoryEventSink &sink, const QString &name)
{
    QList<NormalizedEvent> found;
    for (const NormalizedEvent &event : sink.events()) {
        if (event.name == name)
            found.append(event);
    }
    return found;
}

bool isUnread(const FakeGitHubServer &server, const QString &threadId)
{
    for (const FakeNotification &n : server.notifications()) {
        if (n.id == threadId)
            return n.unread;
    }
    return false;
}

} // namespace

TEST_CASE("Poller: an unchanged repository costs only 304s and no events", "[poller]")
{
    GitHubHarness h;
    MemoryEventSink sink(MemoryEventSink::Matching::IdOnly);
    Poller poller(*h.client, sink, &h.clock, {kRepo});
    REQUIRE(pollRound(poller).ok());
    REQUIRE(sink.size() == 0); // the first page is the baseline

    h.server.clearRequests();
    const int usedBefore = h.server.rateLimitUsed();
    h.clock.advance(3600 * 1000);
    REQUIRE(pollRound(poller).ok());
    const QList<RecordedRequest> requests = h.server.requests();
    REQUIRE(requests.size() == 3); // events, runs, notifications
    for (const RecordedRequest &request : requests)
        CHECK(request.status == 304);
    CHECK(sink.size() == 0);
    CHECK(h.server.rateLimitUsed() == usedBefore);
}

TEST_CASE("Poller: run status changes become workflow_run events once each", "[poller]")
{
    GitHubHarness h;
    MemoryEventSink sink(MemoryEventSink::Matching::IdOnly);
    Poller poller(*h.client, sink, &h.clock, {kRepo});
    REQUIRE(pollRound(poller).ok());

    const qint64 runId =
        h.server.addRun({.repo = kRepo, .status = QStringLiteral("queued"), .conclusion = {}});
    h.clock.advance(3600 * 1000);
    REQUIRE(pollRound(poller).ok());
    h.server.setRunStatus(runId, QStringLiteral("in_progress"));
    h.clock.advance(3600 * 1000);
    REQUIRE(pollRound(poller).ok());
    h.server.setRunStatus(runId, QStringLiteral("completed"), QStringLiteral("success"));
    h.clock.advance(3600 * 1000);
    REQUIRE(pollRound(poller).ok());
    h.clock.advance(3600 * 1000);
    REQUIRE(pollRound(poller).ok()); // nothing new: no fourth event

    const QList<NormalizedEvent> runs = named(sink, QStringLiteral("workflow_run"));
    REQUIRE(runs.size() == 3);
    CHECK(runs[0].action == QStringLiteral("requested"));
    CHECK(runs[1].action == QStringLiteral("in_progress"));
    CHECK(runs[2].action == QStringLiteral("completed"));
    CHECK(runs[2].id == QStringLiteral("poll:workflow_run:%1:completed:1").arg(runId));
    CHECK(runs[2].repository == kRepo);
    const QJsonObject payload = QJsonDocument::fromJson(runs[2].payload).object();
    CHECK(payload.value(QStringLiteral("workflow_run")).toObject().value(QStringLiteral("id")).toInteger() ==
          runId);
    CHECK(payload.value(QStringLiteral("action")).toString() == QStringLiteral("completed"));
}

TEST_CASE("Poller: Events API items are stored under their webhook names", "[poller]")
{
    GitHubHarness h;
    MemoryEventSink sink(MemoryEventSink::Matching::IdOnly);
    Poller poller(*h.client, sink, &h.clock, {kRepo});
    REQUIRE(pollRound(poller).ok());

    h.server.addEvent(kRepo, QStringLiteral("PushEvent"),
                      {{QStringLiteral("ref"), QStringLiteral("refs/heads/main")},
                       {QStringLiteral("before"), QStringLiteral("a1")},
                       {QStringLiteral("head"), QStringLiteral("b2")}});
    h.server.addEvent(kRepo, QStringLiteral("IssueCommentEvent"),
                      {{QStringLiteral("action"), QStringLiteral("created")},
                       {QStringLiteral("issue"), QJsonObject{{QStringLiteral("number"), 1}}},
                       {QStringLiteral("comment"), QJsonObject{{QStringLiteral("id"), 7}}}});
    h.clock.advance(3600 * 1000);
    REQUIRE(pollRound(poller).ok());
    REQUIRE(sink.size() == 2);
    CHECK(sink.events()[0].name == QStringLiteral("push"));
    CHECK(sink.events()[1].name == QStringLiteral("issue_comment"));
    CHECK(sink.events()[1].action == QStringLiteral("created"));
    CHECK(sink.events()[1].repository == kRepo);

    h.clock.advance(3600 * 1000);
    REQUIRE(pollRound(poller).ok());
    CHECK(sink.size() == 2);
}

TEST_CASE("Poller: notifications stay unread after a polling round unless marking is turned on", "[poller]")
{
    GitHubHarness h;
    MemoryEventSink sink(MemoryEventSink::Matching::IdOnly);
    Poller poller(*h.client, sink, &h.clock, {kRepo}); // default options: the inbox is left alone
    REQUIRE(pollRound(poller).ok());

    const QString thread =
        h.server.addNotification({.repo = kRepo, .reason = QStringLiteral("review_requested")});
    h.clock.advance(3600 * 1000);
    REQUIRE(pollRound(poller).ok());
    REQUIRE(named(sink, QStringLiteral("notification")).size() == 1);
    CHECK(isUnread(h.server, thread));
    CHECK(h.server.requestsTo(QStringLiteral("/notifications/threads/.*"), "PATCH").isEmpty());

    // Still unread on the next rounds, and stored once only.
    h.clock.advance(3600 * 1000);
    REQUIRE(pollRound(poller).ok());
    CHECK(named(sink, QStringLiteral("notification")).size() == 1);
    CHECK(isUnread(h.server, thread));
}

TEST_CASE("Poller: with marking on, a notification is marked read only after it is stored", "[poller]")
{
    GitHubHarness h;
    MemoryEventSink sink(MemoryEventSink::Matching::IdOnly);
    Poller::Options options;
    options.markNotificationsRead = true;
    Poller poller(*h.client, sink, &h.clock, {kRepo}, options);
    REQUIRE(pollRound(poller).ok());

    const QString thread = h.server.addNotification({.repo = kRepo, .reason = QStringLiteral("mention")});
    sink.setFailure(Error{QStringLiteral("io"), QStringLiteral("disk full"), 0});
    h.clock.advance(3600 * 1000);
    CHECK_FALSE(pollRound(poller).ok());
    CHECK(sink.size() == 0);
    CHECK(isUnread(h.server, thread));
    CHECK(h.server.requestsTo(QStringLiteral("/notifications/threads/.*"), "PATCH").isEmpty());

    sink.setFailure(std::nullopt);
    h.clock.advance(3600 * 1000);
    REQUIRE(pollRound(poller).ok());
    const QList<NormalizedEvent> stored = named(sink, QStringLiteral("notification"));
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].action == QStringLiteral("mention"));
    CHECK(stored[0].repository == kRepo);
    CHECK_FALSE(isUnread(h.server, thread));
}

TEST_CASE("Poller: no request goes out before X-Poll-Interval has passed", "[poller]")
{
    GitHubHarness h;
    MemoryEventSink sink;
    Poller poller(*h.client, sink, &h.clock, {kRepo});
    REQUIRE(pollRound(poller).ok());
    h.server.clearRequests();

    h.clock.advance(10 * 1000); // under every interval
    REQUIRE(pollRound(poller).ok());
    CHECK(h.server.requests().isEmpty());
    CHECK(poller.nextPollAt() > h.clock.now());

    // The seeded in-progress run makes the runs endpoint due after 15 s; the others wait for the 60 s
    // X-Poll-Interval the fake sends.
    h.clock.advance(20 * 1000);
    REQUIRE(pollRound(poller).ok());
    CHECK(h.server.requestsTo(QStringLiteral("/repos/octocat/Hello-World/actions/runs")).size() == 1);
    CHECK(h.server.requestsTo(QStringLiteral("/notifications")).isEmpty());
    CHECK(h.server.requestsTo(QStringLiteral("/repos/octocat/Hello-World/events")).isEmpty());

    h.clock.advance(31 * 1000);
    REQUIRE(pollRound(poller).ok());
    CHECK(h.server.requestsTo(QStringLiteral("/notifications")).size() == 1);
    CHECK(h.server.requestsTo(QStringLiteral("/repos/octocat/Hello-World/events")).size() == 1);
}

TEST_CASE("Poller: pauses while offline and resumes with backoff", "[poller]")
{
    GitHubHarness h([](GitHubClient::Options &options) { options.connection.maxRetries = 0; });
    MemoryEventSink sink;
    Poller poller(*h.client, sink, &h.clock, {kRepo});
    REQUIRE(pollRound(poller).ok());
    h.server.stop(); // connection refused: a network error
    h.clock.advance(3600 * 1000);
    const Status offline = pollRound(poller);
    REQUIRE_FALSE(offline.ok());
    CHECK(offline.error().kind == QStringLiteral("network"));
    const QDateTime firstRetry = poller.nextPollAt();
    CHECK(firstRetry > h.clock.now());

    CHECK(h.clock.now().msecsTo(firstRetry) == 5000);

    h.clock.advance(1000); // still paused: no request, no error
    CHECK(pollRound(poller).ok());

    h.clock.set(firstRetry);
    CHECK_FALSE(pollRound(poller).ok());
    CHECK(h.clock.now().msecsTo(poller.nextPollAt()) == 10000); // doubled

    h.clock.advance(10000);
    CHECK(poller.nextPollAt() <= h.clock.now());
}

TEST_CASE("Poller: waits out a rate limit instead of polling", "[poller]")
{
    GitHubHarness h;
    MemoryEventSink sink;
    Poller poller(*h.client, sink, &h.clock, {kRepo});
    REQUIRE(pollRound(poller).ok());
    h.server.setRateLimitRemaining(10); // under the poller's reserve of 50
    h.clock.advance(61 * 1000);
    REQUIRE(pollRound(poller).ok()); // this round reads the low remaining count
    REQUIRE(h.client->rateLimit().remaining < 50);
    REQUIRE(h.server.rateLimitReset() > h.clock.now().addSecs(61));
    h.server.clearRequests();
    h.clock.advance(61 * 1000);
    REQUIRE(pollRound(poller).ok());
    CHECK(h.server.requests().isEmpty());
    CHECK(poller.nextPollAt() > h.clock.now());
}

TEST_CASE("Poller: what happened while ExeServer was down is stored on the next start", "[poller]")
{
    GitHubHarness h;
    QTemporaryDir dir;
    Poller::Options options;
    options.statePath = dir.filePath(QStringLiteral("poller-state.json"));
    MemoryEventSink sink(MemoryEventSink::Matching::IdOnly);
    const qint64 runId =
        h.server.addRun({.repo = kRepo, .status = QStringLiteral("queued"), .conclusion = {}});
    {
        Poller first(*h.client, sink, &h.clock, {kRepo}, options);
        REQUIRE(pollRound(first).ok()); // baseline: the queued run and the seeded events are remembered
    }
    REQUIRE(sink.size() == 0);

    // Downtime: a push happens and the run finishes.
    h.server.addEvent(kRepo, QStringLiteral("PushEvent"),
                      QJsonObject{{QStringLiteral("ref"), QStringLiteral("refs/heads/main")}});
    h.server.setRunStatus(runId, QStringLiteral("completed"), QStringLiteral("success"));
    h.clock.advance(3600 * 1000);

    Poller second(*h.client, sink, &h.clock, {kRepo}, options);
    REQUIRE(pollRound(second).ok());
    CHECK(named(sink, QStringLiteral("push")).size() == 1);
    const QList<NormalizedEvent> runs = named(sink, QStringLiteral("workflow_run"));
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].id == QStringLiteral("poll:workflow_run:%1:completed:1").arg(runId));

    // Without a state file the same restart would have taken everything as a new baseline.
    MemoryEventSink fresh(MemoryEventSink::Matching::IdOnly);
    Poller forgetful(*h.client, fresh, &h.clock, {kRepo});
    REQUIRE(pollRound(forgetful).ok());
    CHECK(fresh.size() == 0);
}

TEST_CASE("Poller: an unreadable state file falls back to a fresh baseline", "[poller]")
{
    GitHubHarness h;
    QTemporaryDir dir;
    Poller::Options options;
    options.statePath = dir.filePath(QStringLiteral("poller-state.json"));
    QFile broken(options.statePath);
    REQUIRE(broken.open(QIODevice::WriteOnly));
    broken.write("{not json");
    broken.close();
    MemoryEventSink sink(MemoryEventSink::Matching::IdOnly);
    Poller poller(*h.client, sink, &h.clock, {kRepo}, options);
    REQUIRE(pollRound(poller).ok());
    CHECK(sink.size() == 0);
    REQUIRE(broken.open(QIODevice::ReadOnly));
    CHECK(QJsonDocument::fromJson(broken.readAll()).isObject()); // rewritten after the round
}

TEST_CASE("Poller: a run transition the webhook already delivered is a duplicate, not a second event",
          "[poller][dedupe]")
{
    GitHubHarness h;
    MemoryEventSink sink(MemoryEventSink::Matching::IdAndDedupeKey);
    Poller poller(*h.client, sink, &h.clock, {kRepo});
    REQUIRE(pollRound(poller).ok());
    const qint64 runId = h.server.addRun(
        {.repo = kRepo, .status = QStringLiteral("completed"), .conclusion = QStringLiteral("success")});

    // The webhook delivery of the same completion arrives first, with its own delivery id.
    QFile file(QStringLiteral(EXESERVER_SOURCE_DIR "/tests/data/webhooks/workflow_run.completed.json"));
    REQUIRE(file.open(QIODevice::ReadOnly));
    QJsonObject payload = QJsonDocument::fromJson(file.readAll()).object();
    QJsonObject repository = payload.value(QStringLiteral("repository")).toObject();
    repository.insert(QStringLiteral("full_name"), kRepo);
    payload.insert(QStringLiteral("repository"), repository);
    QJsonObject run = payload.value(QStringLiteral("workflow_run")).toObject();
    run.insert(QStringLiteral("id"), runId);
    payload.insert(QStringLiteral("workflow_run"), run);
    const auto hook = EventNormalizer::fromWebhook(
        QStringLiteral("workflow_run"), QStringLiteral("8d2b4c10-c6a1-11f0-8b5e-1f0c7a6b3d21"),
        QJsonDocument(payload).toJson(QJsonDocument::Compact), h.clock.now());
    REQUIRE(hook.ok());
    REQUIRE(*sink.accept(*hook) == EventSink::Outcome::Stored);

    h.clock.advance(3600 * 1000);
    REQUIRE(pollRound(poller).ok());
    const QList<NormalizedEvent> runs = named(sink, QStringLiteral("workflow_run"));
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].id == hook->id);
    CHECK(sink.duplicates() == 1);
}
