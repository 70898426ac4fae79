// `exeserver-cli config …`: what ExeServer will use, and where each value came from.
#include "blocking.h"
#include "commandtable.h"
#include "config/secretredactor.h"
#include "config/secretstore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace exeserver::cli {

namespace {

const QCommandLineOption kJsonOption(QStringLiteral("json"),
                                     QStringLiteral("Print JSON instead of a table."));

QString displayValue(const SettingDefinition &def, const SettingValue &value)
{
    if (value.value.isEmpty())
        return QStringLiteral("(not set)");
    return def.secret ? SecretRedactor::mask(value.value) : value.value;
}

QString displaySource(const SettingValue &value)
{
    if (value.value.isEmpty())
        return QStringLiteral("-");
    const QString source = toString(value.source);
    return value.origin.isEmpty() ? source : QStringLiteral("%1 (%2)").arg(source, value.origin);
}

int showConfig(CliContext &context, const QCommandLineParser &parser)
{
    const Settings &settings = context.settings();
    if (parser.isSet(kJsonOption)) {
        QJsonArray rows;
        for (const SettingDefinition &def : Settings::definitions()) {
            const SettingValue value = settings.value(def.key);
            rows.append(
                QJsonObject{{QStringLiteral("key"), def.key},
                            {QStringLiteral("environment"), QJsonArray::fromStringList(def.environment)},
                            {QStringLiteral("value"),
                             value.value.isEmpty() ? QJsonValue() : QJsonValue(displayValue(def, value))},
                            {QStringLiteral("secret"), def.secret},
                            {QStringLiteral("source"),
                             value.value.isEmpty() ? QJsonValue() : QJsonValue(toString(value.source))},
                            {QStringLiteral("origin"), value.origin}});
        }
        QJsonObject document{{QStringLiteral("settings"), rows},
                             {QStringLiteral("settings_file"), settings.settingsFilePath()}};
        if (const auto error = settings.fileError())
            document.insert(QStringLiteral("settings_file_error"), error->message);
        context.out() << QJsonDocument(document).toJson(QJsonDocument::Indented);
        return ExitOk;
    }

    qsizetype keyWidth = 0;
    qsizetype valueWidth = 0;
    for (const SettingDefinition &def : Settings::definitions()) {
        keyWidth = std::max(keyWidth, def.key.size());
        valueWidth = std::max(valueWidth, displayValue(def, settings.value(def.key)).size());
    }
    for (const SettingDefinition &def : Settings::definitions()) {
        const SettingValue value = settings.value(def.key);
        context.out() << def.key.leftJustified(keyWidth) << "  "
                      << displayValue(def, value).leftJustified(valueWidth) << "  " << displaySource(value)
                      << '\n';
    }
    context.out() << "\nSettings file: " << settings.settingsFilePath()
                  << (QFile::exists(settings.settingsFilePath()) ? "" : " (not created yet)") << '\n';
    return ExitOk;
}

int setConfig(CliContext &context, const QCommandLineParser &parser)
{
    const QStringList args = parser.positionalArguments();
    const Status status = context.settings().setFileValue(args[0], args[1]);
    if (!status) {
        context.err() << "exeserver-cli: " << status.error().message << '\n';
        return status.error().kind == QLatin1String("unknown_setting") ? ExitUsage : ExitRefused;
    }
    context.out() << args[0] << " = " << args[1] << " (in " << context.settings().settingsFilePath() << ")\n";
    return ExitOk;
}

// Reads the secret from standard input so it never appears in the shell history or the process list.
int setSecret(CliContext &context, const QCommandLineParser &parser)
{
    const QStringList args = parser.positionalArguments();
    const SettingDefinition *def = Settings::definition(args[0]);
    if (!def || !def->secret) {
        context.err() << "exeserver-cli: \"" << args[0] << "\" is not a secret setting.\n";
        return ExitUsage;
    }
    QFile input;
    if (!input.open(stdin, QIODevice::ReadOnly)) {
        context.err() << "exeserver-cli: cannot read the secret from standard input.\n";
        return ExitRefused;
    }
    const QString secret = QString::fromUtf8(input.readAll()).trimmed();
    if (secret.isEmpty()) {
        context.err() << "exeserver-cli: no secret on standard input.\n";
        return ExitUsage;
    }
    SecretStore store(SecretStore::systemBackend());
    Status outcome = success();
    runBlocking([&](std::function<void()> finished) {
        store.store(args[0], secret, [&, finished](Status status) {
            outcome = status;
            finished();
        });
    });
    if (!outcome) {
        context.err() << "exeserver-cli: " << outcome.error().message << "\nSet the environment variable "
                      << def->environment.value(0) << " instead.\n";
        return ExitRefused;
    }
    context.out() << args[0] << " stored in the OS keychain.\n";
    return ExitOk;
}

} // namespace

void registerConfigCommands(CommandTable &table)
{
    table.add(
        {.words = {QStringLiteral("config"), QStringLiteral("show")},
         .summary = QStringLiteral("Print every effective setting and where it came from (secrets masked)."),
         .run = showConfig,
         .options = {kJsonOption},
         .maxArguments = 0});
    table.add({.words = {QStringLiteral("config"), QStringLiteral("set")},
               .arguments = QStringLiteral("KEY VALUE"),
               .summary = QStringLiteral("Write a non-secret setting to the settings file."),
               .run = setConfig,
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = {QStringLiteral("config"), QStringLiteral("set-secret")},
               .arguments = QStringLiteral("KEY < SECRET"),
               .summary = QStringLiteral(
                   "Store a secret (e.g. github.token) in the OS keychain, read from standard input."),
               .run = setSecret,
               .minArguments = 1,
               .maxArguments = 1});
}

} // namespace exeserver::cli
