#include "assistant/chattypes.h"

#include <QJsonDocument>

namespace exeserver {

QString toString(ChatRole role)
{
    switch (role) {
    case ChatRole::System:
        return QStringLiteral("system");
    case ChatRole::User:
        return QStringLiteral("user");
    case ChatRole::Assistant:
        return QStringLiteral("assistant");
    case ChatRole::Tool:
        return QStringLiteral("tool");
    }
    return QStringLiteral("user");
}

ChatRole chatRoleFromString(const QString &text)
{
    if (text == QLatin1String("system"))
        return ChatRole::System;
    if (text == QLatin1String("assistant"))
        return ChatRole::Assistant;
    if (text == QLatin1String("tool"))
        return ChatRole::Tool;
    return ChatRole::User;
}

QString toString(ProposalState state)
{
    switch (state) {
    case ProposalState::Pending:
        return QStringLiteral("pending");
    case ProposalState::Approved:
        return QStringLiteral("approved");
    case ProposalState::Rejected:
        return QStringLiteral("rejected");
    case ProposalState::Done:
        return QStringLiteral("done");
    case ProposalState::Failed:
        return QStringLiteral("failed");
    }
    return QStringLiteral("pending");
}

namespace {

ProposalState proposalStateFromString(const QString &text)
{
    for (ProposalState state :
         {ProposalState::Approved, ProposalState::Rejected, ProposalState::Done, ProposalState::Failed}) {
        if (toString(state) == text)
            return state;
    }
    return ProposalState::Pending;
}

} // namespace

QJsonObject ChatCard::toJson() const
{
    QJsonObject json{{QStringLiteral("kind"), kind}, {QStringLiteral("title"), title}};
    if (!status.isEmpty())
        json.insert(QStringLiteral("status"), status);
    if (!url.isEmpty())
        json.insert(QStringLiteral("url"), url);
    QJsonArray fieldArray;
    for (const auto &[name, value] : fields)
        fieldArray.append(QJsonArray{name, value});
    if (!fieldArray.isEmpty())
        json.insert(QStringLiteral("fields"), fieldArray);
    if (!columns.isEmpty()) {
        json.insert(QStringLiteral("columns"), QJsonArray::fromStringList(columns));
        QJsonArray rowArray;
        for (const QStringList &row : rows)
            rowArray.append(QJsonArray::fromStringList(row));
        json.insert(QStringLiteral("rows"), rowArray);
    }
    QJsonArray actionArray;
    for (const CardAction &action : actions)
        actionArray.append(QJsonArray{action.label, action.command});
    if (!actionArray.isEmpty())
        json.insert(QStringLiteral("actions"), actionArray);
    if (!details.isEmpty())
        json.insert(QStringLiteral("details"), details);
    if (!proposalId.isEmpty()) {
        json.insert(QStringLiteral("proposal_id"), proposalId);
        json.insert(QStringLiteral("operation"), operation);
        json.insert(QStringLiteral("state"), toString(state));
        json.insert(QStringLiteral("outcome"), outcome);
    }
    return json;
}

ChatCard ChatCard::fromJson(const QJsonObject &json)
{
    ChatCard card;
    card.kind = json.value(QStringLiteral("kind")).toString();
    card.title = json.value(QStringLiteral("title")).toString();
    card.status = json.value(QStringLiteral("status")).toString();
    card.url = json.value(QStringLiteral("url")).toString();
    for (const QJsonValue &field : json.value(QStringLiteral("fields")).toArray())
        card.fields.append({field.toArray().at(0).toString(), field.toArray().at(1).toString()});
    for (const QJsonValue &column : json.value(QStringLiteral("columns")).toArray())
        card.columns.append(column.toString());
    for (const QJsonValue &row : json.value(QStringLiteral("rows")).toArray()) {
        QStringList cells;
        for (const QJsonValue &cell : row.toArray())
            cells.append(cell.toString());
        card.rows.append(cells);
    }
    for (const QJsonValue &action : json.value(QStringLiteral("actions")).toArray())
        card.actions.append({action.toArray().at(0).toString(), action.toArray().at(1).toString()});
    card.proposalId = json.value(QStringLiteral("proposal_id")).toString();
    card.operation = json.value(QStringLiteral("operation")).toString();
    card.details = json.value(QStringLiteral("details")).toObject();
    card.state = proposalStateFromString(json.value(QStringLiteral("state")).toString());
    card.outcome = json.value(QStringLiteral("outcome")).toString();
    return card;
}

QJsonObject ChatMessage::toApiJson() const
{
    QJsonObject json{{QStringLiteral("role"), toString(role)}};
    if (role == ChatRole::Assistant && !toolCalls.isEmpty()) {
        json.insert(QStringLiteral("content"),
                    text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text));
        json.insert(QStringLiteral("tool_calls"), toolCalls);
        return json;
    }
    json.insert(QStringLiteral("content"), text);
    if (role == ChatRole::Tool)
        json.insert(QStringLiteral("tool_call_id"), toolCallId);
    return json;
}

ToolResult ToolResult::error(const QString &message)
{
    ToolResult result;
    result.failed = true;
    result.markdown = message;
    result.forModel = QString::fromUtf8(
        QJsonDocument(QJsonObject{{QStringLiteral("error"), message}}).toJson(QJsonDocument::Compact));
    return result;
}

} // namespace exeserver
