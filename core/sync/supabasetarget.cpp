#include "sync/supabasetarget.h"

#include "config/logging.h"
#include "config/secretredactor.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

namespace exeserver {

SupabaseTarget::SupabaseTarget(QNetworkAccessManager &network, QUrl baseUrl, QString apiKey, int timeoutMs)
    : m_network(network)
    , m_baseUrl(std::move(baseUrl))
    , m_apiKey(std::move(apiKey))
    , m_timeoutMs(timeoutMs)
{
    SecretRedactor::add(m_apiKey);
}

QString SupabaseTarget::describe() const
{
    return QStringLiteral("Supabase %1").arg(m_baseUrl.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery));
}

SyncReply SupabaseTarget::classify(int httpStatus, const QByteArray &body, const QByteArray &retryAfter,
                                   const QString &networkError)
{
    SyncReply reply;
    reply.httpStatus = httpStatus;
    if (httpStatus >= 200 && httpStatus < 300) {
        reply.outcome = SyncReply::Stored;
        return reply;
    }
    // PostgREST errors are {"code","message","details","hint"}.
    const QJsonObject error = QJsonDocument::fromJson(body).object();
    QString detail = error.value(QStringLiteral("message")).toString();
    if (const QString more = error.value(QStringLiteral("details")).toString(); !more.isEmpty())
        detail += QStringLiteral(" (") + more + QLatin1Char(')');
    if (detail.isEmpty())
        detail = networkError.isEmpty() ? QString::fromUtf8(body.left(300)) : networkError;
    bool ok = false;
    const int seconds = retryAfter.trimmed().toInt(&ok);
    reply.retryAfterSecs = ok ? seconds : -1;
    if (httpStatus == 0 || httpStatus == 408 || httpStatus == 429 || httpStatus >= 500) {
        reply.outcome = SyncReply::Retry;
        reply.message = httpStatus == 0
                            ? QStringLiteral("Supabase is unreachable: %1").arg(detail)
                            : QStringLiteral("Supabase answered %1: %2").arg(httpStatus).arg(detail);
    } else if (httpStatus == 401 || httpStatus == 403) {
        reply.outcome = SyncReply::Unauthorized;
        reply.message =
            QStringLiteral("Supabase refused the key (HTTP %1: %2). Check SUPABASE_ANON_KEY and the "
                           "table's row-level security policies.")
                .arg(httpStatus)
                .arg(detail);
    } else if (httpStatus == 404) {
        // A missing table is a setup problem, not a bad row: keep the rows and retry later.
        reply.outcome = SyncReply::Retry;
        reply.message = QStringLiteral("Supabase has no such table (HTTP 404: %1). Run "
                                       "packaging/supabase/schema.sql in the project's SQL editor.")
                            .arg(detail);
    } else {
        reply.outcome = SyncReply::Refused;
        reply.message = QStringLiteral("Supabase refused the rows (HTTP %1: %2)").arg(httpStatus).arg(detail);
    }
    reply.message = SecretRedactor::redact(reply.message);
    return reply;
}

void SupabaseTarget::upsert(const QString &table, const QList<QByteArray> &rows,
                            std::function<void(SyncReply)> done)
{
    QUrl url = m_baseUrl;
    url.setPath(url.path().chopped(url.path().endsWith(QLatin1Char('/')) ? 1 : 0) +
                QStringLiteral("/rest/v1/") + table);
    url.setQuery(QUrlQuery{{QStringLiteral("on_conflict"), QStringLiteral("id")}});
    QNetworkRequest request(url);
    request.setRawHeader("apikey", m_apiKey.toUtf8());
    request.setRawHeader("Authorization", "Bearer " + m_apiKey.toUtf8());
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Prefer", "resolution=merge-duplicates,return=minimal");
    request.setTransferTimeout(m_timeoutMs);
    QByteArray body;
    body.reserve(rows.size() * 2048);
    body += '[';
    for (qsizetype i = 0; i < rows.size(); ++i) {
        if (i)
            body += ',';
        body += rows[i];
    }
    body += ']';
    QNetworkReply *reply = m_network.post(request, body);
    QObject::connect(reply, &QNetworkReply::finished, reply, [reply, table, count = rows.size(), done]() {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QString networkError =
            reply->error() != QNetworkReply::NoError && status == 0 ? reply->errorString() : QString();
        qCDebug(lcSync) << "POST /rest/v1/" + table << count << "rows ->" << status;
        done(classify(status, reply->readAll(), reply->rawHeader("Retry-After"), networkError));
    });
}

} // namespace exeserver
