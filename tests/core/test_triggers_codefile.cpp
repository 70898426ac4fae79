#include "catch.h"
#include "triggers_testutil.h"

#include "triggers/codefileenvironment.h"
#include "triggers/codefilerunner.h"
#include "triggers/runfiles.h"
#include "triggers/templateengine.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace exeserver;
using namespace exeserver::test;
using namespace Qt::StringLiterals;

namespace {

QString writeScript(const QTemporaryDir &dir, const QString &name, const QByteArray &content,
                    bool executable = true)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();
    QFile::Permissions perms = QFile::ReadOwner | QFile::WriteOwner;
    if (executable)
        perms |= QFile::ExeOwner;
    REQUIRE(file.setPermissions(perms));
    return path;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

CodefileRequest request(const QString &path, QStringList args = {},
                        const char *eventFile = "pull_request.opened.json")
{
    CodefileRequest r;
    r.action.path = path;
    r.action.args = std::move(args);
    r.triggerName = u"my-trigger"_s;
    r.event = webhookEvent("pull_request", eventFile);
    r.event.id = u"delivery-42"_s;
    return r;
}

CodefileAction action(const QString &path, const QStringList &args)
{
    CodefileAction a;
    a.path = path;
    a.args = args;
    return a;
}

// Collects finished() results by id.
struct Results
{
    explicit Results(CodefileRunner &runner)
    {
        QObject::connect(&runner, &CodefileRunner::finished,
                         [this](quint64 id, const CodefileResult &result) { byId.insert(id, result); });
    }
    CodefileResult wait(quint64 id, int timeoutMs = 20000)
    {
        REQUIRE(QTest::qWaitFor([&] { return byId.contains(id); }, timeoutMs));
        return byId.value(id);
    }
    QHash<quint64, CodefileResult> byId;
};

bool processGone(qint64 pid)
{
    // A killed child re-parented to a PID 1 that does not reap may linger as a zombie: that is dead too.
    const QByteArray stat = readAll(u"/proc/%1/stat"_s.arg(pid));
    if (stat.isEmpty())
        return true;
    const qsizetype close = stat.lastIndexOf(')');
    return close > 0 && close + 2 < stat.size() && stat.at(close + 2) == 'Z';
}

} // namespace

TEST_CASE("Code files see the Actions environment and the event JSON file", "[triggers][codefile]")
{
    QTemporaryDir dir;
    const QString out = dir.filePath(u"out"_s);
    const QString script = writeScript(dir, u"env.sh"_s, R"SH(#!/bin/sh
{
  echo "name=$GITHUB_EVENT_NAME"
  echo "repo=$GITHUB_REPOSITORY"
  echo "actor=$GITHUB_ACTOR"
  echo "ref=$GITHUB_REF"
  echo "sha=$GITHUB_SHA"
  echo "trigger=$EXESERVER_TRIGGER"
  echo "event=$EXESERVER_EVENT_ID"
  echo "token=${GITHUB_TOKEN:-none}"
  echo "other=${OPENAI_API_KEY:-none}"
  echo "api=${EXESERVER_API_TOKEN:-none}"
  echo "pwd=$(pwd)"
  echo "args=$#:$1:$2"
} > "$1"
cp "$GITHUB_EVENT_PATH" "$1.json"
echo "to stdout"; echo "to stderr" >&2
)SH");
    QProcessEnvironment base = QProcessEnvironment::systemEnvironment();
    base.insert(u"GITHUB_TOKEN"_s, u"ghp_from_the_app"_s);
    base.insert(u"OPENAI_API_KEY"_s, u"sk-secret"_s);
    base.insert(u"EXESERVER_API_TOKEN"_s, u"exs_local_api_token"_s);
    // Through the wrapper (the default where it is built) and directly (Windows, or no wrapper).
    const bool direct = GENERATE(false, true);
    CodefileRunner runner(CodefileRunner::Options{2, 16 * 1024, 1000, dir.path(), base,
                                                  direct ? std::optional(QString()) : std::nullopt});
    Results results(runner);

    CodefileRequest r = request(script, {out, u"two words"_s});
    r.token = u"ghp_trigger_token"_s;
    r.logFilePath = dir.filePath(u"logs/run-1.log"_s);
    const CodefileResult result = results.wait(runner.submit(r));
    INFO(result.error.message.toStdString());
    REQUIRE(result.success);
    CHECK(result.started);
    CHECK(result.exitCode == 0);
    CHECK(result.output.contains(u"to stdout"));
    CHECK(result.output.contains(u"to stderr"));
    CHECK(readAll(r.logFilePath).contains("to stderr"));

    const QString env = QString::fromUtf8(readAll(out));
    INFO(env.toStdString());
    CHECK(env.contains(u"name=pull_request\n"));
    CHECK(env.contains(u"repo="_s + r.event.repository + u'\n'));
    CHECK(env.contains(u"actor="_s + r.event.sender + u'\n'));
    CHECK(env.contains(u"ref=refs/pull/"));
    CHECK(env.contains(u"sha="_s + r.event.sha));
    CHECK(env.contains(u"trigger=my-trigger\n"));
    CHECK(env.contains(u"event=delivery-42\n"));
    CHECK(env.contains(u"token=none\n")); // the app's token does not leak without pass_token
    CHECK(env.contains(u"other=none\n"));
    CHECK(env.contains(u"api=none\n")); // nor the local API's token, which could drive the app
    CHECK(env.contains(u"pwd="_s + QDir(dir.path()).canonicalPath()));
    CHECK(env.contains(u"args=2:"_s + out + u":two words\n"_s));
    CHECK(QJsonDocument::fromJson(readAll(out + u".json"_s)).object() == r.event.payload);
    // The event file is temporary.
    CHECK(QDir(dir.path()).entryList({u"exeserver-event-*"_s}).isEmpty());

    r.action.passToken = true;
    REQUIRE(results.wait(runner.submit(r)).success);
    CHECK(readAll(out).contains("token=ghp_trigger_token\n"));
}

TEST_CASE("A hostile PR title reaches the script only as data", "[triggers][codefile][security]")
{
    QTemporaryDir dir;
    const QString marker = dir.filePath(u"PWNED"_s);
    const QString out = dir.filePath(u"title.txt"_s);
    const QString script = writeScript(dir, u"echo.sh"_s, "#!/bin/sh\nprintf '%s' \"$2\" > \"$1\"\n");

    EventContext e = webhookEvent("pull_request", "pull_request.opened.json");
    QJsonObject payload = e.payload;
    QJsonObject pr = payload[u"pull_request"_s].toObject();
    const QString title =
        u"feat: $(touch %1) `touch %1`; touch %1 && touch %1 | touch %1 > x '\" {{ event.action }}"_s.arg(
            marker);
    pr.insert(u"title"_s, title);
    payload.insert(u"pull_request"_s, pr);
    e = EventContext::fromPayload(e.type, payload, u"evil"_s);

    CodefileAction action;
    action.path = script;
    action.args = {out, u"{{ event.pull_request.title }}"_s};
    CodefileRequest r;
    r.action = std::get<CodefileAction>(
        TemplateEngine::renderAction(action, TemplateEngine::context(e, u"t"_s, std::nullopt)));
    r.event = e;
    CodefileRunner runner;
    Results results(runner);
    REQUIRE(results.wait(runner.submit(r)).success);
    CHECK(QString::fromUtf8(readAll(out)) == title);
    CHECK_FALSE(QFile::exists(marker));
    CHECK_FALSE(QFile::exists(dir.filePath(u"x"_s)));
}

TEST_CASE("A sleeping script and its children are killed at the timeout", "[triggers][codefile][timeout]")
{
    QTemporaryDir dir;
    const QString childPid = dir.filePath(u"child.pid"_s);
    // The child ignores SIGTERM, so only the SIGKILL to the process group can end it.
    const QString script = writeScript(dir, u"sleepy.sh"_s, R"SH(#!/bin/bash
(trap '' TERM; exec sleep 60) &
echo $! > "$1"
echo started
sleep 60
)SH");
    const bool direct = GENERATE(false, true);
    CodefileRunner runner(
        CodefileRunner::Options{1, 16 * 1024, 300, {}, {}, direct ? std::optional(QString()) : std::nullopt});
    Results results(runner);
    CodefileRequest r = request(script, {childPid});
    r.timeoutMs = 700;
    QElapsedTimer timer;
    timer.start();
    const CodefileResult result = results.wait(runner.submit(r), 15000);
    CHECK(timer.elapsed() < 10000);
    CHECK(result.started);
    CHECK_FALSE(result.success);
    CHECK(result.timedOut);
    CHECK(result.error.kind == u"timeout");
    CHECK(result.output.contains(u"started"));
    const qint64 child = readAll(childPid).trimmed().toLongLong();
    REQUIRE(child > 0);
    CHECK(QTest::qWaitFor([&] { return processGone(child); }, 5000));
}

TEST_CASE("Code files that cannot run fail clearly and start nothing", "[triggers][codefile][errors]")
{
    QTemporaryDir dir;
    CodefileRunner runner;
    Results results(runner);
    int startedCount = 0;
    QObject::connect(&runner, &CodefileRunner::started, [&] { ++startedCount; });

    const CodefileResult missing = results.wait(runner.submit(request(dir.filePath(u"nope.sh"_s))));
    CHECK_FALSE(missing.started);
    CHECK(missing.error.kind == u"not_found");
    CHECK(missing.error.message.contains(dir.filePath(u"nope.sh"_s)));

    const QString plain = writeScript(dir, u"tool"_s, "#!/bin/sh\ntouch ran\n", false);
    const CodefileResult notExecutable = results.wait(runner.submit(request(plain)));
    CHECK_FALSE(notExecutable.started);
    CHECK(notExecutable.error.kind == u"not_executable");
    CHECK(notExecutable.error.message.contains(u"chmod +x"));

    CHECK(results.wait(runner.submit(request(u"relative.sh"_s))).error.message.contains(u"absolute"));
    CHECK(results.wait(runner.submit(request(dir.path()))).error.kind == u"invalid");
    CodefileRequest badWorkdir = request(writeScript(dir, u"ok.sh"_s, "exit 0\n"));
    badWorkdir.action.workdir = dir.filePath(u"missing-dir"_s);
    CHECK(results.wait(runner.submit(badWorkdir)).error.message.contains(u"working folder"));
    CHECK(startedCount == 0);
    CHECK_FALSE(QFile::exists(dir.filePath(u"ran"_s)));

    // A script that runs and fails reports its exit code and output.
    const QString failing = writeScript(dir, u"fail.sh"_s, "echo something broke >&2\nexit 3\n", false);
    const CodefileResult failed = results.wait(runner.submit(request(failing)));
    CHECK(failed.started);
    CHECK(failed.exitCode == 3);
    CHECK(failed.error.kind == u"exit_code");
    CHECK(failed.output.contains(u"something broke"));
}

TEST_CASE("Interpreters follow the extension and executables run directly", "[triggers][codefile]")
{
    QTemporaryDir dir;
    CodefileRunner runner;
    Results results(runner);
    auto sh = CodefileRunner::resolve(action(writeScript(dir, u"a.sh"_s, "exit 0\n", false), {u"x"_s}));
    REQUIRE(sh.ok());
    CHECK((sh->program.endsWith(u"/bash") || sh->program.endsWith(u"/sh")));
    CHECK(sh->arguments == QStringList{dir.filePath(u"a.sh"_s), u"x"_s});

    const QString exe = writeScript(dir, u"direct"_s, "#!/bin/sh\necho \"direct:$1\"\n");
    auto direct = CodefileRunner::resolve(action(exe, {u"y"_s}));
    REQUIRE(direct.ok());
    CHECK(direct->program == exe);
    CHECK(results.wait(runner.submit(request(exe, {u"y z"_s}))).output == u"direct:y z\n");

    if (!QStandardPaths::findExecutable(u"python3"_s).isEmpty()) {
        const QString py = writeScript(dir, u"p.py"_s,
                                       "import json, os, sys\nprint(sys.argv[1:], "
                                       "json.load(open(os.environ['GITHUB_EVENT_PATH']))['action'])\n",
                                       false);
        const CodefileResult r = results.wait(runner.submit(request(py, {u"a b"_s, u"$HOME"_s})));
        INFO(r.output.toStdString());
        CHECK(r.output.trimmed() == u"['a b', '$HOME'] opened");
    }
    if (!QStandardPaths::findExecutable(u"node"_s).isEmpty()) {
        const QString js =
            writeScript(dir, u"n.js"_s, "console.log(process.argv.slice(2).join('|'))\n", false);
        CHECK(results.wait(runner.submit(request(js, {u"a"_s, u";b"_s}))).output.trimmed() == u"a|;b");
    }
}

TEST_CASE("The concurrency limit queues runs in order", "[triggers][codefile][queue]")
{
    QTemporaryDir dir;
    const QString journal = dir.filePath(u"journal"_s);
    const QString script = writeScript(
        dir, u"slow.sh"_s, "#!/bin/sh\necho \"start $1\" >> \"$2\"\nsleep 0.2\necho \"end $1\" >> \"$2\"\n");
    CodefileRunner runner(CodefileRunner::Options{2, 16 * 1024, 1000, {}, {}, std::nullopt});
    Results results(runner);
    int maxRunning = 0;
    QObject::connect(&runner, &CodefileRunner::started,
                     [&] { maxRunning = std::max(maxRunning, runner.runningCount()); });
    QList<quint64> ids;
    for (int i = 1; i <= 5; ++i)
        ids.append(runner.submit(request(script, {QString::number(i), journal})));
    CHECK(runner.queuedCount() == 5);
    CHECK(runner.runningCount() == 0); // nothing starts inside submit()
    for (quint64 id : ids)
        CHECK(results.wait(id).success);
    CHECK(maxRunning == 2);
    CHECK(runner.runningCount() == 0);
    CHECK(runner.queuedCount() == 0);

    // With one slot, runs never overlap and keep their order.
    QFile::remove(journal);
    CodefileRunner serial(CodefileRunner::Options{1, 16 * 1024, 1000, {}, {}, std::nullopt});
    Results serialResults(serial);
    ids.clear();
    for (int i = 1; i <= 3; ++i)
        ids.append(serial.submit(request(script, {QString::number(i), journal})));
    for (quint64 id : ids)
        REQUIRE(serialResults.wait(id).success);
    CHECK(readAll(journal) == "start 1\nend 1\nstart 2\nend 2\nstart 3\nend 3\n");
}

TEST_CASE("Output is capped in the result and kept whole in the run log", "[triggers][codefile]")
{
    QTemporaryDir dir;
    const QString script = writeScript(dir, u"loud.sh"_s,
                                       "#!/bin/sh\ni=0\nwhile [ $i -lt 3000 ]; do echo \"line $i "
                                       "........................\"; i=$((i+1)); done\necho LAST\n");
    CodefileRunner runner(CodefileRunner::Options{1, 4096, 1000, {}, {}, std::nullopt});
    Results results(runner);
    CodefileRequest r = request(script);
    r.logFilePath = dir.filePath(u"run.log"_s);
    const CodefileResult result = results.wait(runner.submit(r));
    REQUIRE(result.success);
    CHECK(result.outputBytes > 90000);
    CHECK(result.output.size() < 4096 + 100);
    CHECK(result.output.startsWith(u"[… "));
    CHECK(result.output.endsWith(u"LAST\n"));
    const QByteArray log = readAll(r.logFilePath);
    CHECK(log.size() == result.outputBytes);
    CHECK(log.startsWith("line 0 "));
}

TEST_CASE("Actions file commands: name=value lines and the heredoc form are read as the runner does",
          "[triggers][codefile][filecommands]")
{
    const auto parsed = FileCommands::parseKeyValues("verdict=pass\r\n"
                                                     "empty=\n"
                                                     "equals=a=b<<c\n"
                                                     "\n"
                                                     "notes<<EOF_1\n"
                                                     "first line\n"
                                                     "x=1\n"
                                                     "\n"
                                                     "EOF_1\n"
                                                     "verdict=fail\n");
    REQUIRE(parsed.ok());
    const QList<std::pair<QString, QString>> expected{{u"verdict"_s, u"pass"_s},
                                                      {u"empty"_s, QString()},
                                                      {u"equals"_s, u"a=b<<c"_s},
                                                      {u"notes"_s, u"first line\nx=1\n"_s},
                                                      {u"verdict"_s, u"fail"_s}};
    CHECK(*parsed == expected);
    // A heredoc value that is empty, and one whose delimiter never comes.
    CHECK(FileCommands::parseKeyValues("a<<END\nEND\n")->value(0).second.isEmpty());
    const auto unterminated = FileCommands::parseKeyValues("a<<END\nline\n");
    REQUIRE_FALSE(unterminated.ok());
    CHECK(unterminated.error().message.contains(u"no closing line END"_s));
    CHECK_FALSE(FileCommands::parseKeyValues("just words\n").ok());
    CHECK_FALSE(FileCommands::parseKeyValues("=value\n").ok());
    CHECK_FALSE(FileCommands::parseKeyValues("<<EOF\nx\nEOF\n").ok());
    CHECK(FileCommands::parsePath("/opt/a\r\n\n  /opt/b  \n") == QStringList{u"/opt/a"_s, u"/opt/b"_s});
}

TEST_CASE("GITHUB_SERVER_URL follows the API URL, GitHub Enterprise Server included", "[triggers][codefile]")
{
    CHECK(CodefileEnvironment::serverUrlFor(QUrl(u"https://api.github.com"_s)) == u"https://github.com"_s);
    CHECK(CodefileEnvironment::serverUrlFor(QUrl(u"https://ghe.example.com/api/v3/"_s)) ==
          u"https://ghe.example.com"_s);
    CHECK(CodefileEnvironment::serverUrlFor(QUrl(u"https://api.octo.ghe.com"_s)) ==
          u"https://octo.ghe.com"_s);
    CHECK(CodefileEnvironment::serverUrlFor(QUrl(u"http://127.0.0.1:8080/api/v3"_s)) ==
          u"http://127.0.0.1:8080"_s);
    CHECK(CodefileEnvironment::serverUrlFor(QUrl()) == u"https://github.com"_s);

    CodefileRequest r = request(u"/bin/true"_s);
    r.apiUrl = QUrl(u"https://ghe.example.com/api/v3"_s);
    r.env = {{u"FROM_EARLIER"_s, u"1"_s}, {u"GITHUB_TOKEN"_s, u"leak"_s}, {u"GITHUB_REPOSITORY"_s, u"x/y"_s}};
    r.path = {u"/opt/newest"_s, u"/opt/older"_s};
    QProcessEnvironment base;
    base.insert(u"PATH"_s, u"/usr/bin"_s);
    const QProcessEnvironment env =
        CodefileEnvironment::build(r, u"/tmp/e.json"_s, base, u"/work/space"_s, u"/data/runs/a1.log"_s);
    CHECK(env.value(u"GITHUB_API_URL"_s) == u"https://ghe.example.com/api/v3"_s);
    CHECK(env.value(u"GITHUB_SERVER_URL"_s) == u"https://ghe.example.com"_s);
    CHECK(env.value(u"CI"_s) == u"true"_s);
    CHECK(env.value(u"GITHUB_WORKSPACE"_s) == u"/work/space"_s);
    CHECK(env.value(u"GITHUB_OUTPUT"_s) == u"/data/runs/a1.output"_s);
    CHECK(env.value(u"GITHUB_ENV"_s) == u"/data/runs/a1.env"_s);
    CHECK(env.value(u"GITHUB_PATH"_s) == u"/data/runs/a1.path"_s);
    CHECK(env.value(u"GITHUB_STEP_SUMMARY"_s) == u"/data/runs/a1.summary.md"_s);
    CHECK(env.value(u"RUNNER_TEMP"_s) == u"/data/runs/a1.temp"_s);
    // A pull request: refs/pull/N/merge, its head and base branches.
    CHECK(env.value(u"GITHUB_REF_NAME"_s) == u"2/merge"_s);
    CHECK(env.value(u"GITHUB_HEAD_REF"_s) == u"changes"_s);
    CHECK(env.value(u"GITHUB_BASE_REF"_s) == u"master"_s);
    // Carried variables and PATH entries; never a secret or a runner variable.
    CHECK(env.value(u"FROM_EARLIER"_s) == u"1"_s);
    CHECK_FALSE(env.contains(u"GITHUB_TOKEN"_s));
    CHECK(env.value(u"GITHUB_REPOSITORY"_s) == u"Codertocat/Hello-World"_s);
    CHECK(env.value(u"PATH"_s) == u"/opt/newest:/opt/older:/usr/bin"_s);
    CHECK(CodefileEnvironment::refusedVariable(u"gh_token"_s).contains(u"secret"_s));
    CHECK(CodefileEnvironment::refusedVariable(u"NODE_OPTIONS"_s).contains(u"NODE_OPTIONS"_s));
    CHECK(CodefileEnvironment::refusedVariable(u"MY_VAR"_s).isEmpty());
}

TEST_CASE("A code file written for Actions writes its outputs, variables, PATH and summary; the runner reads "
          "them back",
          "[triggers][codefile][filecommands]")
{
    QTemporaryDir dir;
    const QString script = writeScript(dir, u"actions.sh"_s, R"SH(#!/bin/sh
set -e
echo "verdict=pass" >> "$GITHUB_OUTPUT"
{ echo "notes<<EOF"; echo "line one"; echo "line two"; echo "EOF"; } >> "$GITHUB_OUTPUT"
echo "STAGE=build" >> "$GITHUB_ENV"
echo "GITHUB_TOKEN=stolen" >> "$GITHUB_ENV"
echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
echo "scratch" > "$RUNNER_TEMP/file"
echo "### Result: **pass**" >> "$GITHUB_STEP_SUMMARY"
echo "ci=$CI workspace=$GITHUB_WORKSPACE"
)SH");
    const bool direct = GENERATE(false, true);
    CodefileRunner runner(CodefileRunner::Options{2, 16 * 1024, 1000, dir.path(), std::nullopt,
                                                  direct ? std::optional(QString()) : std::nullopt});
    Results results(runner);
    // With a log (the engine's runs folder): the file commands stay beside it, RUNNER_TEMP goes.
    CodefileRequest kept = request(script);
    kept.logFilePath = dir.filePath(u"runs/a1.log"_s);
    kept.action.workdir = dir.path();
    const CodefileResult result = results.wait(runner.submit(kept));
    INFO(result.error.message.toStdString() << result.output.toStdString());
    REQUIRE(result.success);
    CHECK(result.output.contains(u"ci=true workspace=%1"_s.arg(dir.path())));
    CHECK(result.commands.outputs.value(u"verdict"_s) == u"pass"_s);
    CHECK(result.commands.outputs.value(u"notes"_s) == u"line one\nline two"_s);
    CHECK(result.commands.env == QList<std::pair<QString, QString>>{{u"STAGE"_s, u"build"_s}});
    CHECK(result.commands.warnings.join(u' ').contains(u"GITHUB_TOKEN is a secret"_s));
    CHECK(result.commands.path == QStringList{dir.filePath(u"runs/a1.temp/bin"_s)});
    CHECK(result.commands.summary == u"### Result: **pass**\n"_s);
    CHECK(QFile::exists(dir.filePath(u"runs/a1.output"_s)));
    CHECK(
        QFile::permissions(dir.filePath(u"runs/a1.output"_s)) ==
        (QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser | QFileDevice::WriteUser));
    CHECK(QFile::exists(dir.filePath(u"runs/a1.summary.md"_s)));
    if (!direct) // the engine removes the bookkeeping once the outcome is recorded (keepRunFiles)
        RunFiles(kept.logFilePath).removeBookkeeping();
    CHECK_FALSE(QFileInfo::exists(dir.filePath(u"runs/a1.temp"_s)));

    // Without a log: temporary files, all gone afterwards.
    const CodefileResult temporary = results.wait(runner.submit(request(script)));
    REQUIRE(temporary.success);
    CHECK(temporary.commands.outputs.value(u"verdict"_s) == u"pass"_s);
    CHECK(QDir(dir.path()).entryList({u"exeserver-run-*"_s}, QDir::Files | QDir::Dirs).isEmpty());
}

TEST_CASE("A malformed GITHUB_OUTPUT fails the run, as it fails an Actions step", "[triggers][codefile]")
{
    QTemporaryDir dir;
    const QString script =
        writeScript(dir, u"bad.sh"_s, "#!/bin/sh\nprintf 'notes<<EOF\\nno end\\n' >> \"$GITHUB_OUTPUT\"\n");
    CodefileRunner runner(
        CodefileRunner::Options{2, 16 * 1024, 1000, dir.path(), std::nullopt, std::nullopt});
    Results results(runner);
    const CodefileResult result = results.wait(runner.submit(request(script)));
    CHECK(result.started);
    CHECK(result.exitCode == 0);
    CHECK_FALSE(result.success);
    CHECK(result.error.kind == u"file_command"_s);
    CHECK(result.error.message.contains(u"GITHUB_OUTPUT"_s));
}

TEST_CASE("Code files: the files of a killed process are removed at start; the living's and others stay",
          "[triggers][codefile]")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    // No process has this id (Linux's pid_max is at most 2^22), so its files are a killed process's.
    const QString dead = u"2147480000"_s;
    const QString alive = QString::number(QCoreApplication::applicationPid());
    const auto touch = [&dir](const QString &name) {
        QFile file(dir.filePath(name));
        REQUIRE(file.open(QIODevice::WriteOnly));
    };
    touch(u"exeserver-event-%1-1.json"_s.arg(dead));
    touch(u"EXESERVER-EVENT-%1-2.JSON"_s.arg(dead)); // QDir's name filters ignored case: still so
    touch(u"exeserver-run-%1-3"_s.arg(dead));
    REQUIRE(QDir(dir.path()).mkpath(u"exeserver-run-%1-4/files"_s.arg(dead)));
    touch(u"exeserver-event-%1-5.json"_s.arg(alive));
    touch(u"exeserver-event-%1-6.txt"_s.arg(dead)); // not an event file
    touch(u"other-%1.json"_s.arg(dead));

    CHECK(CodefileRunner::removeLeftovers(dir.path()) == 4);
    QStringList left = QDir(dir.path()).entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot);
    QStringList kept{u"exeserver-event-%1-5.json"_s.arg(alive), u"exeserver-event-%1-6.txt"_s.arg(dead),
                     u"other-%1.json"_s.arg(dead)};
    left.sort();
    kept.sort();
    CHECK(left == kept);
}
