#pragma once

#include "util/result.h"

#include <QHash>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QUrl>

#include <optional>

namespace exeserver {

// Where an effective setting came from, in precedence order (highest last for non-secrets).
enum class SettingSource
{
    Default,
    SettingsFile,
    Environment,
    CommandLine,
    Keychain,
    GhCli
};
QString toString(SettingSource source);

// One setting ExeServer understands: its key in the settings file, the environment variables that set
// it (first wins), whether it is a secret (secrets never come from or go to the settings file).
struct SettingDefinition
{
    QString key; // "github.api_url" → [github] api_url= in the INI file
    QStringList environment;
    QString defaultValue;
    bool secret = false;
    QString description;
};

struct SettingValue
{
    QString value;
    SettingSource source = SettingSource::Default;
    QString origin; // which variable, option or file supplied it, for `config show`
};

// Keys, so callers do not scatter string literals.
namespace setting {
inline const QString GitHubToken = QStringLiteral("github.token");
inline const QString GitHubApiUrl = QStringLiteral("github.api_url");
inline const QString WebhookSecret = QStringLiteral("github.webhook_secret");
inline const QString SupabaseUrl = QStringLiteral("supabase.url");
inline const QString SupabaseAnonKey = QStringLiteral("supabase.anon_key");
inline const QString DatabaseUrl = QStringLiteral("database.url");
inline const QString OpenAiApiKey = QStringLiteral("llm.api_key");
inline const QString OpenAiBaseUrl = QStringLiteral("llm.base_url");
inline const QString LlmModel = QStringLiteral("llm.model");
inline const QString LlmContextTokens = QStringLiteral("llm.context_tokens");
inline const QString DataDir = QStringLiteral("data_dir");
inline const QString RelayUrl = QStringLiteral("relay.url");
inline const QString RelayService = QStringLiteral("relay.service");
inline const QString WebhookPort = QStringLiteral("webhook.port");
inline const QString WebhookBind = QStringLiteral("webhook.bind");
inline const QString PollEnabled = QStringLiteral("poll.enabled");
inline const QString PollMarkNotificationsRead = QStringLiteral("poll.mark_notifications_read");
inline const QString WebhookPublicUrl = QStringLiteral("webhook.public_url");
inline const QString NotifyMyFailedRuns = QStringLiteral("notify.my_failed_runs");
inline const QString NotifyAllFailedRuns = QStringLiteral("notify.all_failed_runs");
inline const QString NotifyTriggerFailures = QStringLiteral("notify.trigger_failures");
inline const QString NotifyTriggerMessages = QStringLiteral("notify.trigger_messages");
inline const QString StartMinimised = QStringLiteral("ui.start_minimised");
inline const QString ApiEnabled = QStringLiteral("api.enabled");
inline const QString ApiPort = QStringLiteral("api.port");
inline const QString ApiBind = QStringLiteral("api.bind");
inline const QString ApiToken = QStringLiteral("api.token");
} // namespace setting

// The one settings class, in the spirit of PR-Agent's get_setting_or_env. Precedence: command line >
// environment > settings file (QSettings INI in the data dir) > defaults. Secrets come only from the
// environment, the OS keychain or the `gh` CLI, and are recorded here by SecretStore after it reads them.
class Settings
{
public:
    // `commandLine` maps setting keys to values given as options (--data-dir, --api-url).
    explicit Settings(QProcessEnvironment environment = QProcessEnvironment::systemEnvironment(),
                      QHash<QString, QString> commandLine = {});

    static const QList<SettingDefinition> &definitions();
    static const SettingDefinition *definition(const QString &key);

    SettingValue value(const QString &key) const;
    QString get(const QString &key) const { return value(key).value; }
    bool isSet(const QString &key) const { return !get(key).isEmpty(); }

    // Writes a non-secret value to the settings file. Refused for secrets, unknown keys, and when the file
    // could not be read (so a file we failed to understand is never overwritten).
    Status setFileValue(const QString &key, const QString &value);

    // Records a secret obtained asynchronously (keychain, gh CLI). Environment values keep precedence.
    void provideSecret(const QString &key, const QString &value, SettingSource source);

    QString dataDir() const;
    // The data dir cannot live in its own settings file, so a choice made in the GUI is kept in a small
    // file in the user's config folder and read at the next start (command line and environment still
    // win). Empty `dir`: back to the default.
    static QString dataDirChoiceFile();
    static Status chooseDataDirForNextStart(const QString &dir);
    QString settingsFilePath() const;
    // Set when the settings file exists but could not be read or parsed; defaults are used instead.
    std::optional<Error> fileError() const { return m_fileError; }

    QUrl gitHubApiUrl() const;
    QString gitHubToken() const { return get(setting::GitHubToken); }

private:
    void loadFile();

    QProcessEnvironment m_environment;
    QHash<QString, QString> m_commandLine;
    QHash<QString, QString> m_fileValues;
    QHash<QString, SettingValue> m_secrets;
    QString m_dataDir;
    QString m_dataDirOrigin;
    std::optional<Error> m_fileError;
};

} // namespace exeserver
