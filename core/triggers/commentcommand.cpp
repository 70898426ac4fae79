#include "triggers/commentcommand.h"

#include <QJsonArray>

namespace exeserver {

std::optional<CommentCommand> CommentCommand::parse(QStringView body)
{
    qsizetype i = 0;
    const qsizetype n = body.size();
    while (i < n && body[i].isSpace())
        ++i;
    if (i >= n || body[i] != u'/')
        return std::nullopt;
    const qsizetype nameStart = ++i;
    while (i < n && (body[i].isLetterOrNumber() || body[i] == u'_' || body[i] == u'-'))
        ++i;
    if (i == nameStart || (i < n && !body[i].isSpace()))
        return std::nullopt;
    CommentCommand command;
    command.name = body.mid(nameStart, i - nameStart).toString();
    command.args = body.mid(i).trimmed().toString();
    command.argv = splitArguments(command.args);
    return command;
}

QStringList CommentCommand::splitArguments(QStringView args)
{
    QStringList out;
    QString current;
    bool inToken = false;
    QChar quote;
    for (const QChar c : args) {
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
            else
                current += c;
        } else if (c == u'"' || c == u'\'') {
            quote = c;
            inToken = true;
        } else if (c.isSpace()) {
            if (inToken)
                out.append(std::exchange(current, QString()));
            inToken = false;
        } else {
            current += c;
            inToken = true;
        }
    }
    if (inToken)
        out.append(current);
    return out;
}

QJsonObject CommentCommand::toJson() const
{
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("args"), args},
                       {QStringLiteral("argv"), QJsonArray::fromStringList(argv)}};
}

} // namespace exeserver
