#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

#include <memory>
#include <utility>

namespace exeserver {

class HttpStream;

// Header names compared case-insensitively, order and duplicates kept (HTTP/1.1 semantics).
class HttpHeaders
{
public:
    void add(const QByteArray &name, const QByteArray &value);
    void reserve(qsizetype count) { m_headers.reserve(count); }
    void set(const QByteArray &name, const QByteArray &value); // replaces every header of that name
    QByteArray value(const QByteArray &name, const QByteArray &fallback = {}) const;
    bool contains(const QByteArray &name) const;
    void remove(const QByteArray &name);
    const QList<QPair<QByteArray, QByteArray>> &all() const { return m_headers; }

private:
    QList<QPair<QByteArray, QByteArray>> m_headers;
};

// A parsed HTTP/1.1 request as received by LocalHttpServer. `body` is the raw bytes, untouched, so a
// webhook signature can be checked over exactly what the sender signed.
struct HttpRequest
{
    QByteArray method;  // upper case, e.g. "POST"
    QByteArray version; // "HTTP/1.1" or "HTTP/1.0"
    QByteArray target;  // raw request target, e.g. "/repos/o/r/actions/runs?per_page=5"
    QString path;       // decoded path without query, e.g. "/repos/o/r/actions/runs"
    QUrlQuery query;
    HttpHeaders headers;
    QByteArray body;
    QString peerAddress;
};

struct HttpResponse
{
    int status = 200;
    HttpHeaders headers;
    QByteArray body;
    // A streamed answer (Server-Sent Events in tests): when non-empty, `body` is ignored and these go out
    // as HTTP/1.1 chunks, `chunkIntervalMs` apart, then the last (empty) chunk.
    QList<QByteArray> chunks;
    int chunkIntervalMs = 0;
    // An open-ended streamed answer: when set, the head goes out at once and the handler sends chunks
    // through it for as long as it likes (see HttpStream).
    std::shared_ptr<HttpStream> stream;

    static HttpResponse json(int status, const QByteArray &body);
    // A JSON object of string members, written as QJsonDocument's compact form would write it (members in
    // key order, the same escapes) but without building one.
    static HttpResponse json(int status, QList<std::pair<QLatin1StringView, QString>> members);
    static HttpResponse text(int status, const QByteArray &body);
    static QByteArray reasonPhrase(int status);
    // Serialises status line, headers (adds Content-Length and Connection when missing) and body.
    QByteArray serialize(bool keepAlive) const;
    // For a streamed answer: the head (Transfer-Encoding: chunked) and one chunk in the wire format.
    QByteArray serializeHead(bool keepAlive) const;
    static QByteArray serializeChunk(const QByteArray &data); // empty data: the last chunk

private:
    QByteArray head(bool keepAlive, bool chunked, qsizetype room) const;
};

} // namespace exeserver
