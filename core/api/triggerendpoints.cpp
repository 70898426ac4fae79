// /api/v1/triggers: list, show, export, import, enable, disable, test (dry run).
#include "api/apiendpoints.h"
#include "api/apiserver.h"
#include "store/eventstore.h"
#include "triggers/triggerdryrun.h"
#include "triggers/triggerengine.h"
#include "triggers/triggerfile.h"
#include "triggers/triggerimport.h"

#include <QJsonArray>

namespace exeserver {

namespace {

HttpResponse noSuchTrigger(const QString &name)
{
    return api::error(404, QStringLiteral("not_found"), QStringLiteral("No trigger named \"%1\".").arg(name));
}

void listTriggers(ApiCall &call, EventStore &store)
{
    if (!apicheck::onlyQuery(call, {}))
        return;
    const Result<QList<Trigger>> triggers = loadStoredTriggers(store);
    if (!triggers)
        return call.respond(apicheck::storeError(triggers.error().message));
    QJsonArray rows;
    for (const Trigger &trigger : *triggers)
        rows.append(TriggerFile::toJsonObject(trigger));
    call.respond(api::json(200, QJsonObject{{QStringLiteral("triggers"), rows}}));
}

void showTrigger(ApiCall &call, EventStore &store)
{
    if (!apicheck::onlyQuery(call, {}))
        return;
    const Result<QList<Trigger>> triggers = loadStoredTriggers(store);
    if (!triggers)
        return call.respond(apicheck::storeError(triggers.error().message));
    for (const Trigger &trigger : *triggers) {
        if (trigger.name == call.params.at(0))
            return call.respond(api::json(200, TriggerFile::toJsonObject(trigger)));
    }
    call.respond(noSuchTrigger(call.params.at(0)));
}

void exportTriggers(ApiCall &call, EventStore &store)
{
    if (!apicheck::onlyQuery(call, {}))
        return;
    const Result<QList<Trigger>> triggers = loadStoredTriggers(store);
    if (!triggers)
        return call.respond(apicheck::storeError(triggers.error().message));
    HttpResponse response;
    response.status = 200;
    response.headers.set("Content-Type", "application/yaml; charset=utf-8");
    response.headers.set("Cache-Control", "no-store");
    response.body = TriggerFile::toYaml(*triggers);
    call.respond(response);
}

// The YAML (or JSON) trigger file: the raw body when sent as YAML, else {"definition": "..."}.
std::optional<QByteArray> importText(ApiCall &call)
{
    const QByteArray type = call.request.headers.value("Content-Type").toLower();
    if (type.startsWith("application/yaml") || type.startsWith("application/x-yaml"))
        return call.request.body;
    const std::optional<QJsonObject> body = apicheck::body(call, {QStringLiteral("definition")});
    if (!body)
        return std::nullopt;
    const QJsonValue definition = body->value(QStringLiteral("definition"));
    if (!definition.isString() || definition.toString().trimmed().isEmpty()) {
        call.respond(
            api::error(422, QStringLiteral("missing_field"),
                       QStringLiteral("Send the trigger file as \"definition\" (YAML or JSON text), or "
                                      "as the body with Content-Type: application/yaml.")));
        return std::nullopt;
    }
    return definition.toString().toUtf8();
}

// Like `triggers import` without --trust-code: a trigger that runs code on this machine arrives disabled
// whoever sends it; enabling it is a separate, deliberate request.
void importTriggers(ApiCall &call, EventStore &store)
{
    if (!apicheck::onlyQuery(call, {}))
        return;
    const std::optional<QByteArray> text = importText(call);
    if (!text)
        return;
    const Result<QList<Trigger>> loaded = TriggerFile::parse(*text);
    if (!loaded)
        return call.respond(api::error(422, QStringLiteral("invalid_trigger"), loaded.error().message));
    const TriggerImport reviewed = TriggerImport::review(*loaded, /*trustCode=*/false);
    QJsonArray imported;
    for (const Trigger &trigger : reviewed.triggers) {
        if (const Status saved = store.saveTrigger(toStoredTrigger(trigger)); !saved)
            return call.respond(apicheck::storeError(saved.error().message));
        imported.append(trigger.name);
    }
    call.respond(
        api::json(201, QJsonObject{{QStringLiteral("imported"), imported},
                                   {QStringLiteral("held"), QJsonArray::fromStringList(reviewed.held)}}));
}

// The same write as the trigger list's checkbox (TriggerListView): the stored row's enabled flag.
void setEnabled(ApiCall &call, EventStore &store, bool enabled)
{
    if (!apicheck::onlyQuery(call, {}) || !apicheck::body(call, {}))
        return;
    const Result<QList<StoredTrigger>> rows = store.triggers();
    if (!rows)
        return call.respond(apicheck::storeError(rows.error().message));
    for (StoredTrigger row : *rows) {
        if (row.name != call.params.at(0))
            continue;
        row.enabled = enabled;
        if (const Status saved = store.saveTrigger(row); !saved)
            return call.respond(apicheck::storeError(saved.error().message));
        return showTrigger(call, store);
    }
    call.respond(noSuchTrigger(call.params.at(0)));
}

QJsonObject dryRunJson(const TriggerDryRun &dry)
{
    QJsonArray steps;
    for (const MatchStep &step : dry.result.steps)
        steps.append(QJsonObject{{QStringLiteral("check"), step.check},
                                 {QStringLiteral("passed"), step.passed},
                                 {QStringLiteral("detail"), step.detail}});
    QJsonArray conditions;
    for (const ConditionTrace &node : dry.result.conditions)
        conditions.append(QJsonObject{{QStringLiteral("depth"), node.depth},
                                      {QStringLiteral("node"), node.node},
                                      {QStringLiteral("field"), node.field},
                                      {QStringLiteral("matched"), node.matched},
                                      {QStringLiteral("note"), node.note}});
    QJsonArray wouldRun;
    for (const TriggerDryRun::Action &action : dry.wouldRun)
        wouldRun.append(
            QJsonObject{{QStringLiteral("kind"), action.kind},
                        {QStringLiteral("action"), action.rendered},
                        {QStringLiteral("warnings"), QJsonArray::fromStringList(action.warnings)}});
    return {{QStringLiteral("trigger"), dry.trigger.name},
            {QStringLiteral("event_id"), dry.event.id},
            {QStringLiteral("matched"), dry.result.matched},
            {QStringLiteral("reason"), dry.result.reason},
            {QStringLiteral("steps"), steps},
            {QStringLiteral("conditions"), conditions},
            {QStringLiteral("would_run"), wouldRun},
            {QStringLiteral("dry_run"), true}};
}

// The dry run `triggers test` and the editor's Test show: nothing runs and nothing is written.
void testTrigger(ApiCall &call, EventStore &store)
{
    if (!apicheck::onlyQuery(call, {}))
        return;
    const std::optional<QJsonObject> body = apicheck::body(call, {QStringLiteral("event_id")});
    if (!body)
        return;
    const QJsonValue eventId = body->value(QStringLiteral("event_id"));
    if (!eventId.isString() || eventId.toString().isEmpty())
        return call.respond(api::error(422, QStringLiteral("missing_field"),
                                       QStringLiteral("Send the id of a stored event as \"event_id\".")));
    const Result<TriggerDryRun> dry = TriggerDryRun::run(store, call.params.at(0), eventId.toString());
    if (!dry) {
        const bool missing = dry.error().kind == QLatin1StringView("not_found");
        return call.respond(missing ? api::error(404, QStringLiteral("not_found"), dry.error().message)
                                    : apicheck::storeError(dry.error().message));
    }
    call.respond(api::json(200, dryRunJson(*dry)));
}

} // namespace

void addTriggerRoutes(ApiRouter &router, const ApiSources &sources)
{
    EventStore *store = sources.store;
    router.add("GET", QStringLiteral("/api/v1/triggers"),
               [store](ApiCall &call) { listTriggers(call, *store); });
    router.add("POST", QStringLiteral("/api/v1/triggers"),
               [store](ApiCall &call) { importTriggers(call, *store); });
    router.add("GET", QStringLiteral("/api/v1/triggers/export"),
               [store](ApiCall &call) { exportTriggers(call, *store); });
    router.add("GET", QStringLiteral("/api/v1/triggers/{name}"),
               [store](ApiCall &call) { showTrigger(call, *store); });
    router.add("POST", QStringLiteral("/api/v1/triggers/{name}/enable"),
               [store](ApiCall &call) { setEnabled(call, *store, true); });
    router.add("POST", QStringLiteral("/api/v1/triggers/{name}/disable"),
               [store](ApiCall &call) { setEnabled(call, *store, false); });
    router.add("POST", QStringLiteral("/api/v1/triggers/{name}/test"),
               [store](ApiCall &call) { testTrigger(call, *store); });
}

} // namespace exeserver
