#include "triggers/triggerdryrun.h"

#include "store/eventstore.h"
#include "triggers/templateengine.h"
#include "triggers/triggerengine.h"
#include "triggers/triggerfile.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

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

TriggerDryRun TriggerDryRun::run(const Trigger &trigger, const Event &stored)
{
    TriggerDryRun dry;
    dry.trigger = trigger;
    dry.event =
        EventContext::fromPayload(stored.type, QJsonDocument::fromJson(stored.payload).object(), stored.id);
    dry.result = TriggerMatcher::evaluate(trigger, dry.event, {true, true});
    if (!dry.result.matched)
        return dry;
    const QJsonObject templateContext = TemplateEngine::context(dry.event, trigger.name, dry.result.command);
    for (const TriggerAction &action : trigger.run) {
        Action line;
        line.kind = actionKind(action);
        Trigger one;
        one.name = trigger.name;
        one.event = trigger.event;
        one.run = {TemplateEngine::renderAction(action, templateContext, &line.warnings)};
        line.rendered =
            TriggerFile::toJsonObject(one).value(QLatin1String("run")).toArray().first().toObject();
        dry.wouldRun.append(line);
    }
    return dry;
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
    return run(*trigger, **event);
}

QStringList TriggerDryRun::wouldRunLines() const
{
    QStringList lines;
    for (const Action &action : wouldRun) {
        QString line =
            action.kind + QStringLiteral(": ") +
            QString::fromUtf8(QJsonDocument(QJsonArray{action.rendered}).toJson(QJsonDocument::Compact));
        if (!action.warnings.isEmpty())
            line += QStringLiteral("  (warnings: %1)").arg(action.warnings.join(QStringLiteral("; ")));
        lines.append(line);
    }
    return lines;
}

} // namespace exeserver
