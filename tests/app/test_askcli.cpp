// `exeserver-cli ask` end to end: the real binary against the fake OpenAI-compatible server and the fake
// GitHub server, both in this process (the event loop serves them while the CLI runs).
#include "catch.h"
#include "fakegithubserver.h"
#include "fakellmserver.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace exeserver::test;

namespace {

const QString kRepo = QStringLiteral("octocat/Hello-World");

struct AskRun
{
    int exitCode = -1;
    QProcess::ExitStatus status = QProcess::CrashExit;
    QString out;
    QString err;
};

struct AskHarness
{
    FakeLlmServer llm;
    FakeGitHubServer github;
    QTemporaryDir dataDir;

    AskHarness()
    {
        REQUIRE(llm.start());
        REQUIRE(github.start());
    }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
        env.insert(QStringLiteral("HOME"), dataDir.path());
        env.insert(QStringLiteral("EXESERVER_NO_KEYCHAIN"), QStringLiteral("1"));
        env.insert(QStringLiteral("GITHUB_TOKEN"), QString::fromLatin1(FakeGitHubServer::DefaultToken));
        env.insert(QStringLiteral("OPENAI_BASE_URL"), llm.baseUrl().toString());
        env.insert(QStringLiteral("OPENAI_API_KEY"), QStringLiteral("sk-test-ask"));
        env.insert(QStringLiteral("EXESERVER_LLM_MODEL"), QStringLiteral("fake-model"));
        return env;
    }

    void start(QProcess &process, QStringList arguments)
    {
        arguments = QStringList{QStringLiteral("--data-dir"), dataDir.path(), QStringLiteral("--api-url"),
                                github.baseUrl().toString()} +
                    arguments;
        process.setProcessEnvironment(environment());
        process.start(QStringLiteral(EXESERVER_CLI_PATH), arguments);
        REQUIRE(process.waitForStarted());
        process.closeWriteChannel();
    }

    AskRun finish(QProcess &process, QString out = {})
    {
        REQUIRE(QTest::qWaitFor([&]() { return process.state() == QProcess::NotRunning; }, 30000));
        out += QString::fromUtf8(process.readAllStandardOutput());
        return {process.exitCode(), process.exitStatus(), out,
                QString::fromUtf8(process.readAllStandardError())};
    }

    AskRun run(const QStringList &arguments)
    {
        QProcess process;
        start(process, arguments);
        return finish(process);
    }

    QJsonArray actions()
    {
        const AskRun listed =
            run({QStringLiteral("actions"), QStringLiteral("list"), QStringLiteral("--json")});
        REQUIRE(listed.exitCode == 0);
        return QJsonDocument::fromJson(listed.out.toUtf8()).array();
    }
};

QStringList words(const QString &text)
{
    return text.split(QLatin1Char(' '));
}

} // namespace

TEST_CASE("ask streams the answer to stdout before it ends", "[cli][ask]")
{
    AskHarness h;
    h.llm.queueText(
        {QStringLiteral("Runs "), QStringLiteral("look "), QStringLiteral("fine "), QStringLiteral("today.")},
        400);
    QProcess process;
    h.start(process, {QStringLiteral("ask"), QStringLiteral("how are the runs?")});
    QString out;
    REQUIRE(QTest::qWaitFor(
        [&]() {
            out += QString::fromUtf8(process.readAllStandardOutput());
            return out.contains(QLatin1String("Runs"));
        },
        10000));
    // The first words are on stdout while the server still holds the rest.
    CHECK(process.state() == QProcess::Running);
    CHECK_FALSE(out.contains(QLatin1String("today.")));
    const AskRun run = h.finish(process, out);
    INFO(run.err.toStdString());
    CHECK(run.exitCode == 0);
    CHECK(run.out == QLatin1String("Runs look fine today.\n"));
    REQUIRE(h.llm.requests().size() == 1);
    CHECK(
        FakeLlmServer::contents(h.llm.requests().first()).contains(QStringLiteral("user:how are the runs?")));
}

TEST_CASE("ask runs a read tool itself and answers with its result", "[cli][ask]")
{
    AskHarness h;
    h.llm.queueToolCall(QStringLiteral("call_1"), QStringLiteral("list_runs"),
                        {{QStringLiteral("repo"), kRepo}, {QStringLiteral("limit"), 2}});
    h.llm.queueText({QStringLiteral("The latest run "), QStringLiteral("passed.")});
    const AskRun run =
        h.run({QStringLiteral("ask"), QStringLiteral("--json"), QStringLiteral("latest run?")});
    INFO(run.err.toStdString());
    REQUIRE(run.exitCode == 0);
    REQUIRE(h.llm.requests().size() == 2);
    // The second request carries the tool's answer, fetched from (fake) GitHub by the CLI.
    const QJsonArray messages = h.llm.requests().at(1).value(QLatin1String("messages")).toArray();
    const QJsonObject toolAnswer = messages.last().toObject();
    CHECK(toolAnswer.value(QLatin1String("role")).toString() == QLatin1String("tool"));
    CHECK(toolAnswer.value(QLatin1String("tool_call_id")).toString() == QLatin1String("call_1"));
    INFO(toolAnswer.value(QLatin1String("content")).toString().toStdString());
    CHECK(toolAnswer.value(QLatin1String("content")).toString().contains(QLatin1String("30433650")));
    CHECK_FALSE(h.github.requestsTo(QStringLiteral(".*/actions/runs"), "GET").isEmpty());
    // --json: one object per line — the conversation, the question, the tool call, the answer.
    QStringList types;
    for (const QString &line : run.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        const QJsonObject object = QJsonDocument::fromJson(line.toUtf8()).object();
        REQUIRE_FALSE(object.isEmpty());
        types.append(object.value(QLatin1String("type")).toString() + QLatin1Char(':') +
                     object.value(QLatin1String("role")).toString() +
                     object.value(QLatin1String("name")).toString());
    }
    CHECK(types == QStringList{QStringLiteral("conversation:"), QStringLiteral("message:user"),
                               QStringLiteral("tool_call:list_runs"), QStringLiteral("message:assistant")});
    CHECK(run.out.contains(QLatin1String("The latest run passed.")));
}

TEST_CASE("ask: a proposal is not acted on without --approve (exit 3) and runs once with it", "[cli][ask]")
{
    AskHarness h;
    const QJsonObject rerun{{QStringLiteral("repo"), kRepo}, {QStringLiteral("run_id"), 30433650}};
    h.llm.queueToolCall(QStringLiteral("call_1"), QStringLiteral("propose_rerun"), rerun);
    h.llm.queueText({QStringLiteral("I proposed a re-run.")});
    const AskRun refused = h.run({QStringLiteral("ask"), QStringLiteral("rerun it")});
    INFO(refused.err.toStdString());
    CHECK(refused.exitCode == 3);
    CHECK(refused.out.contains(QLatin1String("[proposal]")));
    CHECK(refused.err.contains(QLatin1String("--approve")));
    CHECK(h.github.requestsTo(QStringLiteral(".*/rerun.*"), "POST").isEmpty());
    CHECK(h.actions().isEmpty());

    h.llm.queueToolCall(QStringLiteral("call_2"), QStringLiteral("propose_rerun"), rerun);
    h.llm.queueText({QStringLiteral("I proposed a re-run.")});
    const AskRun approved =
        h.run({QStringLiteral("ask"), QStringLiteral("--approve"), QStringLiteral("rerun it")});
    INFO(approved.err.toStdString());
    INFO(approved.out.toStdString());
    CHECK(approved.exitCode == 0);
    CHECK(approved.out.contains(QLatin1String("Done: Run 30433650 was re-run.")));
    CHECK(h.github.requestsTo(QStringLiteral(".*/rerun-failed-jobs"), "POST").size() == 1);
    const QJsonArray actions = h.actions();
    REQUIRE(actions.size() == 1);
    CHECK(actions.first().toObject().value(QLatin1String("status")).toString() == QLatin1String("success"));
}

TEST_CASE("ask: Ctrl+C mid-stream stops cleanly and keeps the partial answer", "[cli][ask]")
{
    AskHarness h;
    QStringList pieces;
    for (int i = 0; i < 40; ++i)
        pieces.append(QStringLiteral("word%1 ").arg(i));
    h.llm.queueText(pieces, 250);
    QProcess process;
    h.start(process, {QStringLiteral("ask"), QStringLiteral("talk slowly")});
    QString out;
    REQUIRE(QTest::qWaitFor(
        [&]() {
            out += QString::fromUtf8(process.readAllStandardOutput());
            return out.contains(QLatin1String("word1 "));
        },
        10000));
    ::kill(pid_t(process.processId()), SIGINT);
    const AskRun run = h.finish(process, out);
    INFO(run.err.toStdString());
    CHECK(run.status == QProcess::NormalExit);
    CHECK(run.exitCode == 130);
    CHECK_FALSE(run.out.contains(QLatin1String("word39")));
    CHECK(run.err.contains(QLatin1String("stopped")));

    // The partial answer is stored, marked as stopped.
    const AskRun listed = h.run(words(QStringLiteral("ask --list --json")));
    const QJsonArray conversations = QJsonDocument::fromJson(listed.out.toUtf8()).array();
    REQUIRE(conversations.size() >= 1);
    const QString id = conversations.first().toObject().value(QLatin1String("id")).toString();
    const AskRun shown = h.run({QStringLiteral("ask"), QStringLiteral("--show"), id});
    CHECK(shown.out.contains(QLatin1String("word0 word1")));
    CHECK(shown.out.contains(QLatin1String("(stopped)")));
}

TEST_CASE("ask: conversations continue, list, show and delete; local commands need no model", "[cli][ask]")
{
    AskHarness h;
    h.llm.queueText({QStringLiteral("First answer.")});
    REQUIRE(h.run({QStringLiteral("ask"), QStringLiteral("first question")}).exitCode == 0);
    const QJsonArray listed =
        QJsonDocument::fromJson(h.run(words(QStringLiteral("ask --list --json"))).out.toUtf8()).array();
    REQUIRE(listed.size() >= 1);
    const QJsonObject newest = listed.first().toObject();
    CHECK(newest.value(QLatin1String("title")).toString() == QLatin1String("first question"));
    const QString id = newest.value(QLatin1String("id")).toString();

    h.llm.queueText({QStringLiteral("Second answer.")});
    REQUIRE(h.run({QStringLiteral("ask"), QStringLiteral("--conversation"), id, QStringLiteral("and then?")})
                .exitCode == 0);
    // The model saw the earlier exchange.
    const QStringList context = FakeLlmServer::contents(h.llm.requests().last());
    CHECK(context.contains(QStringLiteral("user:first question")));
    CHECK(context.contains(QStringLiteral("assistant:First answer.")));
    CHECK(context.contains(QStringLiteral("user:and then?")));

    const AskRun shown = h.run({QStringLiteral("ask"), QStringLiteral("--show"), id});
    CHECK(shown.out.contains(QLatin1String("Second answer.")));
    CHECK(h.run({QStringLiteral("ask"), QStringLiteral("--conversation"), QStringLiteral("nope"),
                 QStringLiteral("hi")})
              .exitCode == 1);

    // Local commands: answered from the store, no request to the model.
    const int requests = int(h.llm.requests().size());
    const AskRun help = h.run({QStringLiteral("ask"), QStringLiteral("/help")});
    CHECK(help.exitCode == 0);
    CHECK(help.out.contains(QLatin1String("/runs OWNER/REPO")));
    const AskRun triggers = h.run({QStringLiteral("ask"), QStringLiteral("/triggers")});
    CHECK(triggers.exitCode == 0);
    CHECK(triggers.out.contains(QLatin1String("No triggers yet.")));
    CHECK(h.llm.requests().size() == requests);

    CHECK(h.run({QStringLiteral("ask"), QStringLiteral("--delete"), id}).exitCode == 0);
    CHECK(h.run({QStringLiteral("ask"), QStringLiteral("--show"), id}).exitCode == 1);
}

TEST_CASE("ask in a terminal shows a proposal and asks y/N", "[cli][ask]")
{
    const QString script = QStandardPaths::findExecutable(QStringLiteral("script"));
    if (script.isEmpty()) {
        WARN("util-linux `script` (to give the CLI a terminal) is not installed: not tested here");
        return;
    }
    AskHarness h;
    QFile file(h.dataDir.filePath(QStringLiteral("t.yaml")));
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(
        "triggers:\n  - name: readme-prs\n    event: pull_request\n    run:\n      - notify: {title: hi}\n");
    file.close();
    REQUIRE(h.run({QStringLiteral("triggers"), QStringLiteral("import"), file.fileName()}).exitCode == 0);

    const auto askInTerminal = [&](const QByteArray &answer) {
        const QString command = QStringLiteral("'%1' --data-dir '%2' ask '/trigger disable readme-prs'")
                                    .arg(QStringLiteral(EXESERVER_CLI_PATH), h.dataDir.path());
        QProcess process; // `script` runs the CLI on a pseudo-terminal of its own
        process.setProcessEnvironment(h.environment());
        process.setProgram(script);
        process.setArguments({QStringLiteral("-q"), QStringLiteral("-e"), QStringLiteral("-c"), command,
                              QStringLiteral("/dev/null")});
        process.start();
        REQUIRE(process.waitForStarted());
        QString out;
        REQUIRE(QTest::qWaitFor(
            [&]() {
                out += QString::fromUtf8(process.readAllStandardOutput());
                return out.contains(QLatin1String("[y/N]"));
            },
            15000));
        process.write(answer);
        return h.finish(process, out);
    };
    const AskRun declined = askInTerminal("n\n");
    INFO(declined.out.toStdString());
    CHECK(declined.exitCode == 0);
    CHECK(declined.out.contains(QLatin1String("Rejected: nothing was sent.")));
    CHECK(h.run(words(QStringLiteral("triggers list"))).out.contains(QLatin1String("enabled")));

    const AskRun accepted = askInTerminal("y\n");
    INFO(accepted.out.toStdString());
    CHECK(accepted.exitCode == 0);
    CHECK(accepted.out.contains(QLatin1String("Done: Trigger readme-prs disabled.")));
    CHECK(h.run(words(QStringLiteral("triggers list"))).out.contains(QLatin1String("disabled")));
}
