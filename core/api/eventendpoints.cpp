// GET /api/v1/events, /events/{id}, /sync and /stream.
#include "api/apiendpoints.h"
#include "api/apijson.h"
#include "api/apiserver.h"
#include "api/eventstreamhub.h"
#include "store/eventstore.h"
#include "sync/syncengine.h"

#include <QJsonArray>

namespace exeserver {

namespace {

QString queryValue(const ApiCall &call, const QString &name)
{
    return call.request.query.queryItemValue(name, QUrl::FullyDecoded);
}

// The event log's filters (the same EventQuery the Event log view and `events list` fill in).
std::optional<EventQuery> eventQuery(ApiCall &call)
{
    static const QSet<QString> known{QStringLiteral("type"),       QStringLiteral("action"),
                                     QStringLiteral("repository"), QStringLiteral("sender"),
                                     QStringLiteral("source"),     QStringLiteral("q"),
                                     QStringLiteral("since"),      QStringLiteral("until"),
                                     QStringLiteral("limit"),      QStringLiteral("cursor")};
    if (!apicheck::onlyQuery(call, known))
        return std::nullopt;
    const std::optional<int> limit =
        apicheck::pageSize(call, ApiServer::kDefaultPageSize, ApiServer::kMaxPageSize);
    if (!limit)
        return std::nullopt;
    EventQuery query;
    query.limit = *limit;
    query.type = queryValue(call, QStringLiteral("type"));
    query.action = queryValue(call, QStringLiteral("action"));
    query.repository = queryValue(call, QStringLiteral("repository"));
    query.sender = queryValue(call, QStringLiteral("sender"));
    query.source = queryValue(call, QStringLiteral("source"));
    query.text = queryValue(call, QStringLiteral("q"));
    for (const auto &[name, field] : {std::pair{QStringLiteral("since"), &query.since},
                                      std::pair{QStringLiteral("until"), &query.until}}) {
        if (!call.request.query.hasQueryItem(name))
            continue;
        *field = QDateTime::fromString(queryValue(call, name), Qt::ISODate);
        if (!field->isValid()) {
            call.respond(api::error(
                400, QStringLiteral("bad_time"),
                QStringLiteral("%1 takes an ISO 8601 time, e.g. 2025-01-31T12:00:00Z.").arg(name)));
            return std::nullopt;
        }
    }
    if (call.request.query.hasQueryItem(QStringLiteral("cursor"))) {
        query.after = EventCursor::fromString(queryValue(call, QStringLiteral("cursor")));
        if (query.after.isNull()) {
            call.respond(apicheck::badCursor());
            return std::nullopt;
        }
    }
    return query;
}

void listEvents(ApiCall &call, EventStore &store)
{
    const std::optional<EventQuery> query = eventQuery(call);
    if (!query)
        return;
    const Result<EventPage> page = store.events(*query);
    if (!page)
        return call.respond(apicheck::storeError(page.error().message));
    QJsonArray rows;
    for (const Event &event : page->events)
        rows.append(apijson::fromEvent(event, false));
    call.respond(api::json(
        200, QJsonObject{{QStringLiteral("events"), rows},
                         {QStringLiteral("next_cursor"),
                          page->next.isNull() ? QJsonValue() : QJsonValue(page->next.toString())}}));
}

void showEvent(ApiCall &call, EventStore &store)
{
    if (!apicheck::onlyQuery(call, {}))
        return;
    const Result<std::optional<Event>> event = store.event(call.params.at(0));
    if (!event)
        return call.respond(apicheck::storeError(event.error().message));
    if (!event->has_value())
        return call.respond(api::error(404, QStringLiteral("not_found"),
                                       QStringLiteral("No event %1.").arg(call.params.at(0))));
    call.respond(api::json(200, apijson::fromEvent(**event, true)));
}

QJsonValue timeOrNull(const QDateTime &when)
{
    return when.isValid() ? QJsonValue(when.toUTC().toString(Qt::ISODate)) : QJsonValue();
}

void syncStatus(ApiCall &call, const ApiSources &sources)
{
    if (!apicheck::onlyQuery(call, {}))
        return;
    QString target;
    SyncStatus status;
    if (!sources.syncStatus || !sources.syncStatus(&target, &status))
        return call.respond(api::json(200, QJsonObject{{QStringLiteral("configured"), false}}));
    // The target's description names the database, never its password or key (SyncTarget::describe).
    call.respond(
        api::json(200, QJsonObject{{QStringLiteral("configured"), true},
                                   {QStringLiteral("target"), target},
                                   {QStringLiteral("pending"), status.pending},
                                   {QStringLiteral("parked"), status.parked},
                                   {QStringLiteral("lag_ms"), status.lagMs},
                                   {QStringLiteral("last_success_at"), timeOrNull(status.lastSuccessAt)},
                                   {QStringLiteral("next_attempt_at"), timeOrNull(status.nextAttemptAt)},
                                   {QStringLiteral("last_error"), status.lastError}}));
}

} // namespace

void addEventRoutes(ApiRouter &router, const ApiSources &sources, EventStreamHub &stream)
{
    EventStore *store = sources.store;
    router.add("GET", QStringLiteral("/api/v1/events"), [store](ApiCall &call) { listEvents(call, *store); });
    router.add("GET", QStringLiteral("/api/v1/events/{id}"),
               [store](ApiCall &call) { showEvent(call, *store); });
    router.add("GET", QStringLiteral("/api/v1/sync"),
               [&sources](ApiCall &call) { syncStatus(call, sources); });
    router.add("GET", QStringLiteral("/api/v1/stream"), [&stream](ApiCall &call) {
        if (apicheck::onlyQuery(call, {}))
            call.respond(stream.subscribe());
    });
}

} // namespace exeserver
