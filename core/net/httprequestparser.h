#pragma once

#include "net/httpmessage.h"

namespace exeserver {

// Incremental HTTP/1.1 request parser. Bytes go in as they arrive; the parser never buffers more than
// the configured limits, so an oversized body is refused from its Content-Length before it is read.
// Supports Content-Length bodies and chunked transfer encoding. Pure: no sockets, fuzzable.
class HttpRequestParser
{
public:
    enum class State
    {
        NeedMore, // feed more bytes
        Complete, // request() holds a whole request; takeRequest() then continue feeding
        Error     // errorStatus() says which HTTP status to answer (400, 413, 431, 501, 505)
    };

    struct Limits
    {
        qsizetype maxHeaderBytes = 64 * 1024;
        qsizetype maxBodyBytes = 25 * 1024 * 1024; // GitHub's webhook payload cap
    };

    HttpRequestParser() = default;
    explicit HttpRequestParser(Limits limits)
        : m_limits(limits)
    {
    }

    // Appends data and advances. Call again with empty data after takeRequest() to parse pipelined bytes.
    // Bytes are parsed where they lie when nothing is buffered; a body goes straight into the request's
    // body, reserved once from Content-Length.
    State feed(QByteArrayView data);
    State state() const { return m_state; }
    HttpRequest takeRequest(); // valid in Complete; resets for the next request on the connection
    // Part of the next request is in (NeedMore only): the server's header and request deadlines run.
    bool hasPartialRequest() const
    {
        return m_state == State::NeedMore && (m_headParsed || !m_buffer.isEmpty());
    }
    bool headComplete() const { return m_headParsed; }
    int errorStatus() const { return m_errorStatus; }
    QString errorMessage() const { return m_errorMessage; }

private:
    State fail(int status, QString message);
    // Each consumes from the front of `input` what it has parsed.
    void advance(QByteArrayView &input);
    State parseHead(QByteArrayView &input);
    State parseHeadLines(QByteArrayView head);
    State parseFraming();
    State parseBody(QByteArrayView &input);
    State parseChunked(QByteArrayView &input);

    Limits m_limits;
    State m_state = State::NeedMore;
    QByteArray m_buffer; // bytes not parsed yet: a partial head or chunk line, or a pipelined request
    HttpRequest m_request;
    bool m_headParsed = false;
    bool m_chunked = false;
    qsizetype m_contentLength = 0;
    int m_errorStatus = 0;
    QString m_errorMessage;
};

} // namespace exeserver
