#include "triggers/triggerimport.h"

namespace exeserver {

QString TriggerImport::codeSummary(const Trigger &trigger)
{
    QStringList programs;
    bool token = false;
    for (const TriggerAction &action : trigger.run) {
        if (const auto *code = std::get_if<CodefileAction>(&action)) {
            programs.append(code->path);
            token = token || code->passToken;
        }
    }
    if (programs.isEmpty())
        return {};
    return QStringLiteral("%1 runs %2%3")
        .arg(trigger.name, programs.join(QStringLiteral(", ")),
             token ? QStringLiteral(" with your GitHub token") : QString());
}

TriggerImport TriggerImport::review(QList<Trigger> loaded, bool trustCode)
{
    TriggerImport result;
    for (Trigger &trigger : loaded) {
        const QString code = codeSummary(trigger);
        if (!trustCode && trigger.enabled && !code.isEmpty()) {
            trigger.enabled = false;
            result.held.append(code);
        }
        result.triggers.append(std::move(trigger));
    }
    return result;
}

} // namespace exeserver
