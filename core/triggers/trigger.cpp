#include "triggers/trigger.h"

namespace exeserver {

QString actionKind(const TriggerAction &action)
{
    struct Visitor
    {
        QString operator()(const CodefileAction &) const { return QStringLiteral("codefile"); }
        QString operator()(const WorkflowAction &) const { return QStringLiteral("workflow"); }
        QString operator()(const CommentAction &) const { return QStringLiteral("comment"); }
        QString operator()(const NotifyAction &) const { return QStringLiteral("notify"); }
        QString operator()(const RerunFailedAction &) const { return QStringLiteral("rerun_failed"); }
        QString operator()(const CancelRunAction &) const { return QStringLiteral("cancel"); }
        QString operator()(const ReactionAction &) const { return QStringLiteral("reaction"); }
    };
    return std::visit(Visitor{}, action);
}

bool Trigger::matchesRepository(QStringView fullName) const
{
    if (repositories.isEmpty())
        return true;
    for (const GlobPattern &pattern : repositories) {
        // GitHub treats owner and repository names case-insensitively.
        if (pattern.isLiteral() ? QStringView(pattern.pattern()).compare(fullName, Qt::CaseInsensitive) == 0
                                : pattern.matches(fullName))
            return true;
    }
    return false;
}

} // namespace exeserver
