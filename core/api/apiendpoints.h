#pragma once

#include "api/apirouter.h"

#include <QJsonObject>
#include <QSet>

#include <optional>

namespace exeserver {

class EventStreamHub;
struct ApiSources;

// The routes of each resource, added to the server's router (apiserver.cpp).
void addEventRoutes(ApiRouter &router, const ApiSources &sources, EventStreamHub &stream);
void addTriggerRoutes(ApiRouter &router, const ApiSources &sources);
void addActionRoutes(ApiRouter &router, const ApiSources &sources);
void addGitHubRoutes(ApiRouter &router, const ApiSources &sources);

// Shared checks; each answers the error itself and returns nullopt/false when the request is bad.
namespace apicheck {
// The body as a JSON object with only `allowed` fields (an empty body is {}): 400 when it is not JSON or
// not an object, 422 naming an unknown field.
std::optional<QJsonObject> body(ApiCall &call, const QSet<QString> &allowed);
// 400 naming a query parameter that is not in `allowed`.
bool onlyQuery(ApiCall &call, const QSet<QString> &allowed);
// The `limit` query parameter: default when absent, 400 when not a number from 1 to max.
std::optional<int> pageSize(ApiCall &call, int fallback, int max);
HttpResponse storeError(const QString &message);
// 400 for a `cursor` that no earlier page handed out (each list reads its own kind of cursor).
HttpResponse badCursor();
} // namespace apicheck

} // namespace exeserver
