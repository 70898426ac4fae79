#include "triggers/triggerdryrun.h"

#include "triggers/templateengine.h"
#include "triggers/triggerfile.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace exeserver {

TriggerDryRun TriggerDryRun::run(const Trigger &trigger, const Event &stored)
{
    TriggerDryRun dry;
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

} // namespace exeserver
