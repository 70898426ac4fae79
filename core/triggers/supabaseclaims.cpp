#include "triggers/supabaseclaims.h"

#include "config/logging.h"
#include "config/secretredactor.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace exeserver {

SupabaseClaims::SupabaseClaims(QNetworkAccessManager &network, QUrl baseUrl, QString apiKey, QString owner,
                               int timeoutMs)
    : m_network(network)
    , m_baseUrl(std::move(baseUrl))
    , m_apiKey(std::move(apiKey))
    , m_owner(std::move(owner))
    , m_timeoutMs(timeoutMs)
    , m_replies(std::make_unique<QObject>())
{
    SecretRedactor::add(m_apiKey);
}

SupabaseClaims::~SupabaseClaims() = default;

QString SupabaseClaims::describe() const
{
    return QStringLiteral("Supabase %1").arg(m_baseUrl.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery));
}

Result<bool> SupabaseClaims::classify(int httpStatus, const QByteArray &body, const QString &networkError)
{
    if (httpStatus == 201)
        return true;
    // PostgREST errors are {"code","message","details","hint"}; a unique violation is 409 with 23505.
    const QJsonObject error = QJsonDocument::fromJson(body).object();
    const QString code = error.value(QStringLiteral("code")).toString();
    if (httpStatus == 409 && (code.isEmpty() || code == QLatin1String("23505")))
        return false;
    QString detail = error.value(QStringLiteral("message")).toString();
    if (detail.isEmpty())
        detail = networkError.isEmpty() ? QString::fromUtf8(body.left(300)) : networkError;
    QString message;
    if (httpStatus == 0)
        message = QStringLiteral("Cannot reach Supabase to claim a trigger: %1").arg(detail);
    else if (httpStatus == 404)
        message = QStringLiteral("Supabase has no exeserver_trigger_claims table (HTTP 404: %1). Run "
                                 "packaging/supabase/schema.sql in the project's SQL editor.")
                      .arg(detail);
    else if (httpStatus == 401 || httpStatus == 403)
        message = QStringLiteral("Supabase refused the claim (HTTP %1: %2). Check SUPABASE_ANON_KEY and the "
                                 "claims table's row-level security policies.")
                      .arg(httpStatus)
                      .arg(detail);
    else
        message = QStringLiteral("Supabase answered the claim with HTTP %1: %2").arg(httpStatus).arg(detail);
    return Error{QStringLiteral("team_database"), SecretRedactor::redact(message), httpStatus};
}

void SupabaseClaims::claim(const ClaimRequest &request, Done done)
{
    QUrl url = m_baseUrl;
    url.setPath(url.path().chopped(url.path().endsWith(QLatin1Char('/')) ? 1 : 0) +
                QStringLiteral("/rest/v1/exeserver_trigger_claims"));
    QNetworkRequest http(url);
    http.setRawHeader("apikey", m_apiKey.toUtf8());
    http.setRawHeader("Authorization", "Bearer " + m_apiKey.toUtf8());
    http.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    // A plain insert: no resolution=merge-duplicates, so a second claim is a conflict, not an update.
    http.setRawHeader("Prefer", "return=minimal");
    http.setTransferTimeout(m_timeoutMs);
    const QJsonObject row{{QStringLiteral("occurrence"), request.occurrence},
                          {QStringLiteral("trigger_id"), request.triggerId},
                          {QStringLiteral("event_id"), request.eventId},
                          {QStringLiteral("owner"), m_owner}};
    QNetworkReply *reply = m_network.post(http, QJsonDocument(row).toJson(QJsonDocument::Compact));
    QObject::connect(reply, &QNetworkReply::finished, m_replies.get(), [reply, done = std::move(done)]() {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QString networkError =
            reply->error() != QNetworkReply::NoError && status == 0 ? reply->errorString() : QString();
        qCDebug(lcTriggers) << "POST /rest/v1/exeserver_trigger_claims ->" << status;
        done(classify(status, reply->readAll(), networkError));
    });
}

} // namespace exeserver
