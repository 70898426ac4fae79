#include "catch.h"

#include "events/eventnormalizer.h"
#include "events/memoryeventsink.h"
#include "events/storeeventsink.h"
#include "store/eventstore.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QUuid>

using namespace exeserver;

namespace {

const QDateTime kReceived = QDateTime::fromString(QStringLiteral("2025-11-24T10:00:00Z"), Qt::ISODate);

QJsonObject parse(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    REQUIRE(error.error == QJsonParseError::NoError);
    return document.object();
}

// Items shaped as GET /repos/{o}/{r}/events returns them (trimmed to the fields that matter).
QJsonObject eventsApiItem(const QByteArray &type, const QByteArray &id, const QByteArray &payload)
{
    return parse(R"({"id":")" + id + R"(","type":")" + type +
                 R"(","actor":{"id":583231,"login":"octocat","display_login":"octocat","gravatar_id":"",
                   "url":"https://api.github.com/users/octocat",
                   "avatar_url":"https://avatars.githubusercontent.com/u/583231?"},
                   "repo":{"id":1296269,"name":"octocat/Hello-World",
                   "url":"https://api.github.com/repos/octocat/Hello-World"},
                   "payload":)" +
                 payload + R"(,"public":true,"created_at":"2025-11-20T08:15:30Z"})");
}

} // namespace

TEST_CASE("EventNormalizer: Events API types map to webhook names", "[events][normalizer]")
{
    const QList<std::pair<const char *, const char *>> mapping{
        {"PushEvent", "push"},
        {"PullRequestEvent", "pull_request"},
        {"IssueCommentEvent", "issue_comment"},
        {"CreateEvent", "create"},
        {"DeleteEvent", "delete"},
        {"IssuesEvent", "issues"},
        {"ReleaseEvent", "release"},
        {"WatchEvent", "watch"},
        {"ForkEvent", "fork"},
        {"PullRequestReviewEvent", "pull_request_review"},
        {"PullRequestReviewCommentEvent", "pull_request_review_comment"},
        {"PullRequestReviewThreadEvent", "pull_request_review_thread"},
        {"GollumEvent", "gollum"},
        {"MemberEvent", "member"},
        {"PublicEvent", "public"},
        {"CommitCommentEvent", "commit_comment"},
        {"SponsorshipEvent", "sponsorship"},
        {"DiscussionEvent", "discussion"},
    };
    for (const auto &[type, name] : mapping) {
        INFO(type);
        CHECK(EventNormalizer::webhookNameForEventsApiType(QString::fromLatin1(type)) ==
              QLatin1StringView(name));
    }
}

TEST_CASE("EventNormalizer: a PushEvent becomes a push with webhook fields", "[events][normalizer]")
{
    const auto event = EventNormalizer::fromEventsApi(
        eventsApiItem("PushEvent", "22249084964", R"({"repository_id":1296269,"push_id":10115855396,"size":1,
            "distinct_size":1,"ref":"refs/heads/main","head":"7a8f3ac80e2ad2f6842cb86f576d4bfe2c03e300",
            "before":"883efe034920928c47fe18598c01249d1a9fdabd",
            "commits":[{"sha":"7a8f3ac80e2ad2f6842cb86f576d4bfe2c03e300","author":{"email":"o@example.com",
            "name":"Octo"},"message":"Update README","distinct":true,
            "url":"https://api.github.com/repos/octocat/Hello-World/commits/7a8f3ac"}]})"),
        kReceived);
    REQUIRE(event.ok());
    CHECK(event->id == QLatin1StringView("events-api:22249084964"));
    CHECK(event->name == QLatin1StringView("push"));
    CHECK(event->source == EventSource::EventsApi);
    CHECK(event->repository == QLatin1StringView("octocat/Hello-World"));
    CHECK(event->sender == QLatin1StringView("octocat"));
    CHECK(event->action.isEmpty());
    CHECK(event->occurredAt == QDateTime::fromString(QStringLiteral("2025-11-20T08:15:30Z"), Qt::ISODate));
    CHECK(event->receivedAt == kReceived);
    const QJsonObject payload = parse(event->payload);
    CHECK(payload.value(QLatin1StringView("after")).toString() ==
          QLatin1StringView("7a8f3ac80e2ad2f6842cb86f576d4bfe2c03e300"));
    CHECK(payload.value(QLatin1StringView("repository")).toObject().value(QLatin1StringView("full_name")) ==
          QLatin1StringView("octocat/Hello-World"));
    CHECK(payload.value(QLatin1StringView("repository"))
              .toObject()
              .value(QLatin1StringView("owner"))
              .toObject()
              .value(QLatin1StringView("login")) == QLatin1StringView("octocat"));
    CHECK(payload.value(QLatin1StringView("sender")).toObject().value(QLatin1StringView("id")).toInteger() ==
          583231);
    CHECK(payload.value(QLatin1StringView("commits"))
              .toArray()
              .at(0)
              .toObject()
              .value(QLatin1StringView("id")) ==
          QLatin1StringView("7a8f3ac80e2ad2f6842cb86f576d4bfe2c03e300"));
    CHECK(event->dedupeKey == QLatin1StringView("push:octocat/Hello-World:refs/heads/main:"
                                                "883efe034920928c47fe18598c01249d1a9fdabd:"
                                                "7a8f3ac80e2ad2f6842cb86f576d4bfe2c03e300"));
}

TEST_CASE("EventNormalizer: the same push from a webhook and the Events API is stored once",
          "[events][normalizer][dedupe]")
{
    const auto fromApi = EventNormalizer::fromEventsApi(
        eventsApiItem("PushEvent", "22249084964", R"({"ref":"refs/heads/main","head":"7a8f3ac",
            "before":"883efe0","commits":[]})"),
        kReceived);
    const auto fromHook = EventNormalizer::fromWebhook(
        QStringLiteral("push"), QStringLiteral("8d2b4c10-c6a1-11f0-8b5e-1f0c7a6b3d21"),
        R"({"ref":"refs/heads/main","before":"883efe0","after":"7a8f3ac","created":false,"deleted":false,
            "forced":false,"commits":[],"head_commit":{"id":"7a8f3ac","timestamp":"2025-11-20T09:15:29+01:00"},
            "repository":{"id":1296269,"full_name":"octocat/Hello-World"},"sender":{"login":"octocat"}})",
        kReceived);
    REQUIRE(fromApi.ok());
    REQUIRE(fromHook.ok());
    CHECK(fromHook->occurredAt == QDateTime::fromString(QStringLiteral("2025-11-20T08:15:29Z"), Qt::ISODate));
    CHECK(fromApi->id != fromHook->id);
    CHECK(fromApi->dedupeKey == fromHook->dedupeKey);

    MemoryEventSink sink;
    CHECK(*sink.accept(*fromHook) == EventSink::Outcome::Stored);
    CHECK(*sink.accept(*fromApi) == EventSink::Outcome::Duplicate);
    CHECK(sink.size() == 1);

    // The store remembers the key: the poller of the next start finds the webhook's event already there.
    QTemporaryDir dir;
    const QString path = QDir(dir.path()).filePath(QStringLiteral("exeserver.db"));
    {
        EventStore store;
        REQUIRE(store.open(path).ok());
        StoreEventSink webhookSide(store);
        CHECK(*webhookSide.accept(*fromHook) == EventSink::Outcome::Stored);
    }
    EventStore store;
    REQUIRE(store.open(path).ok());
    StoreEventSink pollerSide(store);
    CHECK(*pollerSide.accept(*fromApi) == EventSink::Outcome::Duplicate);
    CHECK(*store.eventCount() == 1);
}

TEST_CASE("EventNormalizer: pull request, comment, review and release items", "[events][normalizer]")
{
    SECTION("PullRequestEvent")
    {
        const auto event = EventNormalizer::fromEventsApi(
            eventsApiItem("PullRequestEvent", "1001", R"({"action":"opened","number":1347,
                "pull_request":{"id":1,"number":1347,"state":"open","title":"Amazing new feature",
                "updated_at":"2025-11-20T08:15:30Z","user":{"login":"octocat"}}})"),
            kReceived);
        REQUIRE(event.ok());
        CHECK(event->name == QLatin1StringView("pull_request"));
        CHECK(event->action == QLatin1StringView("opened"));
        CHECK(event->dedupeKey ==
              QLatin1StringView("pull_request:octocat/Hello-World:1:opened:2025-11-20T08:15:30Z"));
    }
    SECTION("IssueCommentEvent")
    {
        const auto event =
            EventNormalizer::fromEventsApi(eventsApiItem("IssueCommentEvent", "1002", R"({"action":"created",
                "issue":{"id":7,"number":12,"pull_request":{"url":"x"}},
                "comment":{"id":99,"body":"@exeserver /review","updated_at":"2025-11-20T08:15:30Z"}})"),
                                           kReceived);
        REQUIRE(event.ok());
        CHECK(event->name == QLatin1StringView("issue_comment"));
        CHECK(event->action == QLatin1StringView("created"));
        CHECK(event->dedupeKey == QLatin1StringView("issue_comment:octocat/Hello-World:99:created"));
    }
    SECTION("PullRequestReviewEvent reports 'created' where the webhook says 'submitted'")
    {
        const auto event = EventNormalizer::fromEventsApi(
            eventsApiItem("PullRequestReviewEvent", "1003", R"({"action":"created",
                "review":{"id":80,"state":"approved"},"pull_request":{"id":1,"number":1347}})"),
            kReceived);
        REQUIRE(event.ok());
        CHECK(event->action == QLatin1StringView("submitted"));
        CHECK(event->dedupeKey == QLatin1StringView("pull_request_review:octocat/Hello-World:80:submitted"));
    }
    SECTION("ReleaseEvent, ForkEvent and WatchEvent")
    {
        const auto release = EventNormalizer::fromEventsApi(
            eventsApiItem("ReleaseEvent", "1004",
                          R"({"action":"published","release":{"id":5,"tag_name":"v1"}})"),
            kReceived);
        REQUIRE(release.ok());
        CHECK(release->dedupeKey == QLatin1StringView("release:octocat/Hello-World:5:published"));
        const auto fork = EventNormalizer::fromEventsApi(
            eventsApiItem("ForkEvent", "1005", R"({"forkee":{"id":6,"full_name":"hubot/Hello-World"}})"),
            kReceived);
        REQUIRE(fork.ok());
        CHECK(fork->name == QLatin1StringView("fork"));
        CHECK(fork->dedupeKey == QLatin1StringView("fork:octocat/Hello-World:6"));
        const auto watch = EventNormalizer::fromEventsApi(
            eventsApiItem("WatchEvent", "1006", R"({"action":"started"})"), kReceived);
        REQUIRE(watch.ok());
        CHECK(watch->name == QLatin1StringView("watch"));
        CHECK(watch->action == QLatin1StringView("started"));
        // Star, unstar, star again: nothing in the payload tells those apart.
        CHECK(watch->dedupeKey.isEmpty());
    }
    SECTION("CreateEvent, DeleteEvent, PublicEvent, MemberEvent and GollumEvent keep their payloads")
    {
        for (const auto &[type, payload, name] : QList<std::tuple<QByteArray, QByteArray, QString>>{
                 {"CreateEvent",
                  R"({"ref":"v1.0","ref_type":"tag","master_branch":"main","pusher_type":"user"})",
                  QStringLiteral("create")},
                 {"DeleteEvent", R"({"ref":"feature","ref_type":"branch","pusher_type":"user"})",
                  QStringLiteral("delete")},
                 {"PublicEvent", "{}", QStringLiteral("public")},
                 {"MemberEvent", R"({"action":"added","member":{"login":"hubot"}})",
                  QStringLiteral("member")},
                 {"GollumEvent", R"({"pages":[{"page_name":"Home","action":"edited","sha":"abc"}]})",
                  QStringLiteral("gollum")},
                 {"CommitCommentEvent", R"({"action":"created","comment":{"id":3,"commit_id":"abc"}})",
                  QStringLiteral("commit_comment")},
             }) {
            INFO(type.constData());
            const auto event =
                EventNormalizer::fromEventsApi(eventsApiItem(type, "2000", payload), kReceived);
            REQUIRE(event.ok());
            CHECK(event->name == name);
            CHECK(event->repository == QLatin1StringView("octocat/Hello-World"));
            const QJsonObject reshaped = parse(event->payload);
            for (const QString &key : parse(payload).keys())
                CHECK(reshaped.contains(key));
        }
    }
}

TEST_CASE("EventNormalizer: two labels added in one second are two events", "[events][normalizer][dedupe]")
{
    auto labeled = [](const char *label) {
        return EventNormalizer::fromWebhook(
            QStringLiteral("pull_request"), QUuid::createUuid().toString(),
            QByteArray(
                R"({"action":"labeled","number":1,"pull_request":{"id":1,"updated_at":"2025-11-20T08:15:30Z"},
                 "label":{"name":")") +
                label + R"("},"repository":{"full_name":"o/r"},"sender":{"login":"u"}})",
            kReceived);
    };
    const auto bug = labeled("bug");
    const auto docs = labeled("docs");
    REQUIRE(bug.ok());
    REQUIRE(docs.ok());
    CHECK(bug->dedupeKey == QLatin1StringView("pull_request:o/r:1:labeled:2025-11-20T08:15:30Z:bug"));
    CHECK(bug->dedupeKey != docs->dedupeKey);
    // An edit has no key: two edits within a second would otherwise collapse into one.
    const auto edited = EventNormalizer::fromWebhook(
        QStringLiteral("issues"), QStringLiteral("x"),
        R"({"action":"edited","issue":{"id":1,"updated_at":"2025-11-20T08:15:30Z"},"repository":{"full_name":"o/r"}})",
        kReceived);
    REQUIRE(edited.ok());
    CHECK(edited->dedupeKey.isEmpty());
}

TEST_CASE("EventNormalizer: malformed inputs are errors, not events", "[events][normalizer]")
{
    CHECK(EventNormalizer::fromWebhook(QStringLiteral("push"), QStringLiteral("d"), "{nope", kReceived)
              .error()
              .kind == QLatin1StringView("malformed_json"));
    CHECK_FALSE(
        EventNormalizer::fromWebhook(QStringLiteral("push"), QStringLiteral("d"), "[1,2]", kReceived).ok());
    CHECK_FALSE(EventNormalizer::fromWebhook(QString(), QStringLiteral("d"), "{}", kReceived).ok());
    CHECK_FALSE(EventNormalizer::fromEventsApi(parse(R"({"type":"PushEvent"})"), kReceived).ok());
}

TEST_CASE("EventNormalizer: form-encoded deliveries and content-hash ids", "[events][normalizer]")
{
    const QByteArray json = R"({"action":"opened","repository":{"full_name":"o/r"},"sender":{"login":"u"}})";
    const QByteArray form = "payload=" + QUrl::toPercentEncoding(QString::fromUtf8(json));
    const auto event = EventNormalizer::fromWebhook(QStringLiteral("issues"), QStringLiteral("abc"), form,
                                                    kReceived, "application/x-www-form-urlencoded");
    REQUIRE(event.ok());
    CHECK(event->repository == QLatin1StringView("o/r"));
    CHECK(event->payload == json);

    const auto manual = EventNormalizer::fromManual(QStringLiteral("issues"), json, kReceived);
    const auto again = EventNormalizer::fromManual(QStringLiteral("issues"), json, kReceived.addSecs(60));
    REQUIRE(manual.ok());
    CHECK(manual->id.startsWith(QLatin1StringView("sha256:")));
    CHECK(manual->id == again->id);
    CHECK(manual->source == EventSource::Manual);
    CHECK(manual->id != EventNormalizer::fromManual(QStringLiteral("pull_request"), json, kReceived)->id);
}
