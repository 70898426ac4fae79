#pragma once

#include "net/httpmessage.h"
#include "net/localhttpserver.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QQueue>
#include <QUrl>

namespace exeserver::test {

// A local OpenAI-compatible chat-completions server: each POST /v1/chat/completions takes the next queued
// answer — streamed text chunks, a streamed tool call (arguments in fragments), an error, or silence — and
// every request body and Authorization header is recorded.
class FakeLlmServer : public QObject
{
    Q_OBJECT
public:
    FakeLlmServer();
    bool start();
    QUrl baseUrl() const; // http://127.0.0.1:PORT/v1

    void queueText(const QStringList &pieces, int intervalMs = 5);
    // One tool call whose arguments arrive in `fragments` pieces, then [DONE].
    void queueToolCall(const QString &id, const QString &name, const QJsonObject &arguments,
                       int fragments = 3);
    void queueError(int status, const QString &code, const QString &message);
    void queueStall(); // never answers: the client's timeout (or Stop) ends it

    QList<QJsonObject> requests() const { return m_requests; }
    QList<QByteArray> authorizations() const { return m_authorizations; }
    // The roles and contents of the messages a request carried.
    static QStringList contents(const QJsonObject &request);

private:
    HttpResponse next();

    LocalHttpServer m_server;
    QQueue<HttpResponse> m_queue;
    QList<QJsonObject> m_requests;
    QList<QByteArray> m_authorizations;
};

} // namespace exeserver::test
