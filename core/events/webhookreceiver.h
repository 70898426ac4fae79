#pragma once

#include "util/result.h"

#include <QHostAddress>
#include <QObject>
#include <QStringList>

namespace exeserver {

class EventIntake;
class LocalHttpServer;
struct HttpRequest;
struct HttpResponse;

// Receives GitHub webhooks over HTTP and hands each delivery to the EventIntake. Runs on LocalHttpServer
// (our own HTTP/1.1 stack) because the signature check needs the raw body and a 25 MB body must be refused
// from its Content-Length before it is read. Routes: POST /api/v1/github_webhooks (PR-Agent's path, so a
// GitHub App set up for PR-Agent can point here unchanged), POST /webhook, GET /healthz.
class WebhookReceiver : public QObject
{
    Q_OBJECT
public:
    explicit WebhookReceiver(EventIntake &intake, QObject *parent = nullptr);
    ~WebhookReceiver() override;

    static const QStringList &webhookPaths();

    // Refuses a non-loopback address when the intake has no secret: anyone who can reach the port could
    // then inject events that run triggers. On loopback without a secret it listens and warns.
    Status listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    void close();
    bool isListening() const;
    quint16 port() const;
    QHostAddress address() const;
    // "http://127.0.0.1:3000" — what to print for the user.
    QString baseUrl() const;

    // Answers one request; public so it can be tested without sockets.
    void handle(const HttpRequest &request, const std::function<void(HttpResponse)> &respond);

Q_SIGNALS:
    void warningRaised(const QString &message);

private:
    EventIntake &m_intake;
    LocalHttpServer *m_server = nullptr;
};

} // namespace exeserver
