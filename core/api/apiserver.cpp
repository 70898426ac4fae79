#include "api/apiserver.h"

#include "api/apiendpoints.h"
#include "api/apijson.h"
#include "api/apitoken.h"
#include "config/logging.h"
#include "net/localhttpserver.h"
#include "store/eventstore.h"
#include "triggers/triggerengine.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace exeserver {

namespace {

LocalHttpServer::Options serverOptions()
{
    LocalHttpServer::Options options;
    options.limits.maxBodyBytes = ApiServer::kMaxBodyBytes;
    options.limits.maxHeaderBytes = 16 * 1024;
    options.maxConnections = 64;
    // The HTTP layer's own refusals (413, 431, 408, …) in the API's error shape, like every other error.
    options.errorAnswer = [](int status, const QString &message) {
        const QString code = status == 413   ? QStringLiteral("too_large")
                             : status == 408 ? QStringLiteral("timeout")
                             : status == 503 ? QStringLiteral("busy")
                                             : QStringLiteral("bad_request");
        return api::error(status, code, message);
    };
    return options;
}

bool isLoopbackHost(const QByteArray &hostHeader)
{
    QByteArray host = hostHeader.trimmed().toLower();
    if (host.startsWith('[')) // [::1]:8711
        host = host.mid(1, host.indexOf(']') - 1);
    else if (host.count(':') == 1)
        host = host.left(host.indexOf(':'));
    return host == "localhost" || QHostAddress(QString::fromLatin1(host)).isLoopback();
}

HttpResponse openApiDocument()
{
    QFile file(QStringLiteral(":/exeserver/api/openapi.json"));
    if (!file.open(QIODevice::ReadOnly))
        return api::error(500, QStringLiteral("no_description"),
                          QStringLiteral("The OpenAPI description is missing from this build."));
    HttpResponse response = HttpResponse::json(200, file.readAll());
    response.headers.set("Cache-Control", "no-store");
    return response;
}

} // namespace

ApiServer::ApiServer(ApiSources sources, QObject *parent)
    : QObject(parent)
    , m_sources(std::move(sources))
    , m_server(new LocalHttpServer([this](const HttpRequest &request,
                                          LocalHttpServer::Responder respond) { handle(request, respond); },
                                   serverOptions(), this))
{
    m_router.add("GET", QStringLiteral("/api/v1/openapi.json"),
                 [](ApiCall &call) { call.respond(openApiDocument()); });
    addEventRoutes(m_router, m_sources, m_stream);
    addTriggerRoutes(m_router, m_sources);
    addActionRoutes(m_router, m_sources);
    addGitHubRoutes(m_router, m_sources);
    if (m_sources.engine) {
        connect(m_sources.engine, &TriggerEngine::actionStarted, this,
                [this](const QString &id) { publishAction(id); });
        connect(m_sources.engine, &TriggerEngine::actionFinished, this,
                [this](const QString &id) { publishAction(id); });
    }
}

ApiServer::~ApiServer()
{
    m_stream.closeAll();
}

Status ApiServer::listen(const QHostAddress &address, quint16 port)
{
    if (m_token.isEmpty()) {
        if (!address.isLoopback())
            return Error{
                QStringLiteral("no_token"),
                QStringLiteral("Refusing to serve the API on %1 without an API token: anyone who can "
                               "reach that address could read your events and run your triggers. "
                               "Keep it on 127.0.0.1, or set a token (exeserver-cli api token, or "
                               "EXESERVER_API_TOKEN).")
                    .arg(address.toString())};
        const QString warning = QStringLiteral("The local API has no token: any program on this machine can "
                                               "use it. Acceptable on loopback only.");
        qCWarning(lcApi).noquote() << warning;
        Q_EMIT warningRaised(warning);
    }
    if (!m_server->listen(address, port))
        return Error{QStringLiteral("listen"), QStringLiteral("Cannot serve the API on %1 port %2: %3")
                                                   .arg(address.toString())
                                                   .arg(port)
                                                   .arg(m_server->errorString())};
    qCInfo(lcApi).noquote() << "local API on" << baseUrl();
    return success();
}

void ApiServer::close()
{
    m_stream.closeAll();
    m_server->close();
}

bool ApiServer::isListening() const
{
    return m_server->isListening();
}

quint16 ApiServer::port() const
{
    return m_server->port();
}

QString ApiServer::baseUrl() const
{
    const QHostAddress host = m_server->address();
    const QString hostText = host.protocol() == QAbstractSocket::IPv6Protocol
                                 ? QLatin1Char('[') + host.toString() + QLatin1Char(']')
                                 : host.toString();
    return QStringLiteral("http://%1:%2").arg(hostText).arg(port());
}

void ApiServer::handle(const HttpRequest &request, const ApiRespond &respond)
{
    // Log the method, path and status only: never a header (the token) or a body.
    const ApiRespond logged = [respond, method = request.method, path = request.path](HttpResponse response) {
        qCDebug(lcApi).noquote() << "api" << method << path << response.status;
        respond(std::move(response));
    };
    if (!m_token.isEmpty() && !apitoken::authorizes(request.headers.value("Authorization"), m_token)) {
        const bool presented = request.headers.contains("Authorization");
        HttpResponse answer = api::error(
            401, QStringLiteral("unauthorized"),
            presented ? QStringLiteral("The bearer token is not this server's API token.")
                      : QStringLiteral(
                            "Send the API token: Authorization: Bearer <token> (exeserver-cli api token)."));
        answer.headers.set("WWW-Authenticate", "Bearer realm=\"exeserver\"");
        logged(answer);
        return;
    }
    // Without a token, only a request addressed to a loopback name is answered: a web page that rebinds its
    // own host name to 127.0.0.1 (DNS rebinding) still sends that name in Host.
    if (m_token.isEmpty() && !isLoopbackHost(request.headers.value("Host"))) {
        logged(
            api::error(403, QStringLiteral("host"),
                       QStringLiteral("Without an API token only requests to 127.0.0.1, ::1 or localhost are "
                                      "answered.")));
        return;
    }
    if (!m_sources.store) {
        logged(api::error(503, QStringLiteral("no_store"), QStringLiteral("The event store is not open.")));
        return;
    }
    m_router.route(request, logged);
}

void ApiServer::publishEvent(const Event &event)
{
    m_stream.broadcast(QStringLiteral("event"), apijson::fromEvent(event, false));
}

void ApiServer::publishAction(const QString &actionId)
{
    if (m_stream.subscriberCount() == 0 || !m_sources.store)
        return;
    const Result<std::optional<ActionRecord>> record = m_sources.store->action(actionId);
    if (record && record->has_value())
        m_stream.broadcast(QStringLiteral("action"), apijson::fromAction(**record));
}

} // namespace exeserver
