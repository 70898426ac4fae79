#include "catch.h"

#include "config/secretredactor.h"
#include "config/settings.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

using namespace exeserver;

namespace {

QProcessEnvironment environment(std::initializer_list<std::pair<const char *, const char *>> values)
{
    QProcessEnvironment env;
    for (const auto &[name, value] : values)
        env.insert(QString::fromLatin1(name), QString::fromLatin1(value));
    return env;
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(content);
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    return file.readAll();
}

} // namespace

TEST_CASE("Settings: command line beats environment beats settings file beats default", "[settings]")
{
    QTemporaryDir dir;
    writeFile(
        dir.filePath(QStringLiteral("exeserver.ini")),
        "[github]\napi_url=https://file.example/api/v3\n[llm]\nmodel=file-model\nbase_url=http://file/v1\n");
    const auto env = environment({{"EXESERVER_DATA_DIR", qPrintable(dir.path())},
                                  {"GITHUB_API_URL", "https://env.example/api/v3"},
                                  {"EXESERVER_LLM_MODEL", "env-model"}});

    Settings fromFileAndEnv(env);
    CHECK(fromFileAndEnv.get(setting::GitHubApiUrl) == QStringLiteral("https://env.example/api/v3"));
    CHECK(fromFileAndEnv.value(setting::GitHubApiUrl).source == SettingSource::Environment);
    CHECK(fromFileAndEnv.value(setting::GitHubApiUrl).origin == QStringLiteral("GITHUB_API_URL"));
    CHECK(fromFileAndEnv.get(setting::LlmModel) == QStringLiteral("env-model"));
    CHECK(fromFileAndEnv.get(setting::OpenAiBaseUrl) == QStringLiteral("http://file/v1"));
    CHECK(fromFileAndEnv.value(setting::OpenAiBaseUrl).source == SettingSource::SettingsFile);
    CHECK(fromFileAndEnv.value(setting::RelayUrl).value.isEmpty());

    Settings withCli(env, {{setting::GitHubApiUrl, QStringLiteral("http://127.0.0.1:9/api/v3/")}});
    CHECK(withCli.value(setting::GitHubApiUrl).source == SettingSource::CommandLine);
    CHECK(withCli.gitHubApiUrl() == QUrl(QStringLiteral("http://127.0.0.1:9/api/v3")));

    Settings defaults(
        environment({{"EXESERVER_DATA_DIR", qPrintable(dir.path() + QStringLiteral("/empty"))}}));
    CHECK(defaults.get(setting::GitHubApiUrl) == QStringLiteral("https://api.github.com"));
    CHECK(defaults.value(setting::GitHubApiUrl).source == SettingSource::Default);
}

TEST_CASE("Settings: GITHUB_TOKEN wins over GH_TOKEN, and either is a secret known to the redactor",
          "[settings]")
{
    QTemporaryDir dir;
    Settings onlyGh(
        environment({{"EXESERVER_DATA_DIR", qPrintable(dir.path())}, {"GH_TOKEN", "gho_fromghtoken42"}}));
    CHECK(onlyGh.gitHubToken() == QStringLiteral("gho_fromghtoken42"));
    CHECK(onlyGh.value(setting::GitHubToken).origin == QStringLiteral("GH_TOKEN"));

    Settings both(environment({{"EXESERVER_DATA_DIR", qPrintable(dir.path())},
                               {"GH_TOKEN", "gho_fromghtoken42"},
                               {"GITHUB_TOKEN", "ghp_fromgithubtoken7"}}));
    CHECK(both.gitHubToken() == QStringLiteral("ghp_fromgithubtoken7"));
    CHECK(SecretRedactor::redact(QStringLiteral("Bearer ghp_fromgithubtoken7")) ==
          QStringLiteral("Bearer ***"));
}

TEST_CASE("Settings: data dir from --data-dir, then EXESERVER_DATA_DIR, then the platform folder",
          "[settings]")
{
    QTemporaryDir dir;
    const QString envDir = dir.filePath(QStringLiteral("env"));
    const QString cliDir = dir.filePath(QStringLiteral("cli"));
    const auto env = environment({{"EXESERVER_DATA_DIR", qPrintable(envDir)}});
    CHECK(Settings(env).dataDir() == envDir);
    CHECK(Settings(env, {{setting::DataDir, cliDir}}).dataDir() == cliDir);
    CHECK(Settings(env, {{setting::DataDir, cliDir}}).value(setting::DataDir).source ==
          SettingSource::CommandLine);
    CHECK_FALSE(Settings(QProcessEnvironment()).dataDir().isEmpty());
}

TEST_CASE("Settings: a secret in the settings file is ignored and cannot be written there", "[settings]")
{
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("exeserver.ini")), "[github]\ntoken=ghp_plaintextinfile99\n");
    Settings settings(environment({{"EXESERVER_DATA_DIR", qPrintable(dir.path())}}));
    CHECK(settings.gitHubToken().isEmpty());

    const Status refused = settings.setFileValue(setting::GitHubToken, QStringLiteral("ghp_another_secret"));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == QStringLiteral("secret_in_file"));
    CHECK_FALSE(readFile(dir.filePath(QStringLiteral("exeserver.ini"))).contains("ghp_another_secret"));
}

TEST_CASE("Settings: values written to the file are read back by the next start", "[settings]")
{
    QTemporaryDir dir;
    const auto env = environment({{"EXESERVER_DATA_DIR", qPrintable(dir.path())}});
    {
        Settings settings(env);
        REQUIRE(settings.setFileValue(setting::RelayUrl, QStringLiteral("https://smee.example/abc")).ok());
        CHECK(settings.get(setting::RelayUrl) == QStringLiteral("https://smee.example/abc"));
        const Status unknown = settings.setFileValue(QStringLiteral("no.such"), QStringLiteral("x"));
        REQUIRE_FALSE(unknown.ok());
        CHECK(unknown.error().kind == QStringLiteral("unknown_setting"));
    }
    Settings reread(env);
    CHECK(reread.get(setting::RelayUrl) == QStringLiteral("https://smee.example/abc"));
    CHECK(reread.value(setting::RelayUrl).source == SettingSource::SettingsFile);
}

TEST_CASE("Settings: a malformed file gives an error naming it, defaults are used, the file is kept",
          "[settings]")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("exeserver.ini"));
    const QByteArray broken = "[github\napi_url=https://broken.example\nthis line is not a setting\n";
    writeFile(path, broken);
    Settings settings(environment({{"EXESERVER_DATA_DIR", qPrintable(dir.path())}}));

    REQUIRE(settings.fileError().has_value());
    CHECK(settings.fileError()->message.contains(QDir::toNativeSeparators(path)));
    CHECK(settings.fileError()->message.contains(QStringLiteral("line 1")));
    CHECK(settings.get(setting::GitHubApiUrl) == QStringLiteral("https://api.github.com"));

    const Status write = settings.setFileValue(setting::RelayUrl, QStringLiteral("https://x"));
    REQUIRE_FALSE(write.ok());
    CHECK(write.error().message.contains(QStringLiteral("would be overwritten")));
    CHECK(readFile(path) == broken);
}

TEST_CASE("Settings: an unreadable settings file is reported and left alone", "[settings]")
{
    QTemporaryDir dir;
    // A folder where the file should be cannot be read even by root, unlike a chmod 000 file.
    REQUIRE(QDir(dir.path()).mkdir(QStringLiteral("exeserver.ini")));
    Settings settings(environment({{"EXESERVER_DATA_DIR", qPrintable(dir.path())}}));
    REQUIRE(settings.fileError().has_value());
    CHECK(settings.fileError()->kind == QStringLiteral("settings_unreadable"));
    CHECK(settings.fileError()->message.contains(QStringLiteral("exeserver.ini")));
    CHECK(settings.get(setting::LlmModel) == QStringLiteral("gpt-4o-mini"));
    CHECK_FALSE(settings.setFileValue(setting::LlmModel, QStringLiteral("x")).ok());
    CHECK(QFileInfo(dir.filePath(QStringLiteral("exeserver.ini"))).isDir());
}

TEST_CASE("Settings: masks show only the last four characters of a secret", "[settings]")
{
    CHECK(SecretRedactor::mask(QStringLiteral("ghp_1234567890abcdWXYZ")) == QStringLiteral("****WXYZ"));
    CHECK(SecretRedactor::mask(QStringLiteral("short")) == QStringLiteral("****"));
    CHECK(SecretRedactor::mask(QString()).isEmpty());
}
