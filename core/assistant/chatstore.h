#pragma once

#include "assistant/chattypes.h"
#include "util/result.h"

namespace exeserver {

class EventStore;

// One conversation as lists show it: its title (set by a person, else its first question).
struct ChatConversation
{
    QString id;
    QString title;
    QDateTime createdAt;
    QDateTime updatedAt;
    int messageCount = 0;
};

// The assistant's conversations in the event store (schema step 5), shared by the dock and
// `exeserver-cli ask`. Deleting a conversation deletes its rows, so nothing of it is sent to a model again.
class ChatStore
{
public:
    explicit ChatStore(EventStore &store);

    // The newest conversation's id, or a new one when there is none.
    Result<QString> currentConversation();
    Result<QString> newConversation();
    // Newest first.
    Result<QList<ChatConversation>> conversations() const;
    // Error "not_found" when there is no such conversation.
    Result<ChatConversation> conversation(const QString &conversationId) const;
    Status rename(const QString &conversationId, const QString &title);
    Result<QList<ChatMessage>> messages(const QString &conversationId) const;
    // Inserts (id 0) or updates the message; returns its id.
    Result<qint64> save(const QString &conversationId, const ChatMessage &message);
    Status deleteConversation(const QString &conversationId);

private:
    EventStore &m_store;
};

} // namespace exeserver
