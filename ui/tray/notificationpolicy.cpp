#include "tray/notificationpolicy.h"

#include "config/settings.h"
#include "triggers/triggerengine.h"

#include <QCoreApplication>

namespace exeserver {

namespace {

QString runKey(const DashboardRun &run)
{
    return QStringLiteral("%1#%2#%3").arg(run.repo).arg(run.run.id).arg(run.run.runAttempt);
}

QString tr(const char *text)
{
    return QCoreApplication::translate("NotificationPolicy", text);
}

} // namespace

NotificationChoices NotificationChoices::from(const Settings &settings)
{
    const auto on = [&settings](const QString &key) { return settings.get(key) == QLatin1String("true"); };
    NotificationChoices choices;
    choices.myFailedRuns = on(setting::NotifyMyFailedRuns);
    choices.allFailedRuns = on(setting::NotifyAllFailedRuns);
    choices.triggerFailures = on(setting::NotifyTriggerFailures);
    choices.triggerMessages = on(setting::NotifyTriggerMessages);
    return choices;
}

NotificationPolicy::NotificationPolicy(NotificationChoices choices, QDateTime since)
    : m_choices(choices)
    , m_since(std::move(since))
{
}

bool NotificationPolicy::wanted(const DashboardRun &run) const
{
    if (m_choices.allFailedRuns)
        return true;
    return m_choices.myFailedRuns && !m_login.isEmpty() &&
           run.run.actor.compare(m_login, Qt::CaseInsensitive) == 0;
}

QList<DesktopNotification> NotificationPolicy::runsRefreshed(const QList<DashboardRun> &runs)
{
    QList<DesktopNotification> result;
    for (const DashboardRun &run : runs) {
        const QString key = runKey(run);
        const RunState state = run.state();
        if (isRunning(state)) {
            m_seenUnfinished.insert(key);
            continue;
        }
        if (state != RunState::Failure || m_notified.contains(key))
            continue;
        // Old failures are history, not news: only a failure we watched happen, or one that finished
        // after we started watching.
        const QDateTime finished = run.run.updatedAt.isValid() ? run.run.updatedAt : run.run.createdAt;
        const bool news = m_seenUnfinished.contains(key) || (finished.isValid() && finished >= m_since);
        m_seenUnfinished.remove(key);
        if (!news)
            continue;
        m_notified.insert(key); // also when not wanted: changing the choices later must not replay it
        if (!wanted(run))
            continue;
        DesktopNotification notification;
        notification.title = tr("Run failed: %1").arg(run.run.name);
        notification.body = tr("%1 #%2 on %3 (%4) by %5")
                                .arg(run.repo)
                                .arg(run.run.runNumber)
                                .arg(run.run.headBranch, run.run.event, run.run.actor);
        notification.warning = true;
        notification.target = DesktopNotification::Target::Run;
        notification.repo = run.repo;
        notification.runId = run.run.id;
        notification.runNumber = run.run.runNumber;
        result.append(notification);
    }
    return result;
}

QList<DesktopNotification> NotificationPolicy::healthChanged(const CiHealth &health)
{
    QList<DesktopNotification> result;
    for (const WatchedWorkflow &workflow : health.workflows) {
        const CiHealthState state = workflow.state();
        if (state != CiHealthState::Passing && state != CiHealthState::Failing)
            continue; // running or unknown: the outcome is still to come
        const auto last = m_lastOutcome.constFind(workflow.key());
        const bool changed = last != m_lastOutcome.cend() && *last != state;
        m_lastOutcome.insert(workflow.key(), state);
        if (!changed)
            continue;
        const bool broke = state == CiHealthState::Failing;
        DesktopNotification notification;
        notification.title =
            broke ? tr("CI broke: %1").arg(workflow.label()) : tr("CI fixed: %1").arg(workflow.label());
        notification.body = tr("Run #%1 on %2 by %3: %4")
                                .arg(workflow.latest->runNumber)
                                .arg(workflow.branch, workflow.latest->actor, workflow.latest->displayTitle);
        notification.warning = broke;
        notification.target = DesktopNotification::Target::Run;
        notification.repo = workflow.repo;
        notification.runId = workflow.latest->id;
        notification.runNumber = workflow.latest->runNumber;
        result.append(notification);
    }
    return result;
}

std::optional<DesktopNotification>
NotificationPolicy::triggerMessage(const TriggerNotification &message) const
{
    if (!m_choices.triggerMessages)
        return std::nullopt;
    DesktopNotification notification;
    notification.title = message.title;
    notification.body = message.body;
    if (!message.eventId.isEmpty()) {
        notification.target = DesktopNotification::Target::Event;
        notification.eventId = message.eventId;
    }
    return notification;
}

std::optional<DesktopNotification> NotificationPolicy::triggerFailed(const QString &message,
                                                                     const QString &eventId,
                                                                     const QString &actionId) const
{
    if (!m_choices.triggerFailures)
        return std::nullopt;
    DesktopNotification notification;
    notification.title = tr("Trigger failed");
    notification.body = message;
    notification.warning = true;
    notification.eventId = eventId;
    notification.actionId = actionId;
    if (!actionId.isEmpty())
        notification.target = DesktopNotification::Target::Action;
    else if (!eventId.isEmpty())
        notification.target = DesktopNotification::Target::Event;
    return notification;
}

} // namespace exeserver
