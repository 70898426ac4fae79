#include "catch.h"

#include "events/eventintake.h"
#include "events/eventnormalizer.h"
#include "events/memoryeventsink.h"
#include "events/occurrence.h"
#include "events/webhookreceiver.h"
#include "events/webhooksignature.h"
#include "httptesting.h"
#include "util/clock.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QUuid>

using namespace exeserver;

namespace {

const QByteArray kSecret = "It's a Secret to Everybody";

struct Answer
{
    int status = 0;
    QJsonObject body;
};

enum class Signing
{
    Correct,
    Missing,
    Wrong
};

// A receiver with a secret, an in-memory sink and a manual clock, listening on 127.0.0.1:<free port>.
struct ReceiverFixture
{
    ManualClock clock;
    MemoryEventSink sink;
    EventIntake intake{sink, clock};
    WebhookReceiver receiver{intake};

    explicit ReceiverFixture(MemoryEventSink::Matching matching = MemoryEventSink::Matching::IdAndDedupeKey)
        : sink(matching)
    {
        intake.setSecret(kSecret);
        const Status listening = receiver.listen(QHostAddress::LocalHost, 0);
        REQUIRE(listening.ok());
    }

    QUrl url(const QString &path) const { return QUrl(receiver.baseUrl() + path); }
};

QNetworkRequest webhookRequest(const QUrl &url, const QString &event, const QString &delivery,
                               const QByteArray &body, Signing signing, const QByteArray &secret = kSecret)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("User-Agent", "GitHub-Hookshot/test");
    if (!event.isEmpty())
        request.setRawHeader("X-GitHub-Event", event.toUtf8());
    if (!delivery.isEmpty())
        request.setRawHeader("X-GitHub-Delivery", delivery.toUtf8());
    if (signing == Signing::Correct)
        request.setRawHeader("X-Hub-Signature-256", WebhookSignature::sign(secret, body));
    else if (signing == Signing::Wrong)
        request.setRawHeader("X-Hub-Signature-256", WebhookSignature::sign("not the secret", body));
    return request;
}

// Waits in an event loop rather than QTest::qWaitFor, whose 10 ms naps between polls would make a 25 MB
// upload crawl through the socket buffer.
Answer finish(QNetworkReply *reply)
{
    if (!reply->isFinished()) {
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(20000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    REQUIRE(reply->isFinished());
    Answer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return answer;
}

Answer post(QNetworkAccessManager &network, const QUrl &url, const QString &event, const QString &delivery,
            const QByteArray &body, Signing signing = Signing::Correct)
{
    return finish(network.post(webhookRequest(url, event, delivery, body, signing), body));
}

QString newDeliveryId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

// @octokit/webhooks-examples (npm). CI installs it under tests/contract; EXESERVER_WEBHOOK_EXAMPLES
// points elsewhere.
QString webhookExamplesPath()
{
    QStringList candidates;
    if (const QString fromEnv = qEnvironmentVariable("EXESERVER_WEBHOOK_EXAMPLES"); !fromEnv.isEmpty())
        candidates << fromEnv;
    candidates << QStringLiteral(
        EXESERVER_SOURCE_DIR
        "/tests/contract/node_modules/@octokit/webhooks-examples/api.github.com/index.json");
    for (const QString &candidate : candidates) {
        if (QFile::exists(candidate))
            return candidate;
    }
    return {};
}

const char *const kPayload =
    R"({"action":"opened","issue":{"id":1,"number":2,"updated_at":"2025-11-20T08:15:30Z"},
    "repository":{"id":3,"full_name":"octo/hello"},"sender":{"login":"octocat"}})";

} // namespace

TEST_CASE("WebhookReceiver: every @octokit/webhooks-examples payload is accepted once", "[events][receiver]")
{
    const QString path = webhookExamplesPath();
    if (path.isEmpty()) {
        const QString message =
            QStringLiteral("@octokit/webhooks-examples not found: run `npm ci` in tests/contract "
                           "or set EXESERVER_WEBHOOK_EXAMPLES to its api.github.com/index.json");
        if (qEnvironmentVariable("CI") == QLatin1StringView("true"))
            FAIL(message.toStdString());
        WARN(message.toStdString());
        return;
    }
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QJsonArray types = QJsonDocument::fromJson(file.readAll()).array();
    REQUIRE(types.size() >= 50);

    // Count deliveries: many examples are copies of one GitHub event (same PR, action and updated_at), which
    // the secondary dedupe key rightly collapses — checked at the end with a second receiver.
    ReceiverFixture fixture(MemoryEventSink::Matching::IdOnly);
    ReceiverFixture collapsing;
    QSignalSpy accepted(&fixture.intake, &EventIntake::eventAccepted);
    QNetworkAccessManager network;
    QList<QByteArray> bodies;
    QStringList names;
    struct Expected
    {
        QString id, name, action, repository, sender;
    };
    QList<Expected> expected;
    int examples = 0;
    for (const QJsonValue &typeValue : types) {
        const QJsonObject type = typeValue.toObject();
        const QString name = type.value(QLatin1StringView("name")).toString();
        for (const QJsonValue &exampleValue : type.value(QLatin1StringView("examples")).toArray()) {
            const QJsonObject example = exampleValue.toObject();
            const QByteArray body = QJsonDocument(example).toJson(QJsonDocument::Compact);
            const QString delivery = newDeliveryId();
            const QString url =
                examples % 2 ? QStringLiteral("/webhook") : QStringLiteral("/api/v1/github_webhooks");
            const Answer answer = post(network, fixture.url(url), name, delivery, body);
            INFO(name.toStdString() << " example " << examples);
            REQUIRE((answer.status == 200 || answer.status == 202));
            // Replay it: GitHub's "Redeliver" button.
            CHECK(post(network, fixture.url(url), name, delivery, body).status == 200);
            bodies.append(body);
            names.append(name);
            expected.append({delivery, name, example.value(QLatin1StringView("action")).toString(),
                             example.value(QLatin1StringView("repository"))
                                 .toObject()
                                 .value(QLatin1StringView("full_name"))
                                 .toString(),
                             example.value(QLatin1StringView("sender"))
                                 .toObject()
                                 .value(QLatin1StringView("login"))
                                 .toString()});
            ++examples;
        }
    }
    CHECK(examples >= 300);
    REQUIRE(fixture.sink.size() == examples);
    CHECK(fixture.sink.duplicates() == examples);
    REQUIRE(QTest::qWaitFor([&]() { return accepted.size() == examples; }, 5000));
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const NormalizedEvent &event = fixture.sink.events().at(i);
        INFO(expected[i].name.toStdString());
        CHECK(event.id == expected[i].id);
        CHECK(event.name == expected[i].name);
        CHECK(event.action == expected[i].action);
        CHECK(event.repository == expected[i].repository);
        CHECK(event.sender == expected[i].sender);
        CHECK(event.source == EventSource::Webhook);
    }

    // With the store's matching, copies of one event collapse into one row; nothing else does.
    for (qsizetype i = 0; i < bodies.size(); ++i) {
        const Answer answer =
            post(network, collapsing.url(QStringLiteral("/webhook")), names[i], expected[i].id, bodies[i]);
        CHECK((answer.status == 200 || answer.status == 202));
    }
    CHECK(collapsing.sink.size() + collapsing.sink.duplicates() == examples);
    QSet<QString> keys;
    const QStringList keyedTypes = Occurrence::keyedTypes();
    for (const NormalizedEvent &event : fixture.sink.events()) {
        if (!event.dedupeKey.isEmpty()) {
            keys.insert(event.dedupeKey);
            // The migration that backfills keys reads only these types.
            CHECK(keyedTypes.contains(event.name));
        }
    }
    qsizetype keyless = 0;
    for (const NormalizedEvent &event : fixture.sink.events())
        keyless += event.dedupeKey.isEmpty() ? 1 : 0;
    CHECK(collapsing.sink.size() == keys.size() + keyless);
}

TEST_CASE("WebhookReceiver: missing or wrong signatures are 401 and store nothing", "[events][receiver]")
{
    ReceiverFixture fixture;
    QSignalSpy accepted(&fixture.intake, &EventIntake::eventAccepted);
    QNetworkAccessManager network;
    const QUrl url = fixture.url(QStringLiteral("/api/v1/github_webhooks"));
    CHECK(post(network, url, QStringLiteral("issues"), newDeliveryId(), kPayload, Signing::Missing).status ==
          401);
    CHECK(post(network, url, QStringLiteral("issues"), newDeliveryId(), kPayload, Signing::Wrong).status ==
          401);
    // A correct signature of a different body (the body was tampered with on the way).
    QNetworkRequest tampered =
        webhookRequest(url, QStringLiteral("issues"), newDeliveryId(), kPayload, Signing::Correct);
    CHECK(finish(network.post(tampered, QByteArray(kPayload).replace("opened", "closed"))).status == 401);
    // Signature checked before JSON: a malformed unsigned body is still a 401.
    CHECK(post(network, url, QStringLiteral("issues"), newDeliveryId(), "{nope", Signing::Missing).status ==
          401);
    QTest::qWait(20);
    CHECK(fixture.sink.size() == 0);
    CHECK(accepted.isEmpty());
    CHECK(fixture.intake.rejectedCount() == 4);
}

TEST_CASE("WebhookReceiver: a replayed delivery id is stored and announced once", "[events][receiver]")
{
    ReceiverFixture fixture;
    QSignalSpy accepted(&fixture.intake, &EventIntake::eventAccepted);
    QNetworkAccessManager network;
    const QUrl url = fixture.url(QStringLiteral("/webhook"));
    const QString delivery = newDeliveryId();
    const Answer first = post(network, url, QStringLiteral("issues"), delivery, kPayload);
    CHECK(first.status == 202);
    CHECK(first.body.value(QLatin1StringView("status")) == QLatin1StringView("stored"));
    CHECK(first.body.value(QLatin1StringView("id")) == delivery);
    for (int i = 0; i < 3; ++i) {
        const Answer again = post(network, url, QStringLiteral("issues"), delivery, kPayload);
        CHECK(again.status == 200);
        CHECK(again.body.value(QLatin1StringView("status")) == QLatin1StringView("duplicate"));
    }
    REQUIRE(QTest::qWaitFor([&]() { return accepted.size() == 1; }, 2000));
    QTest::qWait(20);
    CHECK(accepted.size() == 1);
    REQUIRE(fixture.sink.size() == 1);
    const NormalizedEvent event = accepted.at(0).at(0).value<NormalizedEvent>();
    CHECK(event.id == delivery);
    CHECK(event.name == QLatin1StringView("issues"));
    CHECK(event.action == QLatin1StringView("opened"));
    CHECK(event.repository == QLatin1StringView("octo/hello"));
    CHECK(event.sender == QLatin1StringView("octocat"));
    CHECK(event.payload == kPayload);
    CHECK(event.receivedAt == fixture.clock.now());
}

TEST_CASE("WebhookReceiver: eventAccepted comes after the answer, from the event loop", "[events][receiver]")
{
    ManualClock clock;
    MemoryEventSink sink;
    EventIntake intake(sink, clock);
    intake.setSecret(kSecret);
    QSignalSpy accepted(&intake, &EventIntake::eventAccepted);
    const IntakeOutcome outcome = intake.process({QStringLiteral("issues"), QStringLiteral("d-1"),
                                                  WebhookSignature::sign(kSecret, kPayload),
                                                  "application/json", kPayload, EventSource::Webhook});
    CHECK(outcome.kind == IntakeOutcome::Kind::Stored);
    CHECK(sink.size() == 1);
    CHECK(accepted.isEmpty());
    REQUIRE(QTest::qWaitFor([&]() { return accepted.size() == 1; }, 1000));
}

TEST_CASE("WebhookReceiver: malformed, oversized and odd requests are answered cleanly", "[events][receiver]")
{
    ReceiverFixture fixture;
    QNetworkAccessManager network;
    const QUrl url = fixture.url(QStringLiteral("/api/v1/github_webhooks"));

    SECTION("malformed JSON → 400")
    {
        const Answer answer = post(network, url, QStringLiteral("push"), newDeliveryId(), R"({"ref": )");
        CHECK(answer.status == 400);
        CHECK(answer.body.value(QLatin1StringView("message")).toString().contains(QLatin1StringView("JSON")));
        CHECK(post(network, url, QStringLiteral("push"), newDeliveryId(), "[]").status == 400);
        CHECK(fixture.sink.size() == 0);
    }
    SECTION("no X-GitHub-Event → 400")
    {
        CHECK(post(network, url, QString(), newDeliveryId(), kPayload).status == 400);
        CHECK(fixture.sink.size() == 0);
    }
    SECTION("a body over 25 MB → 413 from its Content-Length, before it is sent")
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, fixture.receiver.port());
        REQUIRE(socket.waitForConnected(5000));
        socket.write("POST /api/v1/github_webhooks HTTP/1.1\r\nHost: localhost\r\nX-GitHub-Event: push\r\n"
                     "Content-Type: application/json\r\nContent-Length: " +
                     QByteArray::number(25 * 1024 * 1024 + 1) + "\r\n\r\n{");
        QByteArray response;
        REQUIRE(QTest::qWaitFor(
            [&]() {
                response += socket.readAll();
                return response.contains("\r\n\r\n");
            },
            5000));
        CHECK(response.startsWith("HTTP/1.1 413"));
        CHECK(fixture.sink.size() == 0);
    }
    SECTION("a body of exactly 25 MB is read and judged on its signature")
    {
        QByteArray big = R"({"padding":")";
        big += QByteArray(25 * 1024 * 1024 - big.size() - 2, 'a');
        big += R"("})";
        REQUIRE(big.size() == 25 * 1024 * 1024);
        CHECK(post(network, url, QStringLiteral("push"), newDeliveryId(), big, Signing::Wrong).status == 401);
        CHECK(post(network, url, QStringLiteral("push"), newDeliveryId(), big).status == 202);
        CHECK(fixture.sink.size() == 1);
    }
    SECTION("unknown event types are stored as they are")
    {
        const QByteArray body = R"({"action":"frobnicated","thing":{"id":1}})";
        CHECK(post(network, url, QStringLiteral("future_event"), newDeliveryId(), body).status == 202);
        REQUIRE(fixture.sink.size() == 1);
        CHECK(fixture.sink.events().at(0).name == QLatin1StringView("future_event"));
        CHECK(fixture.sink.events().at(0).action == QLatin1StringView("frobnicated"));
        CHECK(fixture.sink.events().at(0).payload == body);
    }
    SECTION("ping is answered 200 and recorded")
    {
        const Answer answer = post(network, url, QStringLiteral("ping"), newDeliveryId(),
                                   R"({"zen":"Design for failure.","hook_id":1})");
        CHECK(answer.status == 200);
        CHECK(answer.body.value(QLatin1StringView("message")) == QLatin1StringView("pong"));
        REQUIRE(fixture.sink.size() == 1);
        CHECK(fixture.sink.events().at(0).name == QLatin1StringView("ping"));
    }
    SECTION("a delivery without X-GitHub-Delivery gets a content-hash id")
    {
        CHECK(post(network, url, QStringLiteral("issues"), QString(), kPayload).status == 202);
        CHECK(post(network, url, QStringLiteral("issues"), QString(), kPayload).status == 200);
        REQUIRE(fixture.sink.size() == 1);
        CHECK(fixture.sink.events().at(0).id.startsWith(QLatin1StringView("sha256:")));
    }
    SECTION("wrong method → 405, unknown path → 404, /healthz → 200")
    {
        const Answer get = finish(network.get(QNetworkRequest(url)));
        CHECK(get.status == 405);
        CHECK(finish(network.get(QNetworkRequest(fixture.url(QStringLiteral("/nope"))))).status == 404);
        CHECK(post(network, fixture.url(QStringLiteral("/nope")), QStringLiteral("push"), newDeliveryId(),
                   kPayload)
                  .status == 404);
        const Answer health = finish(network.get(QNetworkRequest(fixture.url(QStringLiteral("/healthz")))));
        CHECK(health.status == 200);
        CHECK(health.body.value(QLatin1StringView("status")) == QLatin1StringView("ok"));
        CHECK(finish(network.post(QNetworkRequest(fixture.url(QStringLiteral("/healthz"))), QByteArray()))
                  .status == 405);
        CHECK(fixture.sink.size() == 0);
    }
    SECTION("a storage failure is a 500, so GitHub shows the delivery as failed and it can be redelivered")
    {
        fixture.sink.setFailure(Error{QStringLiteral("io"), QStringLiteral("disk full")});
        CHECK(post(network, url, QStringLiteral("issues"), newDeliveryId(), kPayload).status == 500);
    }
}

TEST_CASE("WebhookReceiver: without a secret it refuses non-loopback addresses and warns on loopback",
          "[events][receiver]")
{
    ManualClock clock;
    MemoryEventSink sink;
    EventIntake intake(sink, clock);
    WebhookReceiver receiver(intake);
    QSignalSpy warnings(&receiver, &WebhookReceiver::warningRaised);
    const Status refused = receiver.listen(QHostAddress::Any, 0);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.contains(QLatin1StringView("GITHUB_WEBHOOK_SECRET")));
    CHECK_FALSE(receiver.isListening());

    REQUIRE(receiver.listen(QHostAddress::LocalHost, 0).ok());
    CHECK(warnings.size() == 1);
    QNetworkAccessManager network;
    CHECK(post(network, QUrl(receiver.baseUrl() + QStringLiteral("/webhook")), QStringLiteral("issues"),
               newDeliveryId(), kPayload, Signing::Missing)
              .status == 202);
    CHECK(sink.size() == 1);

    // With a secret, any address is allowed.
    WebhookReceiver open(intake);
    intake.setSecret(kSecret);
    REQUIRE(open.listen(QHostAddress::Any, 0).ok());
}

TEST_CASE("WebhookReceiver: four concurrent senders, each delivery stored once", "[events][receiver]")
{
    ReceiverFixture fixture;
    QSignalSpy accepted(&fixture.intake, &EventIntake::eventAccepted);
    constexpr int kSenders = 4;
    constexpr int kPerSender = 40;
    std::vector<std::unique_ptr<QNetworkAccessManager>> senders;
    QList<QNetworkReply *> replies;
    for (int s = 0; s < kSenders; ++s)
        senders.push_back(std::make_unique<QNetworkAccessManager>());
    // Every sender sends the same delivery ids (as if GitHub redelivered while the first attempt was in
    // flight), all at once.
    const QUrl url = fixture.url(QStringLiteral("/api/v1/github_webhooks"));
    for (int i = 0; i < kPerSender; ++i) {
        const QString delivery = QStringLiteral("concurrent-%1").arg(i);
        // Distinct issues, so the secondary dedupe key (issue id + action + updated_at) differs too.
        const QByteArray body =
            QByteArray(kPayload).replace("\"id\":1,", "\"id\":" + QByteArray::number(100 + i) + ',');
        for (auto &sender : senders)
            replies.append(sender->post(
                webhookRequest(url, QStringLiteral("issues"), delivery, body, Signing::Correct), body));
    }
    int ok = 0;
    for (QNetworkReply *reply : replies) {
        const Answer answer = finish(reply);
        if (answer.status == 200 || answer.status == 202)
            ++ok;
    }
    CHECK(ok == kSenders * kPerSender);
    CHECK(fixture.sink.size() == kPerSender);
    CHECK(fixture.sink.duplicates() == (kSenders - 1) * kPerSender);
    REQUIRE(QTest::qWaitFor([&]() { return accepted.size() == kPerSender; }, 5000));
}

TEST_CASE("WebhookReceiver: /healthz answers within 50 ms while 500 idle connections are held",
          "[events][receiver][hardening]")
{
    // 500 held connections are 1,000 descriptors in this process (both ends).
    if (!test::raiseFileLimit(1500)) {
        WARN("needs 1500 open files and the hard limit is lower: not run");
        return;
    }
    ReceiverFixture fixture; // the receiver as shipped: default deadlines and connection cap
    const auto held = test::holdIdleConnections(fixture.receiver.port(), 500);

    for (int round = 0; round < 5; ++round) {
        qint64 elapsed = 0;
        const QByteArray answer = test::timedGet(fixture.receiver.port(), "/healthz", &elapsed);
        INFO("round " << round << ": " << elapsed << " ms");
        CHECK(answer.startsWith("HTTP/1.1 200"));
        CHECK(answer.contains(R"("status":"ok")"));
        REQUIRE(elapsed < 50);
    }
    const auto stillOpen = std::count_if(held.begin(), held.end(), [](const auto &socket) {
        return socket->state() == QAbstractSocket::ConnectedState;
    });
    CHECK(stillOpen == 500); // under the default cap nothing needed to be evicted
}

namespace {

// Records each acceptAll batch and what had been committed when each answer went out.
class BatchRecordingSink final : public EventSink
{
public:
    Result<Outcome> accept(const NormalizedEvent &event) override { return inner.accept(event); }
    QList<Result<Outcome>> acceptAll(const QList<NormalizedEvent> &events) override
    {
        batchSizes.append(int(events.size()));
        QList<Result<Outcome>> results = EventSink::acceptAll(events);
        for (const NormalizedEvent &event : events)
            committed.insert(event.id);
        return results;
    }

    MemoryEventSink inner;
    QList<int> batchSizes;
    QSet<QString> committed;
};

WebhookDelivery signedDelivery(const QString &id, const QByteArray &body)
{
    return {QStringLiteral("issues"), id,   WebhookSignature::sign(kSecret, body),
            "application/json",       body, EventSource::Webhook};
}

QByteArray issuePayload(int issueId)
{
    return QByteArray(kPayload).replace("\"id\":1,", "\"id\":" + QByteArray::number(issueId) + ',');
}

} // namespace

TEST_CASE("EventIntake: deliveries submitted in one turn share one commit and are answered after it",
          "[events][intake][groupcommit]")
{
    ManualClock clock;
    BatchRecordingSink sink;
    EventIntake intake(sink, clock);
    intake.setSecret(kSecret);
    QSignalSpy accepted(&intake, &EventIntake::eventAccepted);
    QList<IntakeOutcome> answers;
    QStringList answeredBeforeCommit;
    const auto answer = [&](const QString &id) {
        return [&, id](const IntakeOutcome &outcome) {
            if (outcome.kind != IntakeOutcome::Kind::Rejected && !sink.committed.contains(id))
                answeredBeforeCommit.append(id);
            answers.append(outcome);
        };
    };
    for (int i = 0; i < 4; ++i) {
        const QString id = QStringLiteral("batch-%1").arg(i);
        intake.submit(signedDelivery(id, issuePayload(200 + i)), answer(id));
    }
    // A redelivery of the first within the same turn, and a forged one, which is refused at once.
    intake.submit(signedDelivery(QStringLiteral("batch-0"), issuePayload(200)),
                  answer(QStringLiteral("batch-0")));
    WebhookDelivery forged = signedDelivery(QStringLiteral("forged"), issuePayload(300));
    forged.signature = WebhookSignature::sign("not the secret", forged.body);
    intake.submit(forged, answer(QStringLiteral("forged")));
    REQUIRE(answers.size() == 1);
    CHECK(answers.first().httpStatus == 401);
    CHECK(intake.pendingCount() == 5);
    CHECK(sink.batchSizes.isEmpty()); // nothing stored, so nothing else answered, until the loop turns

    REQUIRE(QTest::qWaitFor([&]() { return answers.size() == 6; }, 1000));
    CHECK(sink.batchSizes == QList<int>{5});
    CHECK(answeredBeforeCommit.isEmpty());
    QList<int> statuses;
    for (const IntakeOutcome &outcome : answers)
        statuses.append(outcome.httpStatus);
    CHECK(statuses == QList<int>{401, 202, 202, 202, 202, 200});
    CHECK(sink.inner.size() == 4);
    REQUIRE(QTest::qWaitFor([&]() { return accepted.size() == 4; }, 1000));
    QTest::qWait(20);
    CHECK(accepted.size() == 4); // the redelivery is not announced again
}

TEST_CASE("EventIntake: deliveries still held when it goes away are stored and answered",
          "[events][intake][groupcommit]")
{
    ManualClock clock;
    MemoryEventSink sink;
    int answered = 0;
    {
        EventIntake intake(sink, clock);
        intake.setSecret(kSecret);
        intake.submit(signedDelivery(QStringLiteral("late"), issuePayload(400)),
                      [&](const IntakeOutcome &outcome) {
                          CHECK(outcome.httpStatus == 202);
                          ++answered;
                      });
    }
    CHECK(answered == 1);
    CHECK(sink.size() == 1);
}
