#include "commandtable.h"

#include "blocking.h"
#include "config/credentialloader.h"
#include "config/ghclitokensource.h"
#include "config/globaloptions.h"
#include "config/logging.h"
#include "config/secretstore.h"
#include "exeserver/version.h"

#include <QCoreApplication>
#include <QDir>

namespace exeserver::cli {

namespace {

QString commandName(const Command &command)
{
    return command.name();
}

// "--event TYPE" for the first required option not given; empty when all are there.
QString missingOption(const Command &command, const QCommandLineParser &parser)
{
    for (const QCommandLineOption &option : command.options) {
        if (!command.isRequired(option) || parser.isSet(option))
            continue;
        const QString name = QStringLiteral("--") + option.names().constFirst();
        return option.valueName().isEmpty() ? name : name + QLatin1Char(' ') + option.valueName();
    }
    return {};
}

QString commandHelp(const Command &command, QCommandLineParser &parser)
{
    QString text = QStringLiteral("Usage: %1\n%2\n").arg(command.usageLine(), command.summary);
    // QCommandLineParser::helpText() starts with its own "Usage:" line; keep only the option list.
    const QString options = parser.helpText();
    if (const qsizetype at = options.indexOf(QStringLiteral("Options:")); at >= 0)
        text += QLatin1Char('\n') + options.mid(at);
    return text;
}

} // namespace

QString Command::usageLine() const
{
    QString line = QStringLiteral("exeserver-cli ") + name();
    if (!arguments.isEmpty())
        line += QLatin1Char(' ') + arguments;
    for (const QCommandLineOption &option : options) {
        const bool required = isRequired(option);
        line += (required ? QStringLiteral(" --") : QStringLiteral(" [--")) + option.names().constFirst();
        if (!option.valueName().isEmpty())
            line += QLatin1Char(' ') + option.valueName();
        if (!required)
            line += QLatin1Char(']');
    }
    return line;
}

void CommandTable::add(Command command)
{
    m_commands.append(std::move(command));
}

const Command *CommandTable::match(const QStringList &positional) const
{
    const Command *best = nullptr;
    for (const Command &command : m_commands) {
        if (command.words.size() > positional.size())
            continue;
        if (positional.mid(0, command.words.size()) != command.words)
            continue;
        if (!best || command.words.size() > best->words.size())
            best = &command;
    }
    return best;
}

QString CommandTable::groupUsage(const QStringList &words) const
{
    QString text;
    for (const Command &command : m_commands) {
        if (command.words.size() > words.size() && command.words.mid(0, words.size()) == words)
            text += QStringLiteral("  %1\n      %2\n").arg(command.usageLine(), command.summary);
    }
    if (text.isEmpty())
        return {};
    return QStringLiteral("Commands of exeserver-cli %1:\n").arg(words.join(QLatin1Char(' '))) + text +
           QStringLiteral("\nRun `exeserver-cli COMMAND --help` for a command's options.\n");
}

QString CommandTable::usage() const
{
    QString text = QStringLiteral(
        "Usage: exeserver-cli [--data-dir DIR] [--api-url URL] [--remote URL [--token-file FILE]] "
        "COMMAND [ARGS...]\n"
        "       exeserver-cli --help | --version\n\nCommands:\n");
    qsizetype width = 0;
    for (const Command &command : m_commands)
        width = std::max(width, commandName(command).size());
    for (const Command &command : m_commands)
        text += QStringLiteral("  %1  %2\n").arg(commandName(command).leftJustified(width), command.summary);
    text += QStringLiteral("\nRun `exeserver-cli COMMAND --help` for a command's arguments and options.\n");
    return text;
}

int CommandTable::run(const QStringList &arguments, QTextStream &out, QTextStream &err) const
{
    GlobalOptions globals;
    QCommandLineParser globalParser;
    globalParser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    globalParser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    globals.addTo(globalParser);
    globals.addCliOptionsTo(globalParser);
    if (!globalParser.parse(arguments)) {
        err << "exeserver-cli: " << globalParser.errorText() << "\n\n" << usage();
        return ExitUsage;
    }
    globals.readFrom(globalParser);
    globals.readCliOptionsFrom(globalParser);
    const QStringList positional = globalParser.positionalArguments();
    if (globals.versionRequested() && positional.isEmpty()) {
        out << "exeserver-cli " << kVersion << " (Qt " << qVersion() << ")\n";
        return ExitOk;
    }
    if (positional.isEmpty()) {
        if (globals.helpRequested()) {
            out << usage();
            return ExitOk;
        }
        err << "exeserver-cli: no command given\n\n" << usage();
        return ExitUsage;
    }

    const Command *command = match(positional);
    if (!command) {
        // A group's words (`events`, `events --help`): its commands, not "unknown command".
        QStringList group = positional;
        const bool help =
            group.removeAll(QStringLiteral("--help")) + group.removeAll(QStringLiteral("-h")) > 0;
        if (const QString commands = groupUsage(group); !commands.isEmpty()) {
            (help ? out : err) << commands;
            return help ? ExitOk : ExitUsage;
        }
        err << "exeserver-cli: unknown command '" << positional.join(QLatin1Char(' ')) << "'\n\n" << usage();
        return ExitUsage;
    }

    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    globals.addTo(parser);
    parser.addOptions(command->options);
    globals.addCliOptionsTo(parser);
    QStringList commandArguments{arguments.value(0, QStringLiteral("exeserver-cli"))};
    commandArguments += positional.mid(command->words.size());
    if (!parser.parse(commandArguments)) {
        err << "exeserver-cli " << commandName(*command) << ": " << parser.errorText() << "\n\n"
            << commandHelp(*command, parser);
        return ExitUsage;
    }
    globals.readFrom(parser);
    globals.readCliOptionsFrom(parser);
    if (globals.helpRequested()) {
        out << commandHelp(*command, parser);
        return ExitOk;
    }
    const qsizetype count = parser.positionalArguments().size();
    if (count < command->minArguments ||
        (command->maxArguments != Command::kAnyCount && count > command->maxArguments)) {
        err << "exeserver-cli " << commandName(*command) << ": "
            << (count < command->minArguments ? "missing arguments" : "too many arguments") << "\n\n"
            << commandHelp(*command, parser);
        return ExitUsage;
    }
    if (const QString missing = missingOption(*command, parser); !missing.isEmpty()) {
        err << "exeserver-cli " << commandName(*command) << ": " << missing << " is required\n\n"
            << commandHelp(*command, parser);
        return ExitUsage;
    }

    Settings settings(QProcessEnvironment::systemEnvironment(), globals.settingOverrides());
    if (const auto fileError = settings.fileError())
        err << "exeserver-cli: " << fileError->message << '\n';
    if (QDir().mkpath(settings.dataDir()))
        LogFile::install(settings.dataDir(),
                         {.echoToPreviousHandler = qEnvironmentVariableIsSet("EXESERVER_LOG_STDERR")});

    SecretStore secrets(SecretStore::systemBackend());
    GhCliTokenSource ghCli;
    runBlocking([&](std::function<void()> finished) { loadCredentials(settings, secrets, ghCli, finished); });

    CliContext context(settings, out, err);
    context.setCommand(commandName(*command), command->usageLine());
    if (!globals.remote().isEmpty()) {
        if (!CliContext::remoteCommands().contains(commandName(*command))) {
            err << "exeserver-cli: --remote works with "
                << CliContext::remoteCommands().join(QStringLiteral(", ")) << "; not with "
                << commandName(*command) << '\n';
            return ExitUsage;
        }
        if (const Status remote = context.useRemote(globals.remote(), globals.tokenFile()); !remote) {
            err << "exeserver-cli: " << remote.error().message << '\n';
            return ExitUsage;
        }
    }
    const int code = command->run(context, parser);
    out.flush();
    err.flush();
    return code;
}

CommandTable buildCommandTable()
{
    CommandTable table;
    registerConfigCommands(table);
    registerStoreCommands(table);
    registerServeCommand(table);
    registerGitHubCommands(table);
    registerHookCommands(table);
    registerTriggerCommands(table);
    registerAskCommands(table);
    return table;
}

const QCommandLineOption &jsonOutputOption()
{
    static const QCommandLineOption option(QStringLiteral("json"),
                                           QStringLiteral("Print JSON instead of text."));
    return option;
}

} // namespace exeserver::cli
