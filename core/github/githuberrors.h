#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QNetworkReply>
#include <QString>

#include <functional>

namespace exeserver {

// Turns a failed GitHub exchange into an Error a user can act on. `what` names the request
// ("GET /repos/o/r"); `header` reads a response header. Kinds: unauthorized, forbidden, not_found,
// invalid, conflict, server_error, http_error, timeout, tls, network, rate_limited.
Error gitHubHttpError(int status, const QByteArray &body,
                      const std::function<QByteArray(const QByteArray &)> &header, const QString &what,
                      bool hadToken);
Error gitHubNetworkError(QNetworkReply::NetworkError error, const QString &errorString, const QString &what,
                         bool timedOut, int timeoutMs);

// GitHub's `message` (and for 422 its `errors`) from an error body; empty when the body is not JSON.
QString gitHubMessage(const QByteArray &body, bool withErrors);

} // namespace exeserver
