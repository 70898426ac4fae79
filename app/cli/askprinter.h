#pragma once

#include "assistant/chattypes.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTextStream>

namespace exeserver {
class ChatSession;
}

namespace exeserver::cli {

// Prints a ChatSession's conversation as it happens: the answer's text as it streams (Markdown as the
// model wrote it), tool calls on stderr, cards as indented text; or with `json`, one JSON object per line
// for each message, tool call, proposal and error.
class AskPrinter : public QObject
{
    Q_OBJECT
public:
    AskPrinter(ChatSession &session, QTextStream &out, QTextStream &err, bool json);

    // A proposal's state after approval or rejection.
    void printOutcome(const ChatCard &proposal);
    bool sawError() const { return m_sawError; }

    static QJsonObject messageJson(const ChatMessage &message);
    static QJsonObject proposalJson(const ChatCard &card);
    static QString cardText(const ChatCard &card);

private:
    void added(int index);
    void changed(int index);
    void printComplete(const ChatMessage &message);
    void printToolCall(const ChatMessage &toolAnswer);
    void printCards(const QList<ChatCard> &cards);
    void line(const QJsonObject &object);

    ChatSession &m_session;
    QTextStream &m_out;
    QTextStream &m_err;
    bool m_json;
    QHash<int, qsizetype> m_streamed; // message index → characters of it already printed
    bool m_sawError = false;
};

} // namespace exeserver::cli
