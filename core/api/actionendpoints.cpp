// /api/v1/actions: the action log (list, show) and retry.
#include "api/apiendpoints.h"
#include "api/apijson.h"
#include "api/apiserver.h"
#include "store/eventstore.h"
#include "triggers/triggerengine.h"

#include <QJsonArray>

namespace exeserver {

namespace {

std::optional<ActionQuery> actionQuery(ApiCall &call)
{
    static const QSet<QString> known{QStringLiteral("status"), QStringLiteral("kind"),
                                     QStringLiteral("event_id"), QStringLiteral("limit"),
                                     QStringLiteral("cursor")};
    if (!apicheck::onlyQuery(call, known))
        return std::nullopt;
    const std::optional<int> limit =
        apicheck::pageSize(call, ApiServer::kDefaultPageSize, ApiServer::kMaxPageSize);
    if (!limit)
        return std::nullopt;
    ActionQuery query;
    query.limit = *limit;
    const QUrlQuery &params = call.request.query;
    if (params.hasQueryItem(QStringLiteral("status"))) {
        query.status = actionStatusFromString(params.queryItemValue(QStringLiteral("status")));
        if (!query.status) {
            call.respond(api::error(400, QStringLiteral("bad_status"),
                                    QStringLiteral("status is one of queued, running, success, failure, "
                                                   "interrupted, skipped.")));
            return std::nullopt;
        }
    }
    if (params.hasQueryItem(QStringLiteral("kind"))) {
        query.kind = actionKindFromString(params.queryItemValue(QStringLiteral("kind")));
        if (!query.kind) {
            call.respond(api::error(400, QStringLiteral("bad_kind"), QStringLiteral("Unknown action kind.")));
            return std::nullopt;
        }
    }
    query.eventId = params.queryItemValue(QStringLiteral("event_id"), QUrl::FullyDecoded);
    if (params.hasQueryItem(QStringLiteral("cursor"))) {
        bool ok = false;
        query.beforeSeq = params.queryItemValue(QStringLiteral("cursor")).toLongLong(&ok);
        if (!ok || query.beforeSeq < 1) {
            call.respond(apicheck::badCursor());
            return std::nullopt;
        }
    }
    return query;
}

void listActions(ApiCall &call, EventStore &store)
{
    const std::optional<ActionQuery> query = actionQuery(call);
    if (!query)
        return;
    // One more row than asked tells whether there is a next page without a count.
    ActionQuery probe = *query;
    probe.limit = query->limit + 1;
    const Result<QList<ActionRecord>> records = store.actions(probe);
    if (!records)
        return call.respond(apicheck::storeError(records.error().message));
    QJsonArray rows;
    for (qsizetype i = 0; i < std::min<qsizetype>(records->size(), query->limit); ++i)
        rows.append(apijson::fromAction(records->at(i)));
    const bool more = records->size() > query->limit;
    call.respond(api::json(
        200,
        QJsonObject{{QStringLiteral("actions"), rows},
                    {QStringLiteral("next_cursor"),
                     more ? QJsonValue(QString::number(records->at(query->limit - 1).seq)) : QJsonValue()}}));
}

void showAction(ApiCall &call, EventStore &store)
{
    if (!apicheck::onlyQuery(call, {}))
        return;
    const Result<std::optional<ActionRecord>> record = store.action(call.params.at(0));
    if (!record)
        return call.respond(apicheck::storeError(record.error().message));
    if (!record->has_value())
        return call.respond(api::error(404, QStringLiteral("not_found"),
                                       QStringLiteral("No action %1.").arg(call.params.at(0))));
    call.respond(api::json(200, apijson::fromAction(**record)));
}

// The engine's retry, as the action log's Retry button and `actions retry` use: a new action row, run in
// the background; its progress arrives on the stream and at GET /actions/{id}.
void retryAction(ApiCall &call, EventStore &store, TriggerEngine *engine)
{
    if (!apicheck::onlyQuery(call, {}) || !apicheck::body(call, {}))
        return;
    if (!engine)
        return call.respond(
            api::error(503, QStringLiteral("no_engine"),
                       QStringLiteral("The trigger engine is not running here, so nothing can be "
                                      "retried.")));
    const Result<std::optional<ActionRecord>> before = store.action(call.params.at(0));
    if (!before)
        return call.respond(apicheck::storeError(before.error().message));
    if (!before->has_value())
        return call.respond(api::error(404, QStringLiteral("not_found"),
                                       QStringLiteral("No action %1.").arg(call.params.at(0))));
    const Result<QString> id = engine->retry((*before)->id);
    if (!id)
        return call.respond(api::error(409, QStringLiteral("not_retried"), id.error().message));
    const Result<std::optional<ActionRecord>> record = store.action(*id);
    if (!record || !record->has_value())
        return call.respond(
            apicheck::storeError(QStringLiteral("The retry was started as action %1 but cannot be "
                                                "read back.")
                                     .arg(*id)));
    call.respond(api::json(202, apijson::fromAction(**record)));
}

} // namespace

void addActionRoutes(ApiRouter &router, const ApiSources &sources)
{
    EventStore *store = sources.store;
    TriggerEngine *engine = sources.engine;
    router.add("GET", QStringLiteral("/api/v1/actions"),
               [store](ApiCall &call) { listActions(call, *store); });
    router.add("GET", QStringLiteral("/api/v1/actions/{id}"),
               [store](ApiCall &call) { showAction(call, *store); });
    router.add("POST", QStringLiteral("/api/v1/actions/{id}/retry"),
               [store, engine](ApiCall &call) { retryAction(call, *store, engine); });
}

} // namespace exeserver
