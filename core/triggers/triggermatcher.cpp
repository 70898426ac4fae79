#include "triggers/triggermatcher.h"

#include <QJsonArray>

namespace exeserver {

namespace {

bool eventMatches(const Trigger &trigger, const EventContext &event)
{
    return trigger.event.isEmpty() || trigger.event == u"*" || trigger.event == event.type;
}

bool actionMatches(const Trigger &trigger, const EventContext &event)
{
    return trigger.actions.isEmpty() || trigger.actions.contains(event.action);
}

// The issue or pull request an event is about: PR events carry `pull_request`, comments on PRs `issue`.
QJsonObject subject(const QJsonObject &payload)
{
    const QJsonObject pr = payload.value(QLatin1StringView("pull_request")).toObject();
    return pr.isEmpty() ? payload.value(QLatin1StringView("issue")).toObject() : pr;
}

QString sourceBranch(const EventContext &event)
{
    if (!event.headRef.isEmpty())
        return event.headRef;
    if (event.ref.startsWith(u"refs/heads/"))
        return event.ref.mid(11);
    return {};
}

} // namespace

QString TriggerMatcher::ignoredBecause(const IgnoreRules &rules, const EventContext &event)
{
    if (rules.isEmpty())
        return {};
    if (rules.bots && (event.senderType == u"Bot" || event.sender.endsWith(u"[bot]")))
        return QStringLiteral("sender %1 is a bot").arg(event.sender);
    for (const GlobPattern &pattern : rules.senders) {
        if (pattern.matches(event.sender))
            return QStringLiteral("sender %1 matches %2").arg(event.sender, pattern.pattern());
    }
    if (!rules.titles.isEmpty() || !rules.labels.isEmpty()) {
        const QJsonObject about = subject(event.payload);
        const QString title = about.value(QLatin1StringView("title")).toString();
        for (const QRegularExpression &pattern : rules.titles) {
            if (!title.isEmpty() && pattern.match(title).hasMatch())
                return QStringLiteral("title matches %1").arg(pattern.pattern());
        }
        const QJsonArray labels = about.value(QLatin1StringView("labels")).toArray();
        for (const QJsonValue &label : labels) {
            const QString name = label.toObject().value(QLatin1StringView("name")).toString();
            if (rules.labels.contains(name))
                return QStringLiteral("labelled %1").arg(name);
        }
    }
    if (!rules.branches.isEmpty()) {
        const QString branch = sourceBranch(event);
        for (const GlobPattern &pattern : rules.branches) {
            if (!branch.isEmpty() && pattern.matches(branch))
                return QStringLiteral("branch %1 matches %2").arg(branch, pattern.pattern());
        }
    }
    for (const GlobPattern &pattern : rules.targetBranches) {
        if (!event.baseRef.isEmpty() && pattern.matches(event.baseRef))
            return QStringLiteral("target branch %1 matches %2").arg(event.baseRef, pattern.pattern());
    }
    return {};
}

bool TriggerMatcher::matches(const Trigger &trigger, const EventContext &event, CommentCommand *command)
{
    if (!trigger.enabled || !eventMatches(trigger, event) || !actionMatches(trigger, event) ||
        !trigger.matchesRepository(event.repository))
        return false;
    if (!trigger.ignore.isEmpty() && !ignoredBecause(trigger.ignore, event).isEmpty())
        return false;
    return !trigger.conditions || trigger.conditions->matches(event.payload, command);
}

MatchResult TriggerMatcher::evaluate(const Trigger &trigger, const EventContext &event, Options options)
{
    MatchResult result;
    bool ok = true;
    auto gate = [&](const QString &check, bool passed, const QString &detail, const QString &reason) {
        if (options.trace)
            result.steps.append(MatchStep{check, passed, detail});
        if (!passed && ok) {
            ok = false;
            result.reason = reason;
        }
        return passed || options.trace; // keep going only when tracing
    };

    const bool enabled = trigger.enabled || options.ignoreEnabled;
    if (!gate(QStringLiteral("enabled"), enabled,
              trigger.enabled ? QStringLiteral("yes") : QStringLiteral("no"),
              QStringLiteral("trigger %1 is disabled").arg(trigger.name)))
        return result;
    if (!gate(QStringLiteral("event"), eventMatches(trigger, event), event.type,
              QStringLiteral("event is %1, trigger wants %2").arg(event.type, trigger.event)))
        return result;
    if (!gate(QStringLiteral("action"), actionMatches(trigger, event), event.action,
              QStringLiteral("action is \"%1\", trigger wants %2")
                  .arg(event.action, trigger.actions.join(QStringLiteral(", ")))))
        return result;
    if (!gate(QStringLiteral("repository"), trigger.matchesRepository(event.repository), event.repository,
              QStringLiteral("repository %1 is not selected").arg(event.repository)))
        return result;
    const QString ignored = ignoredBecause(trigger.ignore, event);
    if (!gate(QStringLiteral("ignore"), ignored.isEmpty(), ignored, QStringLiteral("ignored: ") + ignored))
        return result;

    if (trigger.conditions) {
        CommentCommand command;
        command.name.clear();
        bool conditionsMatched = false;
        if (options.trace)
            conditionsMatched = trigger.conditions->explain(event.payload, result.conditions, &command);
        else
            conditionsMatched = trigger.conditions->matches(event.payload, &command);
        if (!command.name.isEmpty())
            result.command = command;
        if (!conditionsMatched && ok) {
            ok = false;
            result.reason = QStringLiteral("conditions did not match");
        }
    }
    result.matched = ok;
    if (!ok)
        result.command.reset();
    return result;
}

} // namespace exeserver
