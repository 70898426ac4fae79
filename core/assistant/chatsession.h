#pragma once

#include "assistant/assistanttools.h"
#include "assistant/chattypes.h"
#include "assistant/llmclient.h"
#include "assistant/proposalrunner.h"

#include <QObject>

#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace exeserver {

class ChatStore;
class EventStore;
class GitHubClient;
class Settings;

// One conversation with the assistant: what was said (kept in the store), the model's context (system
// prompt, messages, tool results), the tool-call loop, proposals waiting for a person, Stop and Clear.
// Slash commands are answered locally with the same tools, with or without a model. When the context
// nears the model's window, older turns are replaced by a summary the model writes (a "summary" card).
class ChatSession : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int maxToolRounds = 6; // model → tools → model … at most this often per question
        int timeoutMs = 60000; // no byte from the model for this long fails the request
    };

    ChatSession(Settings &settings, QNetworkAccessManager &network, EventStore *store, GitHubClient *github,
                Options options, QObject *parent = nullptr);
    ChatSession(Settings &settings, QNetworkAccessManager &network, EventStore *store = nullptr,
                GitHubClient *github = nullptr, QObject *parent = nullptr)
        : ChatSession(settings, network, store, github, Options{}, parent)
    {
    }
    ~ChatSession() override;

    // Either may arrive after the window is up (the token comes from the keychain). A store loads the
    // latest conversation.
    void setGitHub(GitHubClient *github);
    void setStore(EventStore *store);

    // The conversations kept in the store (null without one); the session shows one of them.
    ChatStore *chatStore() const { return m_chatStore.get(); }
    QString conversationId() const { return m_conversationId; }
    // Shows a stored conversation (stopping any answer in progress); "not_found" when there is none.
    Status openConversation(const QString &conversationId);
    // Starts an empty conversation; the current one stays in the store.
    Status startConversation();
    // Deletes a stored conversation; deleting the current one shows the newest other one (or a new one).
    Status deleteConversation(const QString &conversationId);

    const QList<ChatMessage> &messages() const { return m_messages; }
    bool isBusy() const { return m_busy; }
    bool hasModel() const; // a language model is configured
    LlmConfig llmConfig() const;
    static QString systemPrompt();
    // What the next request to the model would carry (system prompt first).
    QJsonArray contextForModel() const;
    // A rough size of a request in tokens (4 characters each), the tool definitions included.
    static int estimateTokens(const QJsonArray &context);

public Q_SLOTS:
    void send(const QString &text);
    void stop();
    void clear(); // forgets the conversation: the view, the store and the model's context
    void approve(const QString &proposalId);
    void reject(const QString &proposalId);

Q_SIGNALS:
    void messageAdded(int index);
    void messageChanged(int index);
    void cleared();
    void busyChanged(bool busy);
    // What send() started has ended: the model's answer (or its error or Stop), or a local command's.
    void turnFinished();
    void conversationChanged(const QString &conversationId);

private:
    int append(ChatMessage message);
    void update(int index);
    void setBusy(bool busy);
    void finishTurn();
    void load(const QString &conversationId);
    void runLocal(const QString &text);
    void askModel(int round);
    bool needsSummary() const;
    void summarise();
    void addSummary(const QString &summary, int summarised, int keeps);
    void runToolCalls(int messageIndex, int callIndex, int round, quint64 generation);
    void fail(const QString &message);
    ChatCard proposalCard(const QString &operation, const QJsonObject &arguments, QString *error);
    std::optional<QPair<int, int>> findProposal(const QString &proposalId) const;

    Settings &m_settings;
    Options m_options;
    EventStore *m_store = nullptr;
    std::unique_ptr<ChatStore> m_chatStore;
    QString m_conversationId;
    AssistantTools m_tools;
    ProposalRunner m_runner;
    LlmClient m_llm;
    QList<ChatMessage> m_messages;
    bool m_busy = false;
    quint64 m_generation = 0; // bumped by Stop and Clear: late answers of older requests are dropped
    int m_streamingIndex = -1;
    int m_triggerRejections = 0; // drafted triggers the parser rejected in this turn
    QString m_rejectedDraft;     // set on the second rejection: the turn ends with it
};

} // namespace exeserver
