#pragma once

#include "util/result.h"

#include <QJsonObject>
#include <QUrl>
#include <QUrlQuery>

#include <functional>

class QNetworkAccessManager;

namespace exeserver {

// Reads from a running ExeServer's local API (`exeserver-cli --remote URL`): one GET, the JSON object it
// answered, or an error that says which server said what. The token goes in the Authorization header only.
class ApiClient
{
public:
    ApiClient(QNetworkAccessManager &network, QUrl baseUrl, QString token);

    void get(const QString &path, const QUrlQuery &query, std::function<void(Result<QJsonObject>)> done);

private:
    QNetworkAccessManager &m_network;
    QUrl m_baseUrl;
    QString m_token;
};

} // namespace exeserver
