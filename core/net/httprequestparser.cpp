#include "net/httprequestparser.h"

#include <QUrl>

namespace exeserver {

namespace {

bool isToken(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 32 || u >= 127 || QByteArrayView("()<>@,;:\\\"/[]?={}").contains(c))
            return false;
    }
    return true;
}

} // namespace

HttpRequestParser::State HttpRequestParser::fail(int status, QString message)
{
    m_state = State::Error;
    m_errorStatus = status;
    m_errorMessage = std::move(message);
    m_buffer.clear();
    return m_state;
}

HttpRequestParser::State HttpRequestParser::feed(const QByteArray &data)
{
    if (m_state == State::Error || m_state == State::Complete) {
        if (m_state == State::Complete)
            m_buffer.append(data); // pipelined bytes wait until takeRequest()
        return m_state;
    }
    m_buffer.append(data);
    if (!m_headParsed) {
        if (parseHead() != State::NeedMore || !m_headParsed)
            return m_state;
    }
    return m_chunked ? parseChunked() : parseBody();
}

HttpRequest HttpRequestParser::takeRequest()
{
    HttpRequest request = std::move(m_request);
    m_request = {};
    m_headParsed = false;
    m_chunked = false;
    m_contentLength = 0;
    m_state = State::NeedMore;
    if (!m_buffer.isEmpty())
        feed({});
    return request;
}

HttpRequestParser::State HttpRequestParser::parseHead()
{
    // Tolerate stray CRLFs between pipelined requests (RFC 9112 §2.2).
    while (m_buffer.startsWith("\r\n"))
        m_buffer.remove(0, 2);

    const qsizetype end = m_buffer.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_buffer.size() > m_limits.maxHeaderBytes)
            return fail(431, QStringLiteral("request headers exceed %1 bytes").arg(m_limits.maxHeaderBytes));
        return m_state = State::NeedMore;
    }
    if (end > m_limits.maxHeaderBytes)
        return fail(431, QStringLiteral("request headers exceed %1 bytes").arg(m_limits.maxHeaderBytes));

    const QList<QByteArray> lines = m_buffer.left(end).split('\n');
    m_buffer.remove(0, end + 4);

    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !isToken(requestLine[0]) || requestLine[1].isEmpty())
        return fail(400, QStringLiteral("malformed request line"));
    const QByteArray &version = requestLine[2];
    if (version != "HTTP/1.1" && version != "HTTP/1.0")
        return fail(505, QStringLiteral("unsupported HTTP version"));

    m_request.method = requestLine[0].toUpper();
    m_request.version = version;
    m_request.target = requestLine[1];
    if (!m_request.target.startsWith('/'))
        return fail(400, QStringLiteral("request target must be an absolute path"));
    const QUrl url = QUrl::fromEncoded("http://localhost" + m_request.target);
    if (!url.isValid())
        return fail(400, QStringLiteral("malformed request target"));
    m_request.path = url.path(QUrl::FullyDecoded);
    m_request.query = QUrlQuery(url);

    for (qsizetype i = 1; i < lines.size(); ++i) {
        QByteArray line = lines[i];
        if (line.endsWith('\r'))
            line.chop(1);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.left(colon)))
            return fail(400, QStringLiteral("malformed header line"));
        m_request.headers.add(line.left(colon), line.mid(colon + 1).trimmed());
    }

    // Every copy of a framing header counts: honouring only the first one would let a front end that
    // reads another copy see a different request boundary (request smuggling, RFC 9112 §6.1 and §6.3).
    QByteArrayList transferCodings;
    QByteArrayList lengths;
    for (const auto &[name, value] : m_request.headers.all()) {
        if (name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0)
            transferCodings.append(value.trimmed().toLower());
        else if (name.compare("Content-Length", Qt::CaseInsensitive) == 0)
            lengths.append(value.trimmed());
    }
    if (!transferCodings.isEmpty()) {
        if (transferCodings != QByteArrayList{"chunked"})
            return fail(501, QStringLiteral("unsupported transfer encoding"));
        if (!lengths.isEmpty())
            return fail(400, QStringLiteral("both Content-Length and Transfer-Encoding given"));
        m_chunked = true;
    } else if (!lengths.isEmpty()) {
        const QByteArray raw = lengths.first();
        if (lengths.count(raw) != lengths.size())
            return fail(400, QStringLiteral("conflicting Content-Length headers"));
        bool ok = false;
        m_contentLength = raw.toLongLong(&ok);
        if (!ok || m_contentLength < 0 || raw.startsWith('+') || raw.startsWith('-'))
            return fail(400, QStringLiteral("malformed Content-Length"));
        if (m_contentLength > m_limits.maxBodyBytes)
            return fail(413, QStringLiteral("request body of %1 bytes exceeds the %2-byte limit")
                                 .arg(m_contentLength)
                                 .arg(m_limits.maxBodyBytes));
    }
    m_headParsed = true;
    return m_state = State::NeedMore;
}

HttpRequestParser::State HttpRequestParser::parseBody()
{
    if (m_buffer.size() < m_contentLength)
        return m_state = State::NeedMore;
    m_request.body = m_buffer.left(m_contentLength);
    m_buffer.remove(0, m_contentLength);
    return m_state = State::Complete;
}

HttpRequestParser::State HttpRequestParser::parseChunked()
{
    while (true) {
        const qsizetype lineEnd = m_buffer.indexOf("\r\n");
        if (lineEnd < 0) {
            if (m_buffer.size() > 1024)
                return fail(400, QStringLiteral("malformed chunk size line"));
            return m_state = State::NeedMore;
        }
        QByteArray sizeField = m_buffer.left(lineEnd);
        if (const qsizetype semicolon = sizeField.indexOf(';'); semicolon >= 0)
            sizeField.truncate(semicolon); // chunk extensions are ignored
        bool ok = false;
        const qlonglong chunkSize = sizeField.trimmed().toLongLong(&ok, 16);
        if (!ok || chunkSize < 0 || sizeField.trimmed().size() > 15)
            return fail(400, QStringLiteral("malformed chunk size"));
        if (m_request.body.size() + chunkSize > m_limits.maxBodyBytes)
            return fail(413,
                        QStringLiteral("request body exceeds the %1-byte limit").arg(m_limits.maxBodyBytes));

        if (chunkSize == 0) {
            // Last chunk: skip optional trailers up to the empty line.
            const qsizetype trailerEnd = m_buffer.indexOf("\r\n\r\n", lineEnd);
            if (trailerEnd < 0) {
                if (m_buffer.size() > m_limits.maxHeaderBytes)
                    return fail(431, QStringLiteral("chunk trailers too large"));
                return m_state = State::NeedMore;
            }
            m_buffer.remove(0, trailerEnd + 4);
            return m_state = State::Complete;
        }

        const qsizetype needed = lineEnd + 2 + chunkSize + 2;
        if (m_buffer.size() < needed)
            return m_state = State::NeedMore;
        if (m_buffer.mid(lineEnd + 2 + chunkSize, 2) != "\r\n")
            return fail(400, QStringLiteral("chunk not terminated by CRLF"));
        m_request.body.append(m_buffer.mid(lineEnd + 2, chunkSize));
        m_buffer.remove(0, needed);
    }
}

} // namespace exeserver
