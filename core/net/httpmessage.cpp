#include "net/httpmessage.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace exeserver {

namespace {

// A string as QJsonDocument writes it, for ASCII text (false otherwise: the caller lets Qt write it).
bool appendJsonString(QByteArray &out, QStringView text)
{
    out.append('"');
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u >= 0x80)
            return false;
        if (u >= 0x20 && u != '"' && u != '\\') {
            out.append(char(u));
            continue;
        }
        out.append('\\');
        switch (u) {
        case '"':
            out.append('"');
            break;
        case '\\':
            out.append('\\');
            break;
        case '\b':
            out.append('b');
            break;
        case '\f':
            out.append('f');
            break;
        case '\n':
            out.append('n');
            break;
        case '\r':
            out.append('r');
            break;
        case '\t':
            out.append('t');
            break;
        default:
            out.append("u00").append("0123456789abcdef"[u >> 4]).append("0123456789abcdef"[u & 0xf]);
        }
    }
    out.append('"');
    return true;
}

} // namespace

void HttpHeaders::add(const QByteArray &name, const QByteArray &value)
{
    m_headers.append({name, value});
}

void HttpHeaders::set(const QByteArray &name, const QByteArray &value)
{
    remove(name);
    add(name, value);
}

QByteArray HttpHeaders::value(const QByteArray &name, const QByteArray &fallback) const
{
    for (const auto &[key, value] : m_headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return fallback;
}

bool HttpHeaders::contains(const QByteArray &name) const
{
    for (const auto &header : m_headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

void HttpHeaders::remove(const QByteArray &name)
{
    m_headers.removeIf(
        [&](const auto &header) { return header.first.compare(name, Qt::CaseInsensitive) == 0; });
}

HttpResponse HttpResponse::json(int status, const QByteArray &body)
{
    HttpResponse response;
    response.status = status;
    response.headers.set("Content-Type", "application/json; charset=utf-8");
    response.body = body;
    return response;
}

HttpResponse HttpResponse::json(int status, QList<std::pair<QLatin1StringView, QString>> members)
{
    std::sort(members.begin(), members.end(),
              [](const auto &a, const auto &b) { return a.first.compare(b.first) < 0; });
    QByteArray body;
    body.reserve(64);
    body.append('{');
    bool ascii = true;
    for (const auto &[key, value] : members) {
        if (body.size() > 1)
            body.append(',');
        // Keys are identifiers from our code; values may come from the sender (a delivery id).
        body.append('"').append(QByteArrayView(key.data(), key.size())).append("\":");
        ascii = appendJsonString(body, value);
        if (!ascii)
            break;
    }
    body.append('}');
    if (!ascii) {
        QJsonObject object;
        for (const auto &[key, value] : members)
            object.insert(key, value);
        body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    }
    return json(status, body);
}

HttpResponse HttpResponse::text(int status, const QByteArray &body)
{
    HttpResponse response;
    response.status = status;
    response.headers.set("Content-Type", "text/plain; charset=utf-8");
    response.body = body;
    return response;
}

QByteArray HttpResponse::reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return QByteArrayLiteral("OK");
    case 201:
        return QByteArrayLiteral("Created");
    case 202:
        return QByteArrayLiteral("Accepted");
    case 204:
        return QByteArrayLiteral("No Content");
    case 301:
        return QByteArrayLiteral("Moved Permanently");
    case 302:
        return QByteArrayLiteral("Found");
    case 304:
        return QByteArrayLiteral("Not Modified");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 408:
        return QByteArrayLiteral("Request Timeout");
    case 409:
        return QByteArrayLiteral("Conflict");
    case 410:
        return QByteArrayLiteral("Gone");
    case 413:
        return QByteArrayLiteral("Content Too Large");
    case 415:
        return QByteArrayLiteral("Unsupported Media Type");
    case 422:
        return QByteArrayLiteral("Unprocessable Entity");
    case 429:
        return QByteArrayLiteral("Too Many Requests");
    case 431:
        return QByteArrayLiteral("Request Header Fields Too Large");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 501:
        return QByteArrayLiteral("Not Implemented");
    case 502:
        return QByteArrayLiteral("Bad Gateway");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    case 505:
        return QByteArrayLiteral("HTTP Version Not Supported");
    default:
        return QByteArrayLiteral("Status");
    }
}

// The status line and headers, into one buffer with room for what follows.
QByteArray HttpResponse::head(bool keepAlive, bool chunked, qsizetype room) const
{
    const QByteArray reason = reasonPhrase(status);
    qsizetype size = 64 + reason.size() + room;
    for (const auto &[name, value] : headers.all())
        size += name.size() + value.size() + 4;
    QByteArray out;
    out.reserve(size);
    out.append("HTTP/1.1 ").append(QByteArray::number(status)).append(' ').append(reason).append("\r\n");
    for (const auto &[name, value] : headers.all()) {
        if (chunked && name.compare("Content-Length", Qt::CaseInsensitive) == 0)
            continue;
        out.append(name).append(": ").append(value).append("\r\n");
    }
    if (chunked) {
        out.append("Transfer-Encoding: chunked\r\n");
    } else {
        // 1xx, 204 and 304 carry no body and no Content-Length (RFC 9110 §8.6).
        const bool bodiless = status == 204 || status == 304 || status < 200;
        if (!bodiless && !headers.contains("Content-Length"))
            out.append("Content-Length: ").append(QByteArray::number(body.size())).append("\r\n");
    }
    if (!headers.contains("Connection"))
        out.append(keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
    out.append("\r\n");
    return out;
}

QByteArray HttpResponse::serialize(bool keepAlive) const
{
    const bool bodiless = status == 204 || status == 304 || status < 200;
    QByteArray out = head(keepAlive, false, bodiless ? 0 : body.size());
    if (!bodiless)
        out.append(body);
    return out;
}

QByteArray HttpResponse::serializeHead(bool keepAlive) const
{
    return head(keepAlive, true, 0);
}

QByteArray HttpResponse::serializeChunk(const QByteArray &data)
{
    return QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n";
}

} // namespace exeserver
