#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace exeserver {

// One Server-Sent Event as dispatched by the parser.
struct SseEvent
{
    QString type = QStringLiteral("message"); // the `event:` field, "message" when absent
    QByteArray data;                          // `data:` lines joined with "\n"
    QString lastEventId;                      // the last `id:` seen on the stream
};

// Incremental text/event-stream parser (the WHATWG EventSource rules): bytes in as they arrive, whole
// events out. Handles LF, CRLF and CR line ends split across reads, comments (": keep-alive") and
// `retry:`. Pure: no sockets.
class SseParser
{
public:
    QList<SseEvent> feed(const QByteArray &bytes);
    QString lastEventId() const { return m_lastEventId; }
    int retryMs() const { return m_retryMs; } // -1 until the server sends `retry:`
    void reset();                             // a new connection; keeps lastEventId

private:
    void processLine(const QByteArray &line, QList<SseEvent> &out);

    QByteArray m_buffer;
    bool m_skipLeadingLf = false; // a CR ended the previous read; a LF right after it belongs to it
    QString m_type;
    QByteArray m_data;
    bool m_hasData = false;
    QString m_lastEventId;
    int m_retryMs = -1;
};

} // namespace exeserver
