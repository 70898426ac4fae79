#include "catch.h"
#include "testutil.h"

#include "events/eventnormalizer.h"
#include "events/occurrence.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

using namespace exeserver;

namespace {

const QDateTime kReceived = QDateTime::fromString(QStringLiteral("2025-11-24T10:00:00Z"), Qt::ISODate);

QString eventsApiType(const QString &webhookName)
{
    QString type;
    for (const QString &word : webhookName.split(QLatin1Char('_')))
        type += word.left(1).toUpper() + word.mid(1);
    return type + QStringLiteral("Event");
}

// The item GET /repos/{o}/{r}/events lists for the occurrence a webhook delivered, as GitHub documents the
// Events API payloads: `repo` and `actor` instead of `repository` and `sender`; a push carries only
// repository_id, push_id, ref, head and before; a submitted review is "created".
QJsonObject eventsApiItemFor(const QString &name, QJsonObject payload)
{
    const QJsonObject repository = payload.take(QStringLiteral("repository")).toObject();
    const QJsonObject sender = payload.take(QStringLiteral("sender")).toObject();
    for (const char *key : {"organization", "installation", "enterprise"})
        payload.remove(QLatin1StringView(key));
    if (name == QLatin1StringView("push"))
        payload = QJsonObject{{QStringLiteral("repository_id"), repository.value(QStringLiteral("id"))},
                              {QStringLiteral("push_id"), 1},
                              {QStringLiteral("ref"), payload.value(QStringLiteral("ref"))},
                              {QStringLiteral("head"), payload.value(QStringLiteral("after"))},
                              {QStringLiteral("before"), payload.value(QStringLiteral("before"))}};
    if (name == QLatin1StringView("pull_request_review") &&
        payload.value(QStringLiteral("action")).toString() == QLatin1StringView("submitted"))
        payload.insert(QStringLiteral("action"), QStringLiteral("created"));
    return QJsonObject{{QStringLiteral("id"), QStringLiteral("50000000001")},
                       {QStringLiteral("type"), eventsApiType(name)},
                       {QStringLiteral("actor"), sender},
                       {QStringLiteral("repo"),
                        QJsonObject{{QStringLiteral("id"), repository.value(QStringLiteral("id"))},
                                    {QStringLiteral("name"), repository.value(QStringLiteral("full_name"))},
                                    {QStringLiteral("url"), repository.value(QStringLiteral("url"))}}},
                       {QStringLiteral("payload"), payload},
                       {QStringLiteral("public"), true},
                       {QStringLiteral("created_at"), QStringLiteral("2025-11-20T08:15:30Z")}};
}

// The run as GET /repos/{o}/{r}/actions/runs returns it when the webhook's action happened: its status
// says what the action said.
QJsonObject runAsPolled(const QJsonObject &payload)
{
    QJsonObject run = payload.value(QStringLiteral("workflow_run")).toObject();
    const QString action = payload.value(QStringLiteral("action")).toString();
    run.insert(QStringLiteral("status"),
               action == QLatin1StringView("requested") ? QStringLiteral("queued") : action);
    QJsonObject repository = run.value(QStringLiteral("repository")).toObject();
    repository.insert(
        QStringLiteral("full_name"),
        payload.value(QStringLiteral("repository")).toObject().value(QStringLiteral("full_name")));
    run.insert(QStringLiteral("repository"), repository);
    return run;
}

NormalizedEvent webhook(const QString &name, const QJsonObject &payload)
{
    const auto event =
        EventNormalizer::fromWebhook(name, QUuid::createUuid().toString(QUuid::WithoutBraces),
                                     QJsonDocument(payload).toJson(QJsonDocument::Compact), kReceived);
    REQUIRE(event.ok());
    return *event;
}

// The same occurrence as the other source brings it: the poller's run for workflow_run, else the Events API.
NormalizedEvent otherSource(const QString &name, const QJsonObject &payload)
{
    if (name == QLatin1StringView("workflow_run"))
        return EventNormalizer::fromWorkflowRun(runAsPolled(payload), QString(), kReceived);
    const auto event = EventNormalizer::fromEventsApi(eventsApiItemFor(name, payload), kReceived);
    REQUIRE(event.ok());
    CHECK(event->name == name);
    return *event;
}

} // namespace

TEST_CASE("Occurrence: every real webhook example with a key has the same key from the other source",
          "[events][occurrence]")
{
    bool fromPackage = false;
    const QList<test::WebhookExample> examples = test::webhookExamples(&fromPackage);
    if (!fromPackage)
        WARN("@octokit/webhooks-examples not found: using the payloads in tests/data/webhooks");
    const QStringList keyed = Occurrence::keyedTypes();
    QHash<QString, int> matched;
    for (const auto &[name, payload] : examples) {
        if (!keyed.contains(name))
            continue;
        const NormalizedEvent hook = webhook(name, payload);
        if (hook.dedupeKey.isEmpty())
            continue; // an action the type gives no key (edits, ...)
        INFO(name.toStdString() << " " << hook.action.toStdString() << " " << hook.dedupeKey.toStdString());
        const NormalizedEvent other = otherSource(name, payload);
        CHECK(other.id != hook.id);
        CHECK(other.dedupeKey == hook.dedupeKey);
        CHECK(Occurrence::claimKey(name, QJsonDocument::fromJson(other.payload).object(), other.id) ==
              hook.dedupeKey);
        ++matched[name];
    }
    // Every type with a key has at least one real example it was checked on.
    const QStringList present =
        fromPackage ? keyed
                    : QStringList{QStringLiteral("push"), QStringLiteral("pull_request"),
                                  QStringLiteral("issue_comment"), QStringLiteral("workflow_run")};
    for (const QString &type : present) {
        INFO(type.toStdString());
        CHECK(matched.value(type) > 0);
    }
}

TEST_CASE("Occurrence: a workflow run's key is its run, attempt and action — from the webhook and the poller",
          "[events][occurrence]")
{
    QFile file(QStringLiteral(EXESERVER_SOURCE_DIR "/tests/data/webhooks/workflow_run.completed.json"));
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QJsonObject payload = QJsonDocument::fromJson(file.readAll()).object();
    const NormalizedEvent hook = webhook(QStringLiteral("workflow_run"), payload);
    CHECK(hook.dedupeKey == QLatin1StringView("workflow_run:Codertocat/Hello-World:1589141559:1:completed"));

    const NormalizedEvent polled =
        EventNormalizer::fromWorkflowRun(runAsPolled(payload), QString(), kReceived);
    CHECK(polled.id == QLatin1StringView("poll:workflow_run:1589141559:completed:1"));
    CHECK(polled.dedupeKey == hook.dedupeKey);

    // A re-run is a new attempt; each status change of an attempt is its own occurrence.
    QJsonObject rerun = runAsPolled(payload);
    rerun.insert(QStringLiteral("run_attempt"), 2);
    CHECK(EventNormalizer::fromWorkflowRun(rerun, QString(), kReceived).dedupeKey ==
          QLatin1StringView("workflow_run:Codertocat/Hello-World:1589141559:2:completed"));
    QJsonObject started = runAsPolled(payload);
    started.insert(QStringLiteral("status"), QStringLiteral("in_progress"));
    CHECK(EventNormalizer::fromWorkflowRun(started, QString(), kReceived).dedupeKey ==
          QLatin1StringView("workflow_run:Codertocat/Hello-World:1589141559:1:in_progress"));
    // A run without run_attempt (older GitHub Enterprise) is attempt 1 on both sides.
    QJsonObject legacy = payload;
    QJsonObject legacyRun = legacy.value(QStringLiteral("workflow_run")).toObject();
    legacyRun.remove(QStringLiteral("run_attempt"));
    legacy.insert(QStringLiteral("workflow_run"), legacyRun);
    CHECK(webhook(QStringLiteral("workflow_run"), legacy).dedupeKey == hook.dedupeKey);
    CHECK(EventNormalizer::fromWorkflowRun(runAsPolled(legacy), QString(), kReceived).dedupeKey ==
          hook.dedupeKey);
}

TEST_CASE("Occurrence: claims fall back to the event id where there is no key", "[events][occurrence]")
{
    const QJsonObject edited = QJsonDocument::fromJson(R"({"action":"edited","issue":{"id":1,
        "updated_at":"2025-11-20T08:15:30Z"},"repository":{"full_name":"o/r"}})")
                                   .object();
    CHECK(Occurrence::key(QStringLiteral("issues"), edited).isEmpty());
    CHECK(Occurrence::claimKey(QStringLiteral("issues"), edited, QStringLiteral("guid-1")) ==
          QLatin1StringView("id:guid-1"));
    // A push to another branch with the same commits is another occurrence.
    const QJsonObject push = QJsonDocument::fromJson(R"({"ref":"refs/heads/main","before":"a","after":"b",
        "repository":{"full_name":"o/r"}})")
                                 .object();
    QJsonObject other = push;
    other.insert(QStringLiteral("ref"), QStringLiteral("refs/heads/release"));
    CHECK(Occurrence::key(QStringLiteral("push"), push) == QLatin1StringView("push:o/r:refs/heads/main:a:b"));
    CHECK(Occurrence::key(QStringLiteral("push"), other) != Occurrence::key(QStringLiteral("push"), push));
}
