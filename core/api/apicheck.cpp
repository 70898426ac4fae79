#include "api/apiendpoints.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace exeserver::apicheck {

std::optional<QJsonObject> body(ApiCall &call, const QSet<QString> &allowed)
{
    if (call.request.body.trimmed().isEmpty())
        return QJsonObject{};
    // A browser sends application/json cross-origin only after a CORS preflight, which this server never
    // allows: so a web page cannot post to the API, even a token-less one on loopback.
    if (!call.request.headers.value("Content-Type").toLower().startsWith("application/json")) {
        call.respond(api::error(415, QStringLiteral("unsupported_media_type"),
                                QStringLiteral("Send the body as Content-Type: application/json.")));
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(call.request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        call.respond(api::error(400, QStringLiteral("malformed_json"),
                                QStringLiteral("The body is not valid JSON: %1 at byte %2.")
                                    .arg(parseError.errorString())
                                    .arg(parseError.offset)));
        return std::nullopt;
    }
    if (!document.isObject()) {
        call.respond(api::error(400, QStringLiteral("malformed_json"),
                                QStringLiteral("The body must be a JSON object.")));
        return std::nullopt;
    }
    const QJsonObject object = document.object();
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (!allowed.contains(it.key())) {
            QStringList known(allowed.cbegin(), allowed.cend());
            known.sort();
            call.respond(api::error(422, QStringLiteral("unknown_field"),
                                    QStringLiteral("Unknown field \"%1\"; this endpoint takes: %2.")
                                        .arg(it.key(), known.isEmpty() ? QStringLiteral("no fields")
                                                                       : known.join(QStringLiteral(", ")))));
            return std::nullopt;
        }
    }
    return object;
}

bool onlyQuery(ApiCall &call, const QSet<QString> &allowed)
{
    for (const auto &[key, value] : call.request.query.queryItems()) {
        Q_UNUSED(value)
        if (!allowed.contains(key)) {
            QStringList known(allowed.cbegin(), allowed.cend());
            known.sort();
            call.respond(api::error(
                400, QStringLiteral("unknown_parameter"),
                QStringLiteral("Unknown query parameter \"%1\"; this endpoint takes: %2.")
                    .arg(key, known.isEmpty() ? QStringLiteral("none") : known.join(QStringLiteral(", ")))));
            return false;
        }
    }
    return true;
}

std::optional<int> pageSize(ApiCall &call, int fallback, int max)
{
    if (!call.request.query.hasQueryItem(QStringLiteral("limit")))
        return fallback;
    bool ok = false;
    const int limit = call.request.query.queryItemValue(QStringLiteral("limit")).toInt(&ok);
    if (!ok || limit < 1 || limit > max) {
        call.respond(api::error(400, QStringLiteral("bad_page_size"),
                                QStringLiteral("limit must be a number from 1 to %1.").arg(max)));
        return std::nullopt;
    }
    return limit;
}

HttpResponse storeError(const QString &message)
{
    return api::error(500, QStringLiteral("store"), message);
}

HttpResponse badCursor()
{
    return api::error(400, QStringLiteral("bad_cursor"),
                      QStringLiteral("cursor must be a next_cursor value from an earlier page."));
}

} // namespace exeserver::apicheck
