#pragma once

#include "util/result.h"

#include <QJsonArray>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;

namespace exeserver {

class Settings;

// Where the OpenAI-compatible server is and what to ask it for. The key stays in memory only.
struct LlmConfig
{
    QUrl baseUrl; // ".../v1"; requests go to {baseUrl}/chat/completions
    QString model;
    QString apiKey;             // may be empty for a local server
    int timeoutMs = 60000;      // no byte for this long ends the request
    int contextTokens = 8192;   // the model's context window (llm.context_tokens, else known per model)
    bool explicitlySet = false; // a base URL or key was configured (else the default OpenAI URL, no key)

    static LlmConfig fromSettings(const Settings &settings);
    // The context window of well-known models; 8192 for others (local servers often run small ones).
    static int defaultContextTokens(const QString &model);
    // Whether asking a model makes sense: a key, or a base URL of a server that needs none.
    bool isConfigured() const { return !model.isEmpty() && (!apiKey.isEmpty() || explicitlySet); }
};

// One function call the model asked for, assembled from its streamed fragments.
struct LlmToolCall
{
    QString id;
    QString name;
    QString arguments; // JSON text, as the model wrote it
};

struct LlmReply
{
    QString content;
    QList<LlmToolCall> toolCalls;
    QString finishReason;
};

// POST {base}/chat/completions with stream: true. The Server-Sent Events are parsed as they arrive: content
// deltas are handed out at once, tool-call fragments are accumulated by index, `[DONE]` (or the end of the
// stream) completes the reply. Errors become messages a user can act on; the key never appears in them.
class LlmClient : public QObject
{
    Q_OBJECT
public:
    using DeltaHandler = std::function<void(const QString &text)>;
    using DoneHandler = std::function<void(Result<LlmReply>)>;

    LlmClient(QNetworkAccessManager &network, QObject *parent = nullptr);
    ~LlmClient() override;

    // One request at a time; a new one cancels the previous (its `done` gets kind "cancelled").
    void complete(const LlmConfig &config, const QJsonArray &messages, const QJsonArray &tools,
                  DeltaHandler onDelta, DoneHandler done);
    void cancel(); // `done` gets kind "cancelled"
    bool isBusy() const { return m_reply != nullptr; }

    // The request body, for tests and logs of shape (no key in it).
    static QJsonObject requestBody(const QString &model, const QJsonArray &messages, const QJsonArray &tools);

private:
    struct Stream;
    void readStream();
    void finish();
    static Error errorFor(const LlmConfig &config, int status, const QByteArray &body);

    QNetworkAccessManager &m_network;
    QPointer<QNetworkReply> m_reply;
    std::unique_ptr<Stream> m_stream;
};

} // namespace exeserver
