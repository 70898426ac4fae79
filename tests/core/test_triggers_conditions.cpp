#include "catch.h"
#include "triggers_testutil.h"

#include "triggers/commentcommand.h"
#include "triggers/fieldpath.h"
#include "triggers/globpattern.h"
#include "triggers/triggergate.h"
#include "triggers/triggermatcher.h"
#include "util/clock.h"

#include <QJsonArray>

using namespace exeserver;
using namespace exeserver::test;
using Op = Condition::Op;
using namespace Qt::StringLiterals;

namespace {

QJsonObject samplePayload()
{
    return QJsonDocument::fromJson(R"({
        "action": "opened",
        "number": 7,
        "pull_request": {
            "number": 7, "title": "feat: faster parser", "draft": false, "additions": 120,
            "base": {"ref": "main"}, "head": {"ref": "feature/parser", "sha": "abc123"},
            "labels": [{"name": "bug"}, {"name": "perf"}],
            "user": {"login": "octocat"}, "milestone": null
        },
        "repository": {"full_name": "octo-org/engine"},
        "sender": {"login": "octocat", "type": "User"}
    })")
        .object();
}

bool eval(const char *field, Op op, const QJsonValue &value, const QJsonObject &payload = samplePayload())
{
    return leaf(field, op, value).matches(payload);
}

} // namespace

TEST_CASE("FieldPath parses dotted paths with indexes and wildcards", "[triggers][path]")
{
    const QJsonObject p = samplePayload();
    auto path = FieldPath::parse(QStringLiteral("pull_request.labels[*].name"));
    REQUIRE(path.ok());
    CHECK(path->hasWildcard());
    CHECK(path->collect(p) == QJsonArray{QStringLiteral("bug"), QStringLiteral("perf")});
    CHECK(FieldPath::parse(QStringLiteral("pull_request.labels[1].name"))->first(p) == QJsonValue(u"perf"_s));
    CHECK(FieldPath::parse(QStringLiteral("pull_request.labels[9].name"))->collect(p).isEmpty());
    CHECK(FieldPath::parse(QStringLiteral("pull_request.title.length"))->collect(p).isEmpty());
    CHECK(FieldPath::parse(QStringLiteral("pull_request[*]"))->collect(p).isEmpty());

    for (const char *bad : {"", "a..b", ".a", "a.", "a[", "a[x]", "a[-1]", "a]b", "[*]"}) {
        auto r = FieldPath::parse(QString::fromLatin1(bad));
        INFO(bad);
        CHECK_FALSE(r.ok());
        if (!r.ok())
            CHECK(r.error().message.contains(u"position"));
    }
}

TEST_CASE("GlobPattern matches stars and question marks and character classes", "[triggers][glob]")
{
    CHECK(GlobPattern(QStringLiteral("octo-org/*")).matches(u"octo-org/engine"));
    CHECK_FALSE(GlobPattern(QStringLiteral("octo-org/*")).matches(u"other/engine"));
    CHECK(GlobPattern(QStringLiteral("release/*")).matches(u"release/1.x/hotfix"));
    CHECK(GlobPattern(QStringLiteral("v?.[0-9]")).matches(u"v1.5"));
    CHECK_FALSE(GlobPattern(QStringLiteral("v?.[0-9]")).matches(u"v1.x"));
    CHECK(GlobPattern(QStringLiteral("[!a]*")).matches(u"beta"));
    CHECK_FALSE(GlobPattern(QStringLiteral("[!a]*")).matches(u"alpha"));
    CHECK(GlobPattern(QStringLiteral("*a*b*c")).matches(u"xxaxxbxxc"));
    CHECK_FALSE(GlobPattern(QStringLiteral("*a*b*c")).matches(u"xxaxxbxx"));
    CHECK(GlobPattern(QStringLiteral("a[b")).matches(u"a[b")); // unterminated class is literal
    CHECK(GlobPattern(QStringLiteral("exact")).isLiteral());
    CHECK(GlobPattern(QString()).matches(u""));
}

TEST_CASE("Every operator matches and refuses as documented", "[triggers][operators]")
{
    SECTION("equals / not_equals, including numbers and booleans")
    {
        CHECK(eval("pull_request.base.ref", Op::Equals, u"main"_s));
        CHECK_FALSE(eval("pull_request.base.ref", Op::Equals, u"develop"_s));
        CHECK(eval("pull_request.number", Op::Equals, 7));
        CHECK(eval("pull_request.number", Op::Equals, u"7"_s)); // quoted number in YAML
        CHECK(eval("pull_request.draft", Op::Equals, false));
        CHECK(eval("pull_request.milestone", Op::Equals, QJsonValue(QJsonValue::Null)));
        CHECK(eval("pull_request.labels[*].name", Op::Equals, u"perf"_s));
        CHECK(eval("pull_request.base.ref", Op::NotEquals, u"develop"_s));
        CHECK_FALSE(eval("pull_request.base.ref", Op::NotEquals, u"main"_s));
        CHECK_FALSE(eval("pull_request.labels[*].name", Op::NotEquals, u"bug"_s));
        CHECK(eval("pull_request.labels[*].name", Op::NotEquals, u"docs"_s));
        CHECK_FALSE(eval("pull_request.nothing", Op::NotEquals, u"x"_s)); // missing → no match
        CHECK_FALSE(eval("pull_request.base", Op::Equals, u"main"_s));    // object vs text
    }
    SECTION("contains / starts_with / glob / regex")
    {
        CHECK(eval("pull_request.title", Op::Contains, u"parser"_s));
        CHECK_FALSE(eval("pull_request.title", Op::Contains, u"Parser"_s));
        CHECK(eval("pull_request.labels", Op::Contains, u"x"_s) == false); // array of objects
        CHECK(eval("pull_request.title", Op::StartsWith, u"feat"_s));
        CHECK_FALSE(eval("pull_request.number", Op::StartsWith, u"7"_s)); // number is not text
        CHECK(eval("pull_request.head.ref", Op::Glob, u"feature/*"_s));
        CHECK_FALSE(eval("pull_request.head.ref", Op::Glob, u"fix/*"_s));
        CHECK(eval("pull_request.title", Op::Regex, u"^feat(\\(\\w+\\))?:"_s));
        CHECK(eval("pull_request.title", Op::Regex, u"(?i)FASTER"_s));
        CHECK_FALSE(eval("pull_request.additions", Op::Regex, u"1"_s));
        QJsonObject withArray = samplePayload();
        withArray.insert(u"tags"_s, QJsonArray{u"a"_s, u"b"_s});
        CHECK(eval("tags", Op::Contains, u"b"_s, withArray));
    }
    SECTION("bad regex is refused with its position")
    {
        auto r = Condition::leaf(u"pull_request.title"_s, Op::Regex, u"^feat(unclosed"_s);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.contains(u"position 14"));
        CHECK_FALSE(Condition::leaf(u"x"_s, Op::Regex, QJsonArray{}).ok());
    }
    SECTION("in / exists")
    {
        CHECK(eval("pull_request.base.ref", Op::In, QJsonArray{u"main"_s, u"master"_s}));
        CHECK_FALSE(eval("pull_request.base.ref", Op::In, QJsonArray{u"dev"_s}));
        CHECK(eval("pull_request.number", Op::In, QJsonArray{u"7"_s, 8}));
        CHECK_FALSE(Condition::leaf(u"x"_s, Op::In, u"main"_s).ok());
        CHECK(eval("pull_request.head.sha", Op::Exists, true));
        CHECK(eval("pull_request.head.sha", Op::Exists, QJsonValue()));
        CHECK(eval("pull_request.merged_by", Op::Exists, false));
        CHECK(eval("pull_request.milestone", Op::Exists, false)); // null counts as absent
        CHECK_FALSE(eval("pull_request.head", Op::Exists, false));
        CHECK_FALSE(Condition::leaf(u"x"_s, Op::Exists, u"yes"_s).ok());
    }
    SECTION("numeric comparisons; text is not a number")
    {
        CHECK(eval("pull_request.additions", Op::Greater, 100));
        CHECK_FALSE(eval("pull_request.additions", Op::Greater, 120));
        CHECK(eval("pull_request.additions", Op::GreaterOrEqual, 120));
        CHECK(eval("pull_request.additions", Op::Less, 500));
        CHECK(eval("pull_request.additions", Op::LessOrEqual, 120));
        CHECK_FALSE(eval("pull_request.title", Op::Less, 5));
        CHECK_FALSE(eval("pull_request.missing", Op::Less, 5));
        CHECK_FALSE(Condition::leaf(u"x"_s, Op::Less, u"5"_s).ok());
    }
    SECTION("type mismatches and missing fields never match and never crash")
    {
        const QJsonObject odd =
            QJsonDocument::fromJson(R"({"pull_request": [1, "two", null, {"title": 3}], "labels": "bug"})")
                .object();
        for (Op op : {Op::Equals, Op::NotEquals, Op::Contains, Op::StartsWith, Op::Glob, Op::Regex,
                      Op::CommentCommand}) {
            CHECK_FALSE(eval("pull_request.title", op, u"x"_s, odd));
            CHECK_FALSE(eval("labels[*].name", op, u"bug"_s, odd));
            CHECK_FALSE(eval("a.b.c", op, u"x"_s, QJsonObject()));
        }
        CHECK_FALSE(eval("pull_request[*].title", Op::Greater, 1, odd) ==
                    false); // 3 > 1 through the wildcard
        CHECK_FALSE(eval("pull_request[1]", Op::Greater, 1, odd));
    }
}

TEST_CASE("comment_command parses a PR-Agent style /command with arguments", "[triggers][command]")
{
    auto c = CommentCommand::parse(u"  /ask \"why is this slow?\" --verbose\nmore");
    REQUIRE(c.has_value());
    CHECK(c->name == u"ask");
    CHECK(c->args == u"\"why is this slow?\" --verbose\nmore");
    CHECK(c->argv == QStringList{u"why is this slow?"_s, u"--verbose"_s, u"more"_s});
    CHECK(CommentCommand::parse(u"/review")->args.isEmpty());
    CHECK_FALSE(CommentCommand::parse(u"please /review").has_value());
    CHECK_FALSE(CommentCommand::parse(u"/").has_value());
    CHECK_FALSE(CommentCommand::parse(u"/path/to/file").has_value());
    CHECK_FALSE(CommentCommand::parse(u"").has_value());

    QJsonObject payload{{u"comment"_s, QJsonObject{{u"body"_s, u"/improve --extended"_s}}}};
    CommentCommand seen;
    CHECK(leaf("", Op::CommentCommand, u"improve"_s).matches(payload, &seen));
    CHECK(seen.name == u"improve");
    CHECK(seen.args == u"--extended");
    CHECK(leaf("", Op::CommentCommand, QJsonArray{u"/review"_s, u"improve"_s}).matches(payload));
    CHECK(leaf("comment.body", Op::CommentCommand, QJsonValue()).matches(payload));
    CHECK_FALSE(leaf("", Op::CommentCommand, u"review"_s).matches(payload));
    CHECK_FALSE(Condition::leaf(u""_s, Op::Equals, u"x"_s).ok());
}

TEST_CASE("all / any / not combine conditions and explain traces every node", "[triggers][tree]")
{
    std::vector<Condition> anyOf;
    anyOf.push_back(leaf("pull_request.labels[*].name", Op::Equals, u"docs"_s));
    anyOf.push_back(leaf("pull_request.additions", Op::Greater, 100));
    std::vector<Condition> allOf;
    allOf.push_back(leaf("pull_request.base.ref", Op::Equals, u"main"_s));
    allOf.push_back(Condition::any(std::move(anyOf)));
    allOf.push_back(Condition::negate(leaf("pull_request.draft", Op::Equals, true)));
    const Condition tree = Condition::all(std::move(allOf));
    CHECK(tree.leafCount() == 4);
    CHECK(tree.matches(samplePayload()));

    QList<ConditionTrace> trace;
    CHECK(tree.explain(samplePayload(), trace));
    REQUIRE(trace.size() == 7);
    CHECK(trace[0].node == u"all");
    CHECK(trace[1].field == u"pull_request.base.ref");
    CHECK(trace[1].seen == QJsonArray{u"main"_s});
    CHECK(trace[3].depth == 2);
    CHECK(trace[3].seen == QJsonArray{u"bug"_s, u"perf"_s});
    CHECK_FALSE(trace[3].matched);
    CHECK(trace[4].matched);
    CHECK(trace[5].node == u"not");

    QJsonObject other = samplePayload();
    other.remove(u"pull_request"_s);
    trace.clear();
    CHECK_FALSE(tree.explain(other, trace));
    CHECK(trace[1].note == u"field missing");
    CHECK(Condition::all({}).matches(QJsonObject()));
    CHECK_FALSE(Condition::any({}).matches(QJsonObject()));
}

TEST_CASE("TriggerMatcher checks event type and actions and repositories and ignore rules and conditions",
          "[triggers][matcher]")
{
    auto triggers = parseTriggers(R"(
triggers:
  - name: feature-prs
    repositories: ["octo-org/*", "me/single"]
    event: pull_request
    actions: [opened, synchronize]
    conditions:
      all:
        - {field: pull_request.base.ref, op: equals, value: main}
        - {field: pull_request.title, op: regex, value: "^feat"}
    ignore:
      bots: true
      senders: ["renovate*"]
      titles: ["\\[WIP\\]"]
      labels: [skip-ci]
      branches: ["dependabot/*"]
      target_branches: ["gh-pages"]
    run:
      - notify: {title: "x"}
)");
    const Trigger &t = triggers.front();
    const EventContext base = EventContext::fromPayload(u"pull_request"_s, samplePayload(), u"e1"_s);
    CHECK(TriggerMatcher::matches(t, base));
    CHECK(TriggerMatcher::evaluate(t, base).matched);

    auto variant = [&](auto change) {
        EventContext e = base;
        change(e);
        e = EventContext::fromPayload(e.type, e.payload, e.id);
        return TriggerMatcher::evaluate(t, e);
    };
    auto set = [](QJsonObject &o, const QString &path, const QJsonValue &v) {
        // Two-level setter is enough for these tests.
        const QStringList parts = path.split(u'.');
        if (parts.size() == 1) {
            o.insert(parts[0], v);
            return;
        }
        QJsonObject inner = o.value(parts[0]).toObject();
        if (parts.size() == 2) {
            inner.insert(parts[1], v);
        } else {
            QJsonObject deeper = inner.value(parts[1]).toObject();
            deeper.insert(parts[2], v);
            inner.insert(parts[1], deeper);
        }
        o.insert(parts[0], inner);
    };

    CHECK(variant([](EventContext &e) { e.type = u"issues"_s; }).reason.contains(u"event is issues"));
    CHECK(variant([&](EventContext &e) {
              set(e.payload, u"action"_s, u"closed"_s);
          }).reason.contains(u"action is \"closed\""));
    CHECK(variant([&](EventContext &e) {
              set(e.payload, u"repository.full_name"_s, u"OCTO-ORG/x"_s);
          }).reason.contains(u"not selected")); // globs are case-sensitive...
    CHECK(variant([&](EventContext &e) {
              set(e.payload, u"repository.full_name"_s, u"Me/Single"_s);
          }).matched); // ...literal names are not, as on GitHub
    CHECK(variant([&](EventContext &e) {
              set(e.payload, u"repository.full_name"_s, u"octo-org/other"_s);
          }).matched);
    CHECK(variant([&](EventContext &e) {
              set(e.payload, u"sender.type"_s, u"Bot"_s);
          }).reason.contains(u"bot"));
    CHECK(variant([&](EventContext &e) {
              set(e.payload, u"sender.login"_s, u"github-actions[bot]"_s);
          }).reason.contains(u"bot"));
    CHECK(variant([&](EventContext &e) {
              set(e.payload, u"sender.login"_s, u"renovate-x"_s);
          }).reason.contains(u"renovate*"));
    CHECK(variant([&](EventContext &e) {
              set(e.payload, u"pull_request.title"_s, u"feat: x [WIP]"_s);
          }).reason.contains(u"title"));
    CHECK(variant([&](EventContext &e) {
              set(e.payload, u"pull_request.labels"_s, QJsonArray{QJsonObject{{u"name"_s, u"skip-ci"_s}}});
          }).reason.contains(u"skip-ci"));
    CHECK(variant([&](EventContext &e) {
              set(e.payload, u"pull_request.head.ref"_s, u"dependabot/npm/x"_s);
          }).reason.contains(u"branch"));
    CHECK(variant([&](EventContext &e) {
              set(e.payload, u"pull_request.base.ref"_s, u"gh-pages"_s);
          }).reason.contains(u"target branch"));
    CHECK(variant([&](EventContext &e) { set(e.payload, u"pull_request.title"_s, u"fix: y"_s); }).reason ==
          u"conditions did not match");

    Trigger disabled = t;
    disabled.enabled = false;
    CHECK_FALSE(TriggerMatcher::matches(disabled, base));
    CHECK(TriggerMatcher::evaluate(disabled, base).reason.contains(u"disabled"));
    const MatchResult dry = TriggerMatcher::evaluate(disabled, base, {true, true});
    CHECK(dry.matched);
    CHECK(dry.steps.size() == 5);
    CHECK(dry.conditions.size() == 3);

    // Traced evaluation keeps going after a failed gate so the dry run shows everything.
    EventContext wrong = base;
    wrong.type = u"push"_s;
    const MatchResult traced = TriggerMatcher::evaluate(t, wrong, {true, false});
    CHECK_FALSE(traced.matched);
    CHECK(traced.conditions.size() == 3);
    CHECK(traced.reason.contains(u"event is push"));
}

TEST_CASE("A comment_command match exposes the command in the result", "[triggers][matcher][command]")
{
    auto triggers = parseTriggers(R"(
triggers:
  - name: ask
    event: issue_comment
    actions: [created]
    conditions: {field: comment.body, op: comment_command, value: [ask, review]}
    run: [{comment: {preset: ask, args: "{{ command.args }}"}}]
)");
    EventContext e = webhookEvent("issue_comment", "issue_comment.created.json");
    CHECK_FALSE(TriggerMatcher::evaluate(triggers[0], e).matched);
    QJsonObject payload = e.payload;
    QJsonObject comment = payload.value(u"comment"_s).toObject();
    comment.insert(u"body"_s, u"/ask \"does this leak?\""_s);
    payload.insert(u"comment"_s, comment);
    e = EventContext::fromPayload(e.type, payload, e.id);
    const MatchResult r = TriggerMatcher::evaluate(triggers[0], e);
    REQUIRE(r.matched);
    REQUIRE(r.command.has_value());
    CHECK(r.command->name == u"ask");
    CHECK(r.command->argv == QStringList{u"does this leak?"_s});
}

TEST_CASE("EventContext extracts what Actions scripts expect", "[triggers][event]")
{
    const EventContext pr = webhookEvent("pull_request", "pull_request.opened.json");
    CHECK(pr.action == u"opened");
    CHECK_FALSE(pr.repository.isEmpty());
    CHECK(pr.ref.startsWith(u"refs/pull/"));
    CHECK_FALSE(pr.headRef.isEmpty());
    CHECK(pr.number() > 0);
    const EventContext push = webhookEvent("push", "push.json");
    CHECK(push.ref.startsWith(u"refs/"));
    CHECK(push.sha.size() == 40);
    const EventContext run = webhookEvent("workflow_run", "workflow_run.completed.json");
    CHECK(run.ref.startsWith(u"refs/heads/"));
    CHECK_FALSE(run.sha.isEmpty());
}

TEST_CASE("TriggerGate: rate limit per trigger with a ManualClock", "[triggers][gate]")
{
    ManualClock clock;
    TriggerGate gate(&clock);
    Trigger t;
    t.name = u"limited"_s;
    t.rateLimit = RateLimit{2, 60};
    const EventContext e = EventContext::fromPayload(u"push"_s, QJsonObject(), u"e"_s);
    CHECK(gate.offer(t, e).decision == TriggerGate::Decision::Fire);
    clock.advance(10'000);
    CHECK(gate.offer(t, e).decision == TriggerGate::Decision::Fire);
    const auto third = gate.offer(t, e);
    CHECK(third.decision == TriggerGate::Decision::Suppressed);
    CHECK(third.reason.contains(u"2 runs per 60 s"));
    clock.advance(50'001); // the first fire leaves the window
    CHECK(gate.offer(t, e).decision == TriggerGate::Decision::Fire);
    CHECK(gate.offer(t, e).decision == TriggerGate::Decision::Suppressed);

    Trigger other = t;
    other.name = u"other"_s;
    CHECK(gate.offer(other, e).decision == TriggerGate::Decision::Fire); // limits are per trigger
    Trigger unlimited;
    unlimited.name = u"free"_s;
    for (int i = 0; i < 100; ++i)
        REQUIRE(gate.offer(unlimited, e).decision == TriggerGate::Decision::Fire);
}

TEST_CASE("TriggerGate: debounce fires only the last event of a synchronize storm", "[triggers][gate]")
{
    ManualClock clock;
    TriggerGate gate(&clock);
    Trigger t;
    t.name = u"ci"_s;
    t.debounceSeconds = 30;
    const QList<Trigger> all{t};
    auto prEvent = [](const QString &id, int number, const QString &repo = u"o/r"_s) {
        QJsonObject payload{{u"pull_request"_s, QJsonObject{{u"number"_s, number}}},
                            {u"repository"_s, QJsonObject{{u"full_name"_s, repo}}}};
        return EventContext::fromPayload(u"pull_request"_s, payload, id);
    };

    auto first = gate.offer(t, prEvent(u"a"_s, 1));
    CHECK(first.decision == TriggerGate::Decision::Deferred);
    CHECK(first.supersededEventId.isEmpty());
    clock.advance(10'000);
    auto second = gate.offer(t, prEvent(u"b"_s, 1));
    CHECK(second.supersededEventId == u"a");
    gate.offer(t, prEvent(u"c"_s, 2)); // another PR has its own window
    CHECK(gate.pendingCount() == 2);
    REQUIRE(gate.nextDue().has_value());
    CHECK(*gate.nextDue() == clock.now().addSecs(30));

    clock.advance(29'000);
    CHECK(gate.takeDue(all).isEmpty());
    clock.advance(1'000);
    const auto released = gate.takeDue(all);
    REQUIRE(released.size() == 2);
    CHECK(released[0].event.id == u"b");
    CHECK(released[0].outcome.decision == TriggerGate::Decision::Fire);
    CHECK(released[1].event.id == u"c");
    CHECK(gate.pendingCount() == 0);
    CHECK_FALSE(gate.nextDue().has_value());

    // An event with neither a PR nor a ref is not debounced.
    CHECK(gate.offer(t, EventContext::fromPayload(u"star"_s, QJsonObject(), u"s"_s)).decision ==
          TriggerGate::Decision::Fire);
    CHECK(TriggerGate::debounceKey(prEvent(u"x"_s, 5)) == u"o/r#5");

    // A rate limit also applies when a debounced event is released.
    Trigger both = t;
    both.rateLimit = RateLimit{1, 3600};
    const QList<Trigger> bothList{both};
    gate.offer(both, prEvent(u"d"_s, 3));
    gate.offer(both, prEvent(u"e"_s, 4));
    clock.advance(30'000);
    const auto limited = gate.takeDue(bothList);
    REQUIRE(limited.size() == 2);
    CHECK(limited[0].outcome.decision == TriggerGate::Decision::Fire);
    CHECK(limited[1].outcome.decision == TriggerGate::Decision::Suppressed);
}
