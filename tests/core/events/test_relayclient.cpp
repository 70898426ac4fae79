#include "catch.h"

#include "events/eventintake.h"
#include "events/memoryeventsink.h"
#include "events/relayclient.h"
#include "events/sseparser.h"
#include "events/webhooksignature.h"
#include "fakerelay.h"
#include "util/clock.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace exeserver;

namespace {

const QByteArray kSecret = "relay-secret";
const QByteArray kBody =
    R"({"action":"opened","issue":{"id":11,"number":4},"repository":{"full_name":"octo/relay"},"sender":{"login":"hubot"}})";

using SseServer = test::FakeRelay;

struct RelayFixture
{
    ManualClock clock;
    MemoryEventSink sink;
    EventIntake intake{sink, clock};
    QNetworkAccessManager network;
    RelayClient relay{network, intake};
    SseServer server;

    RelayFixture()
    {
        intake.setSecret(kSecret);
        relay.setOptions({.initialBackoffMs = 20, .maxBackoffMs = 160});
    }
};

} // namespace

TEST_CASE("SseParser: fields, comments, multi-line data and split line ends", "[events][relay][sse]")
{
    SseParser parser;
    QList<SseEvent> events = parser.feed(": keep-alive\n\nevent: ready\ndata: {}\n\n");
    REQUIRE(events.size() == 1);
    CHECK(events[0].type == QLatin1StringView("ready"));
    CHECK(events[0].data == "{}");

    events = parser.feed("id: 7\r\ndata: line one\r");
    CHECK(events.isEmpty());
    events = parser.feed("\ndata:line two\r\n\r");
    REQUIRE(events.size() == 1);
    CHECK(events[0].type == QLatin1StringView("message"));
    CHECK(events[0].data == "line one\nline two");
    CHECK(events[0].lastEventId == QLatin1StringView("7"));
    events = parser.feed("\nretry: 2500\ndata: x\n\n");
    REQUIRE(events.size() == 1);
    CHECK(parser.retryMs() == 2500);
    CHECK(parser.feed("event: empty\n\n").isEmpty());

    // Byte by byte gives the same result.
    SseParser slow;
    QList<SseEvent> collected;
    for (char c : QByteArray("event: ping\ndata: {\"a\":1}\n\ndata: two\n\n"))
        collected += slow.feed(QByteArray(1, c));
    REQUIRE(collected.size() == 2);
    CHECK(collected[0].type == QLatin1StringView("ping"));
    CHECK(collected[1].data == "two");
}

TEST_CASE("RelayClient: the body to verify comes from the message as received", "[events][relay]")
{
    CHECK(
        RelayClient::bodyFromMessage(R"({"x-github-event":"push","body":{"b":1,"a":[1, 2, {"c":"x y"}]}})") ==
        QByteArray(R"({"b":1,"a":[1,2,{"c":"x y"}]})"));
    CHECK(RelayClient::bodyFromMessage(R"({"body" : { "k" : "v\" }" } , "z":1})") ==
          QByteArray(R"({"k":"v\" }"})"));
    CHECK(RelayClient::bodyFromMessage(R"({"rawBody":"{ \"spaced\": true }","body":{"spaced":true}})") ==
          QByteArray(R"({ "spaced": true })"));
    CHECK_FALSE(RelayClient::bodyFromMessage(R"({"x-github-event":"push"})").has_value());
}

TEST_CASE("RelayClient: deliveries through the relay are verified and stored, ready and ping ignored",
          "[events][relay]")
{
    RelayFixture f;
    QSignalSpy processed(&f.relay, &RelayClient::messageProcessed);
    QSignalSpy accepted(&f.intake, &EventIntake::eventAccepted);
    f.relay.start(f.server.url());
    REQUIRE(QTest::qWaitFor([&]() { return f.relay.isConnected(); }, 5000));
    CHECK(f.server.requests().at(0).contains("Accept: text/event-stream"));

    f.server.send("event: ping\ndata: {}\n\n");
    f.server.sendDelivery(QStringLiteral("issues"), QStringLiteral("relay-1"), kBody,
                          WebhookSignature::sign(kSecret, kBody));
    // smee's own serialisation may differ in whitespace from GitHub's; the compacted text still verifies.
    const QByteArray pretty = QJsonDocument::fromJson(kBody).toJson(QJsonDocument::Indented);
    const QByteArray compactSorted = QJsonDocument::fromJson(kBody).toJson(QJsonDocument::Compact);
    f.server.sendDelivery(QStringLiteral("issues"), QStringLiteral("relay-2"),
                          QByteArray(pretty).replace('\n', ' '),
                          WebhookSignature::sign(kSecret, compactSorted));
    f.server.sendDelivery(QStringLiteral("issues"), QStringLiteral("relay-3"), kBody,
                          WebhookSignature::sign("wrong", kBody));
    f.server.sendDelivery(QStringLiteral("issues"), QStringLiteral("relay-1"), kBody,
                          WebhookSignature::sign(kSecret, kBody));
    REQUIRE(QTest::qWaitFor([&]() { return processed.size() == 4; }, 5000));
    CHECK(processed.at(0).at(0).toInt() == 202);
    CHECK(processed.at(1).at(0).toInt() == 202);
    CHECK(processed.at(2).at(0).toInt() == 401);
    CHECK(processed.at(3).at(0).toInt() == 200); // replay of relay-1
    REQUIRE(f.sink.size() == 2);
    CHECK(f.sink.events().at(0).source == EventSource::Relay);
    CHECK(f.sink.events().at(0).payload == kBody);
    CHECK(f.sink.events().at(0).repository == QLatin1StringView("octo/relay"));
    CHECK(f.sink.events().at(0).sender == QLatin1StringView("hubot"));
    REQUIRE(QTest::qWaitFor([&]() { return accepted.size() == 2; }, 2000));
}

TEST_CASE("RelayClient: reconnects with exponential backoff and resumes with Last-Event-ID",
          "[events][relay]")
{
    RelayFixture f;
    QSignalSpy scheduled(&f.relay, &RelayClient::reconnectScheduled);
    f.relay.start(f.server.url());
    REQUIRE(QTest::qWaitFor([&]() { return f.relay.isConnected(); }, 5000));
    f.server.sendDelivery(QStringLiteral("issues"), QStringLiteral("before-drop"), kBody,
                          WebhookSignature::sign(kSecret, kBody), "evt-41");
    REQUIRE(QTest::qWaitFor([&]() { return f.sink.size() == 1; }, 5000));

    // The relay goes away: refused connections back off 20, 40, 80, 160, 160 ms.
    f.server.stopListening();
    f.server.closeStreams();
    REQUIRE(QTest::qWaitFor([&]() { return scheduled.size() >= 5; }, 10000));
    QList<int> delays;
    for (const auto &arguments : scheduled)
        delays.append(arguments.at(0).toInt());
    CHECK(delays.mid(0, 5) == QList<int>{20, 40, 80, 160, 160});
    CHECK_FALSE(f.relay.isConnected());

    // It comes back: the client reconnects, says where it left off, and the backoff resets.
    f.server.resumeListening();
    REQUIRE(QTest::qWaitFor([&]() { return f.relay.isConnected(); }, 5000));
    CHECK(f.server.requests().last().contains("Last-Event-ID: evt-41"));
    CHECK(f.relay.nextBackoffMs() == 20);
    f.server.sendDelivery(
        QStringLiteral("issues"), QStringLiteral("after-drop"),
        QByteArray(kBody).replace("\"id\":11", "\"id\":12"),
        WebhookSignature::sign(kSecret, QByteArray(kBody).replace("\"id\":11", "\"id\":12")));
    REQUIRE(QTest::qWaitFor([&]() { return f.sink.size() == 2; }, 5000));

    f.relay.stop();
    QTest::qWait(100);
    CHECK(f.server.openStreams() == 0);
}
