#pragma once

#include "assistant/chattypes.h"

#include <QWidget>

class QFrame;
class QLabel;
class QVBoxLayout;

namespace exeserver {

// One message of the conversation as a bubble: the user's on the right in blue, the assistant's on the
// left in grey (errors in red), each labelled "You"/"Assistant" with its time. Markdown is rendered;
// fenced code blocks get a monospace box with a Copy button, tables a strip that scrolls sideways when
// wider than the bubble; cards follow the text.
class ChatMessageWidget : public QWidget
{
    Q_OBJECT
public:
    explicit ChatMessageWidget(const ChatMessage &message, QWidget *parent = nullptr);
    void setMessage(const ChatMessage &message); // a streamed message grows in place

    QString headerText() const;
    QString shownText() const; // what the bubble shows, as Markdown
    bool isUser() const { return m_message.role == ChatRole::User; }

    // Splits Markdown at fenced code blocks: (isCode, text) in order.
    static QList<QPair<bool, QString>> splitCodeBlocks(const QString &markdown);
    // Splits Markdown (outside code blocks) at pipe tables: (isTable, text) in order.
    static QList<QPair<bool, QString>> splitTables(const QString &markdown);

Q_SIGNALS:
    void commandRequested(const QString &command);
    void approveRequested(const QString &proposalId);
    void rejectRequested(const QString &proposalId);

private:
    void rebuild();

    ChatMessage m_message;
    QFrame *m_bubble = nullptr;
    QLabel *m_header = nullptr;
    QWidget *m_content = nullptr;
    QVBoxLayout *m_contentLayout = nullptr;
};

} // namespace exeserver
