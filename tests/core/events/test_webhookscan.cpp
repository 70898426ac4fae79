#include "catch.h"
#include "testutil.h"

#include "events/eventnormalizer.h"
#include "events/payloadfields.h"
#include "referencenormalizer.h"
#include "store/payloadscan.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

using namespace exeserver;

namespace {

const QDateTime kReceived = QDateTime::fromString(QStringLiteral("2025-11-24T10:00:00Z"), Qt::ISODate);

struct Example
{
    QString name;
    QByteArray body;
};

// Every example payload, indented as GitHub sends it (tests/support's webhookExamples()).
QList<Example> examples(bool *fromPackage)
{
    QList<Example> out;
    for (const test::WebhookExample &example : test::webhookExamples(fromPackage))
        out.append({example.name, QJsonDocument(example.payload).toJson(QJsonDocument::Indented)});
    if (!*fromPackage)
        WARN("@octokit/webhooks-examples not found: using the payloads in tests/data/webhooks");
    return out;
}

// The scan-based normaliser against the tree-based one, on one body: both refuse it, or both give the
// same event in every field.
void checkAgainstReference(const QString &name, const QByteArray &body, const QByteArray &contentType = {})
{
    INFO(name.toStdString() << " " << body.left(300).toStdString());
    const auto scanned =
        EventNormalizer::fromWebhook(name, QStringLiteral("d-1"), body, kReceived, contentType);
    const auto parsed =
        testing::referenceFromWebhook(name, QStringLiteral("d-1"), body, kReceived, contentType);
    REQUIRE(scanned.ok() == parsed.ok());
    if (!scanned.ok()) {
        CHECK(scanned.error().kind == parsed.error().kind);
        CHECK(scanned.error().httpStatus == 400);
        return;
    }
    CHECK(testing::firstDifference(*scanned, *parsed).toStdString() == "");
}

} // namespace

TEST_CASE("Webhook scan: every real example normalises exactly as the parsed tree did",
          "[events][normalizer][scan]")
{
    bool fromPackage = false;
    const QList<Example> all = examples(&fromPackage);
    if (fromPackage)
        CHECK(all.size() >= 300); // 329 in @octokit/webhooks-examples 7.x
    int keyed = 0;
    int timed = 0;
    for (const Example &example : all) {
        checkAgainstReference(example.name, example.body);
        checkAgainstReference(example.name,
                              QJsonDocument::fromJson(example.body).toJson(QJsonDocument::Compact));
        const auto event = EventNormalizer::fromWebhook(example.name, {}, example.body, kReceived);
        REQUIRE(event.ok());
        keyed += event->dedupeKey.isEmpty() ? 0 : 1;
        timed += event->occurredAt.isValid() ? 1 : 0;
    }
    // The comparison means something only if the examples exercise the fields.
    if (fromPackage) {
        CHECK(keyed > 50);
        CHECK(timed > 200);
    }
    // Form-encoded, and with the content-hash id.
    const QByteArray json = all.first().body;
    checkAgainstReference(all.first().name, "payload=" + QUrl::toPercentEncoding(QString::fromUtf8(json)),
                          "Application/X-WWW-Form-Urlencoded; charset=utf-8");
    const auto hashed = EventNormalizer::fromWebhook(all.first().name, QStringLiteral("  "), json, kReceived);
    REQUIRE(hashed.ok());
    CHECK(hashed->id == EventNormalizer::contentHashId(all.first().name, json));
}

TEST_CASE("Webhook scan: odd but valid payloads read as QJsonDocument reads them",
          "[events][normalizer][scan]")
{
    const char *const bodies[] = {
        // Later duplicates win, at the top and inside objects, whatever the earlier value was.
        R"({"action":"a","action":"opened","repository":{"full_name":"x/y"},"repository":{"full_name":"o/r"},
            "sender":{"login":"u","login":"v"},"issue":{"id":1,"updated_at":"2025-01-01T00:00:00Z"}})",
        R"({"repository":{"full_name":"o/r"},"repository":5,"action":"opened","issue":{"id":2}})",
        R"({"repository":{"full_name":"o/r","full_name":{"x":1}},"action":"opened"})",
        R"({"repository":[{"full_name":"o/r"}],"sender":null,"action":["opened"]})",
        // Escaped keys and values; non-ASCII; a lone surrogate; an unknown escape.
        R"({"\u0061ction":"op\u0065ned","repository":{"full_\u006eame":"o\/r"},"sender":{"login":"z\u00fc\ud83d\ude00"}})",
        "{\"action\":\"caf\xc3\xa9\",\"sender\":{\"login\":\"\\ud800x\\q\xc3\xa9\"},\"repository\":{\"full_"
        "name\":\"o/r\"}}",
        // Ids as the tree reads them: integers, integral doubles, out of range, strings, others.
        R"({"action":"created","repository":{"full_name":"o/r"},"comment":{"id":1.0e3}})",
        R"({"action":"created","repository":{"full_name":"o/r"},"comment":{"id":1.5}})",
        R"({"action":"created","repository":{"full_name":"o/r"},"comment":{"id":-9223372036854775808}})",
        R"({"action":"created","repository":{"full_name":"o/r"},"comment":{"id":9223372036854775808}})",
        R"({"action":"created","repository":{"full_name":"o/r"},"comment":{"id":"C_kw"}})",
        R"({"action":"created","repository":{"full_name":"o/r"},"comment":{"id":true}})",
        R"({"action":"created","repository":{"full_name":"o/r"},"comment":{"id":-0}})",
        R"({"action":"created","repository":{"full_name":"o/r"},"comment":{"id":.5e1}})",
        R"({"action":"created","repository":{"full_name":"o/r"},"comment":{"id":-9223372036854775809}})",
        R"({"action":"completed","repository":{"full_name":"o/r"},"workflow_run":{"id":7,"run_attempt":"2"}})",
        R"({"action":"completed","repository":{"full_name":"o/r"},"workflow_run":{"id":7,"run_attempt":3e0}})",
        R"({"action":"completed","repository":{"full_name":"o/r"},"workflow_run":{"id":7,"run_attempt":1e-320}})",
        // Times: the first subject that says, skipping ones that do not parse.
        R"({"review":{"submitted_at":"nope"},"issue":{"created_at":"2025-02-03T04:05:06+02:00"}})",
        R"({"head_commit":null,"starred_at":"2025-02-03T04:05:06Z","comment":{"updated_at":"2024-01-01T00:00:00Z"}})",
        R"({"head_commit":{"timestamp":5},"comment":{"updated_at":"2024-01-01T00:00:00Z"}})",
        // Found by the fuzzer: an unknown escape of a non-ASCII byte is that byte as Latin-1.
        "{\"action\":\"\\\xdd\\\\x\\\xc3x\",\"sender\":{\"login\":\"\\\xff\"},\"repository\":{\"full_name\":"
        "\"o/r\"}}",
        "{\"\\\xdd\":1,\"action\":\"y\"}",
        R"({})",
        " \n\t{\"action\":\"x\"}\r\n ",
    };
    const QStringList names{QStringLiteral("issues"), QStringLiteral("issue_comment"),
                            QStringLiteral("workflow_run"), QStringLiteral("push"), QStringLiteral("star")};
    for (const char *body : bodies) {
        for (const QString &name : names)
            checkAgainstReference(name, QByteArray(body));
    }
}

TEST_CASE("Webhook scan: malformed bodies are refused with 400 like before", "[events][normalizer][scan]")
{
    const QByteArray push =
        R"({"ref":"refs/heads/main","before":"a","after":"b","repository":{"full_name":"o/r"},)"
        R"("sender":{"login":"u"},"head_commit":{"timestamp":"2025-01-01T00:00:00Z"}})";
    // Every truncation of a valid body, and a body followed by garbage.
    for (qsizetype size = 0; size < push.size(); ++size)
        checkAgainstReference(QStringLiteral("push"), push.left(size));
    for (const char *tail : {"x", "}", ",", "{}", " 1", "\"\""})
        checkAgainstReference(QStringLiteral("push"), push + tail);

    const char *const bad[] = {
        "",
        "   ",
        "{nope",
        "{\"a\":1,}",
        "[1 2]",
        "{\"a\":01}",
        "{\"a\":tru}",
        "{\"a\" 1}",
        "{\"a\":-}",
        R"({"a":"\x"})",
        R"({"a":"\u12"})",
        R"({"a":"\u12g4"})",
        "{\"a\":\"\\",
        "{\"a\":\"\xff\"}",
        "{\"a\":\"\xc0\xaf\"}",
        "{\"a\":\"\xed\xa0\x80\"}",
        "{\"a\":\"\\\xc3\xa9\"}",
        "{\"a\":1e400}",
        "{\"a\":-1e309}",
        "{\"a\":2e-324}",
        // Number characters Qt's parser takes but toDouble() refuses.
        "{\"a\":.}",
        "{\"a\":-}",
        "{\"a\":1e}",
        "{\"a\":1e+}",
        "{\"a\":.e1}",
        "{\"a\":+1}",
        "{\"a\":e1}",
        "{\"a\":-.}",
        "{\"a\":0.e}",
        "{\"a\":00}",
        "{\"a\":1..2}",
        // Not an object at the top.
        "[]",
        "[{\"action\":\"x\"}]",
        "1",
        "\"text\"",
        "null",
        "true",
    };
    for (const char *body : bad)
        checkAgainstReference(QStringLiteral("push"), QByteArray(body));
    // Found by the normaliser's fuzzer: Qt takes a number without digits before the point.
    for (const char *lenient :
         {"{\"a\":\"\x01\"}", "{\"a\":1.}", "{\"a\":1e-320}", "{\"a\":0e999}", "{\"a\":.1}", "{\"a\":-.1}",
          "{\"a\":1.e5}", "{\"a\":.5e2}", "{\"a\":-0.}", "{\"a\":.0e99999}"})
        checkAgainstReference(QStringLiteral("push"), QByteArray(lenient));

    const auto refused = EventNormalizer::fromWebhook(QStringLiteral("push"), {}, push + "x", kReceived);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == QLatin1StringView("malformed_json"));
    CHECK(refused.error().message ==
          QStringLiteral("The body is not valid JSON: garbage after the JSON value at byte %1.")
              .arg(push.size()));
    CHECK(EventNormalizer::fromWebhook(QStringLiteral("push"), {}, "[1]", kReceived).error().message ==
          QLatin1StringView("The body is JSON but not an object."));

    // Nesting: QJsonDocument's limit of 1024, inside an object.
    for (int depth : {1023, 1024, 1025, 3000}) {
        INFO(depth);
        const QByteArray deep = "{\"a\":" + QByteArray(depth - 1, '[') + QByteArray(depth - 1, ']') + "}";
        checkAgainstReference(QStringLiteral("push"), deep);
    }
}

TEST_CASE("Webhook scan: one pass gives the fields and the store's search text", "[events][normalizer][scan]")
{
    bool fromPackage = false;
    for (const Example &example : examples(&fromPackage)) {
        INFO(example.name.toStdString());
        payload::ScannedFields fields;
        const PayloadScan both = scanPayload(example.body, fields);
        REQUIRE(both.valid);
        CHECK(both.searchText == scanPayload(example.body).searchText);
        const NormalizedEvent shared = EventNormalizer::fromScannedWebhook(
            example.name, QStringLiteral("d-1"), example.body, fields, kReceived);
        const auto alone =
            EventNormalizer::fromWebhook(example.name, QStringLiteral("d-1"), example.body, kReceived);
        REQUIRE(alone.ok());
        CHECK(testing::firstDifference(shared, *alone).toStdString() == "");
    }
}
