#pragma once

#include "assistant/chattypes.h"
#include "widgets/themecolors.h"

#include <QFrame>

namespace exeserver {

// One card of the assistant's answer: a run, workflow, event, trigger, table or proposal, with its status
// badge, fields and buttons. Proposal cards show Approve and Reject while pending, then the outcome.
class ChatCardWidget : public QFrame
{
    Q_OBJECT
public:
    explicit ChatCardWidget(const ChatCard &card, QWidget *parent = nullptr);
    const ChatCard &card() const { return m_card; }

    // A status's meaning (success, failure, busy, other) and its text colour on the application palette.
    static Tone statusTone(const QString &status);
    static QColor statusColor(const QString &status);

Q_SIGNALS:
    void commandRequested(const QString &command);
    void approveRequested(const QString &proposalId);
    void rejectRequested(const QString &proposalId);

private:
    ChatCard m_card;
};

} // namespace exeserver
