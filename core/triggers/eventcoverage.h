#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace exeserver {

class HookRegistry;
struct Trigger;

// How ExeServer can hear of an event type other than by webhook: which poller endpoint turns something
// into that event, if any.
enum class PollSource
{
    None,          // only GitHub's webhooks send it
    EventsApi,     // GET /repos/{repo}/events, type `eventsApiType`
    ActionsRuns,   // GET /repos/{repo}/actions/runs: run status changes
    Notifications, // GET /notifications: not a webhook event at all
};

// One row of the map from event type to how it can arrive. The table (EventCoverage::table) holds every
// webhook event of GitHub's catalog plus `notification`; tests/core/test_eventcoverage.cpp checks it
// against resources/webhook-events.json and each Events API type against the normaliser.
struct EventRoute
{
    QString event;
    PollSource poll = PollSource::None;
    QString eventsApiType; // "PushEvent" for EventsApi rows
};

// What is known about a trigger's repositories when its coverage is worked out.
struct CoverageContext
{
    bool polled = true;        // the poller watches the repositories
    bool hook = false;         // an active hook subscribes the event for them
    bool hookViaRelay = false; // ... and it points at the relay channel
};

// One place that says how each event type reaches ExeServer (webhook, relay, polling with its delay, or
// nothing), for `triggers list`, import/enable messages and the trigger editor.
class EventCoverage
{
public:
    static const QList<EventRoute> &table();
    static PollSource pollSource(const QString &event);
    // The poll delay in words: "30 s to hours late" for the Events API, ...
    static QString pollDelay(PollSource source);
    // "push: by webhook (seconds); also polled from the Events API (30 s to hours late)",
    // "check_suite: nothing delivers this event type — GitHub sends it only as a webhook; set one up
    // with `exeserver-cli hooks add`". `event` empty or "*": any event.
    static QString describe(const QString &event, const CoverageContext &context);
    // True when nothing delivers `event` in `context` (the case import and enable warn about).
    static bool isDeaf(const QString &event, const CoverageContext &context);

    // What is known locally about a trigger: an active hook ExeServer set up on one of its repositories
    // (or their organisation, or any, for a trigger on every repository) subscribing its event, whether
    // that hook points at `relayUrl`, and `polling` (the poller watches every enabled trigger's
    // repositories while polling is on). Hooks set up by hand on github.com are not known here.
    static CoverageContext contextFor(const Trigger &trigger, const HookRegistry &hooks,
                                      const QString &relayUrl, bool polling);

    // The webhook events a hook must subscribe for these triggers' (enabled ones') sake: sorted names, or
    // {"*"} when one of them takes any event. `notification` (never a webhook) is left out.
    static QStringList webhookEvents(const QList<Trigger> &triggers);
};

} // namespace exeserver
