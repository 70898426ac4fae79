#include "fakellmserver.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace exeserver::test {

namespace {

QByteArray sseEvent(const QJsonObject &chunk)
{
    return "data: " + QJsonDocument(chunk).toJson(QJsonDocument::Compact) + "\n\n";
}

QJsonObject chunk(const QJsonObject &delta, const QString &finishReason = {})
{
    QJsonObject choice{{QStringLiteral("index"), 0}, {QStringLiteral("delta"), delta}};
    choice.insert(QStringLiteral("finish_reason"),
                  finishReason.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(finishReason));
    return {{QStringLiteral("id"), QStringLiteral("chatcmpl-fake")},
            {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
            {QStringLiteral("choices"), QJsonArray{choice}}};
}

HttpResponse stream(QList<QByteArray> chunks, int intervalMs)
{
    HttpResponse response;
    response.headers.set("Content-Type", "text/event-stream");
    response.headers.set("Cache-Control", "no-cache");
    chunks.append("data: [DONE]\n\n");
    response.chunks = chunks;
    response.chunkIntervalMs = intervalMs;
    return response;
}

} // namespace

FakeLlmServer::FakeLlmServer()
    : m_server([this](const HttpRequest &request, LocalHttpServer::Responder respond) {
        if (request.method != "POST" || !request.path.endsWith(QLatin1String("/chat/completions")))
            return respond(HttpResponse::json(
                404, R"({"error":{"message":"Not found","type":"invalid_request_error"}})"));
        m_requests.append(QJsonDocument::fromJson(request.body).object());
        m_authorizations.append(request.headers.value("Authorization"));
        HttpResponse response = next();
        if (response.status == -1)
            return; // stall: never answered (the responder is dropped, the connection stays open)
        respond(response);
    })
{
}

bool FakeLlmServer::start()
{
    return m_server.listen();
}

QUrl FakeLlmServer::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(m_server.port()));
}

HttpResponse FakeLlmServer::next()
{
    if (m_queue.isEmpty())
        return stream(
            {sseEvent(chunk({{QStringLiteral("content"), QStringLiteral("OK")}}, QStringLiteral("stop")))},
            0);
    return m_queue.dequeue();
}

void FakeLlmServer::queueText(const QStringList &pieces, int intervalMs)
{
    QList<QByteArray> chunks{sseEvent(chunk({{QStringLiteral("role"), QStringLiteral("assistant")}}))};
    for (const QString &piece : pieces)
        chunks.append(sseEvent(chunk({{QStringLiteral("content"), piece}})));
    chunks.append(sseEvent(chunk({}, QStringLiteral("stop"))));
    m_queue.enqueue(stream(chunks, intervalMs));
}

void FakeLlmServer::queueToolCall(const QString &id, const QString &name, const QJsonObject &arguments,
                                  int fragments)
{
    const QString args = QString::fromUtf8(QJsonDocument(arguments).toJson(QJsonDocument::Compact));
    QList<QByteArray> chunks;
    const qsizetype step = qMax<qsizetype>(1, (args.size() + fragments - 1) / fragments);
    for (qsizetype at = 0; at < args.size(); at += step) {
        QJsonObject function{{QStringLiteral("arguments"), args.mid(at, step)}};
        QJsonObject call{{QStringLiteral("index"), 0}, {QStringLiteral("function"), function}};
        if (at == 0) { // id, type and name come with the first fragment only, as OpenAI sends them
            call.insert(QStringLiteral("id"), id);
            call.insert(QStringLiteral("type"), QStringLiteral("function"));
            function.insert(QStringLiteral("name"), name);
            call.insert(QStringLiteral("function"), function);
        }
        chunks.append(sseEvent(chunk({{QStringLiteral("tool_calls"), QJsonArray{call}}})));
    }
    chunks.append(sseEvent(chunk({}, QStringLiteral("tool_calls"))));
    m_queue.enqueue(stream(chunks, 5));
}

void FakeLlmServer::queueError(int status, const QString &code, const QString &message)
{
    m_queue.enqueue(HttpResponse::json(
        status, QJsonDocument(QJsonObject{{QStringLiteral("error"),
                                           QJsonObject{{QStringLiteral("message"), message},
                                                       {QStringLiteral("type"),
                                                        QStringLiteral("invalid_request_error")},
                                                       {QStringLiteral("code"), code}}}})
                    .toJson(QJsonDocument::Compact)));
}

void FakeLlmServer::queueStall()
{
    HttpResponse stall;
    stall.status = -1;
    m_queue.enqueue(stall);
}

QStringList FakeLlmServer::contents(const QJsonObject &request)
{
    QStringList out;
    for (const QJsonValue &message : request.value(QStringLiteral("messages")).toArray())
        out.append(message.toObject().value(QStringLiteral("role")).toString() + QLatin1Char(':') +
                   message.toObject().value(QStringLiteral("content")).toString());
    return out;
}

} // namespace exeserver::test
