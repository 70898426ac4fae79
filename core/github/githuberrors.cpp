#include "github/githuberrors.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace exeserver {

namespace {

QString errorEntry(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    const QJsonObject entry = value.toObject();
    if (const QString message = entry.value(QLatin1String("message")).toString(); !message.isEmpty())
        return message;
    // {"resource":"Issue","field":"title","code":"missing_field"}
    QStringList parts;
    for (const char *key : {"resource", "field", "code"})
        if (const QString part = entry.value(QLatin1String(key)).toString(); !part.isEmpty())
            parts.append(part);
    return parts.join(QLatin1Char(' '));
}

QString withPeriod(QString text)
{
    text = text.trimmed();
    if (!text.isEmpty() && !text.endsWith(QLatin1Char('.')))
        text += QLatin1Char('.');
    return text;
}

} // namespace

QString gitHubMessage(const QByteArray &body, bool withErrors)
{
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    QString message = json.value(QLatin1String("message")).toString();
    if (withErrors) {
        QStringList details;
        const QJsonArray errors = json.value(QLatin1String("errors")).toArray();
        for (const QJsonValue &error : errors)
            if (const QString entry = errorEntry(error); !entry.isEmpty())
                details.append(entry);
        if (!details.isEmpty())
            message += QStringLiteral(" (%1)").arg(details.join(QStringLiteral("; ")));
    }
    return message;
}

Error gitHubHttpError(int status, const QByteArray &body,
                      const std::function<QByteArray(const QByteArray &)> &header, const QString &what,
                      bool hadToken)
{
    const QString message = gitHubMessage(body, status == 422);
    const QString said = message.isEmpty() ? QStringLiteral("GitHub said %1").arg(status)
                                           : QStringLiteral("GitHub said %1 (%2)").arg(status).arg(message);
    switch (status) {
    case 401:
        return {QStringLiteral("unauthorized"),
                hadToken
                    ? QStringLiteral("%1 for %2: the token is invalid or has expired. Create a new token and "
                                     "set GITHUB_TOKEN, or store it with `exeserver-cli config set-secret "
                                     "github.token`.")
                          .arg(said, what)
                    : QStringLiteral("%1 for %2: this request needs a token. Set GITHUB_TOKEN (or GH_TOKEN), "
                                     "or log in with `gh auth login`.")
                          .arg(said, what),
                status};
    case 403: {
        QString text = QStringLiteral("%1 for %2: the token is not allowed to do this.").arg(said, what);
        if (const QByteArray needed = header("x-accepted-github-permissions"); !needed.isEmpty())
            text += QStringLiteral(" It needs the permission(s) %1 (fine-grained token or GitHub App).")
                        .arg(QString::fromUtf8(needed));
        if (const QByteArray accepted = header("x-accepted-oauth-scopes"); !accepted.isEmpty())
            text += QStringLiteral(" Accepted scopes: %1.").arg(QString::fromUtf8(accepted));
        if (const QByteArray scopes = header("x-oauth-scopes"); !scopes.isEmpty())
            text += QStringLiteral(" The token has the scopes: %1.").arg(QString::fromUtf8(scopes));
        return {QStringLiteral("forbidden"), text, status};
    }
    case 404:
        return {QStringLiteral("not_found"),
                QStringLiteral("%1 for %2: not found, or the token cannot see it. Check the owner/repository "
                               "name, and that the token has access to private repositories if it is one.")
                    .arg(said, what),
                status};
    case 409:
        return {QStringLiteral("conflict"), withPeriod(QStringLiteral("%1 for %2").arg(said, what)), status};
    case 422:
        return {
            QStringLiteral("invalid"),
            withPeriod(QStringLiteral("%1 for %2: GitHub refused the request as invalid").arg(said, what)),
            status};
    default:
        break;
    }
    if (status >= 500)
        return {QStringLiteral("server_error"),
                QStringLiteral("%1 for %2: GitHub had a problem on its side. Try again later; "
                               "https://www.githubstatus.com shows incidents.")
                    .arg(said, what),
                status};
    return {QStringLiteral("http_error"), withPeriod(QStringLiteral("%1 for %2").arg(said, what)), status};
}

Error gitHubNetworkError(QNetworkReply::NetworkError error, const QString &errorString, const QString &what,
                         bool timedOut, int timeoutMs)
{
    if (timedOut || error == QNetworkReply::TimeoutError)
        return {
            QStringLiteral("timeout"),
            QStringLiteral("GitHub did not answer %1 within %2 s. Check the network connection and the API "
                           "URL, then try again.")
                .arg(what)
                .arg(timeoutMs / 1000.0),
            0};
    if (error == QNetworkReply::SslHandshakeFailedError || error == QNetworkReply::InsecureRedirectError)
        return {
            QStringLiteral("tls"),
            QStringLiteral("The TLS connection for %1 failed: %2. Check the API URL (https:// for a server "
                           "that speaks TLS), a proxy that intercepts TLS, or the system's CA certificates.")
                .arg(what, errorString),
            0};
    return {QStringLiteral("network"),
            QStringLiteral("Could not reach GitHub for %1: %2. Check the network connection and the API URL.")
                .arg(what, errorString),
            0};
}

} // namespace exeserver
