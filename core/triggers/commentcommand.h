#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace exeserver {

// A PR-Agent-style command at the start of a comment body: `/review`, `/ask "why is this slow?"`,
// `/improve --extended`. Exposed to templates as `command.name`, `command.args` (the raw rest of the body,
// trimmed) and `command.argv` (args split on white space, honouring "double" and 'single' quotes).
struct CommentCommand
{
    QString name; // without the slash, as written
    QString args;
    QStringList argv;

    // Leading white space is skipped; the name is letters, digits, '_' and '-', ended by white space or the
    // end.
    static std::optional<CommentCommand> parse(QStringView body);
    static QStringList splitArguments(QStringView args);
    QJsonObject toJson() const;
};

} // namespace exeserver
