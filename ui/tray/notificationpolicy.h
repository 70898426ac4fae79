#pragma once

#include "dashboard/dashboardmodels.h"
#include "tray/trayhealth.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <optional>

namespace exeserver {

class Settings;
struct TriggerNotification;

// One desktop notification and what clicking it opens.
struct DesktopNotification
{
    enum class Target
    {
        Window, // just bring the window up
        Run,    // the run's details: repo + runId
        Event,  // the event: eventId
        Action, // the action in the action log: actionId
    };
    QString title;
    QString body;
    bool warning = false;
    Target target = Target::Window;
    QString repo;
    qint64 runId = 0;
    int runNumber = 0; // what messages show; the id is for GitHub
    QString eventId;
    QString actionId;
};

// What the user asked to be told about (Settings → Desktop).
struct NotificationChoices
{
    bool myFailedRuns = true;
    bool allFailedRuns = false;
    bool triggerFailures = true;
    bool triggerMessages = true;

    static NotificationChoices from(const Settings &settings);
};

// Decides which runs and trigger outcomes deserve a desktop notification: a run that failed after the
// policy started (not the old failures a first refresh lists, nor those of a repository just added) and
// that the user chose, each run attempt at most once however many refreshes list it. Free of widgets and
// of the tray, so tests feed it directly.
class NotificationPolicy
{
public:
    explicit NotificationPolicy(NotificationChoices choices = {},
                                QDateTime since = QDateTime::currentDateTimeUtc());

    void setChoices(const NotificationChoices &choices) { m_choices = choices; }
    NotificationChoices choices() const { return m_choices; }
    // The token owner's login: "my" runs are the ones this login started.
    void setLogin(const QString &login) { m_login = login; }
    QString login() const { return m_login; }

    // Every run a dashboard refresh listed; returns the notifications it warrants, newest first.
    QList<DesktopNotification> runsRefreshed(const QList<DashboardRun> &runs);
    // The watched workflows' health after a refresh: a notification when one breaks (its latest finished
    // default-branch run failed after one that passed) and when it is fixed. The first look at a
    // workflow only learns its state.
    QList<DesktopNotification> healthChanged(const CiHealth &health);
    std::optional<DesktopNotification> triggerMessage(const TriggerNotification &notification) const;
    // A trigger that could not run, or an action that failed; `eventId` when known. Clicking it opens the
    // action (`actionId`) when there is one, else the event.
    std::optional<DesktopNotification> triggerFailed(const QString &message, const QString &eventId = {},
                                                     const QString &actionId = {}) const;

private:
    bool wanted(const DashboardRun &run) const;

    NotificationChoices m_choices;
    QDateTime m_since;
    QString m_login;
    QSet<QString> m_seenUnfinished; // runs seen queued or running: their failure is news whatever its time
    QSet<QString> m_notified;       // repo#run#attempt already announced
    QHash<QString, CiHealthState> m_lastOutcome; // watched workflow -> Passing or Failing, last seen
};

} // namespace exeserver
