#pragma once

#include "clicontext.h"

#include <QCommandLineParser>
#include <QList>
#include <QStringList>

#include <functional>

namespace exeserver::cli {

// One sub-command, declared once: the words that name it (`config show`), its positional arguments (as
// usage shows them, and how many it takes), its options and its handler. The table checks the count and
// prints usage and --help from this; handlers only check what the values mean.
struct Command
{
    static constexpr int kAnyCount = -1;

    QStringList words = {};
    QString arguments = {}; // the positional arguments after the words, e.g. "KEY VALUE", "[FILE]", "ID..."
    QString summary = {};
    std::function<int(CliContext &, const QCommandLineParser &)> run = {};
    QList<QCommandLineOption> options = {};
    int minArguments = 0;
    int maxArguments = kAnyCount;     // kAnyCount: not limited (or checked by the handler)
    QStringList requiredOptions = {}; // names from `options` that must be given: no brackets in usage

    bool isRequired(const QCommandLineOption &option) const
    {
        return requiredOptions.contains(option.names().constFirst());
    }

    QString name() const { return words.join(QLatin1Char(' ')); }
    QString usageLine() const; // "exeserver-cli WORDS ARGUMENTS [--option VALUE]..."
};

// Every sub-command of exeserver-cli, dispatched from one table: a module registers its commands, the
// table matches the longest run of leading words and gives the rest to that command's own parser.
class CommandTable
{
public:
    void add(Command command);
    const QList<Command> &commands() const { return m_commands; }

    // Runs `arguments` (argv, program name first). Writes usage to `err` and returns ExitUsage on a
    // usage error.
    int run(const QStringList &arguments, QTextStream &out, QTextStream &err) const;

    QString usage() const;
    // The commands under a group's words (`events`), as a usage text; empty when no command starts so.
    QString groupUsage(const QStringList &words) const;

private:
    const Command *match(const QStringList &positional) const;

    QList<Command> m_commands;
};

// Each module's commands; defined in its own file.
void registerConfigCommands(CommandTable &table);
void registerStoreCommands(CommandTable &table);
void registerServeCommand(CommandTable &table);
void registerGitHubCommands(CommandTable &table);
void registerRunCommands(CommandTable &table); // called by registerGitHubCommands, for the listing's order
void registerHookCommands(CommandTable &table);
void registerTriggerCommands(CommandTable &table);
void registerAskCommands(CommandTable &table);

// The table with every module's commands.
CommandTable buildCommandTable();

// `--json` of the commands whose text output has a JSON twin ("Print JSON instead of text.").
const QCommandLineOption &jsonOutputOption();

} // namespace exeserver::cli
