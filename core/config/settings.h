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
extern const QString GitHubToken;
extern const QString GitHubApiUrl;
extern const QString WebhookSecret;
extern const QString SupabaseUrl;
extern const QString SupabaseAnonKey;
extern const QString DatabaseUrl;
extern const QString OpenAiApiKey;
extern const QString OpenAiBaseUrl;
extern const QString LlmModel;
extern const QString LlmContextTokens;
extern const QString DataDir;
extern const QString RelayUrl;
extern const QString RelayService;
extern const QString WebhookPort;
extern const QString WebhookBind;
extern const QString PollEnabled;
extern const QString PollMarkNotificationsRead;
extern const QString WebhookPublicUrl;
extern const QString NotifyMyFailedRuns;
extern const QString NotifyAllFailedRuns;
extern const QString NotifyTriggerFailures;
extern const QString NotifyTriggerMessages;
extern const QString StartMinimised;
extern const QString ApiEnabled;
extern const QString ApiPort;
extern const QString ApiBind;
extern const QString ApiToken;
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
