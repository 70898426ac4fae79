#include "catch.h"
#include "github/githubtypes.h"
#include "github/workflowinputs.h"

#include <QJsonDocument>
#include <QTimeZone>

using namespace exeserver;

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(text).object();
}

} // namespace

TEST_CASE("Value types ignore unknown fields and tolerate missing ones", "[github]")
{
    const WorkflowRun empty = WorkflowRun::fromJson({});
    CHECK(empty.id == 0);
    CHECK(empty.conclusion.isEmpty());
    CHECK_FALSE(empty.createdAt.isValid());

    const WorkflowRun run = WorkflowRun::fromJson(json(R"({"id": 30433642, "status": "completed",
        "conclusion": null, "brand_new_field": {"x": [1,2]}, "actor": {"login": "octocat"},
        "created_at": "2026-03-01T10:00:00Z", "run_number": 7})"));
    CHECK(run.id == 30433642);
    CHECK(run.conclusion.isEmpty());
    CHECK(run.actor == QLatin1String("octocat"));
    CHECK(run.runNumber == 7);
    CHECK(run.createdAt == QDateTime(QDate(2026, 3, 1), QTime(10, 0), QTimeZone::utc()));

    const Job job = Job::fromJson(json(R"({"id": 1, "steps": [{"name": "Set up job", "number": 1}, {}]})"));
    REQUIRE(job.steps.size() == 2);
    CHECK(job.steps[0].name == QLatin1String("Set up job"));

    const Repository repo = Repository::fromJson(json(R"({"full_name": "octo-org/octo-repo"})"));
    CHECK(repo.owner == QLatin1String("octo-org"));
    CHECK(repo.name == QLatin1String("octo-repo"));

    const PullRequest pr =
        PullRequest::fromJson(json(R"({"number": 5, "head": null, "merged_at": "2026-01-01T00:00:00Z"})"));
    CHECK(pr.number == 5);
    CHECK(pr.headRef.isEmpty());
    CHECK(pr.merged);

    CHECK(Comment::fromJson(json(R"({"user": null, "body": "hi"})")).author.isEmpty());
    CHECK(Workflow::fromJson(json(R"({"path": ".github/workflows/ci.yml"})")).fileName() ==
          QLatin1String("ci.yml"));
    CHECK(Notification::fromJson(json(R"({"subject": {"title": "t"}})")).title == QLatin1String("t"));
}

TEST_CASE("workflow_dispatch inputs are parsed into typed inputs", "[github][yaml]")
{
    const QByteArray yaml = R"(
name: Deploy
on:
  push:
    branches: [main]
  workflow_dispatch:
    inputs:
      target:
        description: Where to deploy
        required: true
        type: choice
        options: [staging, production]
        default: staging
      verbose:
        type: boolean
        default: true
      retries:
        type: number
        default: 3
      env:
        type: environment
        required: false
      note:
        description: Free text
jobs: {}
)";
    const auto inputs = parseDispatchInputs(yaml, QStringLiteral("deploy.yml"));
    REQUIRE(inputs.ok());
    REQUIRE(inputs->size() == 5);
    CHECK(inputs->at(0).name == QLatin1String("target"));
    CHECK(inputs->at(0).type == DispatchInput::Type::Choice);
    CHECK(inputs->at(0).required);
    CHECK(inputs->at(0).description == QLatin1String("Where to deploy"));
    CHECK(inputs->at(0).options == QStringList{QStringLiteral("staging"), QStringLiteral("production")});
    CHECK(inputs->at(0).defaultValue == QLatin1String("staging"));
    CHECK(inputs->at(1).type == DispatchInput::Type::Boolean);
    CHECK(inputs->at(1).defaultValue == QLatin1String("true"));
    CHECK(inputs->at(2).type == DispatchInput::Type::Number);
    CHECK(inputs->at(2).defaultValue == QLatin1String("3"));
    CHECK(inputs->at(3).type == DispatchInput::Type::Environment);
    CHECK_FALSE(inputs->at(3).required);
    CHECK_FALSE(inputs->at(3).hasDefault);
    CHECK(inputs->at(4).type == DispatchInput::Type::String);
    CHECK(inputs->at(4).toJson().value(QLatin1String("type")).toString() == QLatin1String("string"));
}

TEST_CASE("workflow_dispatch without inputs, as a list entry or a bare key", "[github][yaml]")
{
    for (const QByteArray &yaml :
         {QByteArray("on: workflow_dispatch\n"), QByteArray("on: [push, workflow_dispatch]\n"),
          QByteArray("on:\n  workflow_dispatch:\n"),
          QByteArray("\"on\":\n  workflow_dispatch: {inputs: {}}\n")}) {
        const auto inputs = parseDispatchInputs(yaml, QStringLiteral("ci.yml"));
        INFO(yaml.toStdString());
        REQUIRE(inputs.ok());
        CHECK(inputs->isEmpty());
    }
}

TEST_CASE("A workflow without workflow_dispatch or with malformed YAML gives a clear error", "[github][yaml]")
{
    const auto notDispatchable = parseDispatchInputs("on: [push]\n", QStringLiteral("ci.yml"));
    REQUIRE_FALSE(notDispatchable.ok());
    CHECK(notDispatchable.error().kind == QLatin1String("not_dispatchable"));
    CHECK(notDispatchable.error().message.contains(QLatin1String("workflow_dispatch")));

    const auto malformed =
        parseDispatchInputs("on:\n  workflow_dispatch:\n    inputs: [unclosed\n", QStringLiteral("ci.yml"));
    REQUIRE_FALSE(malformed.ok());
    CHECK(malformed.error().kind == QLatin1String("invalid_workflow"));
    CHECK(malformed.error().message.startsWith(QLatin1String("ci.yml: not valid YAML at line")));

    const auto badType = parseDispatchInputs(
        "on:\n  workflow_dispatch:\n    inputs:\n      x:\n        type: color\n", QStringLiteral("ci.yml"));
    REQUIRE_FALSE(badType.ok());
    CHECK(badType.error().message.contains(QLatin1String("unknown type \"color\"")));

    const auto choiceWithoutOptions = parseDispatchInputs(
        "on:\n  workflow_dispatch:\n    inputs:\n      x:\n        type: choice\n", QStringLiteral("ci.yml"));
    REQUIRE_FALSE(choiceWithoutOptions.ok());

    CHECK_FALSE(parseDispatchInputs("- just\n- a list\n", QStringLiteral("ci.yml")).ok());
    CHECK_FALSE(parseDispatchInputs("", QStringLiteral("ci.yml")).ok());
}
