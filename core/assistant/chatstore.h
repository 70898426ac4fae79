#pragma once

#include "assistant/chattypes.h"
#include "util/result.h"

namespace exeserver {

class EventStore;

// The assistant's conversations in the event store (schema step 5). The dock keeps one current
// conversation; clearing it deletes its rows, so nothing of it is sent to a model again.
class ChatStore
{
public:
    explicit ChatStore(EventStore &store);

    // The newest conversation's id, or a new one when there is none.
    Result<QString> currentConversation();
    Result<QString> newConversation();
    Result<QList<ChatMessage>> messages(const QString &conversationId) const;
    // Inserts (id 0) or updates the message; returns its id.
    Result<qint64> save(const QString &conversationId, const ChatMessage &message);
    Status deleteConversation(const QString &conversationId);

private:
    EventStore &m_store;
};

} // namespace exeserver
