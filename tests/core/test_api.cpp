#include "catch.h"
#include "githubtesting.h"
#include "openapivalidator.h"
#include "storetestutil.h"

#include "api/apiserver.h"
#include "api/apitoken.h"
#include "events/eventintake.h"
#include "events/storeeventsink.h"
#include "events/webhookreceiver.h"
#include "events/webhooksignature.h"
#include "net/httpstream.h"
#include "store/eventstore.h"
#include "sync/syncengine.h"
#include "triggers/codefilerunner.h"
#include "triggers/presetstore.h"
#include "triggers/triggerengine.h"
#include "triggers/triggerfile.h"
#include "util/clock.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace exeserver;

namespace {

const QString kToken = QStringLiteral("exs_test-token-0123456789abcdefghijklmnopqrstuv");
constexpr int kWaitMs = 5000;

struct Answer
{
    int status = 0;
    QByteArray contentType;
    QByteArray allow;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString errorCode() const
    {
        return json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    }
};

QByteArray headerValue(const QByteArray &head, const QByteArray &name)
{
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

// One request on its own connection (Connection: close), read until the server closes it.
Answer rawRequest(quint16 port, const QByteArray &request)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    REQUIRE(QTest::qWaitFor([&]() { return socket.state() == QAbstractSocket::ConnectedState; }, kWaitMs));
    socket.write(request);
    QByteArray received;
    const bool closed = QTest::qWaitFor(
        [&]() {
            received += socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState;
        },
        kWaitMs);
    CHECK(closed);
    received += socket.readAll();
    Answer answer;
    const qsizetype split = received.indexOf("\r\n\r\n");
    REQUIRE(split > 0);
    const QByteArray head = received.left(split);
    answer.status = head.split(' ').value(1).toInt();
    answer.contentType = headerValue(head, "Content-Type");
    answer.allow = headerValue(head, "Allow");
    answer.body = received.mid(split + 4);
    return answer;
}

ApiSources sourcesOf(EventStore *store, TriggerEngine *engine = nullptr)
{
    ApiSources sources;
    sources.store = store;
    sources.engine = engine;
    return sources;
}

QJsonObject loadDescription()
{
    QFile file(QStringLiteral(EXESERVER_SOURCE_DIR "/core/api/openapi.json"));
    REQUIRE(file.open(QIODevice::ReadOnly));
    return QJsonDocument::fromJson(file.readAll()).object();
}

// An API server over a temporary store with a trigger engine; every answer a test gets is checked against
// the OpenAPI description and for the token.
struct ApiFixture
{
    QTemporaryDir dir;
    EventStore store;
    CodefileRunner runner;
    PresetStore presets{dir.path()};
    std::unique_ptr<TriggerEngine> engine;
    std::unique_ptr<ApiServer> server;
    test::OpenApiValidator validator{loadDescription()};

    ApiFixture()
    {
        REQUIRE(dir.isValid());
        REQUIRE(store.open(test::dbPath(dir)).ok());
        TriggerEngine::Options options;
        options.dataDir = dir.path();
        options.notifier = [](const TriggerNotification &) {};
        engine = std::make_unique<TriggerEngine>(store, nullptr, runner, presets, SystemClock::instance(),
                                                 options);
        server = std::make_unique<ApiServer>(sourcesOf(&store, engine.get()));
        server->setToken(kToken);
        REQUIRE(server->listen(QHostAddress::LocalHost, 0).ok());
    }

    Answer call(const QByteArray &method, const QByteArray &target, const QByteArray &body = {},
                const QByteArray &authorization = "Bearer " + kToken.toUtf8(),
                const QByteArray &contentType = "application/json")
    {
        QByteArray request = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
        if (!authorization.isEmpty())
            request += "Authorization: " + authorization + "\r\n";
        if (!body.isEmpty())
            request += "Content-Type: " + contentType +
                       "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
        request += "\r\n" + body;
        const Answer answer = rawRequest(server->port(), request);
        const QString path = QUrl(QString::fromUtf8(target)).path();
        const QStringList problems =
            validator.check(method, path, answer.status, answer.contentType, answer.body);
        INFO(problems.join(QLatin1Char('\n')).toStdString() + "\n" + answer.body.toStdString());
        CHECK(problems.isEmpty());
        CHECK_FALSE(answer.body.contains(kToken.toUtf8())); // never a secret in an answer
        return answer;
    }

    void addTriggers(const QByteArray &yaml)
    {
        const Result<QList<Trigger>> triggers = TriggerFile::parse(yaml);
        REQUIRE(triggers.ok());
        for (const Trigger &trigger : *triggers)
            REQUIRE(store.saveTrigger(toStoredTrigger(trigger)).ok());
    }
};

const QByteArray kNotifyTrigger = R"(
triggers:
  - name: say
    event: pull_request
    run: [{notify: {title: "PR {{ event.pull_request.title }}"}}]
)";

} // namespace

TEST_CASE("API token: generated tokens differ, compare in constant time, and only as a bearer token", "[api]")
{
    const QString a = apitoken::generate();
    CHECK(a.startsWith(QLatin1String("exs_")));
    CHECK(a.size() >= 40);
    CHECK(a != apitoken::generate());
    CHECK(apitoken::equalInConstantTime("abc", "abc"));
    CHECK_FALSE(apitoken::equalInConstantTime("abc", "abd"));
    CHECK_FALSE(apitoken::equalInConstantTime("abc", "abcd"));
    CHECK_FALSE(apitoken::equalInConstantTime("", "a"));
    CHECK(apitoken::authorizes("Bearer " + a.toUtf8(), a));
    CHECK(apitoken::authorizes("bearer " + a.toUtf8(), a));
    CHECK_FALSE(apitoken::authorizes(a.toUtf8(), a));
    CHECK_FALSE(apitoken::authorizes("Basic " + a.toUtf8(), a));
    CHECK_FALSE(apitoken::authorizes("Bearer ", a));
    CHECK_FALSE(apitoken::authorizes("Bearer x", QString()));
}

TEST_CASE("API: every endpoint answers 401 without the token and with a wrong one", "[api][security]")
{
    ApiFixture f;
    const QStringList operations = f.validator.operations();
    REQUIRE(operations.size() >= 19);
    for (const QString &operation : operations) {
        QByteArray method = operation.section(QLatin1Char(' '), 0, 0).toLatin1();
        QString path = operation.section(QLatin1Char(' '), 1);
        path.replace(QRegularExpression(QStringLiteral("\\{[a-z]+\\}")), QStringLiteral("x"));
        INFO(operation.toStdString());
        const Answer none = f.call(method, path.toUtf8(), {}, {});
        CHECK(none.status == 401);
        CHECK(none.errorCode() == QLatin1String("unauthorized"));
        const Answer wrong = f.call(method, path.toUtf8(), {}, "Bearer " + apitoken::generate().toUtf8());
        CHECK(wrong.status == 401);
        // A token one character off is as wrong as any other.
        QByteArray nearly = "Bearer " + kToken.toUtf8();
        nearly[nearly.size() - 1] = 'X';
        CHECK(f.call(method, path.toUtf8(), {}, nearly).status == 401);
    }
}

TEST_CASE("API: a non-loopback bind without a token refuses to start; loopback without one warns",
          "[api][security]")
{
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(test::dbPath(dir)).ok());
    ApiServer open(sourcesOf(&store));
    const Status refused = open.listen(QHostAddress::AnyIPv4, 0);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.contains(QLatin1String("without an API token")));
    CHECK_FALSE(open.isListening());

    QStringList warnings;
    QObject::connect(&open, &ApiServer::warningRaised, [&](const QString &w) { warnings.append(w); });
    REQUIRE(open.listen(QHostAddress::LocalHost, 0).ok());
    CHECK(warnings.size() == 1);
    open.close();

    ApiServer withToken(sourcesOf(&store));
    withToken.setToken(kToken);
    CHECK(withToken.listen(QHostAddress::AnyIPv4, 0).ok());
}

TEST_CASE("API: events — the event log's filters, text search, keyset pages, one event with its payload",
          "[api][events]")
{
    ApiFixture f;
    QList<Event> events;
    for (int n = 1; n <= 25; ++n)
        events.append(
            test::sampleEvent(n, n % 2 ? QStringLiteral("pull_request") : QStringLiteral("issues")));
    REQUIRE(f.store.addEvents(events).ok());

    // Pages of 10, newest first, chained by the cursor, cover every event once.
    QStringList seen;
    QByteArray target = "/api/v1/events?limit=10";
    for (int page = 0; page < 5 && !target.isEmpty(); ++page) {
        const Answer answer = f.call("GET", target);
        REQUIRE(answer.status == 200);
        for (const QJsonValue &row : answer.json().value(QStringLiteral("events")).toArray())
            seen.append(row.toObject().value(QStringLiteral("id")).toString());
        const QJsonValue next = answer.json().value(QStringLiteral("next_cursor"));
        target = next.isNull() ? QByteArray() : "/api/v1/events?limit=10&cursor=" + next.toString().toUtf8();
    }
    CHECK(seen.size() == 25);
    CHECK(seen.first() == QLatin1String("delivery-25"));
    CHECK(QSet<QString>(seen.cbegin(), seen.cend()).size() == 25);

    const Answer prs = f.call("GET", "/api/v1/events?type=pull_request&limit=200");
    CHECK(prs.json().value(QStringLiteral("events")).toArray().size() == 13);
    const Answer repo = f.call("GET", "/api/v1/events?repository=acme/service-3");
    for (const QJsonValue &row : repo.json().value(QStringLiteral("events")).toArray())
        CHECK(row.toObject().value(QStringLiteral("repository")).toString() ==
              QLatin1String("acme/service-3"));
    const Answer search = f.call("GET", "/api/v1/events?q=widget2%20number");
    const QJsonArray found = search.json().value(QStringLiteral("events")).toArray();
    REQUIRE_FALSE(found.isEmpty());
    for (const QJsonValue &row : found) {
        const int n =
            row.toObject().value(QStringLiteral("id")).toString().section(QLatin1Char('-'), 1).toInt();
        CHECK(n % 3 == 2);
    }
    const Answer since =
        f.call("GET", "/api/v1/events?since=" + events.at(19).occurredAt.toString(Qt::ISODate).toUtf8());
    CHECK(since.json().value(QStringLiteral("events")).toArray().size() == 6);

    const Answer one = f.call("GET", "/api/v1/events/delivery-7");
    REQUIRE(one.status == 200);
    CHECK(one.json().value(QStringLiteral("payload")).toObject().value(QStringLiteral("number")).toInt() ==
          7);
    // A list carries no payloads (decompressing them is the expensive part).
    CHECK_FALSE(prs.json()
                    .value(QStringLiteral("events"))
                    .toArray()
                    .first()
                    .toObject()
                    .contains(QStringLiteral("payload")));
    CHECK(f.call("GET", "/api/v1/events/nope").status == 404);
}

TEST_CASE("API: bad input gets a JSON 4xx, never a crash", "[api][limits]")
{
    ApiFixture f;
    f.addTriggers(kNotifyTrigger);
    CHECK(f.call("GET", "/api/v1/nothing-here").status == 404);
    CHECK(f.call("GET", "/").status == 404);
    const Answer wrongVerb = f.call("DELETE", "/api/v1/events");
    CHECK(wrongVerb.status == 405);
    CHECK(wrongVerb.allow == "GET");
    CHECK(f.call("POST", "/api/v1/triggers/export").status == 405);
    CHECK(f.call("GET", "/api/v1/triggers/say/enable").status == 405);

    const Answer malformed = f.call("POST", "/api/v1/triggers/say/test", "{\"event_id\": ");
    CHECK(malformed.status == 400);
    CHECK(malformed.errorCode() == QLatin1String("malformed_json"));
    CHECK(f.call("POST", "/api/v1/triggers/say/test", "[1,2]").status == 400);
    const Answer unknown = f.call("POST", "/api/v1/triggers/say/test", R"({"event_id":"x","evnt":"y"})");
    CHECK(unknown.status == 422);
    CHECK(unknown.errorCode() == QLatin1String("unknown_field"));
    CHECK(f.call("POST", "/api/v1/triggers/say/enable", R"({"force":true})").status == 422);
    CHECK(f.call("POST", "/api/v1/triggers/say/test", "{}").status == 422);

    CHECK(f.call("GET", "/api/v1/events?limit=201").errorCode() == QLatin1String("bad_page_size"));
    CHECK(f.call("GET", "/api/v1/events?limit=0").status == 400);
    CHECK(f.call("GET", "/api/v1/events?limit=ten").status == 400);
    CHECK(f.call("GET", "/api/v1/actions?limit=100000").status == 400);
    CHECK(f.call("GET", "/api/v1/events?cursor=garbage").errorCode() == QLatin1String("bad_cursor"));
    CHECK(f.call("GET", "/api/v1/events?since=yesterday").status == 400);
    CHECK(f.call("GET", "/api/v1/events?tpye=push").errorCode() == QLatin1String("unknown_parameter"));
    CHECK(f.call("GET", "/api/v1/actions?status=great").status == 400);
    CHECK(f.call("POST", "/api/v1/triggers", R"({"definition": "triggers: [{name: 1, run: 5}]"})").status ==
          422);

    // A body over 1 MiB is refused from its Content-Length, before it is read.
    const Answer huge = rawRequest(
        f.server->port(), "POST /api/v1/triggers HTTP/1.1\r\nHost: x\r\nAuthorization: "
                          "Bearer " +
                              kToken.toUtf8() + "\r\nContent-Type: application/json\r\nContent-Length: " +
                              QByteArray::number(ApiServer::kMaxBodyBytes + 1) + "\r\n\r\n{");
    CHECK(huge.status == 413);
    CHECK(huge.errorCode() == QLatin1String("too_large")); // the same error shape as every other answer
    CHECK(f.validator
              .check("POST", QStringLiteral("/api/v1/triggers"), huge.status, huge.contentType, huge.body)
              .isEmpty());
    // The server still answers afterwards.
    CHECK(f.call("GET", "/api/v1/triggers").status == 200);
}

TEST_CASE("API: triggers — list, show, export, import, enable, disable, dry-run test", "[api][triggers]")
{
    ApiFixture f;
    f.addTriggers(kNotifyTrigger);
    REQUIRE(f.store.addEvent(test::sampleEvent(3)).ok());

    const Answer list = f.call("GET", "/api/v1/triggers");
    REQUIRE(list.status == 200);
    CHECK(list.json()
              .value(QStringLiteral("triggers"))
              .toArray()
              .first()
              .toObject()
              .value(QStringLiteral("name")) == QLatin1String("say"));
    CHECK(f.call("GET", "/api/v1/triggers/say").status == 200);
    CHECK(f.call("GET", "/api/v1/triggers/missing").status == 404);

    const Answer disabled = f.call("POST", "/api/v1/triggers/say/disable");
    REQUIRE(disabled.status == 200);
    CHECK(disabled.json().value(QStringLiteral("enabled")).toBool() == false);
    CHECK(f.store.triggers()->first().enabled == false);
    CHECK(
        f.call("POST", "/api/v1/triggers/say/enable", "{}").json().value(QStringLiteral("enabled")).toBool());
    CHECK(f.store.triggers()->first().enabled);
    CHECK(f.call("POST", "/api/v1/triggers/missing/enable").status == 404);

    const Answer dry = f.call("POST", "/api/v1/triggers/say/test", R"({"event_id":"delivery-3"})");
    REQUIRE(dry.status == 200);
    CHECK(dry.json().value(QStringLiteral("matched")).toBool());
    CHECK(dry.json().value(QStringLiteral("would_run")).toArray().size() == 1);
    CHECK(f.store.actions(ActionQuery{})->isEmpty()); // a dry run runs and records nothing
    CHECK(f.call("POST", "/api/v1/triggers/say/test", R"({"event_id":"nope"})").status == 404);

    // Import, as YAML text in JSON and as a raw YAML body; a trigger running code arrives disabled.
    const Answer imported =
        f.call("POST", "/api/v1/triggers",
               QJsonDocument(QJsonObject{{QStringLiteral("definition"),
                                          QStringLiteral("triggers:\n  - name: deploy\n    event: push\n    "
                                                         "run: [{codefile: {path: /bin/true}}]\n")}})
                   .toJson());
    REQUIRE(imported.status == 201);
    CHECK(imported.json().value(QStringLiteral("imported")).toArray() ==
          QJsonArray{QStringLiteral("deploy")});
    CHECK(imported.json().value(QStringLiteral("held")).toArray().size() == 1);
    const Answer raw =
        f.call("POST", "/api/v1/triggers",
               "triggers:\n  - name: ping\n    event: issues\n    run: [{notify: {title: hi}}]\n",
               "Bearer " + kToken.toUtf8(), "application/yaml");
    CHECK(raw.status == 201);
    bool deployEnabled = true;
    for (const StoredTrigger &row : *f.store.triggers())
        if (row.name == QLatin1String("deploy"))
            deployEnabled = row.enabled;
    CHECK_FALSE(deployEnabled);

    const Answer exported = f.call("GET", "/api/v1/triggers/export");
    REQUIRE(exported.status == 200);
    CHECK(exported.contentType.startsWith("application/yaml"));
    const Result<QList<Trigger>> back = TriggerFile::parse(exported.body);
    REQUIRE(back.ok());
    CHECK(back->size() == 3);
}

TEST_CASE("API: actions — the action log, and a retry recorded in it", "[api][actions]")
{
    ApiFixture f;
    f.addTriggers(kNotifyTrigger);
    const Event event = test::sampleEvent(1);
    REQUIRE(f.store.addEvent(event).ok());
    REQUIRE(f.engine->process(event).ok());
    REQUIRE(QTest::qWaitFor(
        [&]() {
            return f.engine->claimingCount() == 0 && f.store.actions(ActionQuery{})->size() == 1 &&
                   isFinished(f.store.actions(ActionQuery{})->first().status);
        },
        kWaitMs));
    const QString first = f.store.actions(ActionQuery{})->first().id;

    const Answer list = f.call("GET", "/api/v1/actions");
    REQUIRE(list.status == 200);
    CHECK(list.json().value(QStringLiteral("actions")).toArray().size() == 1);
    CHECK(list.json().value(QStringLiteral("next_cursor")).isNull());
    const Answer one = f.call("GET", "/api/v1/actions/" + first.toUtf8());
    CHECK(one.json().value(QStringLiteral("kind")).toString() == QLatin1String("notify"));
    CHECK(one.json().value(QStringLiteral("status")).toString() == QLatin1String("success"));
    CHECK(f.call("GET", "/api/v1/actions/nope").status == 404);

    const Answer retried = f.call("POST", "/api/v1/actions/" + first.toUtf8() + "/retry");
    REQUIRE(retried.status == 202);
    const QString second = retried.json().value(QStringLiteral("id")).toString();
    CHECK(second != first);
    REQUIRE(QTest::qWaitFor([&]() { return isFinished((*f.store.action(second))->status); }, kWaitMs));
    CHECK((*f.store.action(second))->status == ActionStatus::Success);
    CHECK((*f.store.action(second))->target == (*f.store.action(first))->target);

    const Answer page = f.call("GET", "/api/v1/actions?limit=1");
    CHECK(page.json().value(QStringLiteral("actions")).toArray().size() == 1);
    const QString cursor = page.json().value(QStringLiteral("next_cursor")).toString();
    REQUIRE_FALSE(cursor.isEmpty());
    const Answer rest = f.call("GET", "/api/v1/actions?limit=1&cursor=" + cursor.toUtf8());
    CHECK(rest.json()
              .value(QStringLiteral("actions"))
              .toArray()
              .first()
              .toObject()
              .value(QStringLiteral("id")) == first);
    CHECK(f.call("GET", "/api/v1/actions?status=success")
              .json()
              .value(QStringLiteral("actions"))
              .toArray()
              .size() == 2);
}

TEST_CASE("API: sync status without and with a team database", "[api][sync]")
{
    ApiFixture f;
    const Answer off = f.call("GET", "/api/v1/sync");
    REQUIRE(off.status == 200);
    CHECK(off.json() == QJsonObject{{QStringLiteral("configured"), false}});

    ApiSources sources = sourcesOf(&f.store);
    sources.syncStatus = [](QString *target, SyncStatus *status) {
        *target = QStringLiteral("PostgreSQL db.example:5432/team");
        status->pending = 3;
        status->lastError = QStringLiteral("timeout");
        return true;
    };
    ApiServer with(sources);
    with.setToken(kToken);
    REQUIRE(with.listen(QHostAddress::LocalHost, 0).ok());
    const Answer on = rawRequest(with.port(), "GET /api/v1/sync HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                              "Authorization: Bearer " +
                                                  kToken.toUtf8() + "\r\n\r\n");
    CHECK(f.validator.check("GET", QStringLiteral("/api/v1/sync"), on.status, on.contentType, on.body)
              .isEmpty());
    CHECK(on.json().value(QStringLiteral("pending")).toInteger() == 3);
    CHECK(on.json().value(QStringLiteral("target")).toString().contains(QLatin1String("db.example")));
}

TEST_CASE("API: the stream delivers a new webhook event within 100 ms of intake, and action updates",
          "[api][stream]")
{
    ApiFixture f;
    f.addTriggers(kNotifyTrigger);
    StoreEventSink sink(f.store);
    EventIntake intake(sink, *SystemClock::instance());
    const QByteArray secret = "stream-secret";
    intake.setSecret(secret);
    WebhookReceiver receiver(intake);
    REQUIRE(receiver.listen(QHostAddress::LocalHost, 0).ok());
    QObject::connect(&intake, &EventIntake::eventAccepted, f.server.get(), [&](const NormalizedEvent &event) {
        f.server->publishEvent(toEvent(event));
        REQUIRE(f.engine->process(toEvent(event)).ok());
    });

    QTcpSocket stream;
    stream.connectToHost(QHostAddress::LocalHost, f.server->port());
    REQUIRE(QTest::qWaitFor([&]() { return stream.state() == QAbstractSocket::ConnectedState; }, kWaitMs));
    stream.write("GET /api/v1/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kToken.toUtf8() +
                 "\r\n\r\n");
    QByteArray received;
    REQUIRE(QTest::qWaitFor(
        [&]() {
            received += stream.readAll();
            return received.contains(": subscribed");
        },
        kWaitMs));
    CHECK(received.startsWith("HTTP/1.1 200"));
    CHECK(received.contains("Content-Type: text/event-stream"));
    CHECK(f.server->stream().subscriberCount() == 1);
    received.clear();

    const Event sample = test::sampleEvent(42);
    QTcpSocket hook;
    hook.connectToHost(QHostAddress::LocalHost, receiver.port());
    REQUIRE(QTest::qWaitFor([&]() { return hook.state() == QAbstractSocket::ConnectedState; }, kWaitMs));
    const QByteArray delivery =
        "POST /api/v1/github_webhooks HTTP/1.1\r\nHost: x\r\nX-GitHub-Event: pull_request\r\n"
        "X-GitHub-Delivery: stream-1\r\nContent-Type: application/json\r\nX-Hub-Signature-256: " +
        WebhookSignature::sign(secret, sample.payload) +
        "\r\nContent-Length: " + QByteArray::number(sample.payload.size()) + "\r\n\r\n" + sample.payload;
    QElapsedTimer clock;
    clock.start();
    hook.write(delivery);
    qint64 arrivedMs = -1;
    // Waited for without QTest::qWaitFor's 10 ms naps, which would swamp the measurement.
    while (clock.elapsed() < kWaitMs) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
        received += stream.readAll();
        if (received.contains("event: event\n")) {
            arrivedMs = clock.elapsed();
            break;
        }
    }
    INFO("arrived after " << arrivedMs << " ms");
    REQUIRE(arrivedMs >= 0);
    CHECK(arrivedMs < 100);
    CHECK(received.contains("\"id\":\"stream-1\""));

    // The trigger's action shows up as it starts and as it finishes.
    REQUIRE(QTest::qWaitFor(
        [&]() {
            received += stream.readAll();
            return received.contains("event: action\n") && received.contains("\"status\":\"success\"");
        },
        kWaitMs));

    stream.disconnectFromHost();
    REQUIRE(QTest::qWaitFor([&]() { return f.server->stream().subscriberCount() == 0; }, kWaitMs));
}

TEST_CASE("API: GET /api/v1/openapi.json serves the description in the repository", "[api][openapi]")
{
    ApiFixture f;
    const Answer answer = f.call("GET", "/api/v1/openapi.json");
    REQUIRE(answer.status == 200);
    CHECK(answer.json() == loadDescription());
    CHECK(answer.json().value(QStringLiteral("openapi")).toString() == QLatin1String("3.1.0"));
}

TEST_CASE("OpenAPI validator: rejects answers that break the description", "[api][openapi]")
{
    const test::OpenApiValidator validator(loadDescription());
    const QByteArray json = "application/json; charset=utf-8";
    CHECK(validator
              .check("GET", QStringLiteral("/api/v1/events/x"), 404, json,
                     R"({"error":{"code":"not_found","message":"No event x."}})")
              .isEmpty());
    // A missing field, a field too many, a wrong type, a status or path not described, a wrong media type.
    CHECK_FALSE(
        validator.check("GET", QStringLiteral("/api/v1/events/x"), 404, json, R"({"error":{"code":"x"}})")
            .isEmpty());
    CHECK_FALSE(
        validator
            .check("GET", QStringLiteral("/api/v1/sync"), 200, json, R"({"configured":false,"token":"x"})")
            .isEmpty());
    CHECK_FALSE(validator.check("GET", QStringLiteral("/api/v1/sync"), 200, json, R"({"configured":"no"})")
                    .isEmpty());
    CHECK_FALSE(validator.check("GET", QStringLiteral("/api/v1/sync"), 418, json, R"({"configured":false})")
                    .isEmpty());
    CHECK_FALSE(validator.check("GET", QStringLiteral("/api/v2/sync"), 200, json, R"({"configured":false})")
                    .isEmpty());
    CHECK_FALSE(validator.check("GET", QStringLiteral("/api/v1/sync"), 200, "text/html", "<p>").isEmpty());
    CHECK_FALSE(validator
                    .check("GET", QStringLiteral("/api/v1/actions"), 200, json,
                           R"({"actions":[{"id":"a","seq":1.5}],"next_cursor":null})")
                    .isEmpty());
    CHECK_FALSE(
        validator
            .check("GET", QStringLiteral("/api/v1/events"), 200, json,
                   R"({"events":[{"id":"a","type":"push","action":"","repository":"","sender":"",)"
                   R"("source":"carrier-pigeon","occurred_at":"-","received_at":"-"}],"next_cursor":null})")
            .isEmpty());
}

TEST_CASE(
    "API: runs and workflows of the selected repositories through the dashboard's cache; dispatch and a "
    "pre-set comment recorded in the action log",
    "[api][github]")
{
    test::GitHubHarness gh;
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(test::dbPath(dir)).ok());
    const QString repo = QStringLiteral("octocat/Hello-World");
    ApiSources sources;
    sources.store = &store;
    sources.github = [&gh]() { return gh.client.get(); };
    sources.repositories = [repo]() { return QStringList{repo}; };
    sources.presetDir = dir.path();
    ApiServer server(sources);
    server.setToken(kToken);
    REQUIRE(server.listen(QHostAddress::LocalHost, 0).ok());
    const test::OpenApiValidator validator(loadDescription());
    const auto call = [&](const QByteArray &method, const QByteArray &target, const QByteArray &body = {}) {
        QByteArray request = method + ' ' + target +
                             " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                             "Authorization: Bearer " +
                             kToken.toUtf8() + "\r\n";
        if (!body.isEmpty())
            request +=
                "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
                "\r\n";
        const Answer answer = rawRequest(server.port(), request + "\r\n" + body);
        const QStringList problems = validator.check(method, QUrl(QString::fromUtf8(target)).path(),
                                                     answer.status, answer.contentType, answer.body);
        INFO(problems.join(QLatin1Char('\n')).toStdString() + "\n" + answer.body.toStdString());
        CHECK(problems.isEmpty());
        return answer;
    };

    CHECK(call("GET", "/api/v1/repos").json().value(QStringLiteral("repositories")).toArray() ==
          QJsonArray{repo});
    // The dashboard's refresh (30 newest runs), then the API's: answered from the same cache entry, so the
    // API's read costs no rate-limit unit.
    RunFilter dashboard;
    dashboard.limit = 30;
    REQUIRE(
        test::await<QList<WorkflowRun>>([&](auto done) { gh.client->listRuns(repo, dashboard, done); }).ok());
    const int used = gh.server.rateLimitUsed();
    const Answer runs = call("GET", "/api/v1/repos/octocat/Hello-World/runs");
    REQUIRE(runs.status == 200);
    CHECK(runs.json().value(QStringLiteral("runs")).toArray().size() == 3);
    CHECK(gh.server.rateLimitUsed() == used);
    CHECK(call("GET", "/api/v1/repos/octocat/Hello-World/runs?limit=101").status == 400);
    const Answer workflows = call("GET", "/api/v1/repos/octocat/Hello-World/workflows");
    CHECK(workflows.json().value(QStringLiteral("workflows")).toArray().size() == 2);
    // Only the selected repositories.
    CHECK(call("GET", "/api/v1/repos/octocat/Spoon-Knife/runs").errorCode() == QLatin1String("not_selected"));
    CHECK(call("POST", "/api/v1/repos/octocat/Spoon-Knife/dispatch", R"({"workflow":"ci.yml","ref":"main"})")
              .status == 403);
    CHECK(gh.server.dispatches().isEmpty());

    CHECK(call("POST", "/api/v1/repos/octocat/Hello-World/dispatch", R"({"workflow":"ci.yml"})").status ==
          422);
    CHECK(call("POST", "/api/v1/repos/octocat/Hello-World/dispatch",
               R"({"workflow":"ci.yml","ref":"main","x":1})")
              .errorCode() == QLatin1String("unknown_field"));
    gh.server.setDispatchReturnsRunDetails(true);
    const Answer dispatched = call("POST", "/api/v1/repos/octocat/Hello-World/dispatch",
                                   R"({"workflow":"ci.yml","ref":"main","inputs":{}})");
    REQUIRE(dispatched.status == 200);
    CHECK(gh.server.dispatches().size() == 1);

    const Answer commented =
        call("POST", "/api/v1/repos/octocat/Hello-World/comments", R"({"number":1347,"preset":"review"})");
    REQUIRE(commented.status == 200);
    CHECK(commented.json().value(QStringLiteral("body")).toString() == QLatin1String("/review"));
    CHECK(gh.server.comments(repo, 1347).last().body == QLatin1String("/review"));
    CHECK(call("POST", "/api/v1/repos/octocat/Hello-World/comments", R"({"number":1347,"preset":"nope"})")
              .status == 422);

    // Both writes are in the action log, as the dashboard's dialogs record them.
    const QList<ActionRecord> log = *store.actions(ActionQuery{});
    REQUIRE(log.size() == 2);
    CHECK(log.at(0).kind == ActionKind::Comment);
    CHECK(log.at(0).target == QLatin1String("octocat/Hello-World#1347"));
    CHECK(log.at(0).status == ActionStatus::Success);
    CHECK(log.at(1).kind == ActionKind::Dispatch);
    CHECK(log.at(1).target == QLatin1String("octocat/Hello-World:ci.yml@main"));
    CHECK(log.at(1).status == ActionStatus::Success);
    // A GitHub failure is a 502 with GitHub's message, and recorded as a failure.
    gh.server.failNext("POST", QStringLiteral(".*/dispatches"), 422);
    const Answer refused =
        call("POST", "/api/v1/repos/octocat/Hello-World/dispatch", R"({"workflow":"ci.yml","ref":"main"})");
    CHECK(refused.status == 502);
    CHECK(store.actions(ActionQuery{})->first().status == ActionStatus::Failure);
}

TEST_CASE(
    "API: a web page cannot drive it — bodies must be JSON, and without a token only loopback host names "
    "are answered",
    "[api][security]")
{
    ApiFixture f;
    f.addTriggers(kNotifyTrigger);
    // A form post (text/plain needs no CORS preflight) is refused before anything is read or done.
    const Answer form = f.call("POST", "/api/v1/triggers/say/disable", R"({"x":1})",
                               "Bearer " + kToken.toUtf8(), "text/plain");
    CHECK(form.status == 415);
    CHECK(f.store.triggers()->first().enabled);

    ApiServer open(sourcesOf(&f.store));
    REQUIRE(open.listen(QHostAddress::LocalHost, 0).ok());
    const auto get = [&](const QByteArray &host) {
        const Answer answer = rawRequest(open.port(), "GET /api/v1/triggers HTTP/1.1\r\nHost: " + host +
                                                          "\r\nConnection: close\r\n\r\n");
        CHECK(f.validator
                  .check("GET", QStringLiteral("/api/v1/triggers"), answer.status, answer.contentType,
                         answer.body)
                  .isEmpty());
        return answer.status;
    };
    CHECK(get("127.0.0.1:" + QByteArray::number(open.port())) == 200);
    CHECK(get("localhost:" + QByteArray::number(open.port())) == 200);
    CHECK(get("[::1]:" + QByteArray::number(open.port())) == 200);
    CHECK(get("attacker.example:" + QByteArray::number(open.port())) == 403);
    CHECK(get("") == 403);
}

TEST_CASE("API stream: at most 32 subscribers; the next is answered 503 with Retry-After",
          "[api][stream][limits]")
{
    EventStreamHub hub;
    QList<HttpResponse> open;
    for (int i = 0; i < EventStreamHub::kMaxSubscribers; ++i) {
        open.append(hub.subscribe());
        CHECK(open.last().status == 200);
        CHECK(open.last().stream);
    }
    CHECK(hub.subscriberCount() == EventStreamHub::kMaxSubscribers);
    const HttpResponse refused = hub.subscribe();
    CHECK(refused.status == 503);
    CHECK(refused.headers.value("Retry-After") == "5");
    CHECK_FALSE(refused.stream);
    // A subscriber whose client went away frees its place.
    open.first().stream->detach();
    CHECK(hub.subscriberCount() == EventStreamHub::kMaxSubscribers - 1);
    CHECK(hub.subscribe().status == 200);
    hub.closeAll();
    CHECK(hub.subscriberCount() == 0);
    CHECK_FALSE(open.last().stream->isOpen());
}

// Figures for docs/PERFORMANCE.md; hidden: run with `test_api "[bench]"`.
TEST_CASE("API bench: event list pages and text search over 10,000 stored events", "[.][bench][api]")
{
    ApiFixture f;
    QList<Event> events;
    for (int n = 1; n <= 10000; ++n)
        events.append(test::sampleEvent(n));
    REQUIRE(f.store.addEvents(events).ok());
    REQUIRE(f.store.indexFullText(20000).ok());
    // Waited for without QTest::qWaitFor's 10 ms naps, which would swamp the measurement.
    const auto timedGet = [&](const QByteArray &target) {
        QTcpSocket socket;
        QElapsedTimer clock;
        clock.start();
        socket.connectToHost(QHostAddress::LocalHost, f.server->port());
        socket.write("GET " + target +
                     " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer " +
                     kToken.toUtf8() + "\r\n\r\n");
        QByteArray received;
        while (socket.state() != QAbstractSocket::UnconnectedState && clock.elapsed() < kWaitMs) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
            received += socket.readAll();
        }
        received += socket.readAll();
        REQUIRE(received.startsWith("HTTP/1.1 200"));
        return clock.nsecsElapsed() / 1000;
    };
    const auto median = [&](const QByteArray &target) {
        QList<qint64> times;
        for (int i = 0; i < 50; ++i)
            times.append(timedGet(target));
        std::sort(times.begin(), times.end());
        return times.at(times.size() / 2);
    };
    WARN("GET /events?limit=50: median " << median("/api/v1/events?limit=50") << " us");
    WARN("GET /events?limit=200: median " << median("/api/v1/events?limit=200") << " us");
    WARN("GET /events?q=widget2&limit=50: median " << median("/api/v1/events?q=widget2&limit=50") << " us");
    WARN("GET /events/{id} with payload: median " << median("/api/v1/events/delivery-5000") << " us");
}
