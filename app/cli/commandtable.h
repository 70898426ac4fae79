#pragma once

#include "clicontext.h"

#include <QCommandLineParser>
#include <QList>
#include <QStringList>

#include <functional>

namespace exeserver::cli {

// One sub-command: the words that name it (`config show`), its synopsis and options, and its handler.
struct Command
{
    QStringList words;
    QString synopsis; // arguments after the words, e.g. "OWNER/REPO [--limit N]"
    QString summary;
    std::function<void(QCommandLineParser &)> addOptions; // optional
    std::function<int(CliContext &, const QCommandLineParser &)> run;
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

private:
    const Command *match(const QStringList &positional) const;

    QList<Command> m_commands;
};

// Each module's commands; defined in its own file.
void registerConfigCommands(CommandTable &table);
void registerStoreCommands(CommandTable &table);
void registerEventCommands(CommandTable &table);
void registerGitHubCommands(CommandTable &table);
void registerHookCommands(CommandTable &table);
void registerTriggerCommands(CommandTable &table);
void registerAskCommands(CommandTable &table);

// The table with every module's commands.
CommandTable buildCommandTable();

} // namespace exeserver::cli
