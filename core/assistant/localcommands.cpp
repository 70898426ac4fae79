#include "assistant/localcommands.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QStringList>

namespace exeserver {

namespace {

LocalCommand tool(const QString &name, QJsonObject arguments = {})
{
    return {LocalCommand::Kind::Tool, name, std::move(arguments), {}};
}

LocalCommand proposal(const QString &name, QJsonObject arguments)
{
    return {LocalCommand::Kind::Proposal, name, std::move(arguments), {}};
}

LocalCommand invalid(const QString &usage)
{
    return {LocalCommand::Kind::Invalid,
            {},
            {},
            QStringLiteral("Usage: `%1` — type `/help` for every command.").arg(usage)};
}

bool isRepo(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"));
    return pattern.match(text).hasMatch();
}

bool isId(const QString &text)
{
    bool ok = false;
    return text.toLongLong(&ok) > 0 && ok;
}

} // namespace

LocalCommand LocalCommand::parse(const QString &text)
{
    const QString trimmed = text.trimmed();
    // `/propose OPERATION {json}`: a card's button carrying a whole change (draft trigger, draft comment).
    if (trimmed.startsWith(QLatin1String("/propose "))) {
        const QString rest = trimmed.mid(9).trimmed();
        const qsizetype space = rest.indexOf(QLatin1Char(' '));
        const QJsonDocument args = QJsonDocument::fromJson(rest.mid(space + 1).toUtf8());
        if (space <= 0 || !args.isObject())
            return invalid(QStringLiteral("/propose OPERATION {arguments}"));
        return proposal(rest.left(space), args.object());
    }
    const QStringList words = trimmed.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    const QString command = words.value(0).toLower();
    const auto argc = words.size() - 1;
    if (command == QLatin1String("/help") || command == QLatin1String("/?"))
        return {Kind::Help, {}, {}, {}};
    if (command == QLatin1String("/repos"))
        return tool(QStringLiteral("list_repositories"));
    if (command == QLatin1String("/runs")) {
        if (argc < 1 || !isRepo(words.at(1)))
            return invalid(QStringLiteral("/runs OWNER/REPO [BRANCH]"));
        QJsonObject args{{QStringLiteral("repo"), words.at(1)}};
        if (argc >= 2)
            args.insert(QStringLiteral("branch"), words.at(2));
        return tool(QStringLiteral("list_runs"), args);
    }
    if (command == QLatin1String("/run")) {
        if (argc != 2 || !isRepo(words.at(1)) || !isId(words.at(2)))
            return invalid(QStringLiteral("/run OWNER/REPO RUN_ID"));
        return tool(QStringLiteral("show_run"), {{QStringLiteral("repo"), words.at(1)},
                                                 {QStringLiteral("run_id"), words.at(2).toLongLong()}});
    }
    if (command == QLatin1String("/workflows")) {
        if (argc < 1 || !isRepo(words.at(1)))
            return invalid(QStringLiteral("/workflows OWNER/REPO [REF]"));
        return tool(QStringLiteral("list_workflows"),
                    {{QStringLiteral("repo"), words.at(1)}, {QStringLiteral("ref"), words.value(2)}});
    }
    if (command == QLatin1String("/failed"))
        return tool(QStringLiteral("failed_runs"));
    if (command == QLatin1String("/events")) {
        QJsonObject args;
        if (argc >= 1)
            args.insert(QStringLiteral("type"), words.at(1));
        if (argc >= 2)
            args.insert(QStringLiteral("text"), words.mid(2).join(QLatin1Char(' ')));
        return tool(QStringLiteral("search_events"), args);
    }
    if (command == QLatin1String("/triggers"))
        return tool(QStringLiteral("list_triggers"));
    if (command == QLatin1String("/trigger")) {
        const QString sub = words.value(1).toLower();
        if (sub == QLatin1String("test") && argc == 3)
            return tool(QStringLiteral("explain_trigger"), {{QStringLiteral("trigger"), words.at(2)},
                                                            {QStringLiteral("event_id"), words.at(3)}});
        if ((sub == QLatin1String("enable") || sub == QLatin1String("disable")) && argc == 2)
            return proposal(QStringLiteral("enable_trigger"),
                            {{QStringLiteral("name"), words.at(2)},
                             {QStringLiteral("enabled"), sub == QLatin1String("enable")}});
        return invalid(QStringLiteral("/trigger test NAME EVENT_ID  ·  /trigger enable|disable NAME"));
    }
    if (command == QLatin1String("/rerun") || command == QLatin1String("/cancel")) {
        if (argc != 2 || !isRepo(words.at(1)) || !isId(words.at(2)))
            return invalid(command + QStringLiteral(" OWNER/REPO RUN_ID"));
        return proposal(command.mid(1), {{QStringLiteral("repo"), words.at(1)},
                                         {QStringLiteral("run_id"), words.at(2).toLongLong()}});
    }
    if (command == QLatin1String("/dispatch")) {
        if (argc != 3 || !isRepo(words.at(1)))
            return invalid(QStringLiteral("/dispatch OWNER/REPO WORKFLOW REF"));
        return proposal(QStringLiteral("dispatch"), {{QStringLiteral("repo"), words.at(1)},
                                                     {QStringLiteral("workflow"), words.at(2)},
                                                     {QStringLiteral("ref"), words.at(3)}});
    }
    return invalid(QStringLiteral("/help"));
}

QString LocalCommand::help()
{
    return QStringLiteral(
        "**Local commands** (no language model needed)\n\n"
        "| Command | What it shows |\n"
        "| --- | --- |\n"
        "| `/runs OWNER/REPO [BRANCH]` | recent workflow runs |\n"
        "| `/run OWNER/REPO RUN_ID` | a run's jobs and the failing step's log |\n"
        "| `/failed` | failed runs from the event log |\n"
        "| `/events TYPE [WORDS]` | stored events of a type |\n"
        "| `/trigger test NAME EVENT_ID` | why a trigger did or did not match |\n"
        "| `/triggers` | triggers and whether they are on |\n"
        "| `/repos` · `/workflows OWNER/REPO` | repositories, workflows |\n"
        "| `/rerun`, `/cancel OWNER/REPO RUN_ID` · `/dispatch OWNER/REPO WORKFLOW REF` | a proposal to "
        "approve |\n"
        "| `/help` | this list |\n\n"
        "Anything else goes to the language model (llm.base_url, llm.model), which can use the same tools. "
        "Changes are only ever proposed: nothing runs until you press **Approve**.");
}

} // namespace exeserver
