#pragma once

#include "net/httpmessage.h"
#include "net/httprequestparser.h"
#include "net/httpstream.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>

class QTcpSocket;

namespace exeserver {

// One connection accepted by LocalHttpServer: parses its requests, hands them to the handler one at a time
// so answers leave in request order, and closes it when the client is too slow or stays idle too long. One
// single-shot timer holds the deadline of its current phase, so an open connection wakes the process only
// when a deadline passes.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    using Responder = std::function<void(HttpResponse)>;
    using Handler = std::function<void(const HttpRequest &, Responder)>;
    // The body of an answer the connection gives itself (400, 408, 413, 431, 503, …); null: {"message": …}.
    using ErrorAnswer = std::function<HttpResponse(int status, const QString &message)>;

    struct Deadlines
    {
        // Both count from the accept (first request) or from the request's first byte (later ones).
        std::chrono::milliseconds header;  // until the headers are complete
        std::chrono::milliseconds request; // until the body is complete
        std::chrono::milliseconds idle;    // between requests on a kept-alive connection
        std::chrono::milliseconds linger;  // for the last answer to go out before the socket is aborted
    };

    enum class Phase
    {
        Idle,      // nothing of the next request has arrived
        Receiving, // part of a request has arrived
        Busy,      // a request is with the handler, or its answer is streaming out: no deadline
        Closing,   // the last answer is going out; what the client still sends is dropped
        Closed     // the socket is gone; the object is deleted later
    };

    enum class CloseReason
    {
        NoRequest,      // a new connection sent nothing before the header deadline
        IdleTimeout,    // a kept-alive connection sent nothing before the idle deadline
        HeaderTimeout,  // answered 408
        RequestTimeout, // answered 408
        LingerTimeout,  // the client did not take its last answer; aborted
        Evicted         // closed (idle) or answered 503 (receiving) to make room for a new connection
    };
    Q_ENUM(CloseReason)

    // Takes ownership of `socket`.
    HttpConnection(QTcpSocket *socket, HttpRequestParser::Limits limits, Deadlines deadlines, Handler handler,
                   QObject *parent, ErrorAnswer errorAnswer = {});

    Phase phase() const { return m_phase; }
    // When it entered its phase (QElapsedTimer::msecsSinceReference): for an idle one, since when it is idle.
    qint64 phaseSince() const { return m_phaseStart.msecsSinceReference(); }
    qint64 requestSince() const { return m_requestStart.msecsSinceReference(); }
    QString peer() const { return m_peer; }

    // Makes room for another connection: an idle one is closed, a receiving one answered 503. Only for
    // those two phases; a busy connection is never evicted.
    void evict();
    // Answers `response` without reading a request, then closes: for a connection the server cannot take.
    void refuse(const HttpResponse &response);
    void abort();

Q_SIGNALS:
    void requestReceived(const exeserver::HttpRequest &request);
    void parseErrorOccurred(int status, const QString &message);
    // Emitted before the server closes it for `reason` (not when the client or the handler closes it).
    void closingForReason(exeserver::HttpConnection::CloseReason reason);
    void finished(); // the socket is closed

private:
    bool isReading() const { return m_phase == Phase::Idle || m_phase == Phase::Receiving; }
    void enter(Phase phase);
    void armDeadline();
    void deadlinePassed();
    void readAvailable();
    void processBuffered();
    void settle();
    void dispatch(HttpRequest request);
    void answer(const HttpResponse &response, bool keepAlive);
    void openStream(const std::shared_ptr<HttpStream> &stream, bool keepAlive);
    void streamChunks(const QList<QByteArray> &chunks, int intervalMs, qsizetype next, bool keepAlive);
    void afterAnswer(bool keepAlive);
    void answerAndClose(const HttpResponse &response);
    void closeAfterWriting();
    void socketClosed();
    HttpResponse message(int status, const QString &text) const;

    QTcpSocket *m_socket;
    HttpRequestParser m_parser;
    Deadlines m_deadlines;
    Handler m_handler;
    ErrorAnswer m_errorAnswer;
    QString m_peer;
    QString m_peerAddress;
    Phase m_phase = Phase::Idle;
    quint64 m_requestSerial = 0; // the request with the handler, so a late or second answer is dropped
    bool m_answered = false;
    bool m_keepAlive = false;    // what the request with the handler asked for
    bool m_fresh = true;         // no request answered yet: the header deadline counts from the accept
    bool m_processing = false;   // inside processBuffered(), so a synchronous answer need not recurse
    bool m_armedForBody = false; // the Receiving deadline is the request's, not the headers'
    QElapsedTimer m_phaseStart;
    QElapsedTimer m_requestStart;
    QTimer m_deadline;
    std::shared_ptr<HttpStream> m_stream; // the open-ended answer going out, if any
};

} // namespace exeserver
