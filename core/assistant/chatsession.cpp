#include "assistant/chatsession.h"

#include "assistant/chatstore.h"
#include "assistant/localcommands.h"
#include "config/logging.h"
#include "config/settings.h"
#include "store/eventstore.h"
#include "util/clock.h"

#include <QJsonDocument>
#include <QPointer>
#include <QUuid>

namespace exeserver {

namespace {

QDateTime now()
{
    return SystemClock::instance()->now();
}

ChatMessage message(ChatRole role, const QString &text, bool local)
{
    ChatMessage m;
    m.role = role;
    m.text = text;
    m.at = now();
    m.local = local;
    return m;
}

bool isTriggerDraft(const QString &toolName)
{
    return toolName == QLatin1String("draft_trigger") || toolName == QLatin1String("propose_create_trigger");
}

} // namespace

ChatSession::ChatSession(Settings &settings, QNetworkAccessManager &network, EventStore *store,
                         GitHubClient *github, Options options, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_options(options)
    , m_tools(store, github)
    , m_runner(github, store)
    , m_llm(network)
{
    setStore(store);
}

ChatSession::~ChatSession() = default;

void ChatSession::setGitHub(GitHubClient *github)
{
    m_tools.setGitHub(github);
    m_runner.setGitHub(github);
}

void ChatSession::setStore(EventStore *store)
{
    m_store = store;
    m_tools.setStore(store);
    m_runner.setStore(store);
    m_chatStore.reset();
    if (!store || !store->isOpen()) {
        load(QString());
        return;
    }
    m_chatStore = std::make_unique<ChatStore>(*store);
    const Result<QString> conversation = m_chatStore->currentConversation();
    if (!conversation) {
        qCWarning(lcAssistant).noquote() << conversation.error().message;
        m_chatStore.reset();
        load(QString());
        return;
    }
    load(*conversation);
}

void ChatSession::load(const QString &conversationId)
{
    ++m_generation; // an answer still streaming belongs to the conversation being left
    m_llm.cancel();
    m_streamingIndex = -1;
    setBusy(false);
    if (!m_messages.isEmpty()) {
        m_messages.clear();
        Q_EMIT cleared();
    }
    m_conversationId = conversationId;
    if (m_chatStore && !conversationId.isEmpty()) {
        const Result<QList<ChatMessage>> stored = m_chatStore->messages(conversationId);
        if (stored) {
            for (const ChatMessage &m : *stored) {
                m_messages.append(m);
                Q_EMIT messageAdded(int(m_messages.size()) - 1);
            }
        }
    }
    Q_EMIT conversationChanged(m_conversationId);
}

Status ChatSession::openConversation(const QString &conversationId)
{
    if (!m_chatStore)
        return Error{QStringLiteral("store"), QStringLiteral("The event store is not open.")};
    const Result<ChatConversation> found = m_chatStore->conversation(conversationId);
    if (!found)
        return found.error();
    load(conversationId);
    return success();
}

Status ChatSession::startConversation()
{
    if (!m_chatStore) {
        load(QString());
        return success();
    }
    if (m_messages.isEmpty() && !m_conversationId.isEmpty() && !m_busy)
        return success(); // the current one is still empty: no second empty one in the list
    const Result<QString> fresh = m_chatStore->newConversation();
    if (!fresh)
        return fresh.error();
    load(*fresh);
    return success();
}

Status ChatSession::deleteConversation(const QString &conversationId)
{
    if (!m_chatStore)
        return Error{QStringLiteral("store"), QStringLiteral("The event store is not open.")};
    if (const Status deleted = m_chatStore->deleteConversation(conversationId); !deleted)
        return deleted;
    if (conversationId != m_conversationId)
        return success();
    const Result<QString> next = m_chatStore->currentConversation();
    if (!next)
        return next.error();
    load(*next);
    return success();
}

LlmConfig ChatSession::llmConfig() const
{
    LlmConfig config = LlmConfig::fromSettings(m_settings);
    config.timeoutMs = m_options.timeoutMs;
    return config;
}

bool ChatSession::hasModel() const
{
    return llmConfig().isConfigured();
}

QString ChatSession::systemPrompt()
{
    return QStringLiteral(
        "You are the assistant inside ExeServer, a desktop app that watches GitHub Actions runs, webhook "
        "events and automation triggers. Use the tools to look things up instead of guessing; quote run ids, "
        "event ids and trigger names exactly. Answer briefly in Markdown (tables for lists, fenced code "
        "blocks "
        "for logs and YAML). You cannot change anything yourself: dispatching workflows, commenting, "
        "re-running "
        "or cancelling runs, and creating or enabling triggers are done only through the propose_* tools, "
        "which "
        "show the user a proposal to approve or reject. Never say a proposed change has happened unless its "
        "state is \"done\". Triggers use ExeServer's YAML format; validate drafts with draft_trigger.");
}

QJsonArray ChatSession::contextForModel() const
{
    QList<QJsonObject> items;
    for (const ChatMessage &m : m_messages) {
        if (m.local || m.error || m.streaming)
            continue;
        if (m.role == ChatRole::System) { // a summary: it replaces what came before its kept turns
            const int keeps =
                m.cards.isEmpty() ? 0 : m.cards.first().details.value(QLatin1String("keeps")).toInt();
            QList<QJsonObject> kept = items.mid(qMax<qsizetype>(0, items.size() - keeps));
            items = {QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                                 {QStringLiteral("content"),
                                  QStringLiteral("Summary of the earlier conversation:\n") + m.text}}};
            items += kept;
            continue;
        }
        if (m.role == ChatRole::Assistant && m.text.isEmpty() && m.toolCalls.isEmpty())
            continue;
        QJsonObject json = m.toApiJson();
        // A proposal's tool answer tells the model what the person decided since.
        if (m.role == ChatRole::Tool && !m.cards.isEmpty() && !m.cards.first().proposalId.isEmpty()) {
            const ChatCard &card = m.cards.first();
            json.insert(
                QStringLiteral("content"),
                QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("proposal_id"), card.proposalId},
                                                            {QStringLiteral("state"), toString(card.state)},
                                                            {QStringLiteral("outcome"), card.outcome}})
                                      .toJson(QJsonDocument::Compact)));
        }
        items.append(json);
    }
    QJsonArray context{QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                                   {QStringLiteral("content"), systemPrompt()}}};
    for (const QJsonObject &item : std::as_const(items))
        context.append(item);
    return context;
}

int ChatSession::estimateTokens(const QJsonArray &context)
{
    static const qsizetype tools =
        QJsonDocument(AssistantTools::definitions()).toJson(QJsonDocument::Compact).size();
    return int((QJsonDocument(context).toJson(QJsonDocument::Compact).size() + tools) / 4);
}

bool ChatSession::needsSummary() const
{
    return estimateTokens(contextForModel()) > llmConfig().contextTokens * 3 / 4;
}

namespace {

// One line per message for the summariser: who said what, tool answers shortened.
QString transcript(const QList<QJsonObject> &items)
{
    QString text;
    for (const QJsonObject &item : items) {
        const QString role = item.value(QLatin1String("role")).toString();
        QString content = item.value(QLatin1String("content")).toString();
        if (role == QLatin1String("tool") && content.size() > 1500)
            content = content.left(1500) + QStringLiteral(" …");
        for (const QJsonValue &call : item.value(QLatin1String("tool_calls")).toArray()) {
            const QJsonObject function = call.toObject().value(QLatin1String("function")).toObject();
            content += QStringLiteral(" [called %1(%2)]")
                           .arg(function.value(QLatin1String("name")).toString(),
                                function.value(QLatin1String("arguments")).toString());
        }
        text += role + QStringLiteral(": ") + content.trimmed() + QLatin1Char('\n');
    }
    return text;
}

} // namespace

// Keeps the newest turns that fit in about a third of the window, from a question of the user on, and
// asks the model to summarise the rest (an earlier summary included); then asks the question.
void ChatSession::summarise()
{
    const QJsonArray context = contextForModel();
    QList<QJsonObject> items;
    for (qsizetype i = 1; i < context.size(); ++i)
        items.append(context.at(i).toObject());
    // In characters: a third of what the window leaves for the conversation besides the system prompt and
    // the tools.
    const int fixed = estimateTokens(QJsonArray{context.first()});
    const qsizetype budget = qMax(0, llmConfig().contextTokens * 3 / 4 - fixed) * 4 / 3;
    qsizetype cut = items.size();
    qsizetype size = 0;
    qsizetype lastUser = -1;
    for (qsizetype i = items.size() - 1; i >= 0; --i) {
        size += QJsonDocument(items.at(i)).toJson(QJsonDocument::Compact).size();
        const bool user = items.at(i).value(QLatin1String("role")).toString() == QLatin1String("user");
        if (user && lastUser < 0)
            lastUser = i;
        if (user && (size <= budget || i == lastUser))
            cut = i;
        if (size > budget && lastUser >= 0)
            break;
    }
    if (cut <= 0 || cut >= items.size())
        return askModel(0); // nothing older to fold away
    const QList<QJsonObject> older = items.mid(0, cut);
    const int keeps = int(items.size() - cut);
    const QJsonArray request{
        QJsonObject{
            {QStringLiteral("role"), QStringLiteral("system")},
            {QStringLiteral("content"),
             QStringLiteral("Summarise this conversation between a user and the ExeServer assistant so "
                            "it can go on in less space. Keep what may matter later: repositories, run "
                            "and event ids, trigger names, decisions, proposals and their state, open "
                            "questions. Markdown, at most 200 words.")}},
        QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                    {QStringLiteral("content"), transcript(older)}}};
    const quint64 generation = m_generation;
    QPointer<ChatSession> self(this);
    m_llm.complete(
        llmConfig(), request, {}, [](const QString &) {},
        [self, generation, summarised = int(older.size()), keeps](Result<LlmReply> reply) {
            if (!self || self->m_generation != generation)
                return;
            if (!reply && reply.error().kind == QLatin1String("cancelled")) {
                self->fail(QStringLiteral("Stopped."));
                return self->finishTurn();
            }
            if (reply && !reply->content.trimmed().isEmpty())
                self->addSummary(reply->content.trimmed(), summarised, keeps);
            else
                self->fail(QStringLiteral("Could not summarise the earlier messages (%1); asking "
                                          "with the whole conversation.")
                               .arg(reply ? QStringLiteral("empty answer") : reply.error().message));
            self->askModel(0);
        });
}

void ChatSession::addSummary(const QString &summary, int summarised, int keeps)
{
    ChatMessage m = message(ChatRole::System, summary, false);
    m.display = QStringLiteral("*The conversation was getting long for the model, so the earlier messages "
                               "were summarised; the model now reads this summary instead of them.*");
    ChatCard card;
    card.kind = QStringLiteral("summary");
    card.title = QStringLiteral("Summary of %1 earlier messages").arg(summarised);
    card.status = QStringLiteral("summarised");
    card.fields = {{QStringLiteral("Summary"), summary}};
    card.details = {{QStringLiteral("keeps"), keeps}, {QStringLiteral("summarised"), summarised}};
    m.cards = {card};
    append(m);
}

int ChatSession::append(ChatMessage m)
{
    if (m_chatStore && !m.streaming && !m.error) {
        const Result<qint64> id = m_chatStore->save(m_conversationId, m);
        if (id)
            m.id = *id;
        else
            qCWarning(lcAssistant).noquote() << id.error().message;
    }
    m_messages.append(m);
    const int index = int(m_messages.size()) - 1;
    Q_EMIT messageAdded(index);
    return index;
}

void ChatSession::update(int index)
{
    ChatMessage &m = m_messages[index];
    if (m_chatStore && !m.streaming && !m.error) {
        const Result<qint64> id = m_chatStore->save(m_conversationId, m);
        if (id)
            m.id = *id;
    }
    Q_EMIT messageChanged(index);
}

void ChatSession::setBusy(bool busy)
{
    if (std::exchange(m_busy, busy) != busy)
        Q_EMIT busyChanged(busy);
}

void ChatSession::fail(const QString &text)
{
    ChatMessage m = message(ChatRole::Assistant, text, true);
    m.error = true;
    append(m);
}

void ChatSession::finishTurn()
{
    setBusy(false);
    Q_EMIT turnFinished();
}

void ChatSession::send(const QString &input)
{
    const QString text = input.trimmed();
    if (text.isEmpty())
        return finishTurn();
    if (LocalCommand::isCommand(text))
        return runLocal(text);
    if (m_busy)
        return; // one question at a time; the dock disables Send meanwhile
    if (!hasModel()) {
        append(message(ChatRole::User, text, true));
        append(message(
            ChatRole::Assistant,
            QStringLiteral("No language model is configured, so I can only answer local commands. Set "
                           "`OPENAI_BASE_URL` (for example a local Ollama or llama.cpp server) and "
                           "`EXESERVER_LLM_MODEL`, or `OPENAI_API_KEY` for OpenAI.\n\n") +
                LocalCommand::help(),
            true));
        return finishTurn();
    }
    append(message(ChatRole::User, text, false));
    ++m_generation;
    m_triggerRejections = 0;
    m_rejectedDraft.clear();
    setBusy(true);
    if (needsSummary())
        return summarise();
    askModel(0);
}

void ChatSession::runLocal(const QString &text)
{
    const LocalCommand command = LocalCommand::parse(text);
    // A card's "/propose OPERATION {json}" is shown by its operation, not as a wall of JSON.
    const bool carried =
        command.kind == LocalCommand::Kind::Proposal && text.startsWith(QLatin1String("/propose "));
    append(message(ChatRole::User, carried ? QStringLiteral("/propose %1 …").arg(command.name) : text, true));
    switch (command.kind) {
    case LocalCommand::Kind::Help:
        append(message(ChatRole::Assistant, LocalCommand::help(), true));
        return Q_EMIT turnFinished();
    case LocalCommand::Kind::Invalid:
        fail(command.error);
        return Q_EMIT turnFinished();
    case LocalCommand::Kind::Proposal: {
        QString error;
        const ChatCard card = proposalCard(command.name, command.arguments, &error);
        if (error.isEmpty()) {
            ChatMessage m =
                message(ChatRole::Assistant, QStringLiteral("Nothing happens until you approve this:"), true);
            m.cards = {card};
            append(m);
        } else {
            fail(error);
        }
        return Q_EMIT turnFinished();
    }
    case LocalCommand::Kind::Tool:
        break;
    }
    QPointer<ChatSession> self(this);
    const quint64 generation = m_generation;
    m_tools.call(command.name, command.arguments, [self, generation](ToolResult result) {
        if (!self || self->m_generation != generation)
            return;
        if (result.failed) {
            self->fail(result.markdown);
        } else {
            ChatMessage m = message(ChatRole::Assistant, result.markdown, true);
            m.cards = result.cards;
            self->append(m);
        }
        Q_EMIT self->turnFinished();
    });
}

ChatCard ChatSession::proposalCard(const QString &operation, const QJsonObject &arguments, QString *error)
{
    const QString id = QStringLiteral("p-") + QUuid::createUuid().toString(QUuid::WithoutBraces).left(8);
    const Result<ChatCard> card = ProposalRunner::propose(operation, arguments, id, m_store);
    if (!card) {
        *error = card.error().message;
        return {};
    }
    return *card;
}

void ChatSession::askModel(int round)
{
    const quint64 generation = m_generation;
    m_streamingIndex = -1;
    QPointer<ChatSession> self(this);
    auto onDelta = [self, generation](const QString &delta) {
        if (!self || self->m_generation != generation)
            return;
        if (self->m_streamingIndex < 0) {
            ChatMessage m = message(ChatRole::Assistant, QString(), false);
            m.streaming = true;
            self->m_streamingIndex = self->append(m);
        }
        self->m_messages[self->m_streamingIndex].text += delta;
        Q_EMIT self->messageChanged(self->m_streamingIndex);
    };
    m_llm.complete(
        llmConfig(), contextForModel(), AssistantTools::definitions(), onDelta,
        [self, generation, round](Result<LlmReply> reply) {
            if (!self || self->m_generation != generation)
                return;
            const int index = std::exchange(self->m_streamingIndex, -1);
            if (!reply) {
                if (index >= 0) {
                    ChatMessage &partial = self->m_messages[index];
                    partial.streaming = false;
                    if (reply.error().kind == QLatin1String("cancelled"))
                        partial.text += QStringLiteral(" …*(stopped)*");
                    self->update(index);
                }
                self->fail(reply.error().message);
                self->finishTurn();
                return;
            }
            QJsonArray calls;
            for (const LlmToolCall &call : reply->toolCalls) {
                calls.append(QJsonObject{{QStringLiteral("id"), call.id},
                                         {QStringLiteral("type"), QStringLiteral("function")},
                                         {QStringLiteral("function"),
                                          QJsonObject{{QStringLiteral("name"), call.name},
                                                      {QStringLiteral("arguments"), call.arguments}}}});
            }
            if (calls.isEmpty() && reply->content.trimmed().isEmpty()) {
                if (index >= 0)
                    self->m_messages[index].streaming = false;
                self->fail(QStringLiteral("The model sent an empty answer."));
                return self->finishTurn();
            }
            int at = index;
            if (at < 0) {
                ChatMessage m = message(ChatRole::Assistant, reply->content, false);
                m.toolCalls = calls;
                at = self->append(m);
            } else {
                ChatMessage &m = self->m_messages[at];
                m.streaming = false;
                m.text = reply->content;
                m.toolCalls = calls;
                self->update(at);
            }
            if (calls.isEmpty() || round + 1 >= self->m_options.maxToolRounds) {
                if (!calls.isEmpty())
                    self->fail(QStringLiteral("Stopped after %1 rounds of tool calls.").arg(round + 1));
                self->finishTurn();
                return;
            }
            self->runToolCalls(at, 0, round, generation);
        });
}

void ChatSession::runToolCalls(int messageIndex, int callIndex, int round, quint64 generation)
{
    const QJsonArray calls = m_messages.at(messageIndex).toolCalls;
    if (callIndex >= calls.size()) {
        if (m_rejectedDraft.isEmpty())
            return askModel(round + 1);
        fail(QStringLiteral("The drafted trigger is still not valid after one correction, so I stopped "
                            "here. %1")
                 .arg(m_rejectedDraft));
        return finishTurn();
    }
    const QJsonObject call = calls.at(callIndex).toObject();
    const QString callId = call.value(QStringLiteral("id")).toString();
    const QJsonObject function = call.value(QStringLiteral("function")).toObject();
    const QString name = function.value(QStringLiteral("name")).toString();
    const QJsonDocument argsDoc =
        QJsonDocument::fromJson(function.value(QStringLiteral("arguments")).toString().toUtf8());
    const QJsonObject args = argsDoc.object();
    qCDebug(lcAssistant).noquote() << "tool call" << name;

    auto answer = [this, messageIndex, callIndex, round, generation, callId, name](const ToolResult &result) {
        ChatMessage m = message(ChatRole::Tool, result.forModel, false);
        m.toolCallId = callId;
        m.display = result.markdown;
        m.cards = result.cards;
        m.error = false;
        append(m);
        // A trigger the parser rejects goes back to the model once; the second rejection goes to the user.
        if (result.failed && isTriggerDraft(name) && ++m_triggerRejections >= 2)
            m_rejectedDraft = result.markdown;
        runToolCalls(messageIndex, callIndex + 1, round, generation);
    };

    if (const QString operation = AssistantTools::proposalOperation(name); !operation.isEmpty()) {
        QString error;
        const ChatCard card = proposalCard(operation, args, &error);
        if (!error.isEmpty())
            return answer(ToolResult::error(error));
        ToolResult result;
        result.cards = {card};
        result.forModel =
            QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("proposal_id"), card.proposalId},
                                                        {QStringLiteral("state"), QStringLiteral("pending")},
                                                        {QStringLiteral("note"),
                                                         QStringLiteral("Shown to the user; it runs only if "
                                                                        "they approve it.")}})
                                  .toJson(QJsonDocument::Compact));
        return answer(result);
    }
    QPointer<ChatSession> self(this);
    m_tools.call(name, args, [self, generation, answer](ToolResult result) {
        if (!self || self->m_generation != generation)
            return;
        answer(result);
    });
}

void ChatSession::stop()
{
    if (!m_busy)
        return;
    if (m_llm.isBusy()) {
        m_llm.cancel(); // its callback reports "Stopped." and ends the turn
        return;
    }
    ++m_generation; // a tool was running: drop its answer
    fail(QStringLiteral("Stopped."));
    finishTurn();
}

void ChatSession::clear()
{
    ++m_generation;
    m_llm.cancel();
    setBusy(false);
    m_streamingIndex = -1;
    if (m_chatStore) {
        if (const Status deleted = m_chatStore->deleteConversation(m_conversationId); !deleted)
            qCWarning(lcAssistant).noquote() << deleted.error().message;
        const Result<QString> fresh = m_chatStore->newConversation();
        if (fresh)
            m_conversationId = *fresh;
    }
    m_messages.clear();
    Q_EMIT cleared();
    Q_EMIT conversationChanged(m_conversationId);
}

std::optional<QPair<int, int>> ChatSession::findProposal(const QString &proposalId) const
{
    for (int i = 0; i < m_messages.size(); ++i) {
        for (int c = 0; c < m_messages.at(i).cards.size(); ++c) {
            if (m_messages.at(i).cards.at(c).proposalId == proposalId)
                return QPair<int, int>(i, c);
        }
    }
    return std::nullopt;
}

void ChatSession::approve(const QString &proposalId)
{
    const auto where = findProposal(proposalId);
    if (!where || m_messages.at(where->first).cards.at(where->second).state != ProposalState::Pending)
        return;
    ChatCard &card = m_messages[where->first].cards[where->second];
    card.state = ProposalState::Approved;
    card.status = QStringLiteral("running");
    card.outcome = QStringLiteral("Running…");
    update(where->first);
    QPointer<ChatSession> self(this);
    const quint64 generation = m_generation;
    m_runner.run(card, [self, proposalId, generation](Result<QString> outcome) {
        if (!self || self->m_generation != generation)
            return;
        const auto at = self->findProposal(proposalId);
        if (!at)
            return;
        ChatCard &c = self->m_messages[at->first].cards[at->second];
        c.state = outcome ? ProposalState::Done : ProposalState::Failed;
        c.status = outcome ? QStringLiteral("done") : QStringLiteral("failed");
        c.outcome = outcome ? *outcome : outcome.error().message;
        self->update(at->first);
    });
}

void ChatSession::reject(const QString &proposalId)
{
    const auto where = findProposal(proposalId);
    if (!where || m_messages.at(where->first).cards.at(where->second).state != ProposalState::Pending)
        return;
    ChatCard &card = m_messages[where->first].cards[where->second];
    card.state = ProposalState::Rejected;
    card.status = QStringLiteral("rejected");
    card.outcome = QStringLiteral("Rejected: nothing was sent.");
    update(where->first);
}

} // namespace exeserver
