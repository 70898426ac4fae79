// The one map from event type to how it can arrive (core/triggers/eventcoverage.cpp), checked against
// GitHub's webhook catalog and the Events API normaliser, and the coverage text users read.
#include "catch.h"
#include "events/eventnormalizer.h"
#include "triggers/eventcoverage.h"
#include "triggers/triggerfile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

using namespace exeserver;

TEST_CASE("Event coverage: the map names every event of the webhook catalog, and nothing else", "[coverage]")
{
    QFile file(QStringLiteral(EXESERVER_SOURCE_DIR "/resources/webhook-events.json"));
    REQUIRE(file.open(QIODevice::ReadOnly));
    QSet<QString> catalog;
    for (const QJsonValue &event :
         QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("events")).toArray())
        catalog.insert(event.toObject().value(QStringLiteral("name")).toString());
    REQUIRE(catalog.size() > 50);

    QSet<QString> mapped;
    for (const EventRoute &route : EventCoverage::table()) {
        INFO(route.event.toStdString());
        CHECK_FALSE(mapped.contains(route.event)); // one row per event
        mapped.insert(route.event);
        if (route.poll == PollSource::Notifications)
            CHECK_FALSE(catalog.contains(route.event)); // not a webhook
        else
            CHECK(catalog.contains(route.event));
        // An Events API row names the type the normaliser turns into exactly this event.
        if (route.poll == PollSource::EventsApi) {
            REQUIRE_FALSE(route.eventsApiType.isEmpty());
            CHECK(EventNormalizer::webhookNameForEventsApiType(route.eventsApiType) == route.event);
        }
    }
    for (const QString &event : std::as_const(catalog)) {
        INFO(event.toStdString());
        CHECK(mapped.contains(event));
    }
}

TEST_CASE("Event coverage: what a user reads for push, workflow_run, check_suite and issue_comment",
          "[coverage]")
{
    const CoverageContext polledOnly{.polled = true, .hook = false};
    const CoverageContext withHook{.polled = true, .hook = true};
    const CoverageContext viaRelay{.polled = true, .hook = true, .hookViaRelay = true};

    CHECK(EventCoverage::describe(QStringLiteral("push"), polledOnly) ==
          QStringLiteral(
              "push: polled from the Events API, 30 s to hours late (a webhook brings it in seconds: "
              "exeserver-cli hooks add)"));
    CHECK(EventCoverage::describe(QStringLiteral("push"), withHook) ==
          QStringLiteral("push: by webhook (seconds); also polled from the Events API, 30 s to hours late"));
    CHECK(
        EventCoverage::describe(QStringLiteral("workflow_run"), polledOnly) ==
        QStringLiteral("workflow_run: polled from the Actions runs, 15 s while a run is active, up to 5 min "
                       "when idle"));
    CHECK(EventCoverage::describe(QStringLiteral("workflow_run"), viaRelay) ==
          QStringLiteral("workflow_run: by webhook through the relay channel (seconds); also polled from the "
                         "Actions runs, 15 s while a run is active, up to 5 min when idle"));
    CHECK(EventCoverage::describe(QStringLiteral("check_suite"), polledOnly) ==
          QStringLiteral("check_suite: nothing delivers this event type — GitHub sends it only as a webhook; "
                         "set one up with exeserver-cli hooks add"));
    CHECK(EventCoverage::isDeaf(QStringLiteral("check_suite"), polledOnly));
    CHECK(EventCoverage::describe(QStringLiteral("check_suite"), viaRelay) ==
          QStringLiteral("check_suite: by webhook through the relay channel (seconds)"));
    CHECK_FALSE(EventCoverage::isDeaf(QStringLiteral("check_suite"), withHook));
    CHECK(EventCoverage::describe(QStringLiteral("issue_comment"), polledOnly) ==
          QStringLiteral("issue_comment: polled from the Events API, 30 s to hours late (a webhook brings it "
                         "in seconds: exeserver-cli hooks add)"));
    CHECK(
        EventCoverage::describe(QStringLiteral("issue_comment"), withHook) ==
        QStringLiteral("issue_comment: by webhook (seconds); also polled from the Events API, 30 s to hours "
                       "late"));
    // A repository nobody polls and no hook: even push is deaf.
    const CoverageContext nothing{.polled = false, .hook = false};
    CHECK(EventCoverage::isDeaf(QStringLiteral("push"), nothing));
    CHECK(EventCoverage::describe(QStringLiteral("push"), nothing) ==
          QStringLiteral("push: nothing delivers this event type — its repositories are not polled and have "
                         "no webhook"));
}

TEST_CASE("Event coverage: a hook subscribes the enabled triggers' webhook events", "[coverage]")
{
    const Result<QList<Trigger>> triggers = TriggerFile::parse(R"(
triggers:
  - {name: a, event: push, run: [{notify: {title: t}}]}
  - {name: b, event: workflow_run, run: [{notify: {title: t}}]}
  - {name: c, event: push, run: [{notify: {title: t}}]}
  - {name: d, event: release, enabled: false, run: [{notify: {title: t}}]}
  - {name: e, event: notification, run: [{notify: {title: t}}]}
)");
    REQUIRE(triggers.ok());
    CHECK(EventCoverage::webhookEvents(*triggers) ==
          QStringList{QStringLiteral("push"), QStringLiteral("workflow_run")});
    QList<Trigger> withAny = *triggers;
    withAny.append(withAny.first());
    withAny.last().event = QStringLiteral("*");
    CHECK(EventCoverage::webhookEvents(withAny) == QStringList{QStringLiteral("*")});
}
