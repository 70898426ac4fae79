#pragma once

#include "net/httpmessage.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>

#include <functional>

namespace exeserver {

// What a handler answers with.
using ApiRespond = std::function<void(HttpResponse)>;

// A request with the values of its route's {placeholders}, in order. Valid during the handler's call only:
// a handler that answers later keeps `respond`, never the request.
struct ApiCall
{
    const HttpRequest &request;
    QStringList params;
    ApiRespond respond;
};

// JSON answers, one shape for every error: {"error": {"code": "...", "message": "..."}}.
namespace api {
HttpResponse json(int status, const QJsonObject &body);
HttpResponse json(int status, const QJsonArray &body);
HttpResponse error(int status, const QString &code, const QString &message);
} // namespace api

// Maps method + path to a handler. Patterns are "/api/v1/triggers/{name}": a placeholder matches one
// non-empty segment. A path no route matches is 404; a path matched only for other methods is 405 with
// Allow, so a client can tell a typo from a wrong verb.
class ApiRouter
{
public:
    using Handler = std::function<void(ApiCall &call)>;

    void add(const QByteArray &method, const QString &pattern, Handler handler);
    void route(const HttpRequest &request, const ApiRespond &respond) const;

private:
    struct Route
    {
        QByteArray method;
        QStringList segments;
        Handler handler;
    };
    static bool match(const Route &route, const QStringList &segments, QStringList *params);

    QList<Route> m_routes;
};

} // namespace exeserver
