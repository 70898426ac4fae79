#include "catch.h"
#include "githubtesting.h"
#include "triggers_testutil.h"

#include "events/eventnormalizer.h"
#include "events/occurrence.h"
#include "events/storeeventsink.h"
#include "fakepostgrest.h"
#include "store/eventstore.h"
#include "sync/postgresqltarget.h"
#include "triggers/codefilerunner.h"
#include "triggers/postgresqlclaims.h"
#include "triggers/presetstore.h"
#include "triggers/supabaseclaims.h"
#include "triggers/triggerengine.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUuid>

using namespace exeserver;
using namespace exeserver::test;

namespace {

constexpr int kWaitMs = 20000;

Event storedEvent(const QString &id, const QString &type, const QJsonObject &payload)
{
    Event event;
    event.id = id;
    event.type = type;
    event.action = payload.value(QLatin1String("action")).toString();
    event.repository =
        payload.value(QLatin1String("repository")).toObject().value(QLatin1String("full_name")).toString();
    event.sender = payload.value(QLatin1String("sender")).toObject().value(QLatin1String("login")).toString();
    event.source = eventsource::Manual;
    event.receivedAt = QDateTime::currentDateTimeUtc();
    event.occurredAt = event.receivedAt;
    event.payload = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    return event;
}

// One engine over a temporary store, with its collaborators; GitHub optional.
struct EngineHarness
{
    QTemporaryDir dir;
    EventStore store;
    CodefileRunner runner;
    PresetStore presets;
    QList<TriggerNotification> notifications;
    QList<ProcessReport> decided; // claimDecided, in order
    std::unique_ptr<TriggerEngine> engine;

    explicit EngineHarness(GitHubClient *github = nullptr, TriggerClaims *claims = nullptr,
                           const QString &storePath = {})
        : presets(dir.path())
    {
        REQUIRE(dir.isValid());
        REQUIRE(
            store.open(storePath.isEmpty() ? dir.filePath(QStringLiteral("exeserver.db")) : storePath).ok());
        TriggerEngine::Options options;
        options.dataDir = dir.path();
        options.claims = claims;
        options.notifier = [this](const TriggerNotification &n) { notifications.append(n); };
        engine =
            std::make_unique<TriggerEngine>(store, github, runner, presets, SystemClock::instance(), options);
        QObject::connect(engine.get(), &TriggerEngine::claimDecided, engine.get(),
                         [this](const QString &, const ProcessReport &report) { decided.append(report); });
    }

    // process() and, in team mode, the answers of its claims, as one report.
    ProcessReport ingestAndDecide(const Event &event)
    {
        ProcessReport report = ingest(event);
        return withClaims(report);
    }

    ProcessReport withClaims(ProcessReport report)
    {
        REQUIRE(QTest::qWaitFor([this]() { return engine->claimingCount() == 0; }, kWaitMs));
        for (const ProcessReport &late : std::as_const(decided)) {
            report.fired += late.fired;
            report.alreadyDecided += late.alreadyDecided;
            report.errors += late.errors;
            report.actionIds += late.actionIds;
        }
        decided.clear();
        return report;
    }

    void addTriggers(const char *yaml)
    {
        for (const Trigger &trigger : parseTriggers(yaml))
            REQUIRE(store.saveTrigger(toStoredTrigger(trigger)).ok());
    }

    ProcessReport ingest(const Event &event)
    {
        REQUIRE(store.addEvent(event).ok());
        const Result<ProcessReport> report = engine->process(event.id);
        INFO((report ? QString() : report.error().message).toStdString());
        REQUIRE(report.ok());
        return *report;
    }

    void waitIdle()
    {
        REQUIRE(QTest::qWaitFor([this]() { return engine->busyCount() == 0; }, kWaitMs));
    }

    ActionRecord action(const QString &id)
    {
        const auto record = store.action(id);
        REQUIRE(record.ok());
        REQUIRE(record->has_value());
        return **record;
    }

    // A second engine on the same store and data folder, as another process would have.
    struct Fresh
    {
        CodefileRunner runner;
        std::unique_ptr<TriggerEngine> engine;
        explicit Fresh(EngineHarness &h)
        {
            TriggerEngine::Options options;
            options.dataDir = h.dir.path();
            engine = std::make_unique<TriggerEngine>(h.store, nullptr, runner, h.presets,
                                                     SystemClock::instance(), options);
        }
    };

    QString writeScript(const QString &name, const QByteArray &text)
    {
        const QString path = dir.filePath(name);
        QFile file(path);
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write(text);
        file.close();
        file.setPermissions(file.permissions() | QFileDevice::ExeOwner);
        return path;
    }
};

// The real PostgreSQL of scripts/test (EXESERVER_TEST_PG_URL); nullopt (and a warning) without one.
std::optional<PostgresAddress> testDatabase()
{
    const QString url = qEnvironmentVariable("EXESERVER_TEST_PG_URL");
    if (url.isEmpty()) {
        if (qEnvironmentVariable("CI") == QLatin1String("true"))
            FAIL("EXESERVER_TEST_PG_URL is not set: run the tests through scripts/test, which starts "
                 "PostgreSQL");
        WARN("EXESERVER_TEST_PG_URL is not set; skipping a team-mode claim test (scripts/test sets it)");
        return std::nullopt;
    }
    const Result<PostgresAddress> address = PostgresAddress::fromUrl(url);
    REQUIRE(address.ok());
    return *address;
}

QJsonObject pullRequestOn(const QString &repo, int number)
{
    QJsonObject payload = webhookPayload("pull_request.opened.json");
    QJsonObject repository = payload.value(QLatin1String("repository")).toObject();
    repository.insert(QStringLiteral("full_name"), repo);
    payload.insert(QStringLiteral("repository"), repository);
    payload.insert(QStringLiteral("number"), number);
    QJsonObject pr = payload.value(QLatin1String("pull_request")).toObject();
    pr.insert(QStringLiteral("number"), number);
    payload.insert(QStringLiteral("pull_request"), pr);
    return payload;
}

} // namespace

TEST_CASE("Engine: every example payload goes through a set of triggers without a crash",
          "[engine][examples]")
{
    QStringList candidates{QStringLiteral(EXESERVER_SOURCE_DIR
                                          "/tests/contract/node_modules/@octokit/"
                                          "webhooks-examples/api.github.com/index.json")};
    if (const QString env = qEnvironmentVariable("EXESERVER_WEBHOOK_EXAMPLES"); !env.isEmpty())
        candidates.prepend(env);
    QList<Event> events;
    for (const QString &path : candidates) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QJsonArray definitions = QJsonDocument::fromJson(file.readAll()).array();
        for (const QJsonValue &definition : definitions) {
            const QString type = definition[QLatin1String("name")].toString();
            for (const QJsonValue &example : definition[QLatin1String("examples")].toArray())
                events.append(
                    storedEvent(QStringLiteral("ex-%1").arg(events.size()), type, example.toObject()));
        }
        break;
    }
    if (events.isEmpty()) {
        WARN(
            "@octokit/webhooks-examples not installed (scripts/test installs it); using tests/data payloads");
        for (const auto &[type, file] :
             {std::pair{"pull_request", "pull_request.opened.json"},
              std::pair{"pull_request", "pull_request.synchronize.json"},
              std::pair{"issue_comment", "issue_comment.created.json"},
              std::pair{"workflow_run", "workflow_run.completed.json"}, std::pair{"push", "push.json"}})
            events.append(storedEvent(QStringLiteral("ex-%1").arg(events.size()), QString::fromLatin1(type),
                                      webhookPayload(file)));
    } else {
        CHECK(events.size() >= 329);
    }
    EngineHarness h;
    h.addTriggers(R"(
triggers:
  - name: everything
    event: "*"
    conditions: {field: repository.full_name, op: exists}
    run: [{notify: {title: "{{ event_name }} {{ action }}", body: "{{ event.sender.login }}"}}]
  - name: prs
    event: pull_request
    conditions:
      any:
        - {field: "pull_request.labels[*].name", op: in, value: [bug, enhancement]}
        - {field: pull_request.title, op: regex, value: "(?i)update"}
    run:
      - notify: {title: "PR {{ event.pull_request.number }}"}
      - comment: {preset: review}
  - name: commands
    event: issue_comment
    conditions: {field: comment.body, op: comment_command}
    run: [{reaction: eyes}, {notify: {title: "{{ command.name }}"}}]
  - name: failed-runs
    event: workflow_run
    actions: [completed]
    conditions: {field: workflow_run.conclusion, op: equals, value: failure}
    run: [{rerun_failed: }]
)");
    int fired = 0;
    for (const Event &event : events) {
        const ProcessReport report = h.ingest(event);
        fired += int(report.fired.size());
    }
    h.waitIdle();
    CHECK(fired > 0);
    CHECK(h.notifications.size() > 0);
    // No GitHub connection: GitHub actions fail with a message, never crash, and later steps are skipped.
    const auto failed = h.store.actions({ActionStatus::Failure, std::nullopt, {}, 10000, 0});
    REQUIRE(failed.ok());
    for (const ActionRecord &record : *failed)
        CHECK_FALSE(record.error.isEmpty());
    const auto running = h.store.actions({ActionStatus::Running, std::nullopt, {}, 10000, 0});
    REQUIRE(running.ok());
    CHECK(running->isEmpty());
}

TEST_CASE("Engine: a matching pull_request runs a code file that sees the event file and environment",
          "[engine][codefile]")
{
    EngineHarness h;
    const QString out = h.dir.filePath(QStringLiteral("seen.txt"));
    const QString script = h.writeScript(
        QStringLiteral("check.sh"),
        "#!/bin/sh\n"
        "{ echo \"name=$GITHUB_EVENT_NAME\"; echo \"repo=$GITHUB_REPOSITORY\";\n"
        "  echo \"trigger=$EXESERVER_TRIGGER\"; echo \"event=$EXESERVER_EVENT_ID\";\n"
        "  echo \"arg=$1\"; echo \"token=${GITHUB_TOKEN:-none}\"; cat \"$GITHUB_EVENT_PATH\"; } > \"$OUT\"\n"
        "echo done-ok\n");
    h.addTriggers(QStringLiteral(R"(
triggers:
  - name: pr-check
    event: pull_request
    actions: [opened]
    conditions: {field: pull_request.title, op: contains, value: README}
    run:
      - codefile: {path: "%1", args: ["{{ event.pull_request.title }}"], timeout: 30}
)")
                      .arg(script)
                      .toUtf8()
                      .constData());
    qputenv("OUT", out.toUtf8());
    const ProcessReport report =
        h.ingest(storedEvent(QStringLiteral("d-pr-1"), QStringLiteral("pull_request"),
                             webhookPayload("pull_request.opened.json")));
    REQUIRE(report.fired == QStringList{QStringLiteral("pr-check")});
    REQUIRE(report.actionIds.size() == 1);
    CHECK(h.action(report.actionIds[0]).status == ActionStatus::Queued);
    h.waitIdle();
    qunsetenv("OUT");
    const ActionRecord record = h.action(report.actionIds[0]);
    INFO(record.error.toStdString());
    CHECK(record.status == ActionStatus::Success);
    CHECK(record.kind == ActionKind::CodeFile);
    CHECK(record.exitCode == 0);
    CHECK(record.output.contains(QLatin1String("done-ok")));
    CHECK(QFile::exists(h.dir.filePath(QStringLiteral("runs/%1.log").arg(record.id))));
    QFile seen(out);
    REQUIRE(seen.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(seen.readAll());
    CHECK(text.contains(QLatin1String("name=pull_request")));
    CHECK(text.contains(QLatin1String("repo=Codertocat/Hello-World")));
    CHECK(text.contains(QLatin1String("trigger=pr-check")));
    CHECK(text.contains(QLatin1String("event=d-pr-1")));
    CHECK(text.contains(QLatin1String("arg=Update the README with new information.")));
    CHECK(text.contains(QLatin1String("token=none")));
    CHECK(text.contains(QLatin1String("\"pull_request\"")));
}

TEST_CASE("Engine: a code file written for Actions hands its output, variables and PATH to the later actions "
          "of the firing, and its summary is kept",
          "[engine][codefile][filecommands]")
{
    EngineHarness h;
    const QString tools = h.dir.filePath(QStringLiteral("tools"));
    REQUIRE(QDir().mkpath(tools));
    h.writeScript(QStringLiteral("tools/greet"), "#!/bin/sh\necho hello-from-path\n");
    const QString seen = h.dir.filePath(QStringLiteral("seen.txt"));
    // As it would run in a GitHub Actions step, unchanged.
    const QString check = h.writeScript(QStringLiteral("check.sh"), QStringLiteral(R"(#!/bin/sh
set -e
echo "verdict=pass" >> "$GITHUB_OUTPUT"
{ echo "notes<<EOF"; echo "two"; echo "lines"; echo "EOF"; } >> "$GITHUB_OUTPUT"
echo "STAGE=reviewed" >> "$GITHUB_ENV"
echo "%1" >> "$GITHUB_PATH"
echo "## Review of $GITHUB_REPOSITORY" >> "$GITHUB_STEP_SUMMARY"
echo "- verdict: **pass**" >> "$GITHUB_STEP_SUMMARY"
)")
                                                                        .arg(tools)
                                                                        .toUtf8());
    const QString next =
        h.writeScript(QStringLiteral("next.sh"),
                      QStringLiteral("#!/bin/sh\necho \"stage=$STAGE arg=$1 tool=$(greet)\" >> \"%1\"\n")
                          .arg(seen)
                          .toUtf8());
    h.addTriggers(QStringLiteral(R"(
triggers:
  - name: review
    event: pull_request
    run:
      - codefile: {id: check, path: "%1"}
      - notify: {title: "verdict {{ steps.check.outputs.verdict }}", body: "{{ steps.check.outputs.notes }}"}
      - codefile: {path: "%2", args: ["{{ steps.check.outputs.verdict }}"]}
)")
                      .arg(check, next)
                      .toUtf8()
                      .constData());
    const ProcessReport report =
        h.ingest(storedEvent(QStringLiteral("d-actions"), QStringLiteral("pull_request"),
                             webhookPayload("pull_request.opened.json")));
    REQUIRE(report.actionIds.size() == 3);
    h.waitIdle();
    for (const QString &id : report.actionIds) {
        INFO(h.action(id).error.toStdString() << h.action(id).output.toStdString());
        CHECK(h.action(id).status == ActionStatus::Success);
    }
    // The outputs are kept with the action, the summary too.
    const ActionRecord first = h.action(report.actionIds[0]);
    CHECK(first.outputs == QJsonObject{{QStringLiteral("verdict"), QStringLiteral("pass")},
                                       {QStringLiteral("notes"), QStringLiteral("two\nlines")}});
    CHECK(first.summary == QStringLiteral("## Review of Codertocat/Hello-World\n- verdict: **pass**\n"));
    // A later action used them; its logged target is the one decided before the step ran.
    REQUIRE(h.notifications.size() == 1);
    CHECK(h.notifications[0].title == QStringLiteral("verdict pass"));
    CHECK(h.notifications[0].body == QStringLiteral("two\nlines"));
    CHECK(h.action(report.actionIds[1]).target ==
          QStringLiteral("verdict {{ steps.check.outputs.verdict }}"));
    // The next code file saw the variable and the PATH entry.
    QFile file(seen);
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.readAll() == "stage=reviewed arg=pass tool=hello-from-path\n");
    file.close();

    // A retry of the last step, as from another process: the earlier step's outputs come from the action
    // log, its variables and PATH from the files beside its log.
    EngineHarness::Fresh fresh(h);
    const Result<QString> retried = fresh.engine->retry(report.actionIds[2]);
    REQUIRE(retried.ok());
    REQUIRE(QTest::qWaitFor([&]() { return fresh.engine->busyCount() == 0; }, kWaitMs));
    CHECK(h.action(*retried).status == ActionStatus::Success);
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.readAll() == "stage=reviewed arg=pass tool=hello-from-path\n"
                            "stage=reviewed arg=pass tool=hello-from-path\n");
}

TEST_CASE("Engine: a redelivered event fires once, also from a second engine on the same store",
          "[engine][once]")
{
    EngineHarness h;
    h.addTriggers(R"(
triggers:
  - name: note
    event: pull_request
    run: [{notify: {title: "PR {{ event.pull_request.number }}"}}]
)");
    const Event event = storedEvent(QStringLiteral("d-redeliver"), QStringLiteral("pull_request"),
                                    webhookPayload("pull_request.opened.json"));
    CHECK(h.ingest(event).fired.size() == 1);
    const ProcessReport again = h.ingest(event);
    CHECK(again.fired.isEmpty());
    CHECK(again.alreadyDecided == QStringList{QStringLiteral("note")});
    EngineHarness other(nullptr, nullptr, h.store.path());
    const Result<ProcessReport> third = other.engine->process(event.id);
    REQUIRE(third.ok());
    CHECK(third->fired.isEmpty());
    h.waitIdle();
    other.waitIdle();
    CHECK(h.notifications.size() + other.notifications.size() == 1);
    const auto actions = h.store.actions({std::nullopt, std::nullopt, event.id, 100, 0});
    REQUIRE(actions.ok());
    CHECK(actions->size() == 1);
}

TEST_CASE("Engine: workflow dispatch sends templated inputs and records the run id", "[engine][dispatch]")
{
    GitHubHarness gh;
    gh.server.setFileContent(
        QStringLiteral("octocat/Hello-World"), QStringLiteral(".github/workflows/ci.yml"),
        "name: CI\non:\n  workflow_dispatch:\n    inputs:\n      pr:\n        required: true\n"
        "      title:\n        type: string\njobs: {}\n");
    EngineHarness h(gh.client.get());
    h.addTriggers(R"(
triggers:
  - name: dispatch-good
    event: pull_request
    run:
      - workflow: {repository: "{{ repository }}", workflow: ci.yml, ref: main,
                   inputs: {pr: "{{ event.pull_request.number }}", title: "{{ event.pull_request.title }}"}}
      - notify: {title: after}
)");
    const ProcessReport report =
        h.ingest(storedEvent(QStringLiteral("d-dispatch"), QStringLiteral("pull_request"),
                             pullRequestOn(QStringLiteral("octocat/Hello-World"), 1347)));
    REQUIRE(report.actionIds.size() == 2);
    h.waitIdle();
    const ActionRecord record = h.action(report.actionIds[0]);
    INFO(record.error.toStdString());
    REQUIRE(record.status == ActionStatus::Success);
    REQUIRE(gh.server.dispatches().size() == 1);
    const FakeDispatch dispatch = gh.server.dispatches().constFirst();
    CHECK(dispatch.body.value(QLatin1String("ref")).toString() == QLatin1String("main"));
    const QJsonObject inputs = dispatch.body.value(QLatin1String("inputs")).toObject();
    CHECK(inputs.value(QLatin1String("pr")).toString() == QLatin1String("1347"));
    CHECK(inputs.value(QLatin1String("title")).toString() ==
          QLatin1String("Update the README with new information."));
    CHECK(record.output.contains(QStringLiteral("run %1").arg(dispatch.runId)));
    CHECK(h.action(report.actionIds[1]).status == ActionStatus::Success);
}

TEST_CASE("Engine: dispatch inputs the workflow does not declare are refused before sending",
          "[engine][dispatch]")
{
    GitHubHarness gh;
    gh.server.setFileContent(
        QStringLiteral("octocat/Hello-World"), QStringLiteral(".github/workflows/ci.yml"),
        "on:\n  workflow_dispatch:\n    inputs:\n      pr:\n        required: true\njobs: {}\n");
    EngineHarness h(gh.client.get());
    h.addTriggers(R"(
triggers:
  - name: dispatch-bad
    event: pull_request
    run:
      - workflow: {workflow: ci.yml, ref: main, inputs: {nope: "1"}}
      - notify: {title: never}
)");
    const ProcessReport report =
        h.ingest(storedEvent(QStringLiteral("d-bad"), QStringLiteral("pull_request"),
                             pullRequestOn(QStringLiteral("octocat/Hello-World"), 1347)));
    h.waitIdle();
    const ActionRecord record = h.action(report.actionIds[0]);
    CHECK(record.status == ActionStatus::Failure);
    CHECK(record.error.contains(QLatin1String("\"nope\" is not an input of ci.yml")));
    CHECK(record.error.contains(QLatin1String("required input \"pr\" is missing")));
    CHECK(gh.server.dispatches().isEmpty());
    CHECK(gh.server.requestsTo(QStringLiteral(".*/dispatches")).isEmpty());
    CHECK(h.action(report.actionIds[1]).status == ActionStatus::Skipped);
    CHECK(h.notifications.isEmpty());
}

TEST_CASE("Engine: a preset comment posts the rendered body and reacts with eyes", "[engine][comment]")
{
    GitHubHarness gh;
    EngineHarness h(gh.client.get());
    REQUIRE(h.presets
                .add(QStringLiteral("thanks"),
                     QStringLiteral("Thanks @{{ sender }} for #{{ event.issue.number }}: {{ args }}"))
                .ok());
    h.addTriggers(R"(
triggers:
  - name: ask
    event: issue_comment
    conditions: {field: comment.body, op: comment_command, value: ask}
    run:
      - reaction: eyes
      - comment: {preset: thanks, args: "{{ command.args }}"}
)");
    QJsonObject payload = webhookPayload("issue_comment.created.json");
    QJsonObject repository = payload.value(QLatin1String("repository")).toObject();
    repository.insert(QStringLiteral("full_name"), QStringLiteral("octocat/Hello-World"));
    payload.insert(QStringLiteral("repository"), repository);
    QJsonObject issue = payload.value(QLatin1String("issue")).toObject();
    issue.insert(QStringLiteral("number"), 1347);
    payload.insert(QStringLiteral("issue"), issue);
    const qint64 triggeringId = gh.server.addComment({.repo = QStringLiteral("octocat/Hello-World"),
                                                      .issueNumber = 1347,
                                                      .body = QStringLiteral("/ask ...")});
    QJsonObject comment = payload.value(QLatin1String("comment")).toObject();
    comment.insert(QStringLiteral("id"), double(triggeringId));
    comment.insert(QStringLiteral("body"), QStringLiteral("/ask why is $(this) `slow`; really?"));
    payload.insert(QStringLiteral("comment"), comment);
    const qint64 commentId = qint64(comment.value(QLatin1String("id")).toDouble());
    const ProcessReport report =
        h.ingest(storedEvent(QStringLiteral("d-ask"), QStringLiteral("issue_comment"), payload));
    REQUIRE(report.actionIds.size() == 2);
    h.waitIdle();
    const ActionRecord posted = h.action(report.actionIds[1]);
    INFO(posted.error.toStdString());
    CHECK(posted.status == ActionStatus::Success);
    const QList<FakeComment> comments = gh.server.comments(QStringLiteral("octocat/Hello-World"), 1347);
    REQUIRE_FALSE(comments.isEmpty());
    CHECK(comments.constLast().body ==
          QLatin1String("Thanks @Codertocat for #1347: why is $(this) `slow`; really?"));
    const auto reactions = gh.server.requestsTo(
        QStringLiteral("/repos/octocat/Hello-World/issues/comments/%1/reactions").arg(commentId), "POST");
    REQUIRE(reactions.size() == 1);
    CHECK(reactions[0].json().value(QLatin1String("content")).toString() == QLatin1String("eyes"));
}

namespace {

// A process that died after recording a firing: its actions are left as it left them (the first started
// when `started`), owned by a session that is gone.
QStringList crashAfterFiring(const QString &storePath, const Event &event, const QString &trigger,
                             const QList<ActionRequest> &actions, bool started)
{
    EventStore crashed;
    REQUIRE(crashed.open(storePath).ok());
    const auto ids = crashed.recordFiringWithActions(event.id, trigger, QStringLiteral("fired"), actions);
    REQUIRE(ids.ok());
    REQUIRE(ids->has_value());
    if (started)
        REQUIRE(crashed.startAction((**ids)[0]).ok());
    return **ids;
}

} // namespace

TEST_CASE("Engine: after a crash, an action whose effect cannot be known is interrupted, not re-run; retry "
          "runs it again",
          "[engine][retry][crash]")
{
    EngineHarness h;
    h.addTriggers(R"(
triggers:
  - name: say
    event: pull_request
    run: [{comment: {body: "hello"}}, {notify: {title: "after {{ event.pull_request.number }}"}}]
)");
    const Event event = storedEvent(QStringLiteral("d-retry"), QStringLiteral("pull_request"),
                                    webhookPayload("pull_request.opened.json"));
    REQUIRE(h.store.addEvent(event).ok());
    const QStringList ids = crashAfterFiring(
        h.store.path(), event, QStringLiteral("say"),
        {{ActionKind::Comment, event.repository + QStringLiteral("#2"), event.id, QStringLiteral("say"),
          false},
         {ActionKind::Notify, QStringLiteral("after 2"), event.id, QStringLiteral("say"), false}},
        true);
    const Result<ResumeReport> resumed = h.engine->resume();
    REQUIRE(resumed.ok());
    CHECK(resumed->firings == 1);
    CHECK(resumed->interrupted == 1);
    h.waitIdle();
    const ActionRecord comment = h.action(ids[0]);
    CHECK(comment.status == ActionStatus::Interrupted);
    CHECK(comment.error.contains(QLatin1String("check the conversation on GitHub")));
    // The rest of the firing does not run after an action with an unknown outcome.
    CHECK(h.action(ids[1]).status == ActionStatus::Skipped);
    CHECK(h.notifications.isEmpty());
    // Nothing fires again for the event, and a second resume finds nothing left.
    const Result<ProcessReport> report = h.engine->process(event.id);
    REQUIRE(report.ok());
    CHECK(report->fired.isEmpty());
    CHECK(report->alreadyDecided == QStringList{QStringLiteral("say")});
    CHECK(h.engine->resume()->firings == 0);

    const Result<QString> retried = h.engine->retry(ids[0]);
    INFO((retried ? QString() : retried.error().message).toStdString());
    REQUIRE(retried.ok());
    h.waitIdle();
    // It ran again (and fails here only because this engine has no GitHub connection).
    CHECK(h.action(*retried).error.contains(QLatin1String("no GitHub connection")));
}

TEST_CASE("Engine: after a crash, queued actions and a notification that was showing run, once",
          "[engine][crash]")
{
    EngineHarness h;
    h.addTriggers(R"(
triggers:
  - name: note
    event: pull_request
    run: [{notify: {title: "first"}}, {notify: {title: "second"}}]
)");
    const Event event = storedEvent(QStringLiteral("d-resume"), QStringLiteral("pull_request"),
                                    webhookPayload("pull_request.opened.json"));
    REQUIRE(h.store.addEvent(event).ok());
    const QStringList ids = crashAfterFiring(
        h.store.path(), event, QStringLiteral("note"),
        {{ActionKind::Notify, QStringLiteral("first"), event.id, QStringLiteral("note"), false},
         {ActionKind::Notify, QStringLiteral("second"), event.id, QStringLiteral("note"), false}},
        true);
    const Result<ResumeReport> resumed = h.engine->resume();
    REQUIRE(resumed.ok());
    CHECK(resumed->firings == 1);
    CHECK(resumed->restarted == 1);
    h.waitIdle();
    CHECK(h.action(ids[0]).status == ActionStatus::Success);
    CHECK(h.action(ids[1]).status == ActionStatus::Success);
    REQUIRE(h.notifications.size() == 2);
    CHECK(h.notifications[0].title == QLatin1String("first"));
    CHECK(h.notifications[1].title == QLatin1String("second"));
    CHECK(h.engine->resume()->firings == 0);
}

TEST_CASE("Engine: after a crash, a code file that never started runs; one that finished is recorded as it "
          "ended",
          "[engine][crash][codefile]")
{
    if (CodefileRunner::defaultWrapper().isEmpty()) {
        WARN("exeserver-run is not built on this platform");
        return;
    }
    EngineHarness h;
    const QString marks = h.dir.filePath(QStringLiteral("marks"));
    const QString script = h.writeScript(QStringLiteral("mark.sh"),
                                         QStringLiteral("#!/bin/sh\necho \"$EXESERVER_EVENT_ID\" >> \"%1\"\n"
                                                        "echo ran; exit 4\n")
                                             .arg(marks)
                                             .toUtf8());
    h.addTriggers(QStringLiteral(R"(
triggers:
  - name: mark
    event: pull_request
    run: [{codefile: {path: "%1"}}]
)")
                      .arg(script)
                      .toUtf8()
                      .constData());
    const Event never = storedEvent(QStringLiteral("d-never"), QStringLiteral("pull_request"),
                                    webhookPayload("pull_request.opened.json"));
    const Event ended = storedEvent(QStringLiteral("d-ended"), QStringLiteral("pull_request"),
                                    webhookPayload("pull_request.opened.json"));
    REQUIRE(h.store.addEvent(never).ok());
    REQUIRE(h.store.addEvent(ended).ok());
    const ActionRequest request{ActionKind::CodeFile, script, {}, QStringLiteral("mark"), false};
    ActionRequest forNever = request;
    forNever.eventId = never.id;
    ActionRequest forEnded = request;
    forEnded.eventId = ended.id;
    const QString neverId =
        crashAfterFiring(h.store.path(), never, QStringLiteral("mark"), {forNever}, true)[0];
    const QString endedId =
        crashAfterFiring(h.store.path(), ended, QStringLiteral("mark"), {forEnded}, true)[0];
    // What the wrapper leaves when its code file ended while nobody watched: the log and the status.
    const QString runs = h.dir.filePath(QStringLiteral("runs"));
    REQUIRE(QDir().mkpath(runs));
    const auto write = [](const QString &path, const QByteArray &text) {
        QFile file(path);
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write(text);
    };
    write(QDir(runs).filePath(endedId + QStringLiteral(".log")), "it ran while nobody watched\n");
    write(QDir(runs).filePath(endedId + QStringLiteral(".lock")), "12345\n");
    write(QDir(runs).filePath(endedId + QStringLiteral(".status")),
          "exit=7\ntimed_out=0\nstopped=0\nduration_ms=120\n");

    const Result<ResumeReport> resumed = h.engine->resume();
    REQUIRE(resumed.ok());
    CHECK(resumed->firings == 2);
    CHECK(resumed->restarted == 1);
    CHECK(resumed->finished == 1);
    CHECK(resumed->interrupted == 0);
    h.waitIdle();
    const ActionRecord ran = h.action(neverId);
    CHECK(ran.status == ActionStatus::Failure);
    CHECK(ran.exitCode == 4);
    CHECK(ran.output.contains(QLatin1String("ran")));
    const ActionRecord known = h.action(endedId);
    CHECK(known.status == ActionStatus::Failure);
    CHECK(known.exitCode == 7);
    CHECK(known.output.contains(QLatin1String("it ran while nobody watched")));
    // Only the never-started one ran here, and the bookkeeping files are gone once recorded.
    QFile file(marks);
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.readAll() == "d-never\n");
    CHECK(
        QDir(runs).entryList({QStringLiteral("*.status"), QStringLiteral("*.lock")}, QDir::Files).isEmpty());
}

TEST_CASE(
    "Engine: after a crash, the later actions of a firing get the outputs and variables of the code file "
    "that ran before it",
    "[engine][crash][codefile][filecommands]")
{
    if (CodefileRunner::defaultWrapper().isEmpty()) {
        WARN("exeserver-run is not built on this platform");
        return;
    }
    EngineHarness h;
    const QString seen = h.dir.filePath(QStringLiteral("seen.txt"));
    const QString check = h.writeScript(QStringLiteral("check.sh"), "#!/bin/sh\nexit 9\n"); // never runs here
    const QString next =
        h.writeScript(QStringLiteral("next.sh"),
                      QStringLiteral("#!/bin/sh\necho \"$EXESERVER_EVENT_ID stage=$STAGE\" >> \"%1\"\n")
                          .arg(seen)
                          .toUtf8());
    h.addTriggers(QStringLiteral(R"(
triggers:
  - name: review
    event: pull_request
    run:
      - codefile: {id: check, path: "%1"}
      - notify: {title: "verdict {{ steps.check.outputs.verdict }}"}
      - codefile: {path: "%2"}
)")
                      .arg(check, next)
                      .toUtf8()
                      .constData());
    const QString title = QStringLiteral("verdict {{ steps.check.outputs.verdict }}");
    const auto requests = [&](const Event &event) {
        return QList<ActionRequest>{{ActionKind::CodeFile, check, event.id, QStringLiteral("review"), false},
                                    {ActionKind::Notify, title, event.id, QStringLiteral("review"), false},
                                    {ActionKind::CodeFile, next, event.id, QStringLiteral("review"), false}};
    };
    const QString runs = h.dir.filePath(QStringLiteral("runs"));
    REQUIRE(QDir().mkpath(runs));
    const auto write = [&](const QString &name, const QByteArray &text) {
        QFile file(QDir(runs).filePath(name));
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write(text);
    };
    // A: the check finished while nobody watched; its outcome and file commands are in its run files.
    const Event a = storedEvent(QStringLiteral("d-a"), QStringLiteral("pull_request"),
                                webhookPayload("pull_request.opened.json"));
    REQUIRE(h.store.addEvent(a).ok());
    const QStringList idsA = crashAfterFiring(h.store.path(), a, QStringLiteral("review"), requests(a), true);
    write(idsA[0] + QStringLiteral(".log"), "checked\n");
    write(idsA[0] + QStringLiteral(".lock"), "12345\n");
    write(idsA[0] + QStringLiteral(".status"), "exit=0\ntimed_out=0\nstopped=0\nduration_ms=5\n");
    write(idsA[0] + QStringLiteral(".output"), "verdict<<EOF\nfrom-files\nEOF\n");
    write(idsA[0] + QStringLiteral(".env"), "STAGE=a\n");
    // B: the check's outcome was recorded before the crash; the rest was still queued.
    const Event b = storedEvent(QStringLiteral("d-b"), QStringLiteral("pull_request"),
                                webhookPayload("pull_request.opened.json"));
    REQUIRE(h.store.addEvent(b).ok());
    const QStringList idsB = crashAfterFiring(h.store.path(), b, QStringLiteral("review"), requests(b), true);
    {
        EventStore crashed;
        REQUIRE(crashed.open(h.store.path()).ok());
        ActionOutcome done;
        done.exitCode = 0;
        done.outputs = QJsonObject{{QStringLiteral("verdict"), QStringLiteral("from-the-log")}};
        REQUIRE(crashed.finishAction(idsB[0], done).ok());
    }
    write(idsB[0] + QStringLiteral(".env"), "STAGE=b\n");

    const Result<ResumeReport> resumed = h.engine->resume();
    REQUIRE(resumed.ok());
    CHECK(resumed->firings == 2);
    CHECK(resumed->finished == 1);
    h.waitIdle();
    for (const QString &id : idsA + idsB.mid(1)) {
        INFO(h.action(id).error.toStdString());
        CHECK(h.action(id).status == ActionStatus::Success);
    }
    CHECK(h.action(idsA[0]).outputs.value(QLatin1String("verdict")).toString() ==
          QLatin1String("from-files"));
    QStringList titles;
    for (const TriggerNotification &n : std::as_const(h.notifications))
        titles.append(n.title);
    titles.sort();
    CHECK(titles ==
          QStringList{QStringLiteral("verdict from-files"), QStringLiteral("verdict from-the-log")});
    QFile file(seen);
    REQUIRE(file.open(QIODevice::ReadOnly));
    QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
    lines.sort();
    CHECK(lines == QStringList{QStringLiteral("d-a stage=a"), QStringLiteral("d-b stage=b")});
}

TEST_CASE("Engine: an event stored but never decided (the process died in between) is decided by the next "
          "catch-up, once",
          "[engine][crash]")
{
    EngineHarness h;
    h.addTriggers(R"(
triggers:
  - name: note
    event: pull_request
    run: [{notify: {title: "PR {{ event.pull_request.number }}"}}]
)");
    // The first catch-up of a store starts the mark at its newest event: history is not fired.
    const Event old = storedEvent(QStringLiteral("d-history"), QStringLiteral("pull_request"),
                                  webhookPayload("pull_request.opened.json"));
    REQUIRE(h.store.addEvent(old).ok());
    REQUIRE(h.engine->decidePending().ok());
    CHECK(h.notifications.isEmpty());

    const Event missed = storedEvent(QStringLiteral("d-missed"), QStringLiteral("pull_request"),
                                     webhookPayload("pull_request.opened.json"));
    REQUIRE(h.store.addEvent(missed).ok()); // stored, then the process died: no decision
    // A new engine (the restarted process) decides it.
    TriggerEngine::Options options;
    options.dataDir = h.dir.path();
    options.notifier = [&h](const TriggerNotification &n) { h.notifications.append(n); };
    TriggerEngine restarted(h.store, nullptr, h.runner, h.presets, SystemClock::instance(), options);
    const Result<QList<DecidedEvent>> decided = restarted.decidePending();
    REQUIRE(decided.ok());
    REQUIRE(decided->size() == 1);
    CHECK(decided->at(0).eventId == missed.id);
    CHECK(decided->at(0).report.fired == QStringList{QStringLiteral("note")});
    REQUIRE(QTest::qWaitFor([&]() { return restarted.busyCount() == 0; }, kWaitMs));
    CHECK(h.notifications.size() == 1);
    // Nothing is left: neither the mark nor a redelivery fires it again.
    CHECK(restarted.decidePending()->isEmpty());
    CHECK(restarted.process(missed.id)->alreadyDecided == QStringList{QStringLiteral("note")});
    QTest::qWait(50);
    CHECK(h.notifications.size() == 1);
}

TEST_CASE("Engine: a trigger created after an event arrived does not fire on it", "[engine]")
{
    EngineHarness h;
    REQUIRE(h.engine->decidePending().ok()); // the mark starts on the empty store
    Event before = storedEvent(QStringLiteral("d-before"), QStringLiteral("pull_request"),
                               webhookPayload("pull_request.opened.json"));
    before.receivedAt = QDateTime::currentDateTimeUtc().addSecs(-60);
    REQUIRE(h.store.addEvent(before).ok());
    h.addTriggers(R"(
triggers:
  - name: note
    event: pull_request
    run: [{notify: {title: "fired"}}]
)");
    const Event after = storedEvent(QStringLiteral("d-after"), QStringLiteral("pull_request"),
                                    webhookPayload("pull_request.opened.json"));
    REQUIRE(h.store.addEvent(after).ok());
    const Result<QList<DecidedEvent>> decided = h.engine->decidePending();
    REQUIRE(decided.ok());
    REQUIRE(decided->size() == 2);
    CHECK(decided->at(0).report.fired.isEmpty());
    CHECK(decided->at(1).report.fired == QStringList{QStringLiteral("note")});
    h.waitIdle();
    CHECK(h.notifications.size() == 1);
}

TEST_CASE("Engine: a debounced event survives a restart and fires once its quiet period has passed",
          "[engine][debounce][crash]")
{
    EngineHarness h;
    h.addTriggers(R"(
triggers:
  - name: calm
    event: pull_request
    debounce: 1
    run: [{notify: {title: "calm {{ event.id }}"}}]
)");
    const Event first = storedEvent(QStringLiteral("d-first"), QStringLiteral("pull_request"),
                                    webhookPayload("pull_request.opened.json"));
    const Event second = storedEvent(QStringLiteral("d-second"), QStringLiteral("pull_request"),
                                     webhookPayload("pull_request.opened.json"));
    CHECK(h.ingest(first).deferred == QStringList{QStringLiteral("calm")});
    CHECK(h.ingest(second).deferred == QStringList{QStringLiteral("calm")});
    h.engine.reset(); // the process stops while the debounce waits
    QTest::qWait(100);
    CHECK(h.notifications.isEmpty());

    TriggerEngine::Options options;
    options.dataDir = h.dir.path();
    options.notifier = [&h](const TriggerNotification &n) { h.notifications.append(n); };
    h.engine = std::make_unique<TriggerEngine>(h.store, nullptr, h.runner, h.presets, SystemClock::instance(),
                                               options);
    const Result<ResumeReport> resumed = h.engine->resume();
    REQUIRE(resumed.ok());
    CHECK(resumed->deferred == 1);
    REQUIRE(QTest::qWaitFor([&]() { return !h.notifications.isEmpty(); }, 5000));
    h.waitIdle();
    QTest::qWait(100);
    REQUIRE(h.notifications.size() == 1);
    CHECK(h.notifications[0].eventId == second.id); // the newest of the storm
    QSqlQuery query(h.store.database());
    REQUIRE(query.exec(QStringLiteral("SELECT event_id, decision FROM trigger_firings ORDER BY event_id")));
    QStringList decisions;
    while (query.next())
        decisions << query.value(0).toString() + u'=' + query.value(1).toString();
    CHECK(decisions == QStringList{QStringLiteral("d-first=superseded"), QStringLiteral("d-second=fired")});
}

TEST_CASE("Engine: two engines on one PostgreSQL fire once", "[engine][postgres]")
{
    const std::optional<PostgresAddress> address = testDatabase();
    if (!address)
        return;
    PostgresqlClaims claimsA(*address, QStringLiteral("a"));
    PostgresqlClaims claimsB(*address, QStringLiteral("b"));
    EngineHarness a(nullptr, &claimsA);
    EngineHarness b(nullptr, &claimsB); // its own SQLite file: only PostgreSQL is shared
    const char *yaml = R"(
triggers:
  - name: team
    event: pull_request
    run: [{notify: {title: fired}}]
)";
    a.addTriggers(yaml);
    b.addTriggers(yaml);
    // A pull request no earlier run of the test has claimed.
    QJsonObject payload = webhookPayload("pull_request.opened.json");
    QJsonObject pr = payload.value(QLatin1String("pull_request")).toObject();
    pr.insert(QStringLiteral("id"), QDateTime::currentMSecsSinceEpoch());
    payload.insert(QStringLiteral("pull_request"), pr);
    const QString id = QStringLiteral("team-") + QUuid::createUuid().toString(QUuid::Id128);
    const Event event = storedEvent(id, QStringLiteral("pull_request"), payload);
    const ProcessReport first = a.ingestAndDecide(event);
    const ProcessReport second = b.ingestAndDecide(event);
    a.waitIdle();
    b.waitIdle();
    CHECK(first.fired.size() + second.fired.size() == 1);
    CHECK(second.alreadyDecided == QStringList{QStringLiteral("team")});
    CHECK(a.notifications.size() + b.notifications.size() == 1);
}

TEST_CASE("Engine: a failed workflow run gets its failed jobs re-run", "[engine][rerun]")
{
    GitHubHarness gh;
    gh.server.setRunStatus(30433642, QStringLiteral("completed"), QStringLiteral("failure"));
    EngineHarness h(gh.client.get());
    h.addTriggers(R"(
triggers:
  - name: rerun
    event: workflow_run
    actions: [completed]
    conditions: {field: workflow_run.conclusion, op: equals, value: failure}
    run: [{rerun_failed: }]
)");
    QJsonObject payload = webhookPayload("workflow_run.completed.json");
    QJsonObject repository = payload.value(QLatin1String("repository")).toObject();
    repository.insert(QStringLiteral("full_name"), QStringLiteral("octocat/Hello-World"));
    payload.insert(QStringLiteral("repository"), repository);
    QJsonObject run = payload.value(QLatin1String("workflow_run")).toObject();
    run.insert(QStringLiteral("id"), 30433642);
    run.insert(QStringLiteral("conclusion"), QStringLiteral("failure"));
    payload.insert(QStringLiteral("workflow_run"), run);
    const ProcessReport report =
        h.ingest(storedEvent(QStringLiteral("d-rerun"), QStringLiteral("workflow_run"), payload));
    REQUIRE(report.actionIds.size() == 1);
    h.waitIdle();
    const ActionRecord record = h.action(report.actionIds[0]);
    INFO(record.error.toStdString());
    CHECK(record.status == ActionStatus::Success);
    CHECK(record.target == QLatin1String("octocat/Hello-World run 30433642"));
    CHECK(gh.server.requestsTo(QStringLiteral(".*/runs/30433642/rerun-failed-jobs"), "POST").size() == 1);
}

TEST_CASE("Engine: an unreachable team database leaves the trigger undecided and the others run",
          "[engine][postgres]")
{
    const Result<PostgresAddress> address =
        PostgresAddress::fromUrl(QStringLiteral("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"));
    REQUIRE(address.ok());
    PostgresqlClaims claims(*address, QStringLiteral("a"));
    EngineHarness h(nullptr, &claims);
    h.addTriggers(R"(
triggers:
  - name: team
    event: pull_request
    run: [{notify: {title: fired}}]
)");
    const Event event = storedEvent(QStringLiteral("d-nodb"), QStringLiteral("pull_request"),
                                    webhookPayload("pull_request.opened.json"));
    const ProcessReport report = h.ingestAndDecide(event);
    CHECK(report.fired.isEmpty());
    REQUIRE(report.errors.size() == 1);
    CHECK(report.errors[0].contains(QLatin1String("team database")));
    // Nothing recorded: once the database is back, the event can still fire.
    CHECK(h.store.recordFiring(event.id, QStringLiteral("team"), QStringLiteral("probe")).value());
}

namespace {

const char *const kTeamTriggers = R"(
triggers:
  - name: on-push
    event: push
    run: [{notify: {title: "push {{ event.after }}"}}]
  - name: on-run
    event: workflow_run
    actions: [completed]
    run: [{notify: {title: "run {{ event.workflow_run.id }}"}}]
)";

QString randomSha()
{
    return QString::fromLatin1(
        QCryptographicHash::hash(QUuid::createUuid().toByteArray(), QCryptographicHash::Sha1).toHex());
}

// One push no earlier run of the test has claimed, as its webhook delivery and as the Events API item the
// poller reads for it.
QPair<Event, Event> pushFromBothSources()
{
    QJsonObject payload = webhookPayload("push.json");
    payload.insert(QStringLiteral("ref"), QStringLiteral("refs/heads/main"));
    payload.insert(QStringLiteral("before"), randomSha());
    payload.insert(QStringLiteral("after"), randomSha());
    const auto hook = EventNormalizer::fromWebhook(QStringLiteral("push"), QUuid::createUuid().toString(),
                                                   QJsonDocument(payload).toJson(QJsonDocument::Compact),
                                                   QDateTime::currentDateTimeUtc());
    REQUIRE(hook.ok());
    const QJsonObject repository = payload.value(QLatin1String("repository")).toObject();
    const QJsonObject item{
        {QStringLiteral("id"), QString::number(QDateTime::currentMSecsSinceEpoch())},
        {QStringLiteral("type"), QStringLiteral("PushEvent")},
        {QStringLiteral("actor"), payload.value(QLatin1String("sender"))},
        {QStringLiteral("repo"),
         QJsonObject{{QStringLiteral("id"), repository.value(QLatin1String("id"))},
                     {QStringLiteral("name"), repository.value(QLatin1String("full_name"))}}},
        {QStringLiteral("payload"),
         QJsonObject{{QStringLiteral("push_id"), 1},
                     {QStringLiteral("ref"), payload.value(QLatin1String("ref"))},
                     {QStringLiteral("head"), payload.value(QLatin1String("after"))},
                     {QStringLiteral("before"), payload.value(QLatin1String("before"))}}},
        {QStringLiteral("created_at"), QStringLiteral("2025-11-20T08:15:30Z")}};
    const auto polled = EventNormalizer::fromEventsApi(item, QDateTime::currentDateTimeUtc());
    REQUIRE(polled.ok());
    REQUIRE(hook->id != polled->id);
    return {toEvent(*hook), toEvent(*polled)};
}

// One completed workflow run, as its webhook delivery and as the poller builds it from the Actions API.
QPair<Event, Event> runFromBothSources()
{
    QJsonObject payload = webhookPayload("workflow_run.completed.json");
    QJsonObject run = payload.value(QLatin1String("workflow_run")).toObject();
    run.insert(QStringLiteral("id"), QDateTime::currentMSecsSinceEpoch());
    run.insert(QStringLiteral("status"), QStringLiteral("completed"));
    run.insert(QStringLiteral("repository"), payload.value(QLatin1String("repository")));
    payload.insert(QStringLiteral("workflow_run"), run);
    const auto hook = EventNormalizer::fromWebhook(
        QStringLiteral("workflow_run"), QUuid::createUuid().toString(),
        QJsonDocument(payload).toJson(QJsonDocument::Compact), QDateTime::currentDateTimeUtc());
    REQUIRE(hook.ok());
    const NormalizedEvent polled =
        EventNormalizer::fromWorkflowRun(run, QString(), QDateTime::currentDateTimeUtc());
    REQUIRE(hook->id != polled.id);
    return {toEvent(*hook), toEvent(polled)};
}

// Two desks with their own stores, one fed by webhooks and one by polling, both sending their claims
// before either answer arrives: each occurrence fires on exactly one of them.
void checkTwoDesksFireOnce(TriggerClaims &claimsA, TriggerClaims &claimsB)
{
    EngineHarness webhookDesk(nullptr, &claimsA);
    EngineHarness pollingDesk(nullptr, &claimsB);
    webhookDesk.addTriggers(kTeamTriggers);
    pollingDesk.addTriggers(kTeamTriggers);
    for (const auto &[hook, polled] : {pushFromBothSources(), runFromBothSources()}) {
        INFO(hook.type.toStdString());
        const ProcessReport sentA = webhookDesk.ingest(hook);
        const ProcessReport sentB = pollingDesk.ingest(polled);
        CHECK(sentA.claiming.size() == 1);
        CHECK(sentB.claiming.size() == 1);
        const ProcessReport a = webhookDesk.withClaims(sentA);
        const ProcessReport b = pollingDesk.withClaims(sentB);
        CHECK(a.errors.isEmpty());
        CHECK(b.errors.isEmpty());
        CHECK(a.fired.size() + b.fired.size() == 1);
        CHECK(a.alreadyDecided.size() + b.alreadyDecided.size() == 1);
        // Replaying its event on either desk fires nothing more.
        for (EngineHarness *desk : {&webhookDesk, &pollingDesk}) {
            const QString id = desk == &webhookDesk ? hook.id : polled.id;
            const ProcessReport again = desk->withClaims(desk->engine->process(id).value());
            CHECK(again.fired.isEmpty());
            CHECK(again.alreadyDecided.size() == 1);
        }
    }
    webhookDesk.waitIdle();
    pollingDesk.waitIdle();
    CHECK(webhookDesk.notifications.size() + pollingDesk.notifications.size() == 2);
}

} // namespace

TEST_CASE("Engine: a desk fed by webhooks and one fed by polling fire once per occurrence on PostgreSQL",
          "[engine][postgres][claims]")
{
    const std::optional<PostgresAddress> address = testDatabase();
    if (!address)
        return;
    PostgresqlClaims claimsA(*address, QStringLiteral("webhook-desk"));
    PostgresqlClaims claimsB(*address, QStringLiteral("polling-desk"));
    checkTwoDesksFireOnce(claimsA, claimsB);
}

TEST_CASE("Engine: a desk fed by webhooks and one fed by polling fire once per occurrence on Supabase",
          "[engine][supabase][claims]")
{
    test::FakePostgrest supabase(QStringLiteral("anon-key"));
    QNetworkAccessManager network;
    SupabaseClaims claimsA(network, QUrl(supabase.url()), QStringLiteral("anon-key"), QStringLiteral("a"));
    SupabaseClaims claimsB(network, QUrl(supabase.url()), QStringLiteral("anon-key"), QStringLiteral("b"));
    checkTwoDesksFireOnce(claimsA, claimsB);
    // One row per occurrence and trigger; the second insert of each was a 409.
    CHECK(supabase.table(QStringLiteral("exeserver_trigger_claims")).size() == 2);
}

TEST_CASE("Engine: Supabase claims — 201 fires, 409 is another desk's, 5xx and silence leave it undecided",
          "[engine][supabase][claims]")
{
    test::FakePostgrest supabase(QStringLiteral("anon-key"));
    QNetworkAccessManager network;
    SupabaseClaims claims(network, QUrl(supabase.url()), QStringLiteral("anon-key"), QStringLiteral("me"),
                          1000);
    EngineHarness h(nullptr, &claims);
    h.addTriggers(kTeamTriggers);
    const auto [push, samePushPolled] = pushFromBothSources();
    const QString key =
        Occurrence::key(QStringLiteral("push"), QJsonDocument::fromJson(push.payload).object());

    SECTION("201: ours")
    {
        const ProcessReport report = h.ingestAndDecide(push);
        CHECK(report.fired == QStringList{QStringLiteral("on-push")});
        const QJsonObject row = supabase.table(QStringLiteral("exeserver_trigger_claims"))
                                    .value(key + QStringLiteral(", on-push"));
        CHECK(row.value(QLatin1String("event_id")).toString() == push.id);
        CHECK(row.value(QLatin1String("owner")).toString() == QLatin1String("me"));
        const HttpRequest &request = supabase.received.last();
        CHECK(request.path == QLatin1String("/rest/v1/exeserver_trigger_claims"));
        CHECK_FALSE(request.headers.value("prefer").contains("merge-duplicates"));
        h.waitIdle();
    }
    SECTION("409: another desk's")
    {
        supabase.table(QStringLiteral("exeserver_trigger_claims"))
            .insert(key + QStringLiteral(", on-push"),
                    QJsonObject{{QStringLiteral("owner"), QStringLiteral("other")}});
        const ProcessReport report = h.ingestAndDecide(push);
        CHECK(report.fired.isEmpty());
        CHECK(report.alreadyDecided == QStringList{QStringLiteral("on-push")});
        CHECK(report.errors.isEmpty());
        CHECK(h.notifications.isEmpty());
    }
    SECTION("503, then no answer: undecided, nothing recorded")
    {
        supabase.failNext = 1;
        ProcessReport report = h.ingestAndDecide(push);
        CHECK(report.fired.isEmpty());
        REQUIRE(report.errors.size() == 1);
        CHECK(report.errors[0].contains(QLatin1String("503")));
        CHECK_FALSE(report.errors[0].contains(QLatin1String("anon-key")));
        supabase.hangNext = 1;
        report = h.withClaims(h.engine->process(push.id).value());
        REQUIRE(report.errors.size() == 1);
        // Still undecided: with the team database back, the event fires.
        report = h.withClaims(h.engine->process(push.id).value());
        CHECK(report.fired == QStringList{QStringLiteral("on-push")});
        h.waitIdle();
    }
    SECTION("404: the table is missing, and the message says which script creates it")
    {
        supabase.dropTable(QStringLiteral("exeserver_trigger_claims"));
        std::optional<Result<bool>> answer;
        claims.claim({key, QStringLiteral("t"), push.id}, [&](Result<bool> claimed) { answer = claimed; });
        REQUIRE(QTest::qWaitFor([&]() { return answer.has_value(); }, kWaitMs));
        REQUIRE_FALSE(answer->ok());
        CHECK(answer->error().message.contains(QLatin1String("packaging/supabase/schema.sql")));
    }
}

TEST_CASE("Engine: a claim never blocks the event loop, even against a server that never answers",
          "[engine][postgres][claims]")
{
    // Accepts connections (the kernel completes the handshake) and never says a word, as a PostgreSQL
    // behind a dead NAT would.
    QTcpServer silent;
    REQUIRE(silent.listen(QHostAddress::LocalHost));
    const Result<PostgresAddress> address = PostgresAddress::fromUrl(
        QStringLiteral("postgresql://nobody@127.0.0.1:%1/none?connect_timeout=3").arg(silent.serverPort()));
    REQUIRE(address.ok());
    PostgresqlClaims claims(*address, QStringLiteral("a"));
    EngineHarness h(nullptr, &claims);
    h.addTriggers(kTeamTriggers);
    const auto [push, samePushPolled] = pushFromBothSources();
    const auto [run, sameRunPolled] = runFromBothSources();
    REQUIRE(h.store.addEvent(push).ok());
    REQUIRE(h.store.addEvent(run).ok());

    QElapsedTimer elapsed;
    elapsed.start();
    const ProcessReport first = h.engine->process(push.id).value();
    const ProcessReport second = h.engine->process(run.id).value();
    CHECK(elapsed.elapsed() < 500);
    CHECK(first.claiming == QStringList{QStringLiteral("on-push")});
    CHECK(second.claiming == QStringList{QStringLiteral("on-run")});
    CHECK(h.engine->busyCount() == 2); // `events ingest` and `serve` wait for the answers

    int ticks = 0;
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, [&ticks]() { ++ticks; });
    tick.start(50);
    ProcessReport decided = h.withClaims({});
    CHECK(ticks >= 20); // the loop ran all along the ~3 s connect timeout
    // Both undecided after one connect timeout, not two: the second claim was waiting behind the first.
    CHECK(elapsed.elapsed() < 5500);
    CHECK(decided.errors.size() == 2);
    CHECK(decided.fired.isEmpty());
    CHECK(h.engine->busyCount() == 0);
}

TEST_CASE("Engine: after a crash, a dispatch or comment cut off in flight is looked for on GitHub, not sent "
          "again",
          "[engine][crash][dispatch][comment]")
{
    GitHubHarness gh;
    gh.clock.set(QDateTime::currentDateTimeUtc()); // GitHub's times and the action log's agree
    const QString repo = QStringLiteral("octocat/Hello-World");
    gh.server.setFileContent(repo, QStringLiteral(".github/workflows/ci.yml"),
                             "name: CI\non:\n  workflow_dispatch: {}\njobs: {}\n");
    EngineHarness h(gh.client.get());
    h.addTriggers(R"(
triggers:
  - name: send
    event: pull_request
    run:
      - workflow: {workflow: ci.yml, ref: main}
      - comment: {body: "seen {{ event.pull_request.number }}"}
  - name: lost
    event: pull_request
    run: [{workflow: {workflow: ci.yml, ref: release}}]
)");
    const Event event =
        storedEvent(QStringLiteral("d-lookup"), QStringLiteral("pull_request"), pullRequestOn(repo, 1347));
    REQUIRE(h.store.addEvent(event).ok());
    const QString dispatchTarget = repo + QStringLiteral(":ci.yml@main");
    const QStringList sent = crashAfterFiring(
        h.store.path(), event, QStringLiteral("send"),
        {{ActionKind::Dispatch, dispatchTarget, event.id, QStringLiteral("send"), false},
         {ActionKind::Comment, repo + QStringLiteral("#1347"), event.id, QStringLiteral("send"), false}},
        true);
    const QStringList lost =
        crashAfterFiring(h.store.path(), event, QStringLiteral("lost"),
                         {{ActionKind::Dispatch, repo + QStringLiteral(":ci.yml@release"), event.id,
                           QStringLiteral("lost"), false}},
                         true);
    // The first dispatch reached GitHub before the crash; "lost"'s did not.
    const auto wait = [](auto call) {
        bool finished = false;
        call([&finished](auto) { finished = true; });
        REQUIRE(QTest::qWaitFor([&]() { return finished; }, kWaitMs));
    };
    wait([&](auto finished) {
        gh.client->dispatchWorkflow(repo, QStringLiteral("ci.yml"), QStringLiteral("main"), {}, finished);
    });
    REQUIRE(gh.server.dispatches().size() == 1);

    const qsizetype commentsBefore = gh.server.comments(repo, 1347).size();
    const Result<ResumeReport> resumed = h.engine->resume();
    REQUIRE(resumed.ok());
    CHECK(resumed->lookedUp == 2);
    h.waitIdle();
    const ActionRecord dispatched = h.action(sent[0]);
    INFO(dispatched.error.toStdString());
    CHECK(dispatched.status == ActionStatus::Success);
    CHECK(dispatched.output.contains(QStringLiteral("run %1").arg(gh.server.dispatches()[0].runId)));
    CHECK(dispatched.output.contains(QLatin1String("found on GitHub after a restart")));
    CHECK(gh.server.dispatches().size() == 1); // not sent again
    // The queued comment then ran.
    CHECK(h.action(sent[1]).status == ActionStatus::Success);
    CHECK(gh.server.comments(repo, 1347).size() == commentsBefore + 1);
    // GitHub has no run for the other one: its outcome stays unknown, with what to check.
    const ActionRecord unknown = h.action(lost[0]);
    CHECK(unknown.status == ActionStatus::Interrupted);
    CHECK(unknown.error.contains(QLatin1String("GitHub shows no run dispatched since it started")));

    // A comment cut off in flight that GitHub has: success, not a second comment.
    const Event second =
        storedEvent(QStringLiteral("d-lookup-2"), QStringLiteral("pull_request"), pullRequestOn(repo, 1347));
    REQUIRE(h.store.addEvent(second).ok());
    h.addTriggers(R"(
triggers:
  - name: say
    event: pull_request
    run: [{comment: {body: "said once"}}]
)");
    const QString commentId = crashAfterFiring(
        h.store.path(), second, QStringLiteral("say"),
        {{ActionKind::Comment, repo + QStringLiteral("#1347"), second.id, QStringLiteral("say"), false}},
        true)[0];
    wait([&](auto finished) {
        gh.client->createIssueComment(repo, 1347, QStringLiteral("said once"), finished);
    });
    const int comments = int(gh.server.comments(repo, 1347).size());
    REQUIRE(h.engine->resume()->lookedUp == 1);
    h.waitIdle();
    CHECK(h.action(commentId).status == ActionStatus::Success);
    CHECK(gh.server.comments(repo, 1347).size() == comments);
}
