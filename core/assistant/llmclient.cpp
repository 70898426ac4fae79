#include "assistant/llmclient.h"

#include "config/logging.h"
#include "config/secretredactor.h"
#include "config/settings.h"
#include "events/sseparser.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace exeserver {

LlmConfig LlmConfig::fromSettings(const Settings &settings)
{
    LlmConfig config;
    const SettingValue base = settings.value(setting::OpenAiBaseUrl);
    config.baseUrl = QUrl(base.value);
    config.model = settings.get(setting::LlmModel);
    config.apiKey = settings.get(setting::OpenAiApiKey);
    config.explicitlySet = base.source != SettingSource::Default;
    const int tokens = settings.get(setting::LlmContextTokens).toInt();
    config.contextTokens = tokens > 0 ? tokens : defaultContextTokens(config.model);
    return config;
}

int LlmConfig::defaultContextTokens(const QString &model)
{
    // Longest prefix first: "gpt-4o" before "gpt-4".
    static const QList<QPair<QString, int>> known = {
        {QStringLiteral("gpt-4.1"), 1000000},    {QStringLiteral("gpt-4o"), 128000},
        {QStringLiteral("gpt-4-turbo"), 128000}, {QStringLiteral("gpt-5"), 400000},
        {QStringLiteral("gpt-4"), 8192},         {QStringLiteral("gpt-3.5-turbo"), 16385},
        {QStringLiteral("o1"), 200000},          {QStringLiteral("o3"), 200000},
        {QStringLiteral("o4"), 200000},          {QStringLiteral("claude"), 200000},
        {QStringLiteral("llama3.1"), 131072},    {QStringLiteral("llama3.2"), 131072},
        {QStringLiteral("llama3.3"), 131072},    {QStringLiteral("llama3"), 8192},
        {QStringLiteral("qwen2.5"), 32768},      {QStringLiteral("qwen3"), 40960},
        {QStringLiteral("mistral"), 32768},      {QStringLiteral("gemma"), 8192},
        {QStringLiteral("deepseek"), 65536},
    };
    const QString name = model.toLower().section(QLatin1Char('/'), -1); // "meta/llama3.1:8b" → "llama3.1:8b"
    for (const auto &[prefix, tokens] : known) {
        if (name.startsWith(prefix))
            return tokens;
    }
    return 8192;
}

// What one streamed answer has accumulated so far.
struct LlmClient::Stream
{
    LlmConfig config;
    DeltaHandler onDelta;
    DoneHandler done;
    SseParser parser;
    LlmReply reply;
    QMap<int, LlmToolCall> toolCalls; // by the delta's index: fragments of one call share it
    QByteArray errorBody;
    bool sawDone = false;
    bool cancelled = false;
    std::optional<Error> streamError; // an `error` object inside the stream
};

LlmClient::LlmClient(QNetworkAccessManager &network, QObject *parent)
    : QObject(parent)
    , m_network(network)
{
}

LlmClient::~LlmClient()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

QJsonObject LlmClient::requestBody(const QString &model, const QJsonArray &messages, const QJsonArray &tools)
{
    QJsonObject body{{QStringLiteral("model"), model},
                     {QStringLiteral("messages"), messages},
                     {QStringLiteral("stream"), true}};
    if (!tools.isEmpty())
        body.insert(QStringLiteral("tools"), tools);
    return body;
}

void LlmClient::complete(const LlmConfig &config, const QJsonArray &messages, const QJsonArray &tools,
                         DeltaHandler onDelta, DoneHandler done)
{
    cancel();
    m_stream = std::make_unique<Stream>();
    m_stream->config = config;
    m_stream->onDelta = std::move(onDelta);
    m_stream->done = std::move(done);

    QUrl url = config.baseUrl;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QStringLiteral("/chat/completions"));
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", "text/event-stream");
    if (!config.apiKey.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + config.apiKey.toUtf8());
    request.setTransferTimeout(config.timeoutMs);
    const QByteArray body =
        QJsonDocument(requestBody(config.model, messages, tools)).toJson(QJsonDocument::Compact);
    qCDebug(lcAssistant) << "POST" << url.toDisplayString(QUrl::RemoveUserInfo) << "model" << config.model
                         << "messages" << messages.size();
    m_reply = m_network.post(request, body);
    connect(m_reply, &QNetworkReply::readyRead, this, &LlmClient::readStream);
    connect(m_reply, &QNetworkReply::finished, this, &LlmClient::finish);
}

void LlmClient::cancel()
{
    if (!m_reply)
        return;
    m_stream->cancelled = true;
    m_reply->abort(); // finished() runs now and reports the cancellation
}

void LlmClient::readStream()
{
    if (!m_reply || !m_stream || !m_reply->isOpen())
        return;
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray bytes = m_reply->readAll();
    if (status >= 400) {
        m_stream->errorBody += bytes;
        return;
    }
    Stream &s = *m_stream;
    const QString contentType = m_reply->header(QNetworkRequest::ContentTypeHeader).toString();
    if (!contentType.startsWith(QLatin1String("text/event-stream"))) {
        s.errorBody += bytes; // a server that ignored stream: true; parsed whole in finish()
        return;
    }
    for (const SseEvent &event : s.parser.feed(bytes)) {
        if (event.data.trimmed() == "[DONE]") {
            s.sawDone = true;
            continue;
        }
        const QJsonObject chunk = QJsonDocument::fromJson(event.data).object();
        if (chunk.contains(QStringLiteral("error"))) {
            s.streamError = errorFor(s.config, 500, event.data);
            continue;
        }
        const QJsonObject choice = chunk.value(QStringLiteral("choices")).toArray().at(0).toObject();
        const QJsonObject delta = choice.value(QStringLiteral("delta")).toObject();
        const QString content = delta.value(QStringLiteral("content")).toString();
        if (!content.isEmpty()) {
            s.reply.content += content;
            if (s.onDelta)
                s.onDelta(content);
        }
        for (const QJsonValue &value : delta.value(QStringLiteral("tool_calls")).toArray()) {
            const QJsonObject fragment = value.toObject();
            LlmToolCall &call = s.toolCalls[fragment.value(QStringLiteral("index")).toInt()];
            if (const QString id = fragment.value(QStringLiteral("id")).toString(); !id.isEmpty())
                call.id = id;
            const QJsonObject function = fragment.value(QStringLiteral("function")).toObject();
            call.name += function.value(QStringLiteral("name")).toString();
            call.arguments += function.value(QStringLiteral("arguments")).toString();
        }
        if (const QString reason = choice.value(QStringLiteral("finish_reason")).toString();
            !reason.isEmpty())
            s.reply.finishReason = reason;
    }
}

void LlmClient::finish()
{
    if (!m_reply || !m_stream)
        return;
    readStream();
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    reply->deleteLater();
    std::unique_ptr<Stream> stream = std::move(m_stream);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString host = stream->config.baseUrl.host();
    auto fail = [&](Error error) {
        qCInfo(lcAssistant).noquote() << "request failed:" << error.kind;
        stream->done(std::move(error));
    };

    if (stream->cancelled)
        return fail({QStringLiteral("cancelled"), QStringLiteral("Stopped.")});
    if (status >= 400)
        return fail(errorFor(stream->config, status, stream->errorBody));
    switch (reply->error()) {
    case QNetworkReply::NoError:
    case QNetworkReply::RemoteHostClosedError: // a server may close instead of sending [DONE]
        break;
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::TimeoutError:
        return fail({QStringLiteral("timeout"),
                     QStringLiteral("The language model at %1 did not answer within %2 s. It may be busy or "
                                    "loading the model; try again, or check llm.base_url (OPENAI_BASE_URL).")
                         .arg(host)
                         .arg(stream->config.timeoutMs / 1000.0)});
    case QNetworkReply::ConnectionRefusedError:
        return fail(
            {QStringLiteral("network"),
             QStringLiteral("Cannot reach the language model at %1 (connection refused). Is the server "
                            "running? Check llm.base_url (OPENAI_BASE_URL).")
                 .arg(stream->config.baseUrl.toDisplayString(QUrl::RemoveUserInfo))});
    case QNetworkReply::HostNotFoundError:
        return fail({QStringLiteral("network"),
                     QStringLiteral("Cannot find the language model server %1. Check llm.base_url "
                                    "(OPENAI_BASE_URL).")
                         .arg(host)});
    default:
        if (status == 0)
            return fail({QStringLiteral("network"),
                         QStringLiteral("The connection to the language model at %1 failed: %2")
                             .arg(host, SecretRedactor::redact(reply->errorString()))});
        break;
    }
    if (stream->streamError)
        return fail(*stream->streamError);

    LlmReply result = std::move(stream->reply);
    if (!stream->errorBody.isEmpty() && result.content.isEmpty() && stream->toolCalls.isEmpty()) {
        // Not a stream: one JSON completion.
        const QJsonObject message = QJsonDocument::fromJson(stream->errorBody)
                                        .object()
                                        .value(QStringLiteral("choices"))
                                        .toArray()
                                        .at(0)
                                        .toObject()
                                        .value(QStringLiteral("message"))
                                        .toObject();
        result.content = message.value(QStringLiteral("content")).toString();
        for (const QJsonValue &value : message.value(QStringLiteral("tool_calls")).toArray()) {
            const QJsonObject call = value.toObject();
            const QJsonObject function = call.value(QStringLiteral("function")).toObject();
            result.toolCalls.append({call.value(QStringLiteral("id")).toString(),
                                     function.value(QStringLiteral("name")).toString(),
                                     function.value(QStringLiteral("arguments")).toString()});
        }
        if (!result.content.isEmpty() && stream->onDelta)
            stream->onDelta(result.content);
    }
    for (const LlmToolCall &call : std::as_const(stream->toolCalls))
        result.toolCalls.append(call);
    if (!stream->sawDone && result.content.isEmpty() && result.toolCalls.isEmpty())
        return fail(
            {QStringLiteral("empty"),
             QStringLiteral("The language model at %1 ended its answer without any text.").arg(host)});
    stream->done(std::move(result));
}

Error LlmClient::errorFor(const LlmConfig &config, int status, const QByteArray &body)
{
    const QJsonObject error =
        QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject();
    const QString code = error.value(QStringLiteral("code")).toString();
    const QString type = error.value(QStringLiteral("type")).toString();
    // The server's own words may quote the key ("Incorrect API key provided: sk-…"): redact, and drop the
    // key itself even if the redactor never saw it.
    QString said = SecretRedactor::redact(error.value(QStringLiteral("message")).toString());
    if (!config.apiKey.isEmpty())
        said.replace(config.apiKey, QStringLiteral("[redacted]"));
    if (said.size() > 300)
        said = said.left(300) + QStringLiteral("…");

    if (status == 401 || code == QLatin1String("invalid_api_key"))
        return {
            QStringLiteral("unauthorized"),
            config.apiKey.isEmpty()
                ? QStringLiteral("The language model server at %1 needs an API key (401). Set OPENAI_API_KEY "
                                 "or store llm.api_key in the keychain.")
                      .arg(config.baseUrl.host())
                : QStringLiteral("The language model server at %1 refused the API key (401). Check "
                                 "OPENAI_API_KEY or the llm.api_key in the keychain.")
                      .arg(config.baseUrl.host()),
            status};
    if (code == QLatin1String("model_not_found") ||
        (status == 404 && said.contains(QLatin1String("model"))) ||
        (status == 404 && code.isEmpty() && type.isEmpty()))
        return {QStringLiteral("unknown_model"),
                QStringLiteral("The language model server does not know the model \"%1\". Set another with "
                               "EXESERVER_LLM_MODEL or llm.model.")
                    .arg(config.model),
                status};
    if (code == QLatin1String("context_length_exceeded") || said.contains(QLatin1String("context length")) ||
        said.contains(QLatin1String("context window")))
        return {QStringLiteral("context_too_long"),
                QStringLiteral("The conversation is too long for the model \"%1\". Clear the conversation "
                               "(or ask a shorter question) and try again.")
                    .arg(config.model),
                status};
    if (status == 429)
        return {QStringLiteral("rate_limited"),
                QStringLiteral("The language model server is rate limiting requests (429)%1. Wait a moment "
                               "and try again.")
                    .arg(said.isEmpty() ? QString() : QStringLiteral(": ") + said),
                status};
    return {QStringLiteral("llm_error"),
            QStringLiteral("The language model server answered %1%2.")
                .arg(status)
                .arg(said.isEmpty() ? QString() : QStringLiteral(": ") + said),
            status};
}

} // namespace exeserver
