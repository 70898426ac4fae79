#include "triggers/eventcoverage.h"

#include "github/hookregistry.h"
#include "triggers/trigger.h"

#include <algorithm>

namespace exeserver {

namespace {

EventRoute webhookOnly(const char *event)
{
    return {QString::fromLatin1(event), PollSource::None, {}};
}

EventRoute eventsApi(const char *event, const char *type)
{
    return {QString::fromLatin1(event), PollSource::EventsApi, QString::fromLatin1(type)};
}

bool anyEvent(const QString &event)
{
    return event.isEmpty() || event == QLatin1StringView("*");
}

} // namespace

const QList<EventRoute> &EventCoverage::table()
{
    // GitHub's Events API covers a fixed set of types (docs: "GitHub event types"); workflow runs are
    // polled from the Actions API and notifications from the inbox. Everything else is webhook-only.
    static const QList<EventRoute> routes = {
        webhookOnly("branch_protection_rule"),
        webhookOnly("check_run"),
        webhookOnly("check_suite"),
        webhookOnly("code_scanning_alert"),
        eventsApi("commit_comment", "CommitCommentEvent"),
        eventsApi("create", "CreateEvent"),
        eventsApi("delete", "DeleteEvent"),
        webhookOnly("dependabot_alert"),
        webhookOnly("deploy_key"),
        webhookOnly("deployment"),
        webhookOnly("deployment_review"),
        webhookOnly("deployment_status"),
        webhookOnly("discussion"),
        webhookOnly("discussion_comment"),
        eventsApi("fork", "ForkEvent"),
        webhookOnly("github_app_authorization"),
        eventsApi("gollum", "GollumEvent"),
        webhookOnly("installation"),
        webhookOnly("installation_repositories"),
        eventsApi("issue_comment", "IssueCommentEvent"),
        eventsApi("issues", "IssuesEvent"),
        webhookOnly("label"),
        webhookOnly("marketplace_purchase"),
        eventsApi("member", "MemberEvent"),
        webhookOnly("membership"),
        webhookOnly("merge_group"),
        webhookOnly("meta"),
        webhookOnly("milestone"),
        webhookOnly("organization"),
        webhookOnly("org_block"),
        webhookOnly("package"),
        webhookOnly("page_build"),
        webhookOnly("ping"),
        webhookOnly("project"),
        webhookOnly("project_card"),
        webhookOnly("project_column"),
        webhookOnly("projects_v2_item"),
        eventsApi("public", "PublicEvent"),
        eventsApi("pull_request", "PullRequestEvent"),
        eventsApi("pull_request_review", "PullRequestReviewEvent"),
        eventsApi("pull_request_review_comment", "PullRequestReviewCommentEvent"),
        eventsApi("pull_request_review_thread", "PullRequestReviewThreadEvent"),
        eventsApi("push", "PushEvent"),
        eventsApi("release", "ReleaseEvent"),
        webhookOnly("repository_dispatch"),
        webhookOnly("repository"),
        webhookOnly("repository_import"),
        webhookOnly("repository_vulnerability_alert"),
        webhookOnly("security_advisory"),
        eventsApi("sponsorship", "SponsorshipEvent"),
        webhookOnly("star"),
        webhookOnly("status"),
        webhookOnly("team"),
        webhookOnly("team_add"),
        eventsApi("watch", "WatchEvent"),
        webhookOnly("workflow_dispatch"),
        webhookOnly("workflow_job"),
        {QStringLiteral("workflow_run"), PollSource::ActionsRuns, {}},
        {QStringLiteral("notification"), PollSource::Notifications, {}},
    };
    return routes;
}

PollSource EventCoverage::pollSource(const QString &event)
{
    const QList<EventRoute> &routes = table();
    const auto it = std::find_if(routes.begin(), routes.end(),
                                 [&event](const EventRoute &route) { return route.event == event; });
    return it == routes.end() ? PollSource::None : it->poll;
}

QString EventCoverage::pollDelay(PollSource source)
{
    switch (source) {
    case PollSource::EventsApi:
        return QStringLiteral("polled from the Events API, 30 s to hours late");
    case PollSource::ActionsRuns:
        return QStringLiteral(
            "polled from the Actions runs, 15 s while a run is active, up to 5 min when idle");
    case PollSource::Notifications:
        return QStringLiteral("polled from your notifications, about every minute");
    case PollSource::None:
        break;
    }
    return {};
}

bool EventCoverage::isDeaf(const QString &event, const CoverageContext &context)
{
    if (context.hook || anyEvent(event))
        return false;
    return !context.polled || pollSource(event) == PollSource::None;
}

QString EventCoverage::describe(const QString &event, const CoverageContext &context)
{
    const QString name = anyEvent(event) ? QStringLiteral("any event") : event;
    const PollSource source = anyEvent(event) ? PollSource::EventsApi : pollSource(event);
    const bool polled = context.polled && source != PollSource::None;
    QStringList ways;
    if (context.hook)
        ways << (context.hookViaRelay ? QStringLiteral("by webhook through the relay channel (seconds)")
                                      : QStringLiteral("by webhook (seconds)"));
    if (polled)
        ways << (context.hook ? QStringLiteral("also ") : QString()) + pollDelay(source);
    if (!ways.isEmpty()) {
        QString text = name + QStringLiteral(": ") + ways.join(QStringLiteral("; "));
        if (!context.hook && source == PollSource::EventsApi)
            text += QStringLiteral(" (a webhook brings it in seconds: exeserver-cli hooks add)");
        if (anyEvent(event) && !context.hook)
            text += QStringLiteral("; webhook-only types (check_suite, status, …) never arrive");
        return text;
    }
    if (source == PollSource::None && event != QLatin1StringView("notification"))
        return name + QStringLiteral(": nothing delivers this event type — GitHub sends it only as a "
                                     "webhook; set one up with exeserver-cli hooks add");
    return name + QStringLiteral(": nothing delivers this event type — its repositories are not polled "
                                 "and have no webhook");
}

CoverageContext EventCoverage::contextFor(const Trigger &trigger, const HookRegistry &hooks,
                                          const QString &relayUrl, bool polling)
{
    CoverageContext context;
    context.polled = polling;
    for (const HookRegistry::Entry &entry : hooks.entries()) {
        if (!entry.active || !(entry.events.contains(QStringLiteral("*")) || anyEvent(trigger.event) ||
                               entry.events.contains(trigger.event)))
            continue;
        const bool organization = entry.scope.startsWith(QLatin1StringView("org:"));
        const QString name = organization ? entry.scope.mid(4) : entry.scope;
        bool applies = trigger.repositories.isEmpty();
        for (const GlobPattern &pattern : trigger.repositories) {
            applies = applies || (organization ? pattern.pattern().startsWith(name + QLatin1Char('/'))
                                               : pattern.matches(name));
        }
        if (!applies)
            continue;
        context.hook = true;
        context.hookViaRelay = context.hookViaRelay || (!relayUrl.isEmpty() && entry.url == relayUrl);
    }
    return context;
}

QStringList EventCoverage::webhookEvents(const QList<Trigger> &triggers)
{
    QStringList events;
    for (const Trigger &trigger : triggers) {
        if (!trigger.enabled)
            continue;
        if (anyEvent(trigger.event))
            return {QStringLiteral("*")};
        if (pollSource(trigger.event) != PollSource::Notifications && !events.contains(trigger.event))
            events.append(trigger.event);
    }
    events.sort();
    return events;
}

} // namespace exeserver
