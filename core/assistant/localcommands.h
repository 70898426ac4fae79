#pragma once

#include <QJsonObject>
#include <QString>

namespace exeserver {

// A slash command typed in the dock (or sent by a card's button), answered without a language model: it
// names a read-only tool of AssistantTools, a change that becomes a proposal, or help.
struct LocalCommand
{
    enum class Kind
    {
        Tool,     // `name` is an AssistantTools tool
        Proposal, // `name` is a ProposalRunner operation
        Help,
        Invalid, // `error` says why, with the usage
    };
    Kind kind = Kind::Invalid;
    QString name;
    QJsonObject arguments;
    QString error;

    static bool isCommand(const QString &text) { return text.trimmed().startsWith(QLatin1Char('/')); }
    static LocalCommand parse(const QString &text);
    static QString help(); // Markdown
};

} // namespace exeserver
