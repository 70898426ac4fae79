#include "events/relayclient.h"

#include "config/logging.h"
#include "events/eventintake.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace exeserver {

namespace {

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Index just past the JSON string starting at `at` (which holds the opening quote), or -1.
qsizetype skipString(const QByteArray &json, qsizetype at)
{
    for (qsizetype i = at + 1; i < json.size(); ++i) {
        if (json.at(i) == '\\')
            ++i;
        else if (json.at(i) == '"')
            return i + 1;
    }
    return -1;
}

// Index just past the JSON value starting at `at`, or -1. Only brackets and strings matter here; the
// value was already validated by QJsonDocument.
qsizetype skipValue(const QByteArray &json, qsizetype at)
{
    int depth = 0;
    for (qsizetype i = at; i < json.size(); ++i) {
        const char c = json.at(i);
        if (c == '"') {
            i = skipString(json, i);
            if (i < 0)
                return -1;
            if (depth == 0)
                return i;
            --i;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth == 0)
                return i + 1;
            if (depth < 0)
                return i; // end of the enclosing object: a scalar ended here
        } else if (depth == 0 && (c == ',' || isJsonSpace(c))) {
            return i;
        }
    }
    return depth == 0 ? json.size() : -1;
}

// The text of a top-level member's value, exactly as it appears in `json`.
std::optional<QByteArray> memberText(const QByteArray &json, QByteArrayView key)
{
    qsizetype i = json.indexOf('{');
    if (i < 0)
        return std::nullopt;
    ++i;
    while (i < json.size()) {
        while (i < json.size() && (isJsonSpace(json.at(i)) || json.at(i) == ','))
            ++i;
        if (i >= json.size() || json.at(i) != '"')
            return std::nullopt;
        const qsizetype keyEnd = skipString(json, i);
        if (keyEnd < 0)
            return std::nullopt;
        const QByteArrayView name = QByteArrayView(json).sliced(i + 1, keyEnd - i - 2);
        i = keyEnd;
        while (i < json.size() && (isJsonSpace(json.at(i)) || json.at(i) == ':'))
            ++i;
        const qsizetype valueEnd = skipValue(json, i);
        if (valueEnd < 0)
            return std::nullopt;
        if (name == key)
            return json.mid(i, valueEnd - i);
        i = valueEnd;
    }
    return std::nullopt;
}

// Removes whitespace outside strings; keeps everything else (key order, escapes, number spelling).
QByteArray compact(const QByteArray &json)
{
    QByteArray out;
    out.reserve(json.size());
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json.at(i);
        if (c == '"') {
            const qsizetype end = skipString(json, i);
            if (end < 0)
                return json;
            out += QByteArrayView(json).sliced(i, end - i);
            i = end - 1;
        } else if (!isJsonSpace(c)) {
            out += c;
        }
    }
    return out;
}

} // namespace

RelayClient::RelayClient(QNetworkAccessManager &network, EventIntake &intake, QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_intake(intake)
    , m_reconnectTimer(new QTimer(this))
{
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &RelayClient::connectNow);
}

RelayClient::~RelayClient()
{
    stop();
}

std::optional<QByteArray> RelayClient::bodyFromMessage(const QByteArray &data)
{
    const QJsonObject message = QJsonDocument::fromJson(data).object();
    for (const char *key : {"rawBody", "raw_body"}) {
        if (const QJsonValue raw = message.value(QLatin1StringView(key)); raw.isString())
            return raw.toString().toUtf8();
    }
    if (!message.contains(QLatin1StringView("body")))
        return std::nullopt;
    const std::optional<QByteArray> text = memberText(data, "body");
    if (!text)
        return std::nullopt;
    return compact(*text);
}

void RelayClient::start(const QUrl &channel)
{
    stop();
    m_channel = channel;
    m_running = true;
    m_backoffMs = m_options.initialBackoffMs;
    connectNow();
}

void RelayClient::stop()
{
    m_running = false;
    m_reconnectTimer->stop();
    QNetworkReply *reply = m_reply.data();
    m_reply.clear();
    if (reply) {
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    m_connected = false;
}

void RelayClient::connectNow()
{
    if (!m_running)
        return;
    QNetworkRequest request(m_channel);
    request.setRawHeader("Accept", "text/event-stream");
    request.setRawHeader("Cache-Control", "no-cache");
    if (!m_parser.lastEventId().isEmpty())
        request.setRawHeader("Last-Event-ID", m_parser.lastEventId().toUtf8());
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setTransferTimeout(0); // a stream may be quiet for a long time between events
    m_parser.reset();
    m_reply = m_network.get(request);
    connect(m_reply, &QNetworkReply::readyRead, this, &RelayClient::readStream);
    connect(m_reply, &QNetworkReply::finished, this, &RelayClient::streamFinished);
    qCDebug(lcEvents).noquote() << "relay: connecting to" << m_channel.toDisplayString(QUrl::RemoveQuery);
}

void RelayClient::readStream()
{
    if (!m_reply)
        return;
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200)
        return; // an error page; streamFinished() reports it
    if (!m_connected) {
        m_connected = true;
        m_backoffMs = m_options.initialBackoffMs;
        qCInfo(lcEvents).noquote() << "relay: connected to" << m_channel.toDisplayString(QUrl::RemoveQuery);
        Q_EMIT connected();
    }
    const QList<SseEvent> events = m_parser.feed(m_reply->readAll());
    for (const SseEvent &event : events)
        handleEvent(event);
}

void RelayClient::streamFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    m_reply = nullptr;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    QString reason = reply->error() != QNetworkReply::NoError ? reply->errorString()
                     : status != 200                          ? QStringLiteral("HTTP status %1").arg(status)
                                                              : QStringLiteral("the relay closed the stream");
    reply->deleteLater();
    m_connected = false;
    qCInfo(lcEvents).noquote() << "relay: disconnected:" << reason;
    Q_EMIT disconnected(reason);
    if (!m_running)
        return;
    const int delay = m_parser.retryMs() > m_backoffMs ? m_parser.retryMs() : m_backoffMs;
    m_backoffMs = std::min(m_backoffMs * 2, m_options.maxBackoffMs);
    Q_EMIT reconnectScheduled(delay);
    m_reconnectTimer->start(delay);
}

void RelayClient::handleEvent(const SseEvent &event)
{
    // smee sends `ready` when the channel opens and `ping` as keep-alive; neither is a delivery.
    if (event.type == QLatin1StringView("ready") || event.type == QLatin1StringView("ping"))
        return;
    if (event.type != QLatin1StringView("message"))
        return;
    const QJsonObject message = QJsonDocument::fromJson(event.data).object();
    const std::optional<QByteArray> body = bodyFromMessage(event.data);
    if (message.isEmpty() || !body) {
        qCDebug(lcEvents) << "relay: ignoring a message without a body";
        return;
    }
    auto header = [&](const char *name) { return message.value(QLatin1StringView(name)).toString(); };
    WebhookDelivery delivery;
    delivery.eventName = header("x-github-event");
    delivery.deliveryId = header("x-github-delivery");
    delivery.signature = header("x-hub-signature-256").toUtf8();
    delivery.contentType = "application/json"; // the relay always forwards the body as JSON
    delivery.body = *body;
    delivery.source = EventSource::Relay;
    const IntakeOutcome outcome = m_intake.process(delivery);
    Q_EMIT messageProcessed(outcome.httpStatus, outcome.eventId);
}

} // namespace exeserver
