#include "api/apiclient.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace exeserver {

ApiClient::ApiClient(QNetworkAccessManager &network, QUrl baseUrl, QString token)
    : m_network(network)
    , m_baseUrl(std::move(baseUrl))
    , m_token(std::move(token))
{
}

void ApiClient::get(const QString &path, const QUrlQuery &query,
                    std::function<void(Result<QJsonObject>)> done)
{
    QUrl url = m_baseUrl;
    QString base = url.path();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + path);
    url.setQuery(query);
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json");
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    request.setTransferTimeout(30000);
    QNetworkReply *reply = m_network.get(request);
    const QString server = m_baseUrl.toDisplayString(QUrl::RemoveUserInfo);
    QObject::connect(reply, &QNetworkReply::finished, reply, [reply, server, done = std::move(done)]() {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
        if (status == 0)
            return done(Error{
                QStringLiteral("unreachable"),
                QStringLiteral("Cannot reach ExeServer's API at %1: %2").arg(server, reply->errorString())});
        if (status >= 200 && status < 300)
            return done(body);
        const QJsonObject error = body.value(QStringLiteral("error")).toObject();
        QString message = error.value(QStringLiteral("message")).toString();
        if (message.isEmpty())
            message = body.value(QStringLiteral("message")).toString(reply->errorString());
        if (status == 401)
            message += QStringLiteral(" Give the token with --token-file FILE or EXESERVER_API_TOKEN.");
        done(Error{error.value(QStringLiteral("code")).toString(QStringLiteral("http")),
                   QStringLiteral("ExeServer at %1 said %2: %3").arg(server).arg(status).arg(message),
                   status});
    });
}

} // namespace exeserver
