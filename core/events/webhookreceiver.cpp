#include "events/webhookreceiver.h"

#include "config/logging.h"
#include "events/eventintake.h"
#include "net/localhttpserver.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace exeserver {

namespace {

HttpResponse jsonAnswer(int status, const QJsonObject &body)
{
    return HttpResponse::json(status, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

HttpResponse message(int status, const QString &text)
{
    return jsonAnswer(status, QJsonObject{{QStringLiteral("message"), text}});
}

// Every delivery is answered with this: written directly (HttpResponse::json of members), not through a
// QJsonObject.
HttpResponse answerFor(const IntakeOutcome &outcome)
{
    QList<std::pair<QLatin1StringView, QString>> members{{QLatin1StringView("message"), outcome.message}};
    if (!outcome.eventId.isEmpty())
        members.append({QLatin1StringView("id"), outcome.eventId});
    switch (outcome.kind) {
    case IntakeOutcome::Kind::Stored:
        members.append({QLatin1StringView("status"), QStringLiteral("stored")});
        break;
    case IntakeOutcome::Kind::Duplicate:
        members.append({QLatin1StringView("status"), QStringLiteral("duplicate")});
        break;
    case IntakeOutcome::Kind::Rejected:
        members.append({QLatin1StringView("status"), QStringLiteral("rejected")});
        break;
    }
    HttpResponse answer = HttpResponse::json(outcome.httpStatus, std::move(members));
    if (outcome.httpStatus == 401)
        answer.headers.set("WWW-Authenticate", "X-Hub-Signature-256");
    return answer;
}

} // namespace

WebhookReceiver::WebhookReceiver(EventIntake &intake, QObject *parent)
    : QObject(parent)
    , m_intake(intake)
    , m_server(new LocalHttpServer([this](const HttpRequest &request,
                                          LocalHttpServer::Responder respond) { handle(request, respond); },
                                   this))
{
}

WebhookReceiver::~WebhookReceiver() = default;

const QStringList &WebhookReceiver::webhookPaths()
{
    static const QStringList paths{QStringLiteral("/api/v1/github_webhooks"), QStringLiteral("/webhook")};
    return paths;
}

Status WebhookReceiver::listen(const QHostAddress &address, quint16 port)
{
    if (!m_intake.hasSecret()) {
        if (!address.isLoopback())
            return Error{
                QStringLiteral("no_secret"),
                QStringLiteral("Refusing to listen for webhooks on %1 without a webhook secret: anyone "
                               "who can reach that address could inject events. Set "
                               "GITHUB_WEBHOOK_SECRET (the secret configured on the GitHub webhook) "
                               "or bind 127.0.0.1.")
                    .arg(address.toString())};
        const QString warning =
            QStringLiteral("No webhook secret is set (GITHUB_WEBHOOK_SECRET): deliveries are not verified. "
                           "Acceptable on loopback for testing only.");
        qCWarning(lcEvents).noquote() << warning;
        Q_EMIT warningRaised(warning);
    }
    if (!m_server->listen(address, port))
        return Error{QStringLiteral("listen"), QStringLiteral("Cannot listen for webhooks on %1 port %2: %3")
                                                   .arg(address.toString())
                                                   .arg(port)
                                                   .arg(m_server->errorString())};
    qCInfo(lcEvents).noquote() << "listening for webhooks on" << baseUrl();
    return success();
}

void WebhookReceiver::close()
{
    m_server->close();
}

bool WebhookReceiver::isListening() const
{
    return m_server->isListening();
}

quint16 WebhookReceiver::port() const
{
    return m_server->port();
}

QHostAddress WebhookReceiver::address() const
{
    return m_server->address();
}

QString WebhookReceiver::baseUrl() const
{
    const QHostAddress host = address();
    const QString hostText = host.protocol() == QAbstractSocket::IPv6Protocol
                                 ? QLatin1Char('[') + host.toString() + QLatin1Char(']')
                                 : host.toString();
    return QStringLiteral("http://%1:%2").arg(hostText).arg(port());
}

void WebhookReceiver::handle(const HttpRequest &request, const std::function<void(HttpResponse)> &respond)
{
    if (request.path == QLatin1StringView("/healthz")) {
        if (request.method != "GET") {
            HttpResponse answer = message(405, QStringLiteral("Use GET."));
            answer.headers.set("Allow", "GET");
            respond(answer);
            return;
        }
        respond(jsonAnswer(200, QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}}));
        return;
    }
    if (!webhookPaths().contains(request.path)) {
        respond(message(404, QStringLiteral("No such path. Webhooks go to POST %1.")
                                 .arg(webhookPaths().join(QStringLiteral(" or ")))));
        return;
    }
    if (request.method != "POST") {
        HttpResponse answer = message(405, QStringLiteral("Webhooks are delivered with POST."));
        answer.headers.set("Allow", "POST");
        respond(answer);
        return;
    }

    WebhookDelivery delivery;
    delivery.eventName = QString::fromUtf8(request.headers.value("X-GitHub-Event"));
    delivery.deliveryId = QString::fromUtf8(request.headers.value("X-GitHub-Delivery"));
    delivery.signature = request.headers.value("X-Hub-Signature-256");
    delivery.contentType = request.headers.value("Content-Type");
    delivery.body = request.body;
    delivery.source = EventSource::Webhook;
    // Answered once the delivery is committed, together with the others that arrived with it.
    m_intake.submit(delivery, [respond](const IntakeOutcome &outcome) { respond(answerFor(outcome)); });
}

} // namespace exeserver
