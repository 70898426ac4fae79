#include "api/apirouter.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace exeserver {

namespace api {

HttpResponse json(int status, const QJsonObject &body)
{
    HttpResponse response = HttpResponse::json(status, QJsonDocument(body).toJson(QJsonDocument::Compact));
    response.headers.set("Cache-Control", "no-store");
    return response;
}

HttpResponse json(int status, const QJsonArray &body)
{
    HttpResponse response = HttpResponse::json(status, QJsonDocument(body).toJson(QJsonDocument::Compact));
    response.headers.set("Cache-Control", "no-store");
    return response;
}

HttpResponse error(int status, const QString &code, const QString &message)
{
    return json(status,
                QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), code},
                                                                  {QStringLiteral("message"), message}}}});
}

} // namespace api

namespace {

QStringList segmentsOf(const QString &path)
{
    return path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
}

bool isPlaceholder(const QString &segment)
{
    return segment.startsWith(QLatin1Char('{')) && segment.endsWith(QLatin1Char('}'));
}

} // namespace

void ApiRouter::add(const QByteArray &method, const QString &pattern, Handler handler)
{
    m_routes.append({method, segmentsOf(pattern), std::move(handler)});
}

bool ApiRouter::match(const Route &route, const QStringList &segments, QStringList *params)
{
    if (route.segments.size() != segments.size())
        return false;
    QStringList values;
    for (qsizetype i = 0; i < segments.size(); ++i) {
        if (isPlaceholder(route.segments.at(i)))
            values.append(segments.at(i));
        else if (route.segments.at(i) != segments.at(i))
            return false;
    }
    *params = values;
    return true;
}

void ApiRouter::route(const HttpRequest &request, const ApiRespond &respond) const
{
    const QStringList segments = segmentsOf(request.path);
    QList<QByteArray> allowed;
    // Literal routes win over placeholders ("/triggers/export" before "/triggers/{name}"): first pass
    // literal-only matches, second pass any.
    for (const bool literalOnly : {true, false}) {
        for (const Route &route : m_routes) {
            const bool literal = std::none_of(route.segments.cbegin(), route.segments.cend(), isPlaceholder);
            if (literalOnly != literal)
                continue;
            QStringList params;
            if (!match(route, segments, &params))
                continue;
            if (route.method != request.method) {
                if (!allowed.contains(route.method))
                    allowed.append(route.method);
                continue;
            }
            ApiCall call{request, params, respond};
            route.handler(call);
            return;
        }
        if (!allowed.isEmpty())
            break; // a literal path that exists with other methods is not a placeholder's value
    }
    if (allowed.isEmpty()) {
        respond(api::error(
            404, QStringLiteral("not_found"),
            QStringLiteral("No such endpoint: %1. See GET /api/v1/openapi.json.").arg(request.path)));
        return;
    }
    HttpResponse answer = api::error(
        405, QStringLiteral("method_not_allowed"),
        QStringLiteral("%1 does not take %2; it takes %3.")
            .arg(request.path, QString::fromLatin1(request.method), QString::fromLatin1(allowed.join(", "))));
    answer.headers.set("Allow", allowed.join(", "));
    respond(answer);
}

} // namespace exeserver
