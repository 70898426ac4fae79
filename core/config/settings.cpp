#include "config/settings.h"

#include "config/logging.h"
#include "config/secretredactor.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>

namespace exeserver {

// Defined here, not inline in the header: one initialiser in the program instead of one per file that
// includes settings.h (each of those ran at start, ~2 KB of start-up code apiece).
namespace setting {
const QString GitHubToken = QStringLiteral("github.token");
const QString GitHubApiUrl = QStringLiteral("github.api_url");
const QString WebhookSecret = QStringLiteral("github.webhook_secret");
const QString SupabaseUrl = QStringLiteral("supabase.url");
const QString SupabaseAnonKey = QStringLiteral("supabase.anon_key");
const QString DatabaseUrl = QStringLiteral("database.url");
const QString OpenAiApiKey = QStringLiteral("llm.api_key");
const QString OpenAiBaseUrl = QStringLiteral("llm.base_url");
const QString LlmModel = QStringLiteral("llm.model");
const QString LlmContextTokens = QStringLiteral("llm.context_tokens");
const QString DataDir = QStringLiteral("data_dir");
const QString RelayUrl = QStringLiteral("relay.url");
const QString RelayService = QStringLiteral("relay.service");
const QString WebhookPort = QStringLiteral("webhook.port");
const QString WebhookBind = QStringLiteral("webhook.bind");
const QString PollEnabled = QStringLiteral("poll.enabled");
const QString PollMarkNotificationsRead = QStringLiteral("poll.mark_notifications_read");
const QString WebhookPublicUrl = QStringLiteral("webhook.public_url");
const QString NotifyMyFailedRuns = QStringLiteral("notify.my_failed_runs");
const QString NotifyAllFailedRuns = QStringLiteral("notify.all_failed_runs");
const QString NotifyTriggerFailures = QStringLiteral("notify.trigger_failures");
const QString NotifyTriggerMessages = QStringLiteral("notify.trigger_messages");
const QString StartMinimised = QStringLiteral("ui.start_minimised");
const QString ApiEnabled = QStringLiteral("api.enabled");
const QString ApiPort = QStringLiteral("api.port");
const QString ApiBind = QStringLiteral("api.bind");
const QString ApiToken = QStringLiteral("api.token");
} // namespace setting

namespace {

QString iniKey(const QString &key)
{
    QString result = key;
    return result.replace(QLatin1Char('.'), QLatin1Char('/'));
}

// QSettings accepts almost any text as INI; a file a person broke by hand deserves an error that names
// the line instead of settings silently vanishing.
std::optional<QString> findMalformedLine(const QByteArray &content)
{
    static const QRegularExpression section(QStringLiteral(R"(^\[[^\[\]]+\]$)"));
    static const QRegularExpression assignment(QStringLiteral(R"(^[A-Za-z0-9_.%/\\ -]+\s*=.*$)"));
    const QList<QByteArray> lines = content.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = QString::fromUtf8(lines[i]).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char(';')) || line.startsWith(QLatin1Char('#')))
            continue;
        if (!section.match(line).hasMatch() && !assignment.match(line).hasMatch())
            return QStringLiteral("line %1 is neither [section] nor key=value: \"%2\"")
                .arg(i + 1)
                .arg(line.left(60));
    }
    return std::nullopt;
}

} // namespace

QString toString(SettingSource source)
{
    switch (source) {
    case SettingSource::Default:
        return QStringLiteral("default");
    case SettingSource::SettingsFile:
        return QStringLiteral("settings file");
    case SettingSource::Environment:
        return QStringLiteral("environment");
    case SettingSource::CommandLine:
        return QStringLiteral("command line");
    case SettingSource::Keychain:
        return QStringLiteral("keychain");
    case SettingSource::GhCli:
        return QStringLiteral("gh CLI");
    }
    return {};
}

// Over 120 lines because it is a table, one entry per setting: splitting it would scatter the settings.
const QList<SettingDefinition> &Settings::definitions()
{
    static const QList<SettingDefinition> all = {
        {setting::GitHubToken,
         {QStringLiteral("GITHUB_TOKEN"), QStringLiteral("GH_TOKEN")},
         {},
         true,
         QStringLiteral("GitHub personal access token")},
        {setting::GitHubApiUrl,
         {QStringLiteral("GITHUB_API_URL")},
         QStringLiteral("https://api.github.com"),
         false,
         QStringLiteral("GitHub REST API base URL (GitHub Enterprise Server: https://HOST/api/v3)")},
        {setting::WebhookSecret,
         {QStringLiteral("GITHUB_WEBHOOK_SECRET")},
         {},
         true,
         QStringLiteral("Secret that signs webhook deliveries (X-Hub-Signature-256)")},
        {setting::RelayUrl,
         {QStringLiteral("EXESERVER_RELAY_URL")},
         {},
         false,
         QStringLiteral("Webhook relay channel (smee.io style) for desktops GitHub cannot reach")},
        {setting::RelayService,
         {QStringLiteral("EXESERVER_RELAY_SERVICE")},
         QStringLiteral("https://smee.io"),
         false,
         QStringLiteral("smee.io-compatible relay that \"New channel\" asks for a channel (GET /new)")},
        {setting::WebhookPort,
         {QStringLiteral("EXESERVER_WEBHOOK_PORT")},
         {},
         false,
         QStringLiteral(
             "Port the desktop app receives GitHub webhooks on (empty: receiver off; 0: any free port)")},
        {setting::WebhookBind,
         {QStringLiteral("EXESERVER_WEBHOOK_BIND")},
         QStringLiteral("127.0.0.1"),
         false,
         QStringLiteral("Address the webhook receiver listens on (not loopback: needs the webhook secret)")},
        {setting::PollEnabled,
         {QStringLiteral("EXESERVER_POLL")},
         QStringLiteral("true"),
         false,
         QStringLiteral("Poll GitHub for the selected repositories' events (true or false)")},
        {setting::PollMarkNotificationsRead,
         {},
         QStringLiteral("false"),
         false,
         QStringLiteral("Mark a GitHub notification read once it is stored as an event (default false: your "
                        "inbox is left alone)")},
        {setting::WebhookPublicUrl,
         {QStringLiteral("EXESERVER_WEBHOOK_PUBLIC_URL")},
         {},
         false,
         QStringLiteral("Public URL GitHub can reach the webhook receiver at (target of hooks ExeServer "
                        "creates when there is no relay channel)")},
        {setting::NotifyMyFailedRuns,
         {},
         QStringLiteral("true"),
         false,
         QStringLiteral("Desktop notification when a run you started fails (true or false)")},
        {setting::NotifyAllFailedRuns,
         {},
         QStringLiteral("false"),
         false,
         QStringLiteral("Desktop notification when any run of the selected repositories fails")},
        {setting::NotifyTriggerFailures,
         {},
         QStringLiteral("true"),
         false,
         QStringLiteral("Desktop notification when a trigger cannot run or its action fails")},
        {setting::NotifyTriggerMessages,
         {},
         QStringLiteral("true"),
         false,
         QStringLiteral("Desktop notification for triggers' notify actions")},
        {setting::StartMinimised,
         {},
         QStringLiteral("false"),
         false,
         QStringLiteral("Start the desktop app minimised to the system tray (when there is one)")},
        {setting::ApiEnabled,
         {QStringLiteral("EXESERVER_API")},
         QStringLiteral("false"),
         false,
         QStringLiteral("Serve the local HTTP API (/api/v1/) from the desktop app (true or false)")},
        {setting::ApiPort,
         {QStringLiteral("EXESERVER_API_PORT")},
         QStringLiteral("8711"),
         false,
         QStringLiteral("Port of the local HTTP API (0: any free port)")},
        {setting::ApiBind,
         {QStringLiteral("EXESERVER_API_BIND")},
         QStringLiteral("127.0.0.1"),
         false,
         QStringLiteral("Address the local HTTP API listens on (not loopback: needs the API token)")},
        {setting::ApiToken,
         {QStringLiteral("EXESERVER_API_TOKEN")},
         {},
         true,
         QStringLiteral("Bearer token of the local HTTP API (generated and kept in the keychain)")},
        {setting::SupabaseUrl,
         {QStringLiteral("SUPABASE_URL")},
         {},
         false,
         QStringLiteral("Supabase project URL")},
        {setting::SupabaseAnonKey,
         {QStringLiteral("SUPABASE_ANON_KEY")},
         {},
         true,
         QStringLiteral("Supabase anon key")},
        {setting::DatabaseUrl,
         {QStringLiteral("EXESERVER_DATABASE_URL")},
         {},
         true,
         QStringLiteral("PostgreSQL sync target (postgresql://user:password@host:port/db)")},
        {setting::OpenAiApiKey,
         {QStringLiteral("OPENAI_API_KEY")},
         {},
         true,
         QStringLiteral("API key of the OpenAI-compatible LLM service")},
        {setting::OpenAiBaseUrl,
         {QStringLiteral("OPENAI_BASE_URL")},
         QStringLiteral("https://api.openai.com/v1"),
         false,
         QStringLiteral("Base URL of the OpenAI-compatible LLM service")},
        {setting::LlmModel,
         {QStringLiteral("EXESERVER_LLM_MODEL")},
         QStringLiteral("gpt-4o-mini"),
         false,
         QStringLiteral("LLM model name")},
        {setting::LlmContextTokens,
         {QStringLiteral("EXESERVER_LLM_CONTEXT_TOKENS")},
         {},
         false,
         QStringLiteral("The model's context window in tokens (empty: known per model, else 8192); older "
                        "turns are summarised before a conversation outgrows it")},
        {setting::DataDir,
         {QStringLiteral("EXESERVER_DATA_DIR")},
         {},
         false,
         QStringLiteral("Folder for the database, logs and settings file")},
    };
    return all;
}

const SettingDefinition *Settings::definition(const QString &key)
{
    for (const SettingDefinition &def : definitions()) {
        if (def.key == key)
            return &def;
    }
    return nullptr;
}

Settings::Settings(QProcessEnvironment environment, QHash<QString, QString> commandLine)
    : m_environment(std::move(environment))
    , m_commandLine(std::move(commandLine))
{
    // The data dir holds the settings file, so it cannot itself come from that file.
    if (const QString fromCli = m_commandLine.value(setting::DataDir); !fromCli.isEmpty()) {
        m_dataDir = fromCli;
        m_dataDirOrigin = QStringLiteral("--data-dir");
    } else if (const QString fromEnv = m_environment.value(QStringLiteral("EXESERVER_DATA_DIR"));
               !fromEnv.isEmpty()) {
        m_dataDir = fromEnv;
        m_dataDirOrigin = QStringLiteral("EXESERVER_DATA_DIR");
    } else if (const QString chosen = QSettings(dataDirChoiceFile(), QSettings::IniFormat)
                                          .value(QStringLiteral("data_dir"))
                                          .toString();
               !chosen.isEmpty()) {
        m_dataDir = chosen;
        m_dataDirOrigin = dataDirChoiceFile();
    } else {
        m_dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    }
    m_dataDir = QDir::cleanPath(QDir(m_dataDir).absolutePath());
    loadFile();
    for (const SettingDefinition &def : definitions()) {
        if (def.secret)
            SecretRedactor::add(get(def.key));
    }
}

QString Settings::dataDir() const
{
    return m_dataDir;
}

QString Settings::dataDirChoiceFile()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation))
        .filePath(QStringLiteral("data-dir.ini"));
}

Status Settings::chooseDataDirForNextStart(const QString &dir)
{
    QSettings choice(dataDirChoiceFile(), QSettings::IniFormat);
    if (dir.trimmed().isEmpty())
        choice.remove(QStringLiteral("data_dir"));
    else
        choice.setValue(QStringLiteral("data_dir"), QDir::cleanPath(QDir(dir.trimmed()).absolutePath()));
    choice.sync();
    if (choice.status() != QSettings::NoError)
        return Error{QStringLiteral("io"),
                     QStringLiteral("Cannot write %1.").arg(QDir::toNativeSeparators(dataDirChoiceFile()))};
    return success();
}

QString Settings::settingsFilePath() const
{
    return QDir(m_dataDir).filePath(QStringLiteral("exeserver.ini"));
}

void Settings::loadFile()
{
    const QString path = settingsFilePath();
    const QFileInfo info(path);
    if (!info.exists())
        return;

    QFile file(path);
    if (!info.isFile() || !file.open(QIODevice::ReadOnly)) {
        m_fileError =
            Error{QStringLiteral("settings_unreadable"),
                  QStringLiteral("Cannot read the settings file %1 (%2); using defaults.")
                      .arg(QDir::toNativeSeparators(path),
                           info.isFile() ? file.errorString() : QStringLiteral("not a regular file"))};
        qCWarning(lcConfig).noquote() << m_fileError->message;
        return;
    }
    if (const auto problem = findMalformedLine(file.readAll())) {
        m_fileError = Error{QStringLiteral("settings_malformed"),
                            QStringLiteral("The settings file %1 is malformed: %2; using defaults.")
                                .arg(QDir::toNativeSeparators(path), *problem)};
        qCWarning(lcConfig).noquote() << m_fileError->message;
        return;
    }

    QSettings ini(path, QSettings::IniFormat);
    if (ini.status() != QSettings::NoError) {
        m_fileError = Error{QStringLiteral("settings_malformed"),
                            QStringLiteral("The settings file %1 could not be parsed; using defaults.")
                                .arg(QDir::toNativeSeparators(path))};
        qCWarning(lcConfig).noquote() << m_fileError->message;
        return;
    }
    for (const SettingDefinition &def : definitions()) {
        if (def.key == setting::DataDir)
            continue;
        const QVariant stored = ini.value(iniKey(def.key));
        if (!stored.isValid())
            continue;
        if (def.secret) {
            // Never honoured, so nobody is led to believe a secret in a plain file is acceptable.
            qCWarning(lcConfig).noquote()
                << QStringLiteral("Ignoring %1 in %2: secrets belong in the keychain "
                                  "or the environment, not the settings file.")
                       .arg(def.key, QDir::toNativeSeparators(path));
            continue;
        }
        m_fileValues.insert(def.key, stored.toString());
    }
}

SettingValue Settings::value(const QString &key) const
{
    const SettingDefinition *def = definition(key);
    if (!def)
        return {};
    if (key == setting::DataDir) {
        return {m_dataDir,
                m_dataDirOrigin.isEmpty()                         ? SettingSource::Default
                : m_dataDirOrigin.startsWith(QLatin1String("--")) ? SettingSource::CommandLine
                : m_dataDirOrigin == dataDirChoiceFile()          ? SettingSource::SettingsFile
                                                                  : SettingSource::Environment,
                m_dataDirOrigin};
    }
    if (!def->secret) {
        if (const QString cli = m_commandLine.value(key); !cli.isEmpty())
            return {cli, SettingSource::CommandLine, QStringLiteral("--") + key};
    }
    for (const QString &variable : def->environment) {
        if (const QString env = m_environment.value(variable); !env.isEmpty())
            return {env, SettingSource::Environment, variable};
    }
    if (def->secret) {
        if (const auto it = m_secrets.constFind(key); it != m_secrets.constEnd())
            return *it;
        return {};
    }
    if (const auto it = m_fileValues.constFind(key); it != m_fileValues.constEnd())
        return {*it, SettingSource::SettingsFile, settingsFilePath()};
    return {def->defaultValue, SettingSource::Default, {}};
}

Status Settings::setFileValue(const QString &key, const QString &value)
{
    const SettingDefinition *def = definition(key);
    if (!def || key == setting::DataDir)
        return Error{QStringLiteral("unknown_setting"),
                     QStringLiteral("There is no setting called \"%1\".").arg(key)};
    if (def->secret)
        return Error{
            QStringLiteral("secret_in_file"),
            QStringLiteral("%1 is a secret; it is kept in the keychain or the environment, never in the "
                           "settings file.")
                .arg(key)};
    if (m_fileError)
        return Error{
            QStringLiteral("settings_unreadable"),
            QStringLiteral("Not writing %1: the existing settings file could not be read and would be "
                           "overwritten. Fix or remove it first.")
                .arg(QDir::toNativeSeparators(settingsFilePath()))};
    if (!QDir().mkpath(m_dataDir))
        return Error{
            QStringLiteral("io"),
            QStringLiteral("Cannot create the data folder %1.").arg(QDir::toNativeSeparators(m_dataDir))};
    QSettings ini(settingsFilePath(), QSettings::IniFormat);
    ini.setValue(iniKey(key), value);
    ini.sync();
    if (ini.status() != QSettings::NoError)
        return Error{QStringLiteral("io"), QStringLiteral("Cannot write the settings file %1.")
                                               .arg(QDir::toNativeSeparators(settingsFilePath()))};
    m_fileValues.insert(key, value);
    return success();
}

void Settings::provideSecret(const QString &key, const QString &value, SettingSource source)
{
    const SettingDefinition *def = definition(key);
    if (!def || !def->secret || value.isEmpty())
        return;
    SecretRedactor::add(value);
    m_secrets.insert(key, {value, source,
                           source == SettingSource::Keychain ? QStringLiteral("OS keychain")
                                                             : QStringLiteral("gh auth token")});
}

QUrl Settings::gitHubApiUrl() const
{
    QString url = get(setting::GitHubApiUrl);
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return QUrl(url);
}

} // namespace exeserver
