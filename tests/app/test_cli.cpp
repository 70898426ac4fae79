#include "catch.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

namespace {

struct CliRun
{
    int exitCode = -1;
    QString out;
    QString err;
};

// Runs the real exeserver-cli binary with a clean environment plus `extra`.
CliRun runCli(const QStringList &arguments, const QProcessEnvironment &extra = {},
              const QByteArray &input = {})
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
    env.insert(QStringLiteral("HOME"), QDir::tempPath());
    env.insert(QStringLiteral("EXESERVER_NO_KEYCHAIN"), QStringLiteral("1"));
    for (const QString &key : extra.keys())
        env.insert(key, extra.value(key));
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(EXESERVER_CLI_PATH), arguments);
    REQUIRE(process.waitForStarted());
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    REQUIRE(process.waitForFinished(20000));
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

QProcessEnvironment env(std::initializer_list<std::pair<QString, QString>> values)
{
    QProcessEnvironment result;
    for (const auto &[name, value] : values)
        result.insert(name, value);
    return result;
}

} // namespace

TEST_CASE("CLI: config show prints every setting with its source and masks secrets", "[cli]")
{
    QTemporaryDir dir;
    const CliRun run =
        runCli({QStringLiteral("--data-dir"), dir.path(), QStringLiteral("config"), QStringLiteral("show")},
               env({{QStringLiteral("GITHUB_TOKEN"), QStringLiteral("ghp_supersecretvalueAB12")},
                    {QStringLiteral("SUPABASE_ANON_KEY"), QStringLiteral("eyJhbGciOiJIUzI1NiJ9.anonZZ99")},
                    {QStringLiteral("SUPABASE_URL"), QStringLiteral("https://proj.supabase.co")}}));
    CHECK(run.exitCode == 0);
    CHECK(run.out.contains(QStringLiteral("github.token")));
    CHECK(run.out.contains(QStringLiteral("****AB12")));
    CHECK(run.out.contains(QStringLiteral("environment (GITHUB_TOKEN)")));
    CHECK(run.out.contains(QStringLiteral("****ZZ99")));
    CHECK(run.out.contains(QStringLiteral("https://proj.supabase.co")));
    CHECK(run.out.contains(QStringLiteral("command line (--data-dir)")));
    CHECK_FALSE(run.out.contains(QStringLiteral("supersecret")));
    CHECK_FALSE(run.out.contains(QStringLiteral("anonZZ99")));
    const CliRun json = runCli({QStringLiteral("config"), QStringLiteral("show"), QStringLiteral("--json"),
                                QStringLiteral("--data-dir"), dir.path()});
    for (const char *name :
         {"GITHUB_TOKEN", "GH_TOKEN", "GITHUB_API_URL", "GITHUB_WEBHOOK_SECRET", "SUPABASE_URL",
          "SUPABASE_ANON_KEY", "EXESERVER_DATABASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL",
          "EXESERVER_LLM_MODEL", "EXESERVER_DATA_DIR", "EXESERVER_RELAY_URL"})
        CHECK(json.out.contains(QString::fromLatin1(name)));
}

TEST_CASE("CLI: --api-url overrides the environment", "[cli]")
{
    QTemporaryDir dir;
    const CliRun run =
        runCli({QStringLiteral("config"), QStringLiteral("show"), QStringLiteral("--data-dir"), dir.path(),
                QStringLiteral("--api-url"), QStringLiteral("https://ghe.example/api/v3")},
               env({{QStringLiteral("GITHUB_API_URL"), QStringLiteral("https://env.example")}}));
    CHECK(run.exitCode == 0);
    CHECK(run.out.contains(QStringLiteral("https://ghe.example/api/v3")));
    CHECK_FALSE(run.out.contains(QStringLiteral("https://env.example")));
}

TEST_CASE("CLI: unknown commands and options print usage on stderr and exit 2", "[cli]")
{
    const CliRun unknownCommand = runCli({QStringLiteral("frobnicate")});
    CHECK(unknownCommand.exitCode == 2);
    CHECK(unknownCommand.err.contains(QStringLiteral("unknown command 'frobnicate'")));
    CHECK(unknownCommand.err.contains(QStringLiteral("Usage: exeserver-cli")));
    CHECK(unknownCommand.out.isEmpty());

    const CliRun unknownOption =
        runCli({QStringLiteral("config"), QStringLiteral("show"), QStringLiteral("--bogus")});
    CHECK(unknownOption.exitCode == 2);
    CHECK(unknownOption.err.contains(QStringLiteral("Unknown option 'bogus'")));

    const CliRun unknownGlobal =
        runCli({QStringLiteral("--bogus"), QStringLiteral("config"), QStringLiteral("show")});
    CHECK(unknownGlobal.exitCode == 2);

    const CliRun nothing = runCli({});
    CHECK(nothing.exitCode == 2);
    CHECK(nothing.err.contains(QStringLiteral("no command given")));
}

TEST_CASE("CLI: --help and --version exit 0 on stdout", "[cli]")
{
    const CliRun help = runCli({QStringLiteral("--help")});
    CHECK(help.exitCode == 0);
    CHECK(help.out.contains(QStringLiteral("config show")));
    const CliRun commandHelp =
        runCli({QStringLiteral("config"), QStringLiteral("show"), QStringLiteral("--help")});
    CHECK(commandHelp.exitCode == 0);
    CHECK(commandHelp.out.contains(QStringLiteral("--json")));
    const CliRun version = runCli({QStringLiteral("--version")});
    CHECK(version.exitCode == 0);
    CHECK(version.out.startsWith(QStringLiteral("exeserver-cli 0.")));
}

TEST_CASE("CLI: a malformed settings file is named on stderr, defaults are used, the file is kept", "[cli]")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("exeserver.ini"));
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write("[github\napi_url=https://broken\n");
    file.close();

    const CliRun show =
        runCli({QStringLiteral("--data-dir"), dir.path(), QStringLiteral("config"), QStringLiteral("show")});
    CHECK(show.exitCode == 0);
    CHECK(show.err.contains(path));
    CHECK(show.err.contains(QStringLiteral("malformed")));
    CHECK(show.out.contains(QStringLiteral("https://api.github.com")));

    const CliRun set = runCli({QStringLiteral("--data-dir"), dir.path(), QStringLiteral("config"),
                               QStringLiteral("set"), QStringLiteral("llm.model"), QStringLiteral("other")});
    CHECK(set.exitCode == 1);
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.readAll() == "[github\napi_url=https://broken\n");
}

TEST_CASE("CLI: config set writes plain settings and refuses secrets", "[cli]")
{
    QTemporaryDir dir;
    const CliRun set =
        runCli({QStringLiteral("--data-dir"), dir.path(), QStringLiteral("config"), QStringLiteral("set"),
                QStringLiteral("llm.model"), QStringLiteral("qwen2.5-coder")});
    CHECK(set.exitCode == 0);
    const CliRun show =
        runCli({QStringLiteral("--data-dir"), dir.path(), QStringLiteral("config"), QStringLiteral("show")});
    CHECK(show.out.contains(QStringLiteral("qwen2.5-coder")));
    CHECK(show.out.contains(QStringLiteral("settings file")));

    const CliRun secret =
        runCli({QStringLiteral("--data-dir"), dir.path(), QStringLiteral("config"), QStringLiteral("set"),
                QStringLiteral("github.token"), QStringLiteral("ghp_nope12345")});
    CHECK(secret.exitCode == 1);
    CHECK(secret.err.contains(QStringLiteral("never in the settings file")));

    const CliRun keychainless = runCli({QStringLiteral("--data-dir"), dir.path(), QStringLiteral("config"),
                                        QStringLiteral("set-secret"), QStringLiteral("github.token")},
                                       {}, "ghp_fromstdin12345\n");
    CHECK(keychainless.exitCode == 1);
    CHECK(keychainless.err.contains(QStringLiteral("GITHUB_TOKEN")));
    CHECK_FALSE(keychainless.err.contains(QStringLiteral("ghp_fromstdin12345")));
}

#ifndef Q_OS_WIN
TEST_CASE("CLI: the gh CLI's login is offered as the token source", "[cli]")
{
    QTemporaryDir dir;
    QTemporaryDir bin;
    QFile gh(bin.filePath(QStringLiteral("gh")));
    REQUIRE(gh.open(QIODevice::WriteOnly));
    gh.write("#!/bin/sh\necho gho_ghclitoken98765\n");
    gh.close();
    gh.setPermissions(gh.permissions() | QFileDevice::ExeOwner);
    const CliRun run =
        runCli({QStringLiteral("--data-dir"), dir.path(), QStringLiteral("config"), QStringLiteral("show")},
               env({{QStringLiteral("PATH"), bin.path() + QStringLiteral(":/usr/bin:/bin")}}));
    CHECK(run.exitCode == 0);
    CHECK(run.out.contains(QStringLiteral("****8765")));
    CHECK(run.out.contains(QStringLiteral("gh CLI")));
    CHECK_FALSE(run.out.contains(QStringLiteral("gho_ghclitoken98765")));
}
#endif

TEST_CASE("CLI: --help works at every level, from the command table's declarations", "[cli]")
{
    // A group's words list its commands with their usage (they answered "unknown command" before).
    const CliRun group = runCli({QStringLiteral("events"), QStringLiteral("--help")});
    CHECK(group.exitCode == 0);
    CHECK(group.out.contains(QStringLiteral("exeserver-cli events list [--type T]")));
    CHECK(group.out.contains(QStringLiteral("exeserver-cli events show ID")));
    CHECK(
        group.out.contains(QStringLiteral("exeserver-cli events ingest FILE --event TYPE [--delivery ID]")));
    CHECK_FALSE(group.out.contains(QStringLiteral("config show")));
    const CliRun bare = runCli({QStringLiteral("events")});
    CHECK(bare.exitCode == 2);
    CHECK(bare.err.contains(QStringLiteral("exeserver-cli events list")));

    const CliRun list = runCli({QStringLiteral("events"), QStringLiteral("list"), QStringLiteral("--help")});
    CHECK(list.exitCode == 0);
    CHECK(list.out.startsWith(QStringLiteral(
        "Usage: exeserver-cli events list [--type T] [--repo OWNER/REPO] [--since ISO] [--search WORDS] "
        "[--limit N] [--json]\n")));
    CHECK(list.out.contains(QStringLiteral("--limit <N>")));

    // The table checks the count the command declares and prints its usage.
    const CliRun missing = runCli({QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("a")});
    CHECK(missing.exitCode == 2);
    CHECK(missing.err.contains(QStringLiteral("exeserver-cli config set: missing arguments")));
    CHECK(missing.err.contains(QStringLiteral("Usage: exeserver-cli config set KEY VALUE")));
    const CliRun extra = runCli({QStringLiteral("config"), QStringLiteral("show"), QStringLiteral("x")});
    CHECK(extra.exitCode == 2);
    CHECK(extra.err.contains(QStringLiteral("too many arguments")));
}

TEST_CASE("CLI: a required option shows without brackets and the table refuses its absence", "[cli]")
{
    const CliRun help =
        runCli({QStringLiteral("triggers"), QStringLiteral("test"), QStringLiteral("--help")});
    CHECK(help.exitCode == 0);
    CHECK(help.out.startsWith(QStringLiteral("Usage: exeserver-cli triggers test NAME --event EVENT_ID\n")));
    const CliRun presets = runCli({QStringLiteral("presets"), QStringLiteral("--help")});
    CHECK(presets.out.contains(
        QStringLiteral("exeserver-cli presets add NAME --body TEXT [--description TEXT] [--replace]")));

    // Refused by the table before anything is opened: exit 2, the option named, the usage shown.
    const CliRun missing = runCli({QStringLiteral("triggers"), QStringLiteral("test"), QStringLiteral("t")});
    CHECK(missing.exitCode == 2);
    CHECK(missing.err.contains(QStringLiteral("exeserver-cli triggers test: --event EVENT_ID is required")));
    CHECK(missing.err.contains(QStringLiteral("Usage: exeserver-cli triggers test NAME --event EVENT_ID")));
    const CliRun ingest = runCli({QStringLiteral("events"), QStringLiteral("ingest"), QStringLiteral("-")});
    CHECK(ingest.exitCode == 2);
    CHECK(ingest.err.contains(QStringLiteral("--event TYPE is required")));
    const CliRun body = runCli({QStringLiteral("presets"), QStringLiteral("add"), QStringLiteral("p")});
    CHECK(body.exitCode == 2);
    CHECK(body.err.contains(QStringLiteral("--body TEXT is required")));
}
