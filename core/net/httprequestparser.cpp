#include "net/httprequestparser.h"

#include <QUrl>

namespace exeserver {

namespace {

bool isToken(QByteArrayView text)
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

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && qstrnicmp(a.data(), a.size(), b.data(), b.size()) == 0;
}

// The common methods and versions share one allocation for the life of the process.
QByteArray methodOf(QByteArrayView token)
{
    static const QByteArray kKnown[] = {"GET", "POST", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"};
    for (const QByteArray &known : kKnown) {
        if (token == known)
            return known;
    }
    return token.toByteArray().toUpper();
}

QByteArray versionOf(QByteArrayView token)
{
    static const QByteArray k11("HTTP/1.1");
    static const QByteArray k10("HTTP/1.0");
    return token == k11 ? k11 : k10;
}

// A target of only unreserved characters and '/' decodes to itself with no query: QUrl, which costs
// more than the rest of the head, is needed only for the others.
bool isPlainPath(QByteArrayView target)
{
    for (char c : target) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                           c == '/' || c == '-' || c == '.' || c == '_' || c == '~';
        if (!plain)
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

HttpRequestParser::State HttpRequestParser::feed(QByteArrayView data)
{
    if (m_state == State::Error)
        return m_state;
    if (m_state == State::Complete) {
        m_buffer.append(data); // pipelined bytes wait until takeRequest()
        return m_state;
    }
    if (m_buffer.isEmpty()) {
        // The usual case: a whole head (and body) in one read, parsed where it lies.
        advance(data);
        if (m_state != State::Error && !data.isEmpty())
            m_buffer = data.toByteArray();
        return m_state;
    }
    m_buffer.append(data);
    QByteArrayView input(m_buffer);
    advance(input);
    if (m_state != State::Error && input.size() != m_buffer.size())
        m_buffer = input.toByteArray(); // what is left, if anything
    return m_state;
}

void HttpRequestParser::advance(QByteArrayView &input)
{
    if (!m_headParsed && (parseHead(input) != State::NeedMore || !m_headParsed))
        return;
    if (m_chunked)
        parseChunked(input);
    else
        parseBody(input);
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

HttpRequestParser::State HttpRequestParser::parseHead(QByteArrayView &input)
{
    // Tolerate stray CRLFs between pipelined requests (RFC 9112 §2.2).
    while (input.startsWith("\r\n"))
        input = input.sliced(2);

    const qsizetype end = input.indexOf("\r\n\r\n");
    if (end < 0) {
        if (input.size() > m_limits.maxHeaderBytes)
            return fail(431, QStringLiteral("request headers exceed %1 bytes").arg(m_limits.maxHeaderBytes));
        return m_state = State::NeedMore;
    }
    if (end > m_limits.maxHeaderBytes)
        return fail(431, QStringLiteral("request headers exceed %1 bytes").arg(m_limits.maxHeaderBytes));
    const QByteArrayView head = input.first(end);
    input = input.sliced(end + 4);
    if (parseHeadLines(head) == State::Error || parseFraming() == State::Error)
        return m_state;
    m_headParsed = true;
    return m_state = State::NeedMore;
}

HttpRequestParser::State HttpRequestParser::parseHeadLines(QByteArrayView head)
{
    qsizetype lineEnd = head.indexOf('\n');
    const QByteArrayView requestLine = (lineEnd < 0 ? head : head.first(lineEnd)).trimmed();
    // Exactly three parts separated by single spaces.
    const qsizetype space1 = requestLine.indexOf(' ');
    const qsizetype space2 = space1 < 0 ? -1 : requestLine.indexOf(' ', space1 + 1);
    if (space2 < 0 || requestLine.indexOf(' ', space2 + 1) >= 0)
        return fail(400, QStringLiteral("malformed request line"));
    const QByteArrayView method = requestLine.first(space1);
    const QByteArrayView target = requestLine.sliced(space1 + 1, space2 - space1 - 1);
    const QByteArrayView version = requestLine.sliced(space2 + 1);
    if (!isToken(method) || target.isEmpty())
        return fail(400, QStringLiteral("malformed request line"));
    if (version != "HTTP/1.1" && version != "HTTP/1.0")
        return fail(505, QStringLiteral("unsupported HTTP version"));

    m_request.method = methodOf(method);
    m_request.version = versionOf(version);
    m_request.target = target.toByteArray();
    if (!target.startsWith('/'))
        return fail(400, QStringLiteral("request target must be an absolute path"));
    if (isPlainPath(target)) {
        m_request.path = QString::fromLatin1(target);
    } else {
        const QUrl url = QUrl::fromEncoded("http://localhost" + m_request.target);
        if (!url.isValid())
            return fail(400, QStringLiteral("malformed request target"));
        m_request.path = url.path(QUrl::FullyDecoded);
        m_request.query = QUrlQuery(url);
    }

    m_request.headers.reserve(head.count('\n'));
    while (lineEnd >= 0) {
        const qsizetype start = lineEnd + 1;
        lineEnd = head.indexOf('\n', start);
        QByteArrayView line = head.sliced(start, (lineEnd < 0 ? head.size() : lineEnd) - start);
        if (line.endsWith('\r'))
            line.chop(1);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.first(colon)))
            return fail(400, QStringLiteral("malformed header line"));
        m_request.headers.add(line.first(colon).toByteArray(),
                              line.sliced(colon + 1).trimmed().toByteArray());
    }
    return m_state;
}

HttpRequestParser::State HttpRequestParser::parseFraming()
{
    // Every copy of a framing header counts: honouring only the first one would let a front end that
    // reads another copy see a different request boundary (request smuggling, RFC 9112 §6.1 and §6.3).
    int transferCodings = 0;
    bool onlyChunked = true;
    int lengths = 0;
    QByteArrayView length;
    bool sameLengths = true;
    for (const auto &[name, value] : m_request.headers.all()) {
        if (equalsIgnoringCase(name, "Transfer-Encoding")) {
            ++transferCodings;
            onlyChunked = onlyChunked && equalsIgnoringCase(QByteArrayView(value).trimmed(), "chunked");
        } else if (equalsIgnoringCase(name, "Content-Length")) {
            const QByteArrayView raw = QByteArrayView(value).trimmed();
            sameLengths = sameLengths && (lengths == 0 || raw == length);
            length = raw;
            ++lengths;
        }
    }
    if (transferCodings > 0) {
        if (transferCodings != 1 || !onlyChunked)
            return fail(501, QStringLiteral("unsupported transfer encoding"));
        if (lengths > 0)
            return fail(400, QStringLiteral("both Content-Length and Transfer-Encoding given"));
        m_chunked = true;
    } else if (lengths > 0) {
        if (!sameLengths)
            return fail(400, QStringLiteral("conflicting Content-Length headers"));
        bool ok = false;
        m_contentLength = length.toLongLong(&ok);
        if (!ok || m_contentLength < 0 || length.startsWith('+') || length.startsWith('-'))
            return fail(400, QStringLiteral("malformed Content-Length"));
        if (m_contentLength > m_limits.maxBodyBytes)
            return fail(413, QStringLiteral("request body of %1 bytes exceeds the %2-byte limit")
                                 .arg(m_contentLength)
                                 .arg(m_limits.maxBodyBytes));
        m_request.body.reserve(m_contentLength); // the body grows into this, however it arrives
    }
    return m_state;
}

HttpRequestParser::State HttpRequestParser::parseBody(QByteArrayView &input)
{
    const qsizetype take = std::min(m_contentLength - m_request.body.size(), input.size());
    m_request.body.append(input.first(take));
    input = input.sliced(take);
    return m_state = m_request.body.size() == m_contentLength ? State::Complete : State::NeedMore;
}

HttpRequestParser::State HttpRequestParser::parseChunked(QByteArrayView &input)
{
    while (true) {
        const qsizetype lineEnd = input.indexOf("\r\n");
        if (lineEnd < 0) {
            if (input.size() > 1024)
                return fail(400, QStringLiteral("malformed chunk size line"));
            return m_state = State::NeedMore;
        }
        QByteArrayView sizeField = input.first(lineEnd);
        if (const qsizetype semicolon = sizeField.indexOf(';'); semicolon >= 0)
            sizeField.truncate(semicolon); // chunk extensions are ignored
        sizeField = sizeField.trimmed();
        bool ok = false;
        const qlonglong chunkSize = sizeField.toLongLong(&ok, 16);
        if (!ok || chunkSize < 0 || sizeField.size() > 15)
            return fail(400, QStringLiteral("malformed chunk size"));
        if (m_request.body.size() + chunkSize > m_limits.maxBodyBytes)
            return fail(413,
                        QStringLiteral("request body exceeds the %1-byte limit").arg(m_limits.maxBodyBytes));

        if (chunkSize == 0) {
            // Last chunk: skip optional trailers up to the empty line.
            const qsizetype trailerEnd = input.indexOf("\r\n\r\n", lineEnd);
            if (trailerEnd < 0) {
                if (input.size() > m_limits.maxHeaderBytes)
                    return fail(431, QStringLiteral("chunk trailers too large"));
                return m_state = State::NeedMore;
            }
            input = input.sliced(trailerEnd + 4);
            return m_state = State::Complete;
        }

        const qsizetype needed = lineEnd + 2 + chunkSize + 2;
        if (input.size() < needed)
            return m_state = State::NeedMore;
        if (input.sliced(lineEnd + 2 + chunkSize, 2) != "\r\n")
            return fail(400, QStringLiteral("chunk not terminated by CRLF"));
        m_request.body.append(input.sliced(lineEnd + 2, chunkSize));
        input = input.sliced(needed);
    }
}

} // namespace exeserver
