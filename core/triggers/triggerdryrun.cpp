#include "triggers/triggerdryrun.h"

#include "store/eventstore.h"
#include "triggers/templateengine.h"
#include "triggers/triggerengine.h"
#include "triggers/triggerfile.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace exeserver {

Result<QList<Trigger>> loadStoredTriggers(EventStore &store)
{
    const Result<QList<StoredTrigger>> rows = store.triggers();
    if (!rows)
        return rows.error();
    QList<Trigger> triggers;
    for (const StoredTrigger &row : *rows) {
        Result<Trigger> trigger = fromStoredTrigger(row);
        if (!trigger)
            return trigger.error();
        triggers.append(std::move(trigger.value()));
    }
    return triggers;
}

Result<TriggerDryRun> TriggerDryRun::run(EventStore &store, const QString &triggerName,
                                         const QString &eventId)
{
    const Result<QList<Trigger>> triggers = loadStoredTriggers(store);
    if (!triggers)
        return triggers.error();
    const auto trigger = std::find_if(triggers->cbegin(), triggers->cend(),
                                      [&](const Trigger &t) { return t.name == triggerName; });
    if (trigger == triggers->cend())
        return Error{QStringLiteral("not_found"),
                     QStringLiteral("No trigger named \"%1\".").arg(triggerName)};
    const Result<std::optional<Event>> event = store.event(eventId);
    if (!event)
        return event.error();
    if (!event->has_value())
        return Error{QStringLiteral("not_found"), QStringLiteral("No stored event %1.").arg(eventId)};

    TriggerDryRun dry;
    dry.trigger = *trigger;
    dry.event = EventContext::fromPayload((*event)->type, QJsonDocument::fromJson((*event)->payload).object(),
                                          (*event)->id);
    dry.result = TriggerMatcher::evaluate(dry.trigger, dry.event, {true, true});
    if (!dry.result.matched)
        return dry;
    const QJsonObject templateContext =
        TemplateEngine::context(dry.event, dry.trigger.name, dry.result.command);
    for (const TriggerAction &action : dry.trigger.run) {
        QStringList warnings;
        Trigger one;
        one.name = dry.trigger.name;
        one.event = dry.trigger.event;
        one.run = {TemplateEngine::renderAction(action, templateContext, &warnings)};
        QString line = actionKind(action) + QStringLiteral(": ") +
                       QString::fromUtf8(
                           QJsonDocument(TriggerFile::toJsonObject(one).value(QLatin1String("run")).toArray())
                               .toJson(QJsonDocument::Compact));
        if (!warnings.isEmpty())
            line += QStringLiteral("  (warnings: %1)").arg(warnings.join(QStringLiteral("; ")));
        dry.wouldRun.append(line);
    }
    return dry;
}

} // namespace exeserver
