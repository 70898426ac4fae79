#include "catch.h"
#include "triggers_testutil.h"

#include "triggers/presetstore.h"
#include "triggers/templateengine.h"

#include <QTemporaryDir>

using namespace exeserver;
using namespace exeserver::test;
using namespace Qt::StringLiterals;

TEST_CASE("Templates substitute event values as data", "[triggers][templates]")
{
    const EventContext e = webhookEvent("pull_request", "pull_request.opened.json");
    CommentCommand command{u"ask"_s, u"\"why?\" now"_s, {u"why?"_s, u"now"_s}};
    const QJsonObject ctx = TemplateEngine::context(e, u"t1"_s, command);
    QStringList warnings;
    const QString number = QString::number(e.number());
    CHECK(TemplateEngine::render(u"PR {{ event.pull_request.number }} on {{repository}}", ctx, &warnings) ==
          u"PR "_s + number + u" on "_s + e.repository);
    CHECK(TemplateEngine::render(
              u"{{ command.args }}|{{ command.argv[0] }}|{{ trigger.name }}|{{ event_name }}", ctx,
              &warnings) == u"\"why?\" now|why?|t1|pull_request");
    CHECK(warnings.isEmpty());
    CHECK(TemplateEngine::render(u"{{ event.pull_request.draft }} {{ event.pull_request.head.repo.id }}", ctx)
              .contains(u"false "));
    CHECK(TemplateEngine::render(u"{{ event.pull_request.labels[*].name }}", ctx, &warnings).isEmpty() ==
          e.payload[u"pull_request"_s][u"labels"_s].toArray().isEmpty());

    SECTION("missing values become empty text and a warning")
    {
        warnings.clear();
        CHECK(TemplateEngine::render(u"a{{ event.nope.nothing }}b{{ bad..path }}c", ctx, &warnings) ==
              u"abc");
        REQUIRE(warnings.size() == 2);
        CHECK(warnings[0].contains(u"event.nope.nothing"));
        CHECK(warnings[1].contains(u"not a field path"));
    }
    SECTION("substituted text is never evaluated or expanded again")
    {
        QJsonObject payload = e.payload;
        QJsonObject pr = payload[u"pull_request"_s].toObject();
        pr.insert(u"title"_s, u"$(touch /tmp/x) `id`; {{ event.sender.login }}"_s);
        payload.insert(u"pull_request"_s, pr);
        const QJsonObject hostile =
            TemplateEngine::context(EventContext::fromPayload(e.type, payload), u"t"_s, std::nullopt);
        CHECK(TemplateEngine::render(u"[{{ event.pull_request.title }}]", hostile) ==
              u"[$(touch /tmp/x) `id`; {{ event.sender.login }}]");
    }
    SECTION("text without placeholders and unterminated braces pass through")
    {
        CHECK(TemplateEngine::render(u"no {placeholders} here {{ open", ctx) ==
              u"no {placeholders} here {{ open");
        CHECK(TemplateEngine::render(u"", ctx).isEmpty());
        CHECK(TemplateEngine::render(u"{{ event.pull_request.head }}", ctx).startsWith(u"{\""));
    }
    SECTION("actions render every templated field but never the code file path")
    {
        const QList<Trigger> triggers = parseTriggers(R"(
triggers:
  - name: t
    event: pull_request
    run:
      - codefile: {path: "/x/{{ event.number }}.sh", args: ["{{ event.pull_request.number }}", "--x"], workdir: "/w/{{ event.number }}"}
      - workflow: {repository: "{{ repository }}", workflow: ci.yml, ref: "{{ event.pull_request.head.ref }}", inputs: {pr: "{{ event.pull_request.number }}"}}
      - notify: {title: "PR {{ event.pull_request.number }}", body: "{{ event.pull_request.title }}"}
      - cancel: {run: "{{ event.number }}"}
)");
        const auto &run = triggers[0].run;
        const auto code = std::get<CodefileAction>(TemplateEngine::renderAction(run[0], ctx));
        CHECK(code.path == u"/x/{{ event.number }}.sh");
        CHECK(code.args == QStringList{number, u"--x"_s});
        CHECK(code.workdir == u"/w/"_s + number);
        const auto wf = std::get<WorkflowAction>(TemplateEngine::renderAction(run[1], ctx));
        CHECK(wf.repository == e.repository);
        CHECK(wf.ref == e.headRef);
        CHECK(wf.inputs.value(u"pr"_s) == number);
        CHECK(std::get<NotifyAction>(TemplateEngine::renderAction(run[2], ctx)).title == u"PR "_s + number);
        CHECK(std::get<CancelRunAction>(TemplateEngine::renderAction(run[3], ctx)).run == number);
    }
}

TEST_CASE("PresetStore keeps built-in and user presets and renders them", "[triggers][presets]")
{
    QTemporaryDir dir;
    PresetStore store(dir.filePath(u"data"_s));
    auto list = store.list();
    REQUIRE(list.ok());
    QStringList names;
    for (const CommentPreset &p : *list)
        names.append(p.name);
    CHECK(names == QStringList{u"review"_s, u"describe"_s, u"improve"_s, u"ask"_s});

    REQUIRE(store
                .add(u"thanks"_s, u"Thanks @{{ sender }} for #{{ event.pull_request.number }}!"_s,
                     u"say thanks"_s)
                .ok());
    REQUIRE(store.add(u"a-first"_s, u"first"_s).ok());
    CHECK(QFile::exists(store.filePath()));
    list = store.list();
    REQUIRE(list->size() == 6);
    CHECK(list->at(4).name == u"a-first");
    CHECK_FALSE(list->at(5).builtIn);
    CHECK(store.find(u"thanks"_s)->description == u"say thanks");

    CHECK(store.add(u"thanks"_s, u"again"_s).error().kind == u"conflict");
    CHECK(store.add(u"thanks"_s, u"again"_s, {}, true).ok());
    CHECK(store.find(u"thanks"_s)->body == u"again");
    CHECK(store.add(u"review"_s, u"x"_s).error().message.contains(u"built-in"));
    CHECK(store.add(u"bad name"_s, u"x"_s).error().kind == u"invalid");
    CHECK(store.add(u"empty"_s, u"  "_s).error().kind == u"invalid");
    CHECK(store.remove(u"ask"_s).error().kind == u"conflict");
    CHECK(store.remove(u"nope"_s).error().kind == u"not_found");
    REQUIRE(store.remove(u"a-first"_s).ok());
    CHECK_FALSE(store.find(u"a-first"_s).has_value());
    CHECK(PresetStore(dir.filePath(u"data"_s)).list()->size() == 5); // persisted

    const EventContext e = webhookEvent("pull_request", "pull_request.opened.json");
    const QJsonObject ctx =
        TemplateEngine::context(e, u"t"_s, CommentCommand{u"ask"_s, u"is it \"safe\"? {{ sender }}"_s, {}});
    QStringList warnings;
    CHECK(*store.renderComment(CommentAction{u"review"_s, {}, {}, {}}, ctx, &warnings) == u"/review");
    CHECK(*store.renderComment(CommentAction{u"ask"_s, {}, u"{{ command.args }}"_s, {}}, ctx, &warnings) ==
          u"/ask \"is it \"safe\"? {{ sender }}\"");
    CHECK(warnings.isEmpty());
    CHECK(*store.renderComment(CommentAction{u"ask"_s, {}, {}, {}}, ctx, &warnings) == u"/ask \"\"");
    CHECK(warnings.size() == 1);
    CHECK(*store.renderComment(CommentAction{{}, u"Hi {{ sender }}"_s, {}, {}}, ctx) == u"Hi "_s + e.sender);
    CHECK(store.renderComment(CommentAction{u"missing"_s, {}, {}, {}}, ctx).error().kind == u"not_found");

    // A damaged file is reported and never overwritten.
    QFile file(store.filePath());
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write("{not json");
    file.close();
    CHECK(store.list().error().kind == u"parse");
    CHECK_FALSE(store.add(u"x"_s, u"y"_s).ok());
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.readAll() == "{not json");
}

TEST_CASE("steps.ID.outputs placeholders wait for their step, then render its outputs",
          "[triggers][templates]")
{
    const EventContext e = webhookEvent("pull_request", "pull_request.opened.json");
    QJsonObject ctx = TemplateEngine::context(e, u"t1"_s, std::nullopt);
    QStringList warnings;
    // Decided before any step ran: kept as written, no warning.
    CHECK(TemplateEngine::render(u"verdict {{ steps.check.outputs.verdict }} on {{ repository }}", ctx,
                                 &warnings) ==
          u"verdict {{ steps.check.outputs.verdict }} on "_s + e.repository);
    CHECK(warnings.isEmpty());
    // At run time: the step's outputs, or empty with a warning when it wrote none.
    ctx.insert(
        u"steps"_s,
        QJsonObject{{u"check"_s, QJsonObject{{u"outputs"_s, QJsonObject{{u"verdict"_s, u"pass"_s}}}}}});
    CHECK(TemplateEngine::render(u"verdict {{ steps.check.outputs.verdict }}", ctx, &warnings) ==
          u"verdict pass"_s);
    CHECK(TemplateEngine::render(u"{{ steps.check.outputs.missing }}", ctx, &warnings).isEmpty());
    CHECK(warnings.size() == 1);
    NotifyAction notify{u"{{ steps.check.outputs.verdict }}"_s, u"{{ event_name }} {{ x }}"_s};
    CHECK(TemplateEngine::placeholders(notify) ==
          QStringList{u"steps.check.outputs.verdict"_s, u"event_name"_s, u"x"_s});
}
