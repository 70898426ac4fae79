#include "assistanttesting.h"
#include "catch.h"
#include "fakellmserver.h"

#include "assistant/assistanttools.h"
#include "assistant/chatstore.h"
#include "assistant/llmclient.h"
#include "assistant/localcommands.h"
#include "config/logging.h"
#include "net/localhttpserver.h"
#include "triggers/triggerdryrun.h"
#include "triggers/triggerformat.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <algorithm>

using namespace exeserver;
using namespace exeserver::test;

namespace {

LlmConfig configFor(const FakeLlmServer &server, int timeoutMs = 5000)
{
    LlmConfig config;
    config.baseUrl = server.baseUrl();
    config.model = QStringLiteral("fake-model");
    config.apiKey = kLlmKey;
    config.timeoutMs = timeoutMs;
    config.explicitlySet = true;
    return config;
}

struct Completion
{
    QStringList deltas;
    std::optional<Result<LlmReply>> reply;
};

Completion complete(QNetworkAccessManager &network, const LlmConfig &config)
{
    LlmClient client(network);
    Completion out;
    client.complete(
        config,
        QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                               {QStringLiteral("content"), QStringLiteral("hi")}}},
        AssistantTools::definitions(), [&](const QString &delta) { out.deltas.append(delta); },
        [&](Result<LlmReply> reply) { out.reply.emplace(std::move(reply)); });
    REQUIRE(QTest::qWaitFor([&]() { return out.reply.has_value(); }, 15000));
    return out;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

TEST_CASE("LocalHttpServer: a chunked answer streams with delays between chunks", "[assistant][net]")
{
    LocalHttpServer server([](const HttpRequest &, LocalHttpServer::Responder respond) {
        HttpResponse response;
        response.headers.set("Content-Type", "text/event-stream");
        response.chunks = {"data: one\n\n", "data: two\n\n", "data: three\n\n"};
        response.chunkIntervalMs = 150;
        respond(response);
    });
    REQUIRE(server.listen());
    QNetworkAccessManager network;
    QNetworkReply *reply =
        network.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(server.port()))));
    QElapsedTimer timer;
    timer.start();
    QList<qint64> arrivals;
    QByteArray body;
    QObject::connect(reply, &QNetworkReply::readyRead, [&]() {
        body += reply->readAll();
        arrivals.append(timer.elapsed());
    });
    REQUIRE(QTest::qWaitFor([&]() { return reply->isFinished(); }, 5000));
    body += reply->readAll();
    CHECK(reply->error() == QNetworkReply::NoError);
    CHECK(body == "data: one\n\ndata: two\n\ndata: three\n\n");
    // The first chunk arrived long before the last: the client saw a stream, not one late body.
    REQUIRE(arrivals.size() >= 2);
    CHECK(arrivals.last() - arrivals.first() >= 200);
    reply->deleteLater();
}

TEST_CASE("LlmClient: streamed content arrives in pieces and tool-call fragments are joined",
          "[assistant][llm]")
{
    FakeLlmServer server;
    REQUIRE(server.start());
    QNetworkAccessManager network;

    server.queueText({QStringLiteral("Hel"), QStringLiteral("lo "), QStringLiteral("there")});
    Completion text = complete(network, configFor(server));
    REQUIRE(text.reply->ok());
    CHECK(text.deltas == QStringList{QStringLiteral("Hel"), QStringLiteral("lo "), QStringLiteral("there")});
    CHECK((*text.reply)->content == QLatin1String("Hello there"));
    CHECK((*text.reply)->finishReason == QLatin1String("stop"));

    const QJsonObject args{{QStringLiteral("repo"), QStringLiteral("octocat/Hello-World")},
                           {QStringLiteral("limit"), 3}};
    server.queueToolCall(QStringLiteral("call_1"), QStringLiteral("list_runs"), args, 4);
    Completion tool = complete(network, configFor(server));
    REQUIRE(tool.reply->ok());
    REQUIRE((*tool.reply)->toolCalls.size() == 1);
    CHECK((*tool.reply)->toolCalls.first().id == QLatin1String("call_1"));
    CHECK((*tool.reply)->toolCalls.first().name == QLatin1String("list_runs"));
    CHECK(QJsonDocument::fromJson((*tool.reply)->toolCalls.first().arguments.toUtf8()).object() == args);

    // What was sent: the OpenAI shape, streaming, the tools, the key only in the Authorization header.
    const QJsonObject request = server.requests().first();
    CHECK(request.value(QStringLiteral("stream")).toBool());
    CHECK(request.value(QStringLiteral("model")).toString() == QLatin1String("fake-model"));
    CHECK(request.value(QStringLiteral("tools")).toArray().size() > 10);
    CHECK(server.authorizations().first() == "Bearer " + kLlmKey.toUtf8());
}

TEST_CASE(
    "LlmClient: 401, unknown model, context too long, timeout and refused connections explain themselves",
    "[assistant][llm]")
{
    FakeLlmServer server;
    REQUIRE(server.start());
    QNetworkAccessManager network;

    server.queueError(401, QStringLiteral("invalid_api_key"),
                      QStringLiteral("Incorrect API key provided: %1.").arg(kLlmKey));
    Completion unauthorized = complete(network, configFor(server));
    REQUIRE_FALSE(unauthorized.reply->ok());
    CHECK(unauthorized.reply->error().kind == QLatin1String("unauthorized"));
    CHECK(unauthorized.reply->error().message.contains(QLatin1String("refused the API key")));
    CHECK_FALSE(unauthorized.reply->error().message.contains(kLlmKey));

    server.queueError(404, QStringLiteral("model_not_found"),
                      QStringLiteral("The model `fake-model` does not exist"));
    Completion unknown = complete(network, configFor(server));
    REQUIRE_FALSE(unknown.reply->ok());
    CHECK(unknown.reply->error().kind == QLatin1String("unknown_model"));
    CHECK(unknown.reply->error().message.contains(QLatin1String("does not know the model \"fake-model\"")));

    server.queueError(400, QStringLiteral("context_length_exceeded"),
                      QStringLiteral("This model's maximum context length is 8192 tokens."));
    Completion tooLong = complete(network, configFor(server));
    REQUIRE_FALSE(tooLong.reply->ok());
    CHECK(tooLong.reply->error().kind == QLatin1String("context_too_long"));
    CHECK(tooLong.reply->error().message.contains(QLatin1String("Clear the conversation")));

    server.queueStall();
    Completion slow = complete(network, configFor(server, 300));
    REQUIRE_FALSE(slow.reply->ok());
    CHECK(slow.reply->error().kind == QLatin1String("timeout"));
    CHECK(slow.reply->error().message.contains(QLatin1String("did not answer within 0.3 s")));

    QTcpServer closed;
    REQUIRE(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 port = closed.serverPort();
    closed.close();
    LlmConfig refusedConfig = configFor(server);
    refusedConfig.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(port));
    Completion refused = complete(network, refusedConfig);
    REQUIRE_FALSE(refused.reply->ok());
    CHECK(refused.reply->error().kind == QLatin1String("network"));
    CHECK(refused.reply->error().message.contains(QLatin1String("connection refused")));
}

TEST_CASE("ChatSession: an answer streams into one assistant message after the user's",
          "[assistant][session]")
{
    AssistantHarness h;
    h.llm.queueText({QStringLiteral("Runs "), QStringLiteral("look "), QStringLiteral("fine.")}, 20);
    QSignalSpy added(h.session.get(), &ChatSession::messageAdded);
    QSignalSpy changed(h.session.get(), &ChatSession::messageChanged);
    h.session->send(QStringLiteral("How are my runs?"));
    REQUIRE(h.idle());
    REQUIRE(h.session->messages().size() == 2);
    CHECK(h.session->messages().at(0).role == ChatRole::User);
    CHECK(h.session->messages().at(1).role == ChatRole::Assistant);
    CHECK(h.session->messages().at(1).text == QLatin1String("Runs look fine."));
    CHECK(added.size() == 2);   // the user's message and one assistant message
    CHECK(changed.size() >= 3); // …that grew with every chunk
    const QStringList sent = FakeLlmServer::contents(h.llm.requests().first());
    CHECK(sent.first().startsWith(QLatin1String("system:You are the assistant inside ExeServer")));
    CHECK(sent.last() == QLatin1String("user:How are my runs?"));
}

TEST_CASE("ChatSession: a proposed dispatch reaches GitHub only after Approve and is in the action log",
          "[assistant][session]")
{
    AssistantHarness h;
    h.llm.queueToolCall(QStringLiteral("call_d"), QStringLiteral("propose_dispatch"),
                        {{QStringLiteral("repo"), QStringLiteral("octocat/Hello-World")},
                         {QStringLiteral("workflow"), QStringLiteral("ci.yml")},
                         {QStringLiteral("ref"), QStringLiteral("main")}});
    h.llm.queueText({QStringLiteral("I proposed a dispatch; approve it to run.")});
    h.session->send(QStringLiteral("Run CI on main"));
    REQUIRE(h.idle());
    const ChatCard *card = h.proposal();
    REQUIRE(card);
    CHECK(card->state == ProposalState::Pending);
    CHECK(card->title == QLatin1String("Dispatch ci.yml on main"));
    // The model heard back that it is only a proposal.
    REQUIRE(h.llm.requests().size() == 2);
    CHECK(FakeLlmServer::contents(h.llm.requests().at(1))
              .last()
              .contains(QLatin1String("\"state\":\"pending\"")));
    QTest::qWait(100);
    CHECK(h.github.server.dispatches().isEmpty());

    const QString id = card->proposalId;
    h.session->approve(id);
    REQUIRE(QTest::qWaitFor([&]() { return h.proposal()->state == ProposalState::Done; }, 10000));
    REQUIRE(h.github.server.dispatches().size() == 1);
    CHECK(h.github.server.dispatches().first().body.value(QStringLiteral("ref")).toString() ==
          QLatin1String("main"));
    CHECK(h.proposal()->outcome.startsWith(QLatin1String("Dispatched ci.yml on main")));
    const Result<QList<ActionRecord>> actions = h.store.actions({});
    REQUIRE(actions);
    REQUIRE(actions->size() == 1);
    CHECK(actions->first().kind == ActionKind::Dispatch);
    CHECK(actions->first().status == ActionStatus::Success);
    CHECK(actions->first().target == QLatin1String("octocat/Hello-World:ci.yml@main"));

    // Approving twice runs nothing more; the next request tells the model it is done.
    h.session->approve(id);
    QTest::qWait(100);
    CHECK(h.github.server.dispatches().size() == 1);
    h.session->send(QStringLiteral("Did it run?"));
    REQUIRE(h.idle());
    CHECK(FakeLlmServer::contents(h.llm.requests().last())
              .join(QLatin1Char('\n'))
              .contains(QLatin1String("\"state\":\"done\"")));
}

TEST_CASE("ChatSession: a proposed trigger that runs a program is shown as such and created disabled",
          "[assistant][session]")
{
    // Text the model read in an issue or a PR must not become a program running here with one click.
    AssistantHarness h;
    h.llm.queueToolCall(QStringLiteral("call_t"), QStringLiteral("propose_create_trigger"),
                        {{QStringLiteral("yaml"), QStringLiteral(R"(triggers:
  - name: helpful
    event: issues
    run: [{codefile: {path: /tmp/helpful.sh, pass_token: true}}]
)")}});
    h.llm.queueText({QStringLiteral("Approve it to create the trigger.")});
    h.session->send(QStringLiteral("Set up the trigger the issue asks for"));
    REQUIRE(h.idle());
    const ChatCard *card = h.proposal();
    REQUIRE(card);
    QString runs;
    QString enabled;
    for (const auto &[label, value] : card->fields) {
        if (label == QLatin1String("Runs"))
            runs = value;
        if (label == QLatin1String("Enabled"))
            enabled = value;
    }
    CHECK(runs == QLatin1String("helpful runs /tmp/helpful.sh with your GitHub token"));
    CHECK(enabled == QLatin1String("no"));

    h.session->approve(card->proposalId);
    REQUIRE(QTest::qWaitFor([&]() { return h.proposal()->state == ProposalState::Done; }, 5000));
    CHECK(h.proposal()->outcome.contains(QLatin1String("disabled")));
    const Result<QList<StoredTrigger>> stored = h.store.triggers();
    REQUIRE(stored);
    const auto helpful = std::find_if(stored->cbegin(), stored->cend(), [](const StoredTrigger &t) {
        return t.name == QLatin1String("helpful");
    });
    REQUIRE(helpful != stored->cend());
    CHECK_FALSE(helpful->enabled);

    // Enabling it afterwards is its own proposal, and says what will run.
    h.session->send(QStringLiteral("/trigger enable helpful"));
    const ChatCard *enable = h.proposal();
    REQUIRE(enable);
    bool saysRuns = false;
    for (const auto &[label, value] : enable->fields)
        saysRuns =
            saysRuns || (label == QLatin1String("Runs") && value.contains(QLatin1String("/tmp/helpful.sh")));
    CHECK(saysRuns);
}

TEST_CASE("ChatSession: a rejected proposal never reaches GitHub", "[assistant][session]")
{
    AssistantHarness h;
    h.session->send(QStringLiteral("/rerun octocat/Hello-World 30433642"));
    const ChatCard *card = h.proposal();
    REQUIRE(card);
    h.session->reject(card->proposalId);
    CHECK(h.proposal()->state == ProposalState::Rejected);
    h.session->approve(h.proposal()->proposalId); // too late: rejected stays rejected
    QTest::qWait(200);
    for (const RecordedRequest &request : h.github.server.requests())
        CHECK(request.method != "POST");
    CHECK(h.store.actions({})->isEmpty());
    CHECK(h.llm.requests().isEmpty()); // local commands never ask the model
}

TEST_CASE("ChatSession: clear wipes the history, the store and the model's context", "[assistant][session]")
{
    AssistantHarness h;
    h.llm.queueText({QStringLiteral("The secret word is pineapple.")});
    h.session->send(QStringLiteral("Remember pineapple"));
    REQUIRE(h.idle());
    REQUIRE(h.session->messages().size() == 2);
    QSignalSpy cleared(h.session.get(), &ChatSession::cleared);
    h.session->clear();
    CHECK(cleared.size() == 1);
    CHECK(h.session->messages().isEmpty());

    h.llm.queueText({QStringLiteral("Fresh start.")});
    h.session->send(QStringLiteral("What was the word?"));
    REQUIRE(h.idle());
    const QStringList sent = FakeLlmServer::contents(h.llm.requests().last());
    CHECK(sent.size() == 2); // the system prompt and the new question only
    CHECK_FALSE(sent.join(QLatin1Char('\n')).contains(QLatin1String("pineapple")));

    // A new session over the same store sees only the new conversation.
    h.makeSession();
    REQUIRE(h.session->messages().size() == 2);
    CHECK(h.session->messages().first().text == QLatin1String("What was the word?"));
}

TEST_CASE("ChatSession: local commands answer without a language model", "[assistant][session]")
{
    AssistantHarness h(false);
    CHECK_FALSE(h.session->hasModel());

    h.session->send(QStringLiteral("hello?"));
    CHECK(h.last().text.contains(QLatin1String("No language model is configured")));

    h.session->send(QStringLiteral("/help"));
    CHECK(h.last().text.contains(QLatin1String("/trigger test NAME EVENT_ID")));

    h.session->send(QStringLiteral("/events pull_request"));
    CHECK(h.last().text.contains(QLatin1String("| Type | Action | Repository |")));
    REQUIRE_FALSE(h.last().cards.isEmpty());
    CHECK(h.last().cards.first().kind == QLatin1String("event"));
    CHECK(h.last().cards.first().fields.contains({QStringLiteral("Id"), QStringLiteral("delivery-1")}));

    h.session->send(QStringLiteral("/trigger test readme-prs delivery-1"));
    REQUIRE(h.last().cards.size() == 1);
    CHECK(h.last().cards.first().kind == QLatin1String("trigger"));
    CHECK(h.last().cards.first().status == QLatin1String("no match"));
    CHECK(h.last().text.contains(QLatin1String("does not match")));

    h.session->send(QStringLiteral("/runs octocat/Hello-World"));
    REQUIRE(QTest::qWaitFor([&]() { return h.last().role == ChatRole::Assistant; }, 10000));
    CHECK(h.last().text.contains(QLatin1String("**Runs in octocat/Hello-World**")));
    REQUIRE_FALSE(h.last().cards.isEmpty());
    CHECK(h.last().cards.first().kind == QLatin1String("run"));

    h.session->send(QStringLiteral("/failed"));
    CHECK(h.last().text.contains(QLatin1String("No failed runs")));

    h.session->send(QStringLiteral("/runs not-a-repo"));
    CHECK(h.last().error);
    CHECK(h.last().text.contains(QLatin1String("Usage: `/runs OWNER/REPO")));
    CHECK(h.llm.requests().isEmpty());
}

TEST_CASE("ChatSession: errors of the model are shown and Stop ends a stream", "[assistant][session]")
{
    AssistantHarness h(true, 400);
    h.llm.queueError(400, QStringLiteral("context_length_exceeded"), QStringLiteral("too long"));
    h.session->send(QStringLiteral("A very long question"));
    REQUIRE(h.idle());
    CHECK(h.last().error);
    CHECK(h.last().text.contains(QLatin1String("too long for the model")));

    h.llm.queueStall();
    h.session->send(QStringLiteral("Slow one"));
    REQUIRE(h.idle());
    CHECK(h.last().text.contains(QLatin1String("did not answer within")));

    h.makeSession(5000);
    h.llm.queueText({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")},
                    400);
    h.session->send(QStringLiteral("Long answer"));
    REQUIRE(QTest::qWaitFor([&]() { return h.last().streaming; }, 5000));
    h.session->stop();
    REQUIRE(h.idle(1000));
    CHECK(h.last().text == QLatin1String("Stopped."));
}

TEST_CASE("ChatSession: conversations persist and the key never reaches the store or the log",
          "[assistant][session]")
{
    AssistantHarness h;
    REQUIRE(LogFile::install(h.dir.path(), {.echoToPreviousHandler = false}));
    QLoggingCategory::setFilterRules(QStringLiteral("exeserver.assistant.debug=true"));
    h.llm.queueError(401, QStringLiteral("invalid_api_key"),
                     QStringLiteral("Incorrect API key provided: %1").arg(kLlmKey));
    h.session->send(QStringLiteral("first question"));
    REQUIRE(h.idle());
    h.llm.queueText({QStringLiteral("second answer")});
    h.session->send(QStringLiteral("second question"));
    REQUIRE(h.idle());
    h.session->send(QStringLiteral("/rerun octocat/Hello-World 30433642"));
    const QString logPath = LogFile::path();
    LogFile::uninstall();
    QLoggingCategory::setFilterRules(QString());

    h.makeSession();
    QStringList texts;
    for (const ChatMessage &m : h.session->messages())
        texts.append(m.text);
    CHECK(texts.contains(QStringLiteral("second answer")));
    CHECK(texts.contains(QStringLiteral("/rerun octocat/Hello-World 30433642")));
    REQUIRE(h.proposal()); // the pending proposal came back with its card
    CHECK(h.proposal()->state == ProposalState::Pending);

    h.store.close();
    const QByteArray db = readFile(EventStore::defaultPath(*h.settings)) +
                          readFile(EventStore::defaultPath(*h.settings) + QStringLiteral("-wal"));
    CHECK(db.contains("second answer"));
    CHECK_FALSE(db.contains(kLlmKey.toUtf8()));
    const QByteArray log = readFile(logPath);
    CHECK(log.contains("exeserver.assistant"));
    CHECK_FALSE(log.contains(kLlmKey.toUtf8()));
}

TEST_CASE("AssistantTools: the log excerpt is the lines before the first error, without timestamps",
          "[assistant][tools]")
{
    const QByteArray log = "2026-03-01T10:00:00.0000000Z ##[group]Run make test\n"
                           "2026-03-01T10:00:01.0000000Z compiling\n"
                           "2026-03-01T10:00:02.0000000Z test_widget FAILED\n"
                           "2026-03-01T10:00:02.1000000Z ##[error]Process completed with exit code 2.\n"
                           "2026-03-01T10:00:03.0000000Z Post job cleanup.\n";
    const QString excerpt = AssistantTools::logExcerpt(log);
    CHECK(excerpt.startsWith(QLatin1String("##[group]Run make test")));
    CHECK(
        excerpt.contains(QLatin1String("test_widget FAILED\n##[error]Process completed with exit code 2.")));
    CHECK_FALSE(excerpt.contains(QLatin1String("2026-03-01T")));
}

TEST_CASE("TriggerDryRun: a matching trigger says what would run, with templates filled",
          "[assistant][tools]")
{
    AssistantHarness h(false);
    const Result<QList<Trigger>> parsed = TriggerFile::parse(R"(
triggers:
  - name: every-pr
    event: pull_request
    run:
      - notify: {title: "PR {{ event.pull_request.title }}"}
)");
    REQUIRE(parsed);
    REQUIRE(h.store.saveTrigger(toStoredTrigger(parsed->first())));
    const Result<TriggerDryRun> dry =
        TriggerDryRun::run(h.store, QStringLiteral("every-pr"), QStringLiteral("delivery-1"));
    REQUIRE(dry);
    CHECK(dry->result.matched);
    REQUIRE(dry->wouldRun.size() == 1);
    CHECK(dry->wouldRunLines().first().startsWith(QLatin1String("notify: ")));
    CHECK(dry->wouldRunLines().first().contains(QLatin1String("PR Change number 1 fixes widget1")));

    h.session->send(QStringLiteral("/trigger test every-pr delivery-1"));
    REQUIRE(h.last().cards.size() == 1);
    CHECK(h.last().cards.first().status == QLatin1String("matched"));
    CHECK(h.last().text.contains(QLatin1String("matches this event")));
    CHECK_FALSE(TriggerDryRun::run(h.store, QStringLiteral("nope"), QStringLiteral("delivery-1")));
}

TEST_CASE("AssistantTools: show_run gives the jobs and the failing step's log excerpt", "[assistant][tools]")
{
    AssistantHarness h(false);
    qint64 failed = 0;
    for (const FakeRun &run : h.github.server.runs(QStringLiteral("octocat/Hello-World"))) {
        if (run.conclusion == QLatin1String("failure"))
            failed = run.id;
    }
    REQUIRE(failed != 0);
    h.session->send(QStringLiteral("/run octocat/Hello-World %1").arg(failed));
    REQUIRE(QTest::qWaitFor([&]() { return h.last().role == ChatRole::Assistant; }, 10000));
    const ChatMessage &answer = h.last();
    CHECK_FALSE(answer.error);
    CHECK(answer.text.contains(QLatin1String("| Job | Result | Steps |")));
    CHECK(answer.text.contains(QLatin1String("**Failing step:**")));
    CHECK(answer.text.contains(QLatin1String("FAIL tests/test_parser.cpp:17: expected 200, got 500")));
    CHECK(answer.text.contains(QLatin1String("##[error]Process completed with exit code 2.")));
    CHECK_FALSE(answer.text.contains(QLatin1String("\x1b[")));
    REQUIRE_FALSE(answer.cards.isEmpty());
    CHECK(answer.cards.first().status == QLatin1String("failure"));
    bool offersRerun = false;
    for (const CardAction &action : answer.cards.first().actions)
        offersRerun =
            offersRerun || action.command == QStringLiteral("/rerun octocat/Hello-World %1").arg(failed);
    CHECK(offersRerun);
}

TEST_CASE("The trigger format the assistant is told is the one the parser accepts", "[assistant][triggers]")
{
    // The example parses, and it uses every key the parser accepts at the top level of a trigger.
    const Result<QList<Trigger>> example = TriggerFile::parse(TriggerFormat::example().toUtf8());
    INFO((example ? QString() : example.error().message).toStdString());
    REQUIRE(example);
    REQUIRE(example->size() == 1);
    for (const QString &key : TriggerFormat::triggerKeyNames())
        CHECK((TriggerFormat::example().contains(QStringLiteral("\n    %1:").arg(key)) ||
               TriggerFormat::example().contains(QStringLiteral("\n  - %1:").arg(key))));
    CHECK(example->first().run.size() == 2);
    CHECK(example->first().rateLimit.max == 10);

    // What the model reads is that text: every key and action, the example, none of the old shape.
    QString told;
    for (const QJsonValue &tool : AssistantTools::definitions()) {
        const QJsonObject function = tool.toObject().value(QLatin1String("function")).toObject();
        if (function.value(QLatin1String("name")).toString() == QLatin1String("draft_trigger"))
            told = function.value(QLatin1String("description")).toString();
    }
    CHECK(told.contains(TriggerFormat::example()));
    for (const QString &key : TriggerFormat::triggerKeyNames())
        CHECK(told.contains(QStringLiteral("- %1:").arg(key)));
    for (const QString &kind : TriggerFormat::actionKinds())
        CHECK(told.contains(QStringLiteral("- %1 {").arg(kind)));
    CHECK_FALSE(told.contains(QLatin1String("on.event")));

    // The parser names the same lists when a key is unknown.
    const auto errorOf = [](const QString &yaml) {
        const Result<QList<Trigger>> parsed = TriggerFile::parse(yaml.toUtf8());
        return parsed ? QString() : parsed.error().message;
    };
    CHECK(errorOf(QStringLiteral("triggers:\n  - name: a\n    on: {event: push}\n"))
              .contains(QStringLiteral("expected one of: ") +
                        TriggerFormat::triggerKeyNames().join(QStringLiteral(", "))));
    for (const TriggerFormat::ActionFormat &action : TriggerFormat::actions()) {
        INFO(action.kind.toStdString());
        const QString error = errorOf(
            QStringLiteral("triggers:\n  - name: a\n    event: push\n    run:\n      - %1: {bogus: 1}\n")
                .arg(action.kind));
        CHECK(error.contains(QStringLiteral("expected one of: ") + action.keys.join(QStringLiteral(", "))));
    }
}

TEST_CASE("ChatSession: a rejected trigger draft goes back to the model once, then to the user",
          "[assistant][session][triggers]")
{
    AssistantHarness h;
    const QJsonObject oldShape{
        {QStringLiteral("yaml"), QStringLiteral("triggers:\n  - name: x\n    on: {event: push}\n")}};
    h.llm.queueToolCall(QStringLiteral("call_1"), QStringLiteral("draft_trigger"), oldShape);
    h.llm.queueToolCall(QStringLiteral("call_2"), QStringLiteral("draft_trigger"), oldShape);
    h.session->send(QStringLiteral("make me a trigger for pushes"));
    REQUIRE(h.idle());
    // The model saw the parser's error once and tried again; the second failure ended the turn.
    REQUIRE(h.llm.requests().size() == 2);
    const QJsonArray second = h.llm.requests().at(1).value(QLatin1String("messages")).toArray();
    CHECK(second.last()
              .toObject()
              .value(QLatin1String("content"))
              .toString()
              .contains(QLatin1String("unknown field \\\"on\\\"")));
    CHECK(h.last().error);
    CHECK(h.last().text.contains(QLatin1String("still not valid")));
    CHECK(h.last().text.contains(QLatin1String("unknown field \"on\"")));

    // A corrected draft after one rejection carries on as usual.
    const QString fixed = TriggerFormat::example();
    h.llm.queueToolCall(QStringLiteral("call_3"), QStringLiteral("draft_trigger"), oldShape);
    h.llm.queueToolCall(QStringLiteral("call_4"), QStringLiteral("draft_trigger"),
                        {{QStringLiteral("yaml"), fixed}});
    h.llm.queueText({QStringLiteral("Here it is.")});
    h.session->send(QStringLiteral("try again"));
    REQUIRE(h.idle());
    CHECK(h.llm.requests().size() == 5);
    CHECK(h.last().text == QLatin1String("Here it is."));
    CHECK_FALSE(h.last().error);
}

TEST_CASE("ChatSession: near the model's context window older turns are summarised by the model",
          "[assistant][session][context]")
{
    CHECK(LlmConfig::defaultContextTokens(QStringLiteral("gpt-4o-mini")) == 128000);
    CHECK(LlmConfig::defaultContextTokens(QStringLiteral("llama3.1:8b")) == 131072);
    CHECK(LlmConfig::defaultContextTokens(QStringLiteral("some-local-model")) == 8192);

    AssistantHarness h;
    // Room for about 300 tokens (1200 characters) of conversation besides the system prompt and tools.
    const int fixed = ChatSession::estimateTokens(
        QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                               {QStringLiteral("content"), ChatSession::systemPrompt()}}});
    h.setContextTokens((fixed + 300) * 4 / 3);
    const QString padding(300, QLatin1Char('x'));
    const auto ask = [&](const QString &question, const QString &answer) {
        h.llm.queueText({answer});
        h.session->send(question + QLatin1Char(' ') + padding);
        REQUIRE(h.idle());
    };
    ask(QStringLiteral("first: why did run 42 fail?"), QStringLiteral("Run 42 failed in lint. ") + padding);
    REQUIRE(h.llm.requests().size() == 1);
    ask(QStringLiteral("second: and run 43?"), QStringLiteral("Run 43 passed. ") + padding);
    REQUIRE(h.llm.requests().size() == 2); // still fits

    h.llm.queueText({QStringLiteral("Run 42 failed in lint; run 43 passed.")}); // the summary
    ask(QStringLiteral("third: what about 44?"), QStringLiteral("Run 44 is running."));
    REQUIRE(h.llm.requests().size() == 4);
    // The summary request: no tools, the older turns in a transcript.
    const QJsonObject summaryRequest = h.llm.requests().at(2);
    CHECK_FALSE(summaryRequest.contains(QLatin1String("tools")));
    const QString transcript = FakeLlmServer::contents(summaryRequest).last();
    CHECK(transcript.contains(QLatin1String("first: why did run 42 fail?")));
    // The question then went with the summary instead of the first turn.
    const QStringList asked = FakeLlmServer::contents(h.llm.requests().at(3));
    CHECK(
        asked.at(1) ==
        QLatin1String("system:Summary of the earlier conversation:\nRun 42 failed in lint; run 43 passed."));
    CHECK(asked.last().startsWith(QLatin1String("user:third: what about 44?")));
    CHECK_FALSE(asked.join(QLatin1Char('\n')).contains(QLatin1String("first: why did run 42 fail?")));
    CHECK(ChatSession::estimateTokens(h.session->contextForModel()) < h.session->llmConfig().contextTokens);

    // People see that it happened: a note and a summary card, kept in the store.
    const ChatMessage *note = nullptr;
    for (const ChatMessage &m : h.session->messages())
        if (m.role == ChatRole::System)
            note = &m;
    REQUIRE(note);
    CHECK(note->display.contains(QLatin1String("summarised")));
    REQUIRE(note->cards.size() == 1);
    CHECK(note->cards.first().kind == QLatin1String("summary"));
    CHECK(h.last().text == QLatin1String("Run 44 is running."));
    const QJsonArray before = h.session->contextForModel();
    h.makeSession(); // read back from the store
    CHECK(h.session->contextForModel() == before);
}
