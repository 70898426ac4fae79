#include "catch.h"

#include "config/credentialloader.h"
#include "config/ghclitokensource.h"
#include "config/secretstore.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace exeserver;

namespace {

QProcessEnvironment envWithDataDir(const QTemporaryDir &dir)
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    return env;
}

// A stand-in for the GitHub CLI: prints `output` and exits with `exitCode`.
QString fakeGh(const QTemporaryDir &dir, const QByteArray &output, int exitCode)
{
    const QString path = dir.filePath(QStringLiteral("gh"));
    QFile script(path);
    REQUIRE(script.open(QIODevice::WriteOnly));
    script.write("#!/bin/sh\n[ \"$1 $2\" = \"auth token\" ] || exit 9\nprintf '%s\\n' '" + output +
                 "'\nexit " + QByteArray::number(exitCode) + "\n");
    script.close();
    script.setPermissions(script.permissions() | QFileDevice::ExeOwner);
    return path;
}

void load(Settings &settings, SecretStore &store, GhCliTokenSource &gh)
{
    bool done = false;
    loadCredentials(settings, store, gh, [&]() { done = true; });
    REQUIRE(QTest::qWaitFor([&]() { return done; }, 5000));
}

} // namespace

TEST_CASE("SecretStore: secrets stored in the keychain are loaded with their source", "[secrets]")
{
    QTemporaryDir dir;
    SecretStore store(std::make_unique<MemorySecretBackend>());
    bool stored = false;
    store.store(setting::GitHubToken, QStringLiteral("ghp_keychainvalue0001"),
                [&](Status s) { stored = s.ok(); });
    store.store(setting::WebhookSecret, QStringLiteral("whsec_value_42"), [](Status) {});
    REQUIRE(stored);

    Settings settings(envWithDataDir(dir));
    GhCliTokenSource noGh(QStringLiteral("/nonexistent/gh"));
    load(settings, store, noGh);
    CHECK(settings.gitHubToken() == QStringLiteral("ghp_keychainvalue0001"));
    CHECK(settings.value(setting::GitHubToken).source == SettingSource::Keychain);
    CHECK(settings.get(setting::WebhookSecret) == QStringLiteral("whsec_value_42"));
}

TEST_CASE("SecretStore: the environment keeps precedence over the keychain", "[secrets]")
{
    QTemporaryDir dir;
    SecretStore store(std::make_unique<MemorySecretBackend>());
    store.store(setting::GitHubToken, QStringLiteral("ghp_keychainvalue0001"), [](Status) {});
    QProcessEnvironment env = envWithDataDir(dir);
    env.insert(QStringLiteral("GITHUB_TOKEN"), QStringLiteral("ghp_environment0002"));
    Settings settings(env);
    GhCliTokenSource noGh(QStringLiteral("/nonexistent/gh"));
    load(settings, store, noGh);
    CHECK(settings.gitHubToken() == QStringLiteral("ghp_environment0002"));
    CHECK(settings.value(setting::GitHubToken).source == SettingSource::Environment);
}

TEST_CASE("SecretStore: no keychain is said once and the environment stays the source", "[secrets]")
{
    QTemporaryDir dir;
    SecretStore store(std::make_unique<MemorySecretBackend>(false));
    QSignalSpy unavailable(&store, &SecretStore::backendUnavailable);
    Settings settings(envWithDataDir(dir));
    GhCliTokenSource noGh(QStringLiteral("/nonexistent/gh"));
    load(settings, store, noGh);
    load(settings, store, noGh);
    CHECK(unavailable.count() == 1);
    CHECK_FALSE(store.isAvailable());
    CHECK(settings.gitHubToken().isEmpty());

    Status stored = success();
    store.store(setting::GitHubToken, QStringLiteral("ghp_wontbestored"), [&](Status s) { stored = s; });
    REQUIRE_FALSE(stored.ok());
    CHECK(stored.error().kind == QStringLiteral("keychain_unavailable"));
}

TEST_CASE("SecretStore: only secret settings can be stored", "[secrets]")
{
    SecretStore store(std::make_unique<MemorySecretBackend>());
    Status stored = success();
    store.store(setting::GitHubApiUrl, QStringLiteral("https://x"), [&](Status s) { stored = s; });
    REQUIRE_FALSE(stored.ok());
    CHECK(stored.error().kind == QStringLiteral("unknown_secret"));
}

#ifndef Q_OS_WIN
TEST_CASE("Credentials: a logged-in gh CLI supplies the token when nothing else does", "[secrets][gh]")
{
    QTemporaryDir dir;
    SecretStore store(std::make_unique<MemorySecretBackend>(false));
    GhCliTokenSource gh(fakeGh(dir, "gho_fromghcli123456", 0));
    REQUIRE(gh.isInstalled());
    Settings settings(envWithDataDir(dir));
    load(settings, store, gh);
    CHECK(settings.gitHubToken() == QStringLiteral("gho_fromghcli123456"));
    CHECK(settings.value(setting::GitHubToken).source == SettingSource::GhCli);
}

TEST_CASE("Credentials: a gh CLI that is not logged in supplies nothing", "[secrets][gh]")
{
    QTemporaryDir dir;
    SecretStore store(std::make_unique<MemorySecretBackend>(false));
    GhCliTokenSource gh(fakeGh(dir, "not logged in to any hosts", 1));
    Settings settings(envWithDataDir(dir));
    load(settings, store, gh);
    CHECK(settings.gitHubToken().isEmpty());
}

TEST_CASE("Credentials: gh is not asked when the environment has a token", "[secrets][gh]")
{
    QTemporaryDir dir;
    SecretStore store(std::make_unique<MemorySecretBackend>(false));
    GhCliTokenSource gh(fakeGh(dir, "gho_fromghcli123456", 0));
    QProcessEnvironment env = envWithDataDir(dir);
    env.insert(QStringLiteral("GH_TOKEN"), QStringLiteral("gho_environment777"));
    Settings settings(env);
    load(settings, store, gh);
    CHECK(settings.gitHubToken() == QStringLiteral("gho_environment777"));
}
#endif
