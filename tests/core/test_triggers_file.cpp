#include "catch.h"
#include "triggers_testutil.h"

#include "triggers/actionkinds.h"
#include "triggers/triggerformat.h"
#include "triggers/triggermatcher.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>

using namespace exeserver;
using namespace exeserver::test;
using namespace Qt::StringLiterals;

namespace {

// The example from issue 7, plus every action kind and field.
const char *const kIssueExample = R"(# shared by the team
triggers:
  - name: test-feature-prs
    enabled: true
    repositories: ["octo-org/*"]
    event: pull_request
    actions: [opened, synchronize]
    conditions:
      all:
        - {field: pull_request.base.ref, op: equals, value: main}
        - {field: pull_request.title, op: regex, value: "^feat"}
    run:
      - codefile: {path: /home/me/scripts/check.sh, args: ["--fast"], timeout: 300, workdir: /home/me}
      - workflow: {repository: "{{ event.repository.full_name }}", workflow: ci.yml,
                   ref: "{{ event.pull_request.head.ref }}", inputs: {pr: "{{ event.pull_request.number }}"}}
      - comment: {preset: review}
      - notify: {title: "PR {{ event.pull_request.number }} opened", body: "{{ event.pull_request.title }}"}
  - name: pr-agent-commands
    enabled: false
    event: issue_comment
    conditions:
      any:
        - {field: comment.body, op: comment_command, value: [review, ask]}
        - not: {field: issue.pull_request, op: exists}
        - {field: issue.number, op: ">=", value: 10}
        - {field: "issue.labels[*].name", op: in, value: [bug, "1.0", 42, true]}
    ignore: {bots: true, titles: ["^WIP"], labels: [skip], branches: ["dependabot/*"], target_branches: [gh-pages]}
    debounce: 30
    rate_limit: {max: 10, per: 60}
    run:
      - reaction: eyes
      - comment: {body: "Asked: {{ command.args }}", pr: "{{ event.issue.number }}"}
      - rerun_failed:
      - cancel: {run: "123"}
      - codefile: {path: run.py, pass_token: true, args: [1, "true", "null", ""]}
)";

} // namespace

TEST_CASE("TriggerFile loads the issue's YAML example", "[triggers][file]")
{
    const QList<Trigger> triggers = parseTriggers(kIssueExample);
    REQUIRE(triggers.size() == 2);
    const Trigger &t = triggers[0];
    CHECK(t.name == u"test-feature-prs");
    CHECK(t.enabled);
    CHECK(t.matchesRepository(u"octo-org/anything"));
    CHECK(t.event == u"pull_request");
    CHECK(t.actions == QStringList{u"opened"_s, u"synchronize"_s});
    REQUIRE(t.conditions.has_value());
    CHECK(t.conditions->leafCount() == 2);
    REQUIRE(t.run.size() == 4);
    const auto &code = std::get<CodefileAction>(t.run[0]);
    CHECK(code.path == u"/home/me/scripts/check.sh");
    CHECK(code.args == QStringList{u"--fast"_s});
    CHECK(code.timeoutSeconds == 300);
    CHECK(code.workdir == u"/home/me");
    CHECK_FALSE(code.passToken);
    const auto &wf = std::get<WorkflowAction>(t.run[1]);
    CHECK(wf.workflow == u"ci.yml");
    CHECK(wf.inputs.value(u"pr"_s) == u"{{ event.pull_request.number }}");
    CHECK(std::get<CommentAction>(t.run[2]).preset == u"review");
    CHECK(std::get<NotifyAction>(t.run[3]).title == u"PR {{ event.pull_request.number }} opened");

    const Trigger &u = triggers[1];
    CHECK_FALSE(u.enabled);
    CHECK(u.ignore.bots);
    CHECK(u.debounceSeconds == 30);
    CHECK(u.rateLimit.max == 10);
    CHECK(std::get<ReactionAction>(u.run[0]).content == u"eyes");
    CHECK(std::get<CancelRunAction>(u.run[3]).run == u"123");
    const auto &py = std::get<CodefileAction>(u.run[4]);
    CHECK(py.passToken);
    CHECK(py.args == QStringList{u"1"_s, u"true"_s, u"null"_s, QString()});
    // Quoted "1.0" stays text; 42 and true stay typed.
    const QJsonArray in = u.conditions->children()[3].value().toArray();
    CHECK(in == QJsonArray{u"bug"_s, u"1.0"_s, 42, true});
}

TEST_CASE("TriggerFile export round-trips through YAML and JSON", "[triggers][file]")
{
    const QList<Trigger> original = parseTriggers(kIssueExample);
    const QByteArray yaml = TriggerFile::toYaml(original);
    INFO(yaml.toStdString());
    auto again = TriggerFile::parse(yaml);
    REQUIRE(again.ok());
    REQUIRE(again->size() == original.size());
    for (qsizetype i = 0; i < original.size(); ++i) {
        CHECK(TriggerFile::toJsonObject(again->at(i)) == TriggerFile::toJsonObject(original[i]));
        CHECK(again->at(i).run == original[i].run);
    }
    CHECK(TriggerFile::toYaml(*again) == yaml);

    const QByteArray json = TriggerFile::toJson(original);
    auto fromJson = TriggerFile::parse(json);
    REQUIRE(fromJson.ok());
    CHECK(TriggerFile::toJson(*fromJson) == json);

    QTemporaryDir dir;
    for (const char *name : {"triggers.yaml", "triggers.json"}) {
        const QString path = dir.filePath(QString::fromLatin1(name));
        REQUIRE(TriggerFile::save(path, original).ok());
        auto loaded = TriggerFile::load(path);
        REQUIRE(loaded.ok());
        CHECK(TriggerFile::toJson(*loaded) == json);
    }
    auto single = TriggerFile::fromJsonObject(TriggerFile::toJsonObject(original[1]));
    REQUIRE(single.ok());
    CHECK(TriggerFile::toJsonObject(*single) == TriggerFile::toJsonObject(original[1]));
}

TEST_CASE("TriggerFile accepts JSON of the same shape", "[triggers][file]")
{
    auto parsed = TriggerFile::parse(R"({"triggers": [{"name": "j", "event": "push",
        "conditions": {"all": [{"field": "ref", "op": "equals", "value": "refs/heads/main"}]},
        "run": [{"notify": {"title": "pushed"}}]}]})");
    REQUIRE(parsed.ok());
    CHECK(parsed->front().name == u"j");
    // A bare list works too.
    CHECK(TriggerFile::parse(R"([{"name": "k", "event": "*"}])").ok());
    CHECK(TriggerFile::parse("").ok());
    CHECK(TriggerFile::parse("triggers:\n").ok());
}

TEST_CASE("TriggerFile errors name the trigger and the field and the position", "[triggers][file][errors]")
{
    SECTION("YAML syntax error with line and column")
    {
        const QString e = parseError("triggers:\n  - name: x\n    event: [unclosed\n");
        CHECK(e.startsWith(u"line "));
    }
    SECTION("JSON syntax error with line and column")
    {
        const QString e = parseError("{\"triggers\": [\n  {\"name\": \"x\",}\n]}");
        CHECK(e.contains(u"line 2"));
    }
    SECTION("bad regex: trigger, field, regex position, file position")
    {
        const QString e = parseError(R"(triggers:
  - name: ok
    event: push
  - name: broken
    event: pull_request
    conditions:
      all:
        - {field: pull_request.title, op: regex, value: "^(feat"}
)");
        CHECK(e.contains(u"trigger \"broken\" (#2)"));
        CHECK(e.contains(u"conditions.all[0].value"));
        CHECK(e.contains(u"position 6"));
        CHECK(e.contains(u"line 8"));
        CHECK(e ==
              u"trigger \"broken\" (#2): conditions.all[0].value: invalid regular expression \"^(feat\": "
              "missing closing parenthesis at position 6 (line 8, column 50)"_s);
    }
    SECTION("field-level mistakes")
    {
        struct Case
        {
            const char *yaml;
            const char *expected;
        };
        const Case cases[] = {
            {"triggers:\n  - {event: push}\n", "name: is required"},
            {"triggers:\n  - {name: a}\n", "event: is required"},
            {"triggers:\n  - {name: a, event: push, conditon: {}}\n", "unknown field \"conditon\""},
            {"triggers:\n  - {name: a, event: push, enabled: yes}\n", "expected true or false"},
            {"triggers:\n  - {name: a, event: push}\n  - {name: a, event: push}\n", "already has this name"},
            {"triggers:\n  - {name: a, event: push, conditions: {field: x, op: like, value: 1}}\n",
             "unknown operator \"like\""},
            {"triggers:\n  - {name: a, event: push, conditions: {field: x, op: \">\", value: ten}}\n",
             "needs a number"},
            {"triggers:\n  - {name: a, event: push, conditions: {field: \"a..b\", op: exists}}\n",
             "conditions.field"},
            {"triggers:\n  - {name: a, event: push, conditions: {all: [], any: []}}\n", "only field"},
            {"triggers:\n  - {name: a, event: push, conditions: {all: {}}}\n", "expected a list"},
            {"triggers:\n  - {name: a, event: push, conditions: 5}\n", "expected a condition"},
            {"triggers:\n  - {name: a, event: push, run: [{codefile: {args: [x]}}]}\n",
             "run[0].codefile.path: is required"},
            {"triggers:\n  - {name: a, event: push, run: [{codefile: {path: x, timeout: -1}}]}\n",
             "must be between"},
            {"triggers:\n  - {name: a, event: push, run: [{codefile: {path: x, timeout: 1.5}}]}\n",
             "whole number"},
            {"triggers:\n  - {name: a, event: push, run: [{launch: {}}]}\n", "unknown action \"launch\""},
            {"triggers:\n  - {name: a, event: push, run: [{comment: {}}]}\n", "needs either preset or body"},
            {"triggers:\n  - {name: a, event: push, run: [{reaction: wave}]}\n", "unknown reaction"},
            {"triggers:\n  - {name: a, event: push, run: [{workflow: {workflow: x, inputs: [1]}}]}\n",
             "inputs"},
            {"triggers:\n  - {name: a, event: push, run: {notify: {}}}\n", "expected a list of actions"},
            {"triggers:\n  - {name: a, event: push, ignore: {titles: [\"(\"]}}\n", "ignore.titles[0]"},
            {"triggers:\n  - {name: a, event: push, rate_limit: 5}\n", "rate_limit"},
            {"triggers: 5\n", "expected a list of triggers"},
            {"triggers:\n  - {name: a, event: push, run: [{notify: {title: \"PR {{ event..number }}\"}}]}\n",
             "run[0].notify.title: placeholder {{ event..number }} at position 4 is not a field path"},
            {"- 1\n- 2\n", "trigger #1"},
            {"hello\n", "expected \"triggers:\""},
            {"triggers:\n  - {name: a, name: b, event: push}\n", "appears twice"},
        };
        for (const Case &c : cases) {
            INFO(c.yaml);
            const QString e = parseError(c.yaml);
            INFO(e.toStdString());
            CHECK(e.contains(QString::fromUtf8(c.expected)));
        }
        CHECK(parseError("triggers:\n  - name: x\n    event: push\n    run:\n      - codefile: {}\n")
                  .contains(u"line 5"));
    }
}

TEST_CASE("TriggerFile survives malformed and hostile input", "[triggers][file][errors]")
{
    const QByteArray inputs[] = {
        "\t\t- :",
        "triggers: [[[[[",
        "{\"triggers\": ",
        "triggers:\n  - name: &a x\n    event: *a\n", // aliases are fine
        "triggers:\n  - *undefined\n",
        "!!binary abc",
        "triggers:\n  - {name: a, event: push, conditions: {not: {not: {not: {field: x, op: exists}}}}}\n",
        QByteArray(200, '[') + QByteArray(200, ']'),
        QByteArray(100000, '['),
        QByteArray(100000, '{'),
        "triggers: " + QByteArray(100000, '['),
        "triggers: " + QByteArray(100000, '{').replace("{", "{a: "),
        "triggers:\n" + QByteArray(50000, '-').replace("-", "- "),
        QByteArray("triggers:\n  - {name: a, event: push, conditions: ") + QByteArray(100, '[') +
            QByteArray(100, ']') + "}\n",
        QByteArray("\xff\xfe\x00garbage", 10),
        "---\n---\n",
        "triggers:\n  - ? [complex, key]\n    : value\n",
    };
    for (const QByteArray &input : inputs) {
        INFO(input.toStdString());
        auto r = TriggerFile::parse(input); // must return, either way
        if (!r.ok())
            CHECK_FALSE(r.error().message.isEmpty());
    }
    CHECK(
        TriggerFile::parse(QByteArray(TriggerFile::kMaxBytes + 1, ' ')).error().message.contains(u"larger"));
    CHECK(TriggerFile::load(u"/nonexistent/triggers.yaml"_s).error().kind == u"io");
}

TEST_CASE("TriggerFile survives every truncation and thousands of byte mutations", "[triggers][file][fuzz]")
{
    const QByteArray example(kIssueExample);
    const QByteArray json = TriggerFile::toJson(parseTriggers(kIssueExample));
    int accepted = 0;
    for (const QByteArray &source : {example, json}) {
        for (qsizetype cut = 0; cut < source.size(); cut += 3)
            accepted += TriggerFile::parse(source.left(cut)).ok() ? 1 : 0;
        // A fixed-seed generator keeps failures reproducible.
        quint32 state = 12345;
        auto next = [&state] {
            state = state * 1664525u + 1013904223u;
            return state >> 8;
        };
        const char alphabet[] = "{}[]:,-\"'*&!|>#\n\t ?%@`0a";
        for (int i = 0; i < 3000; ++i) {
            QByteArray mutated = source;
            for (int k = 0; k < 3; ++k)
                mutated[qsizetype(next() % quint32(mutated.size()))] =
                    alphabet[next() % (sizeof(alphabet) - 1)];
            auto r = TriggerFile::parse(mutated);
            accepted += r.ok() ? 1 : 0;
            if (!r.ok())
                REQUIRE_FALSE(r.error().message.isEmpty());
        }
    }
    CHECK(accepted > 0);
}

// Every example payload of @octokit/webhooks-examples through a set of triggers: no crash, sane results.
TEST_CASE("All webhook example payloads run through a set of triggers", "[triggers][examples]")
{
    QStringList candidates{u"/tmp/npmlab/node_modules/@octokit/webhooks-examples/api.github.com/index.json"_s,
                           QStringLiteral(EXESERVER_SOURCE_DIR
                                          "/tests/contract/node_modules/@octokit/webhooks-examples/"
                                          "api.github.com/index.json")};
    if (const QByteArray env = qgetenv("EXESERVER_WEBHOOK_EXAMPLES"); !env.isEmpty())
        candidates.prepend(QString::fromLocal8Bit(env));
    QList<EventContext> events;
    for (const QString &path : candidates) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QJsonArray definitions = QJsonDocument::fromJson(file.readAll()).array();
        for (const QJsonValue &definition : definitions) {
            const QString type = definition[u"name"_s].toString();
            for (const QJsonValue &example : definition[u"examples"_s].toArray())
                events.append(EventContext::fromPayload(type, example.toObject()));
        }
        break;
    }
    if (events.isEmpty()) { // the package is not installed: use the payloads kept in tests/data
        for (const auto &[type, file] :
             {std::pair{"pull_request", "pull_request.opened.json"},
              std::pair{"pull_request", "pull_request.synchronize.json"},
              std::pair{"issue_comment", "issue_comment.created.json"},
              std::pair{"workflow_run", "workflow_run.completed.json"}, std::pair{"push", "push.json"}})
            events.append(webhookEvent(type, file));
    } else {
        CHECK(events.size() >= 300);
    }

    const QList<Trigger> triggers = parseTriggers(R"(
triggers:
  - name: any-event-everything
    event: "*"
    conditions:
      any:
        - {field: action, op: in, value: [opened, created, completed, "1", 2]}
        - {field: sender.login, op: glob, value: "*"}
        - {field: repository.full_name, op: regex, value: "^[^/]+/.+$"}
        - {field: "pull_request.labels[*].name", op: contains, value: bug}
        - {field: "commits[*].author.name", op: starts_with, value: "Mona"}
        - {field: "issue.number", op: ">", value: 0}
        - {field: "comment.body", op: comment_command}
        - not: {field: "zen", op: exists}
        - {field: "repository.owner", op: equals, value: "x"}
        - {field: "repository.size", op: "<=", value: 1e9}
    ignore: {bots: true, titles: ["WIP"], labels: [wontfix], branches: ["*"], target_branches: [main]}
    run: [{notify: {title: x}}]
  - name: prs
    event: pull_request
    repositories: ["*/*"]
    conditions: {all: [{field: pull_request.number, op: ">=", value: 1}, {field: pull_request.draft, op: equals, value: false}]}
  - name: deep-wildcards
    event: "*"
    conditions: {field: "*", op: exists}
)");
    int matched = 0;
    int traced = 0;
    for (const EventContext &e : events) {
        for (const Trigger &t : triggers) {
            CommentCommand command;
            const bool fast = TriggerMatcher::matches(t, e, &command);
            const MatchResult slow = TriggerMatcher::evaluate(t, e, {true, false});
            REQUIRE(fast == slow.matched);
            matched += fast ? 1 : 0;
            traced += int(slow.conditions.size());
        }
    }
    CHECK(matched > 0);
    CHECK(traced > 0);
}

TEST_CASE("TriggerFile: a code file's id, and steps placeholders that name an earlier one",
          "[triggers][file]")
{
    const QList<Trigger> triggers = parseTriggers(R"(
triggers:
  - name: review
    event: pull_request
    run:
      - codefile: {id: check, path: /opt/check.sh}
      - notify: {title: "verdict {{ steps.check.outputs.verdict }}"}
      - codefile: {path: /opt/next.sh, args: ["{{ steps.check.outputs.notes }}"]}
)");
    REQUIRE(triggers.size() == 1);
    CHECK(std::get<CodefileAction>(triggers[0].run[0]).id == u"check"_s);
    CHECK(std::get<CodefileAction>(triggers[0].run[2]).id.isEmpty());
    for (const QByteArray &text : {TriggerFile::toYaml(triggers), TriggerFile::toJson(triggers)})
        CHECK(parseTriggers(text.constData())[0].run == triggers[0].run);

    const auto bad = [](const char *run) {
        return parseError(
            (QByteArray("triggers:\n  - name: x\n    event: push\n    run:\n") + run).constData());
    };
    CHECK(
        bad("      - notify: {title: \"{{ steps.check.outputs.v }}\"}\n"
            "      - codefile: {id: check, path: /a}\n")
            .contains(
                u"run[0].notify: {{ steps.check.outputs.v }}: no code file with id \"check\" runs before"_s));
    CHECK(bad("      - codefile: {id: check, path: /a}\n"
              "      - codefile: {id: check, path: /b}\n")
              .contains(u"run[1].codefile.id"_s));
    CHECK(bad("      - codefile: {id: check, path: /a}\n"
              "      - notify: {title: \"{{ steps.check.verdict }}\"}\n")
              .contains(u"write steps.ID.outputs.NAME"_s));
    CHECK(bad("      - codefile: {id: 9lives, path: /a}\n").contains(u"is not a step id"_s));
}

TEST_CASE("TriggerFile writes YAML in the file's layout: key order, flow maps for actions and leaves",
          "[triggers][file]")
{
    // The layout as it was when YAML had its own writer; now it is rendered from the JSON form.
    const char *const expected = R"(triggers:
  - name: test-feature-prs
    enabled: true
    repositories: [octo-org/*]
    event: pull_request
    actions: [opened, synchronize]
    conditions:
      all:
        - {field: pull_request.base.ref, op: equals, value: main}
        - {field: pull_request.title, op: regex, value: ^feat}
    run:
      - codefile: {path: /home/me/scripts/check.sh, args: [--fast], timeout: 300, workdir: /home/me}
      - workflow: {repository: "{{ event.repository.full_name }}", workflow: ci.yml, ref: "{{ event.pull_request.head.ref }}", inputs: {pr: "{{ event.pull_request.number }}"}}
      - comment: {preset: review}
      - notify: {title: "PR {{ event.pull_request.number }} opened", body: "{{ event.pull_request.title }}"}
  - name: pr-agent-commands
    enabled: false
    event: issue_comment
    conditions:
      any:
        - {field: comment.body, op: comment_command, value: [review, ask]}
        - not: {field: issue.pull_request, op: exists}
        - {field: issue.number, op: ">=", value: 10}
        - {field: "issue.labels[*].name", op: in, value: [bug, "1.0", 42, true]}
    ignore:
      bots: true
      titles: [^WIP]
      labels: [skip]
      branches: [dependabot/*]
      target_branches: [gh-pages]
    debounce: 30
    rate_limit: {max: 10, per: 60}
    run:
      - reaction: {content: eyes}
      - comment: {body: "Asked: {{ command.args }}", pr: "{{ event.issue.number }}"}
      - rerun_failed: {}
      - cancel: {run: "123"}
      - codefile: {path: run.py, args: ["1", "true", "null", ""], timeout: 300, pass_token: true}
)";
    CHECK(TriggerFile::toYaml(parseTriggers(kIssueExample)) == QByteArray(expected));
}

TEST_CASE("Every action kind has one entry in the action table, read back from what it writes",
          "[triggers][file]")
{
    const QList<TriggerAction> samples{
        CodefileAction{QStringLiteral("lint"),
                       QStringLiteral("lint.sh"),
                       {QStringLiteral("--fast")},
                       60,
                       QStringLiteral("/tmp"),
                       true},
        WorkflowAction{QStringLiteral("o/r"),
                       QStringLiteral("ci.yml"),
                       QStringLiteral("main"),
                       {{QStringLiteral("pr"), QStringLiteral("{{ event.number }}")}}},
        CommentAction{QString(), QStringLiteral("hi"), QStringLiteral("a"), QStringLiteral("7")},
        NotifyAction{QStringLiteral("t"), QStringLiteral("b")},
        RerunFailedAction{QStringLiteral("12")},
        CancelRunAction{QStringLiteral("13")},
        ReactionAction{QStringLiteral("rocket")},
    };
    REQUIRE(samples.size() == qsizetype(std::variant_size_v<TriggerAction>));
    QStringList kinds;
    for (const TriggerAction &action : samples) {
        const TriggerActionKind *kind = actionkinds::find(actionKind(action));
        REQUIRE(kind);
        kinds.append(kind->kind);
        const QJsonObject fields = actionkinds::toJson(action).value(kind->kind).toObject();
        for (const QString &field : fields.keys())
            CHECK(kind->fields.contains(field));
        Trigger trigger;
        trigger.name = QStringLiteral("t");
        trigger.event = QStringLiteral("push");
        trigger.run = {action};
        const Result<Trigger> back = TriggerFile::fromJsonObject(TriggerFile::toJsonObject(trigger));
        REQUIRE(back.ok());
        CHECK(back->run.first() == action);
    }
    CHECK(kinds == TriggerFormat::actionKinds());
}
