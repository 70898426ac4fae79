#include "triggers/filecommands.h"

#include "triggers/runfiles.h"

#include <QFile>
#include <QFileInfo>

namespace exeserver {

namespace {

Result<QByteArray> readCapped(const QString &path, const char *variable, bool *cut = nullptr)
{
    QFile file(path);
    if (!file.exists())
        return QByteArray();
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("file_command"),
                     QStringLiteral("cannot read %1 (%2): %3")
                         .arg(QString::fromLatin1(variable), path, file.errorString())};
    const QByteArray text = file.read(FileCommands::kMaxFileBytes);
    const bool larger = !file.atEnd();
    if (cut)
        *cut = larger;
    else if (larger)
        return Error{QStringLiteral("file_command"), QStringLiteral("%1 holds more than %2 bytes")
                                                         .arg(QString::fromLatin1(variable))
                                                         .arg(FileCommands::kMaxFileBytes)};
    return text;
}

} // namespace

Result<QList<std::pair<QString, QString>>> FileCommands::parseKeyValues(const QByteArray &text)
{
    QList<QByteArray> lines = text.split('\n');
    if (!lines.isEmpty() && lines.constLast().isEmpty())
        lines.removeLast(); // the final newline ends the last line, it does not start another
    for (QByteArray &line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
    }
    const auto invalid = [](const QString &why) { return Error{QStringLiteral("file_command"), why}; };
    QList<std::pair<QString, QString>> pairs;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = QString::fromUtf8(lines[i]);
        if (line.isEmpty())
            continue;
        const qsizetype equals = line.indexOf(u'=');
        const qsizetype heredoc = line.indexOf(QLatin1StringView("<<"));
        if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
            const QString name = line.left(equals);
            if (name.isEmpty())
                return invalid(QStringLiteral("line %1 has no name before '=': %2").arg(i + 1).arg(line));
            pairs.append({name, line.mid(equals + 1)});
            continue;
        }
        if (heredoc < 0)
            return invalid(
                QStringLiteral("line %1 is neither name=value nor name<<DELIMITER: %2").arg(i + 1).arg(line));
        const QString name = line.left(heredoc);
        const QString delimiter = line.mid(heredoc + 2);
        if (name.isEmpty() || delimiter.isEmpty())
            return invalid(
                QStringLiteral("line %1 needs a name and a delimiter around '<<': %2").arg(i + 1).arg(line));
        QStringList value;
        qsizetype end = i + 1;
        while (end < lines.size() && QString::fromUtf8(lines[end]) != delimiter)
            value.append(QString::fromUtf8(lines[end++]));
        if (end >= lines.size())
            return invalid(QStringLiteral("the value of %1 (line %2) has no closing line %3")
                               .arg(name)
                               .arg(i + 1)
                               .arg(delimiter));
        pairs.append({name, value.join(u'\n')});
        i = end;
    }
    return pairs;
}

QStringList FileCommands::parsePath(const QByteArray &text)
{
    QStringList path;
    for (QByteArray line : text.split('\n')) {
        if (line.endsWith('\r'))
            line.chop(1);
        const QString directory = QString::fromUtf8(line).trimmed();
        if (!directory.isEmpty())
            path.append(directory);
    }
    return path;
}

Result<FileCommands> FileCommands::read(const RunFiles &files)
{
    FileCommands commands;
    const Result<QByteArray> output = readCapped(files.output(), "GITHUB_OUTPUT");
    if (!output)
        return output.error();
    const auto outputs = parseKeyValues(*output);
    if (!outputs)
        return Error{outputs.error().kind, QStringLiteral("GITHUB_OUTPUT: ") + outputs.error().message};
    for (const auto &[name, value] : *outputs)
        commands.outputs.insert(name, value);

    const Result<QByteArray> env = readCapped(files.env(), "GITHUB_ENV");
    if (!env)
        return env.error();
    const auto variables = parseKeyValues(*env);
    if (!variables)
        return Error{variables.error().kind, QStringLiteral("GITHUB_ENV: ") + variables.error().message};
    commands.env = *variables;

    const Result<QByteArray> path = readCapped(files.pathFile(), "GITHUB_PATH");
    if (!path)
        return path.error();
    commands.path = parsePath(*path);

    bool cut = false;
    const Result<QByteArray> summary = readCapped(files.summary(), "GITHUB_STEP_SUMMARY", &cut);
    if (!summary)
        return summary.error();
    commands.summary = QString::fromUtf8(*summary);
    if (cut)
        commands.warnings.append(QStringLiteral("the step summary is cut at %1 bytes").arg(kMaxFileBytes));
    return commands;
}

} // namespace exeserver
