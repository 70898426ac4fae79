#include "net/httpconnection.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTcpSocket>

namespace exeserver {

namespace {

// HTTP/1.1 keeps a connection open unless told otherwise; HTTP/1.0 closes it unless asked to keep it.
bool wantsKeepAlive(const HttpRequest &request)
{
    bool close = false;
    bool keepAlive = false;
    for (const auto &[name, value] : request.headers.all()) {
        if (name.compare("Connection", Qt::CaseInsensitive) != 0)
            continue;
        for (QByteArrayView rest(value); !rest.isEmpty();) {
            const qsizetype comma = rest.indexOf(',');
            const QByteArrayView option = (comma < 0 ? rest : rest.first(comma)).trimmed();
            rest = comma < 0 ? QByteArrayView() : rest.sliced(comma + 1);
            close = close || (option.size() == 5 && qstrnicmp(option.data(), 5, "close", 5) == 0);
            keepAlive =
                keepAlive || (option.size() == 10 && qstrnicmp(option.data(), 10, "keep-alive", 10) == 0);
        }
    }
    if (close)
        return false;
    return request.version != "HTTP/1.0" || keepAlive;
}

HttpResponse plainMessage(int status, const QString &text)
{
    return HttpResponse::json(
        status, QJsonDocument(QJsonObject{{QStringLiteral("message"), text}}).toJson(QJsonDocument::Compact));
}

QString peerOf(const QTcpSocket &socket)
{
    const QHostAddress address = socket.peerAddress();
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QLatin1Char('[') + address.toString() + QLatin1Char(']')
                             : address.toString();
    return host + QLatin1Char(':') + QString::number(socket.peerPort());
}

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, HttpRequestParser::Limits limits, Deadlines deadlines,
                               Handler handler, QObject *parent, ErrorAnswer errorAnswer)
    : QObject(parent)
    , m_socket(socket)
    , m_parser(limits)
    , m_deadlines(deadlines)
    , m_handler(std::move(handler))
    , m_errorAnswer(std::move(errorAnswer))
    , m_peer(peerOf(*socket))
    , m_peerAddress(socket->peerAddress().toString())
{
    socket->setParent(this);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &HttpConnection::deadlinePassed);
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::readAvailable);
    connect(socket, &QTcpSocket::disconnected, this, &HttpConnection::socketClosed);
    m_requestStart.start();
    enter(Phase::Idle);
}

HttpResponse HttpConnection::message(int status, const QString &text) const
{
    return m_errorAnswer ? m_errorAnswer(status, text) : plainMessage(status, text);
}

void HttpConnection::enter(Phase phase)
{
    m_phase = phase;
    m_phaseStart.start();
    armDeadline();
}

void HttpConnection::armDeadline()
{
    using std::chrono::milliseconds;
    const auto left = [this](milliseconds limit) {
        return std::max(limit - milliseconds(m_requestStart.elapsed()), milliseconds(0));
    };
    const milliseconds headers = std::min(m_deadlines.header, m_deadlines.request);
    switch (m_phase) {
    case Phase::Idle:
        m_deadline.start(m_fresh ? left(headers) : m_deadlines.idle);
        break;
    case Phase::Receiving:
        m_armedForBody = m_parser.headComplete();
        m_deadline.start(left(m_armedForBody ? m_deadlines.request : headers));
        break;
    case Phase::Closing:
        m_deadline.start(m_deadlines.linger);
        break;
    case Phase::Busy:
    case Phase::Closed:
        m_deadline.stop();
        break;
    }
}

void HttpConnection::deadlinePassed()
{
    switch (m_phase) {
    case Phase::Idle:
        Q_EMIT closingForReason(m_fresh ? CloseReason::NoRequest : CloseReason::IdleTimeout);
        closeAfterWriting();
        break;
    case Phase::Receiving: {
        const bool body = m_armedForBody;
        Q_EMIT closingForReason(body ? CloseReason::RequestTimeout : CloseReason::HeaderTimeout);
        answerAndClose(message(408, body ? QStringLiteral("The request body did not arrive in time.")
                                         : QStringLiteral("The request headers did not arrive in time.")));
        break;
    }
    case Phase::Closing:
        Q_EMIT closingForReason(CloseReason::LingerTimeout);
        abort();
        break;
    case Phase::Busy:
    case Phase::Closed:
        break;
    }
}

void HttpConnection::evict()
{
    if (!isReading())
        return;
    Q_EMIT closingForReason(CloseReason::Evicted);
    if (m_phase == Phase::Idle) {
        closeAfterWriting();
        return;
    }
    HttpResponse busy = message(503, QStringLiteral("The server is at its connection limit; try again."));
    busy.headers.set("Retry-After", "1");
    answerAndClose(busy);
}

void HttpConnection::refuse(const HttpResponse &response)
{
    if (isReading())
        answerAndClose(response);
}

void HttpConnection::abort()
{
    if (m_phase == Phase::Closed)
        return;
    m_socket->abort();
    socketClosed(); // in case abort() did not emit disconnected
}

void HttpConnection::readAvailable()
{
    if (m_phase == Phase::Closing) {
        m_socket->readAll(); // the answer is out; what the client still sends is dropped
        return;
    }
    if (m_phase == Phase::Closed)
        return;
    m_parser.feed(m_socket->readAll());
    processBuffered();
}

void HttpConnection::processBuffered()
{
    if (m_processing)
        return; // the outer call's loop picks the next request up
    m_processing = true;
    QPointer<HttpConnection> self(this);
    while (self && isReading() && m_parser.state() == HttpRequestParser::State::Complete)
        dispatch(m_parser.takeRequest());
    if (!self)
        return;
    m_processing = false;
    if (!isReading())
        return;
    // A parse error is answered only after every earlier request, so responses stay in order.
    if (m_parser.state() == HttpRequestParser::State::Error) {
        Q_EMIT parseErrorOccurred(m_parser.errorStatus(), m_parser.errorMessage());
        answerAndClose(message(m_parser.errorStatus(), m_parser.errorMessage()));
        return;
    }
    settle();
}

// Between requests: Idle or Receiving, with the deadline that goes with what has arrived.
void HttpConnection::settle()
{
    if (!m_parser.hasPartialRequest()) {
        if (m_phase != Phase::Idle)
            enter(Phase::Idle);
        return;
    }
    if (m_phase == Phase::Idle) {
        if (!m_fresh)
            m_requestStart.start();
        enter(Phase::Receiving);
    } else if (m_parser.headComplete() != m_armedForBody) {
        armDeadline();
    }
}

void HttpConnection::dispatch(HttpRequest request)
{
    request.peerAddress = m_peerAddress;
    m_keepAlive = wantsKeepAlive(request);
    m_fresh = false;
    m_answered = false;
    enter(Phase::Busy);
    Q_EMIT requestReceived(request);
    // The answer counts only while this request is the one in hand: a second call, or a call after the
    // connection moved on or went away, does nothing.
    const quint64 serial = ++m_requestSerial;
    m_handler(request, [self = QPointer<HttpConnection>(this), serial](HttpResponse response) {
        if (!self || self->m_requestSerial != serial || self->m_answered)
            return;
        self->m_answered = true;
        self->answer(response, self->m_keepAlive);
    });
}

void HttpConnection::answer(const HttpResponse &response, bool keepAlive)
{
    if (m_phase != Phase::Busy)
        return; // closed while the handler worked
    if (response.status == 0) {
        abort();
        return;
    }
    if (response.stream) {
        m_socket->write(response.serializeHead(keepAlive));
        m_socket->flush();
        openStream(response.stream, keepAlive);
        return;
    }
    if (!response.chunks.isEmpty()) {
        // Busy until the last chunk: a pipelined request waits for the stream to end.
        m_socket->write(response.serializeHead(keepAlive));
        streamChunks(response.chunks, response.chunkIntervalMs, 0, keepAlive);
        return;
    }
    // Written at once, not when the event loop next finds the socket writable: one write call per answer
    // and no extra turn of the loop.
    m_socket->write(response.serialize(keepAlive));
    m_socket->flush();
    afterAnswer(keepAlive);
}

// Busy until the handler ends the stream; each chunk goes out as soon as it is sent.
void HttpConnection::openStream(const std::shared_ptr<HttpStream> &stream, bool keepAlive)
{
    m_stream = stream;
    QPointer<HttpConnection> self(this);
    stream->attach(
        [self](const QByteArray &data) {
            if (!self || self->m_phase != Phase::Busy)
                return;
            self->m_socket->write(HttpResponse::serializeChunk(data));
            self->m_socket->flush();
        },
        [self, keepAlive]() {
            if (!self || self->m_phase != Phase::Busy)
                return;
            self->m_stream.reset();
            self->m_socket->write(HttpResponse::serializeChunk({}));
            self->afterAnswer(keepAlive);
        });
}

// Writes a streamed answer's chunks one timer tick apart.
void HttpConnection::streamChunks(const QList<QByteArray> &chunks, int intervalMs, qsizetype next,
                                  bool keepAlive)
{
    if (m_phase != Phase::Busy)
        return;
    if (next == chunks.size()) {
        m_socket->write(HttpResponse::serializeChunk({}));
        afterAnswer(keepAlive);
        return;
    }
    if (!chunks.at(next).isEmpty()) // an empty chunk would end the stream early
        m_socket->write(HttpResponse::serializeChunk(chunks.at(next)));
    m_socket->flush();
    QTimer::singleShot(intervalMs, this, [this, chunks, intervalMs, next, keepAlive]() {
        streamChunks(chunks, intervalMs, next + 1, keepAlive);
    });
}

void HttpConnection::afterAnswer(bool keepAlive)
{
    if (!keepAlive) {
        closeAfterWriting();
        return;
    }
    enter(Phase::Idle);
    processBuffered();
}

void HttpConnection::answerAndClose(const HttpResponse &response)
{
    m_socket->write(response.serialize(false));
    closeAfterWriting();
}

void HttpConnection::closeAfterWriting()
{
    enter(Phase::Closing);
    m_socket->disconnectFromHost(); // closes now, or once the answer is written (then `disconnected`)
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        socketClosed();
}

void HttpConnection::socketClosed()
{
    if (m_phase == Phase::Closed)
        return;
    m_phase = Phase::Closed;
    m_deadline.stop();
    if (const auto stream = std::exchange(m_stream, {}))
        stream->detach(); // tells the handler its client went away
    Q_EMIT finished();
    deleteLater();
}

} // namespace exeserver
