#include "events/relaychannel.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace exeserver {

void RelayChannel::create(QNetworkAccessManager &network, const QUrl &service,
                          std::function<void(Result<QUrl>)> done, int timeoutMs)
{
    QUrl url = service;
    url.setPath(url.path().endsWith(QLatin1Char('/')) ? url.path() + QStringLiteral("new")
                                                      : url.path() + QStringLiteral("/new"));
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(timeoutMs);
    QNetworkReply *reply = network.get(request);
    QObject::connect(reply, &QNetworkReply::finished, reply, [reply, service, done = std::move(done)]() {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QUrl location = reply->attribute(QNetworkRequest::RedirectionTargetAttribute).toUrl();
        const QUrl channel = reply->url().resolved(location);
        if (status >= 300 && status < 400 && channel.isValid() && !location.isEmpty() &&
            channel.scheme().startsWith(QLatin1StringView("http")))
            return done(channel);
        const QString why =
            status == 0 ? reply->errorString()
                        : QStringLiteral("it answered %1 without a channel to redirect to").arg(status);
        done(
            Error{QStringLiteral("relay"),
                  QStringLiteral("The relay %1 gave no new channel: %2.").arg(service.toDisplayString(), why),
                  status});
    });
}

} // namespace exeserver
