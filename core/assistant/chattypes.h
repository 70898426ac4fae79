#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace exeserver {

enum class ChatRole
{
    System,
    User,
    Assistant,
    Tool, // a tool's answer to the model; shown only through its cards
};
QString toString(ChatRole role);
ChatRole chatRoleFromString(const QString &text);

// A button on a card: `command` is what the session runs when it is pressed — a local command ("/run
// o/r 42") or a change ("/rerun o/r 42"), which only ever becomes a proposal.
struct CardAction
{
    QString label;
    QString command;
};

enum class ProposalState
{
    Pending,
    Approved, // running
    Rejected,
    Done,
    Failed,
};
QString toString(ProposalState state);

// Structured content shown under a message: a run, workflow, event, trigger, a table, or a proposal (a
// change that runs only after a person approves it).
struct ChatCard
{
    QString kind;   // "run", "workflow", "event", "trigger", "repository", "table", "proposal",
                    // "summary" (older turns folded away; details: keeps, summarised)
    QString title;  // one line
    QString status; // success, failure, in_progress, enabled, pending, ... (colours the badge)
    QString url;    // opens in the browser
    QList<QPair<QString, QString>> fields;
    QStringList columns; // tables
    QList<QStringList> rows;
    QList<CardAction> actions;
    // Proposals only.
    QString proposalId;
    QString operation;   // dispatch, comment, rerun, cancel, create_trigger, enable_trigger
    QJsonObject details; // the operation's arguments
    ProposalState state = ProposalState::Pending;
    QString outcome; // what happened after approval or rejection

    QJsonObject toJson() const;
    static ChatCard fromJson(const QJsonObject &json);
};

// One entry of the conversation. Assistant messages that asked for tools carry the calls in OpenAI's
// shape; tool messages carry the call id they answer.
struct ChatMessage
{
    qint64 id = 0; // store row, 0 until saved
    ChatRole role = ChatRole::User;
    QString text;    // Markdown; for tool messages the JSON the model reads
    QString display; // what people see instead of `text` when set (a tool's Markdown summary)
    QDateTime at;
    QList<ChatCard> cards;
    QJsonArray toolCalls; // [{id, type:"function", function:{name, arguments}}]
    QString toolCallId;
    bool local = false; // a local command's exchange: shown, never sent to the model
    bool streaming = false;
    bool error = false; // a failure shown to people (not stored as such, not sent to the model)

    // The message as chat-completions wants it.
    QJsonObject toApiJson() const;
};

// What a tool or local command produced: text for the model (JSON), Markdown and cards for people.
struct ToolResult
{
    QString forModel;
    QString markdown;
    QList<ChatCard> cards;
    bool failed = false;

    static ToolResult error(const QString &message);
};

} // namespace exeserver
