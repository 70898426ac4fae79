#include "assistant/chatstore.h"

#include "store/eventstore.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace exeserver {

namespace {

Error sqlError(const QSqlQuery &query, const QString &doing)
{
    return {QStringLiteral("io"), QStringLiteral("Cannot %1: %2").arg(doing, query.lastError().text())};
}

// A null QString binds as SQL NULL; the columns are NOT NULL.
QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

QString compact(const QJsonArray &array)
{
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

} // namespace

ChatStore::ChatStore(EventStore &store)
    : m_store(store)
{
}

Result<QString> ChatStore::currentConversation()
{
    QSqlQuery query(m_store.database());
    if (!query.exec(
            QStringLiteral("SELECT id FROM assistant_conversations ORDER BY updated_at DESC, rowid DESC "
                           "LIMIT 1")))
        return sqlError(query, QStringLiteral("read the assistant's conversations"));
    if (query.next())
        return query.value(0).toString();
    return newConversation();
}

Result<QString> ChatStore::newConversation()
{
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const qint64 now = m_store.clock()->now().toMSecsSinceEpoch();
    QSqlQuery query(m_store.database());
    query.prepare(
        QStringLiteral("INSERT INTO assistant_conversations (id, created_at, updated_at) VALUES (?, ?, ?)"));
    query.addBindValue(id);
    query.addBindValue(now);
    query.addBindValue(now);
    if (!query.exec())
        return sqlError(query, QStringLiteral("start a conversation"));
    return id;
}

namespace {

// A conversation without a title is named by its first question.
const QString kConversationColumns = QStringLiteral(
    "SELECT c.id, c.title, c.created_at, c.updated_at, "
    "(SELECT count(*) FROM assistant_messages m WHERE m.conversation_id = c.id), "
    "(SELECT m.content FROM assistant_messages m WHERE m.conversation_id = c.id AND m.role = 'user' "
    "ORDER BY m.seq LIMIT 1) FROM assistant_conversations c");

ChatConversation conversationFrom(const QSqlQuery &query)
{
    ChatConversation c;
    c.id = query.value(0).toString();
    c.title = query.value(1).toString();
    c.createdAt = QDateTime::fromMSecsSinceEpoch(query.value(2).toLongLong(), Qt::UTC);
    c.updatedAt = QDateTime::fromMSecsSinceEpoch(query.value(3).toLongLong(), Qt::UTC);
    c.messageCount = query.value(4).toInt();
    if (c.title.isEmpty()) {
        const QString first = query.value(5).toString().simplified();
        c.title = first.isEmpty() ? QStringLiteral("New conversation")
                                  : (first.size() > 60 ? first.left(59) + QChar(0x2026) : first);
    }
    return c;
}

} // namespace

Result<QList<ChatConversation>> ChatStore::conversations() const
{
    QSqlQuery query(m_store.database());
    if (!query.exec(kConversationColumns + QStringLiteral(" ORDER BY c.updated_at DESC, c.rowid DESC")))
        return sqlError(query, QStringLiteral("read the assistant's conversations"));
    QList<ChatConversation> out;
    while (query.next())
        out.append(conversationFrom(query));
    return out;
}

Result<ChatConversation> ChatStore::conversation(const QString &conversationId) const
{
    QSqlQuery query(m_store.database());
    query.prepare(kConversationColumns + QStringLiteral(" WHERE c.id = ?"));
    query.addBindValue(conversationId);
    if (!query.exec())
        return sqlError(query, QStringLiteral("read the conversation"));
    if (!query.next())
        return Error{QStringLiteral("not_found"),
                     QStringLiteral("There is no conversation \"%1\" (see `exeserver-cli ask --list`).")
                         .arg(conversationId)};
    return conversationFrom(query);
}

Status ChatStore::rename(const QString &conversationId, const QString &title)
{
    QSqlQuery query(m_store.database());
    query.prepare(QStringLiteral("UPDATE assistant_conversations SET title = ? WHERE id = ?"));
    query.addBindValue(text(title.simplified()));
    query.addBindValue(conversationId);
    if (!query.exec())
        return sqlError(query, QStringLiteral("rename the conversation"));
    if (query.numRowsAffected() == 0)
        return Error{QStringLiteral("not_found"), QStringLiteral("There is no such conversation.")};
    return success();
}

Result<QList<ChatMessage>> ChatStore::messages(const QString &conversationId) const
{
    QSqlQuery query(m_store.database());
    query.prepare(
        QStringLiteral("SELECT seq, role, content, display, cards, tool_calls, tool_call_id, local, "
                       "created_at FROM assistant_messages WHERE conversation_id = ? ORDER BY seq"));
    query.addBindValue(conversationId);
    if (!query.exec())
        return sqlError(query, QStringLiteral("read the conversation"));
    QList<ChatMessage> messages;
    while (query.next()) {
        ChatMessage message;
        message.id = query.value(0).toLongLong();
        message.role = chatRoleFromString(query.value(1).toString());
        message.text = query.value(2).toString();
        message.display = query.value(3).toString();
        for (const QJsonValue &card : QJsonDocument::fromJson(query.value(4).toByteArray()).array())
            message.cards.append(ChatCard::fromJson(card.toObject()));
        message.toolCalls = QJsonDocument::fromJson(query.value(5).toByteArray()).array();
        message.toolCallId = query.value(6).toString();
        message.local = query.value(7).toBool();
        message.at = QDateTime::fromMSecsSinceEpoch(query.value(8).toLongLong(), Qt::UTC);
        messages.append(message);
    }
    return messages;
}

Result<qint64> ChatStore::save(const QString &conversationId, const ChatMessage &message)
{
    QJsonArray cards;
    for (const ChatCard &card : message.cards)
        cards.append(card.toJson());
    QSqlQuery query(m_store.database());
    if (message.id == 0) {
        query.prepare(
            QStringLiteral("INSERT INTO assistant_messages (conversation_id, role, content, display, "
                           "cards, tool_calls, tool_call_id, local, created_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        query.addBindValue(conversationId);
        query.addBindValue(toString(message.role));
    } else {
        query.prepare(
            QStringLiteral("UPDATE assistant_messages SET content = ?, display = ?, cards = ?, "
                           "tool_calls = ?, tool_call_id = ?, local = ?, created_at = ? WHERE seq = ?"));
    }
    query.addBindValue(text(message.text));
    query.addBindValue(text(message.display));
    query.addBindValue(compact(cards));
    query.addBindValue(compact(message.toolCalls));
    query.addBindValue(text(message.toolCallId));
    query.addBindValue(message.local ? 1 : 0);
    query.addBindValue(message.at.toMSecsSinceEpoch());
    if (message.id != 0)
        query.addBindValue(message.id);
    if (!query.exec())
        return sqlError(query, QStringLiteral("save the conversation"));
    const qint64 id = message.id != 0 ? message.id : query.lastInsertId().toLongLong();
    QSqlQuery touch(m_store.database());
    touch.prepare(QStringLiteral("UPDATE assistant_conversations SET updated_at = ? WHERE id = ?"));
    touch.addBindValue(m_store.clock()->now().toMSecsSinceEpoch());
    touch.addBindValue(conversationId);
    touch.exec();
    return id;
}

Status ChatStore::deleteConversation(const QString &conversationId)
{
    QSqlQuery query(m_store.database());
    query.prepare(QStringLiteral("DELETE FROM assistant_messages WHERE conversation_id = ?"));
    query.addBindValue(conversationId);
    if (!query.exec())
        return sqlError(query, QStringLiteral("clear the conversation"));
    query.prepare(QStringLiteral("DELETE FROM assistant_conversations WHERE id = ?"));
    query.addBindValue(conversationId);
    if (!query.exec())
        return sqlError(query, QStringLiteral("clear the conversation"));
    return success();
}

} // namespace exeserver
