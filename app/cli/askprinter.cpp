#include "askprinter.h"

#include "assistant/chatsession.h"
#include "config/secretredactor.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace exeserver::cli {

namespace {

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// The call an answer of a tool belongs to, from the assistant message that asked for it.
QJsonObject callFor(const QList<ChatMessage> &messages, int answerIndex, const QString &callId)
{
    for (int i = answerIndex - 1; i >= 0; --i) {
        for (const QJsonValue &call : messages.at(i).toolCalls) {
            if (call.toObject().value(QLatin1String("id")).toString() == callId)
                return call.toObject().value(QLatin1String("function")).toObject();
        }
    }
    return {};
}

QString tableText(const QStringList &columns, const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    for (const QString &column : columns)
        widths.append(column.size());
    for (const QStringList &row : rows) {
        for (qsizetype c = 0; c < row.size() && c < widths.size(); ++c)
            widths[c] = qMax(widths[c], row.at(c).size());
    }
    const auto format = [&widths](const QStringList &cells) {
        QStringList padded;
        for (qsizetype c = 0; c < cells.size() && c < widths.size(); ++c)
            padded.append(cells.at(c).leftJustified(widths.at(c)));
        return QStringLiteral("  ") + padded.join(QStringLiteral("  ")).trimmed() + QLatin1Char('\n');
    };
    QString text = format(columns);
    for (const QStringList &row : rows)
        text += format(row);
    return text;
}

} // namespace

AskPrinter::AskPrinter(ChatSession &session, QTextStream &out, QTextStream &err, bool json)
    : m_session(session)
    , m_out(out)
    , m_err(err)
    , m_json(json)
{
    connect(&session, &ChatSession::messageAdded, this, &AskPrinter::added);
    connect(&session, &ChatSession::messageChanged, this, &AskPrinter::changed);
}

QJsonObject AskPrinter::messageJson(const ChatMessage &message)
{
    QJsonObject json{{QStringLiteral("type"), QStringLiteral("message")},
                     {QStringLiteral("role"), toString(message.role)},
                     {QStringLiteral("text"), message.display.isEmpty() ? message.text : message.display},
                     {QStringLiteral("at"), message.at.toString(Qt::ISODate)}};
    if (message.local)
        json.insert(QStringLiteral("local"), true);
    QJsonArray cards;
    for (const ChatCard &card : message.cards) {
        if (card.proposalId.isEmpty())
            cards.append(card.toJson());
    }
    if (!cards.isEmpty())
        json.insert(QStringLiteral("cards"), cards);
    return json;
}

QJsonObject AskPrinter::proposalJson(const ChatCard &card)
{
    QJsonObject fields;
    for (const auto &[name, value] : card.fields)
        fields.insert(name, value);
    return {{QStringLiteral("type"), QStringLiteral("proposal")},
            {QStringLiteral("id"), card.proposalId},
            {QStringLiteral("operation"), card.operation},
            {QStringLiteral("title"), card.title},
            {QStringLiteral("fields"), fields},
            {QStringLiteral("details"), card.details},
            {QStringLiteral("state"), toString(card.state)},
            {QStringLiteral("outcome"), card.outcome}};
}

QString AskPrinter::cardText(const ChatCard &card)
{
    QString text = QStringLiteral("[%1] %2").arg(
        card.proposalId.isEmpty() ? card.kind : QStringLiteral("proposal"), card.title);
    if (!card.status.isEmpty())
        text += QStringLiteral(" (%1)").arg(card.status);
    text += QLatin1Char('\n');
    for (const auto &[name, value] : card.fields)
        text += QStringLiteral("  %1: %2\n").arg(name, value);
    if (!card.url.isEmpty())
        text += QStringLiteral("  %1\n").arg(card.url);
    if (!card.columns.isEmpty())
        text += tableText(card.columns, card.rows);
    if (!card.outcome.isEmpty())
        text += QStringLiteral("  → %1\n").arg(card.outcome);
    return text;
}

void AskPrinter::line(const QJsonObject &object)
{
    m_out << compact(object) << '\n';
    m_out.flush();
}

void AskPrinter::added(int index)
{
    const ChatMessage &message = m_session.messages().at(index);
    if (message.streaming) {
        m_streamed.insert(index, 0);
        return changed(index);
    }
    printComplete(message);
    if (message.role == ChatRole::Tool)
        printToolCall(message);
}

void AskPrinter::changed(int index)
{
    if (!m_streamed.contains(index))
        return; // a proposal's state: printOutcome() reports it
    const ChatMessage &message = m_session.messages().at(index);
    qsizetype &printed = m_streamed[index];
    if (!m_json && message.text.size() > printed && message.text.startsWith(message.text.left(printed))) {
        m_out << message.text.mid(printed);
        m_out.flush();
        printed = message.text.size();
    }
    if (message.streaming)
        return;
    m_streamed.remove(index);
    if (m_json) {
        if (!message.text.isEmpty())
            line(messageJson(message));
    } else if (printed > 0) {
        m_out << '\n';
        m_out.flush();
    }
}

void AskPrinter::printComplete(const ChatMessage &message)
{
    if (message.error) {
        m_sawError = true;
        const QString text = SecretRedactor::redact(message.text);
        if (m_json)
            line({{QStringLiteral("type"), QStringLiteral("error")}, {QStringLiteral("message"), text}});
        else
            m_err << "exeserver-cli: " << text << '\n';
        m_err.flush();
        return;
    }
    if (message.role == ChatRole::Tool)
        return; // printToolCall
    if (m_json) {
        if (message.role == ChatRole::System || !message.text.isEmpty() || !message.cards.isEmpty())
            line(messageJson(message));
    } else if (message.role == ChatRole::System) {
        m_err << message.display << '\n'; // the note that older turns were summarised
        m_err.flush();
        return;
    } else if (message.role == ChatRole::Assistant && !message.text.isEmpty()) {
        m_out << message.text << '\n';
    }
    printCards(message.cards);
    m_out.flush();
}

void AskPrinter::printToolCall(const ChatMessage &answer)
{
    const QList<ChatMessage> &messages = m_session.messages();
    const int index = int(messages.size()) - 1;
    const QJsonObject call = callFor(messages, index, answer.toolCallId);
    const QString name = call.value(QLatin1String("name")).toString();
    const QString arguments = call.value(QLatin1String("arguments")).toString();
    if (m_json) {
        line({{QStringLiteral("type"), QStringLiteral("tool_call")},
              {QStringLiteral("id"), answer.toolCallId},
              {QStringLiteral("name"), name},
              {QStringLiteral("arguments"), QJsonDocument::fromJson(arguments.toUtf8()).object()},
              {QStringLiteral("result"), answer.text}});
    } else {
        m_err << "· " << name << ' ' << arguments << '\n';
        m_err.flush();
    }
    printCards(answer.cards);
}

void AskPrinter::printCards(const QList<ChatCard> &cards)
{
    for (const ChatCard &card : cards) {
        if (m_json) {
            if (!card.proposalId.isEmpty())
                line(proposalJson(card));
            continue;
        }
        m_out << cardText(card);
    }
    m_out.flush();
}

void AskPrinter::printOutcome(const ChatCard &proposal)
{
    if (m_json)
        return line(proposalJson(proposal));
    m_out << (proposal.state == ProposalState::Done ? "Done: " : "Not done: ") << proposal.outcome << '\n';
    m_out.flush();
}

} // namespace exeserver::cli
