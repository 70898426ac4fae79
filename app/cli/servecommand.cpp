// `exeserver-cli serve`: run headless, receiving GitHub events (webhooks, relay) until SIGINT/SIGTERM.
#include "blocking.h"
#include "commandtable.h"
#include "config/logging.h"
#include "enginesession.h"
#include "events/eventintake.h"
#include "events/poller.h"
#include "events/webhookreceiver.h"
#include "host/automationhost.h"
#include "shutdownsignals.h"
#include "store/eventstore.h"
#include "sync/syncservice.h"
#include "triggers/triggerengine.h"
#include "triggers/triggerruntime.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>

#include <memory>

namespace exeserver::cli {

namespace {

const QCommandLineOption
    kWebhookPort(QStringLiteral("webhook-port"),
                 QStringLiteral("Port for GitHub webhooks (default 3000; 0 picks a free one)."),
                 QStringLiteral("N"), QStringLiteral("3000"));
const QCommandLineOption kWebhookBind(QStringLiteral("webhook-bind"),
                                      QStringLiteral("Address to listen on (default 127.0.0.1). Any other "
                                                     "address needs GITHUB_WEBHOOK_SECRET."),
                                      QStringLiteral("ADDR"), QStringLiteral("127.0.0.1"));
const QCommandLineOption kNoPoll(QStringLiteral("no-poll"), QStringLiteral("Do not poll GitHub for events."));
const QCommandLineOption kRelay(QStringLiteral("relay"),
                                QStringLiteral("Receive webhooks through this smee.io-style relay channel "
                                               "(default: EXESERVER_RELAY_URL)."),
                                QStringLiteral("URL"));
const QCommandLineOption
    kRepo(QStringLiteral("repo"),
          QStringLiteral("Poll this repository (repeatable): its events, Actions runs and "
                         "the notifications about it."),
          QStringLiteral("OWNER/REPO"));
const QCommandLineOption kInMemory(QStringLiteral("in-memory"),
                                   QStringLiteral("Keep events in memory instead of the event store."));

int serve(CliContext &context, const QCommandLineParser &parser)
{
    QTextStream &out = context.out();
    QTextStream &err = context.err();
    Settings &settings = context.settings();

    bool portOk = false;
    const uint port = parser.value(kWebhookPort).toUInt(&portOk);
    if (!portOk || port > 65535) {
        err << "exeserver-cli serve: --webhook-port must be a number from 0 to 65535\n";
        return ExitUsage;
    }
    const QString bindText = parser.value(kWebhookBind);
    QHostAddress bind = bindText == QLatin1StringView("localhost") ? QHostAddress(QHostAddress::LocalHost)
                                                                   : QHostAddress(bindText);
    if (bind.isNull()) {
        err << "exeserver-cli serve: --webhook-bind needs an IP address such as 127.0.0.1, ::1 or 0.0.0.0, "
               "not '"
            << bindText << "'\n";
        return ExitUsage;
    }
    const QString relayText = parser.isSet(kRelay) ? parser.value(kRelay) : settings.get(setting::RelayUrl);
    const QUrl relayUrl(relayText, QUrl::StrictMode);
    if (!relayText.isEmpty() &&
        (!relayUrl.isValid() || !relayUrl.scheme().startsWith(QLatin1StringView("http")))) {
        err << "exeserver-cli serve: the relay URL must be an http(s) URL, not '" << relayText << "'\n";
        return ExitUsage;
    }

    for (const QString &repo : parser.values(kRepo)) {
        if (repo.count(QLatin1Char('/')) != 1 || repo.startsWith(QLatin1Char('/')) ||
            repo.endsWith(QLatin1Char('/'))) {
            err << "exeserver-cli serve: --repo needs OWNER/REPO, not '" << repo << "'\n";
            return ExitUsage;
        }
    }

    // Where events go: the event store, or memory when asked (tests, a quick look).
    std::unique_ptr<EventStore> store;
    if (parser.isSet(kInMemory)) {
        out << "Events are kept in memory only (--in-memory).\n";
    } else {
        store = std::make_unique<EventStore>();
        const QString path = EventStore::defaultPath(settings);
        if (const Status opened = store->open(path); !opened) {
            err << "exeserver-cli serve: cannot open the event store: " << opened.error().message << '\n';
            return ExitRefused;
        }
        out << "Events are stored in " << path << '\n';
    }

    AutomationHost::Options options;
    options.webhookPort = quint16(port);
    options.webhookBind = bind;
    if (!relayText.isEmpty())
        options.relayUrl = relayUrl;
    options.repositories = parser.values(kRepo);
    options.poll = !parser.isSet(kNoPoll);
    // With the store, the poller remembers what was seen across restarts so downtime is caught up.
    options.pollerStatePath = QDir(settings.dataDir()).filePath(QStringLiteral("poller-state.json"));
    AutomationHost host(settings, store.get(), context.network(), options);
    QObject::connect(&host, &AutomationHost::warningRaised, &host, [&err](const QString &warning) {
        err << "Warning: " << warning << '\n';
        err.flush();
    });
    QObject::connect(&host, &AutomationHost::pollFailed, &host, [&err](const QString &message) {
        err << "Poll failed: " << message << '\n';
        err.flush();
    });
    QObject::connect(&host, &AutomationHost::webhooksListening, &host, [&out, &host]() {
        out << "Listening for GitHub webhooks on " << host.receiver()->baseUrl() << " (POST "
            << WebhookReceiver::webhookPaths().join(QStringLiteral(", POST ")) << "; GET /healthz)\n";
    });
    QObject::connect(&host, &AutomationHost::relayConnected, &host, [&out]() {
        out << "Relay connected.\n";
        out.flush();
    });
    QObject::connect(&host, &AutomationHost::relayReconnecting, &host, [&err](int delayMs) {
        err << "Relay disconnected; reconnecting in " << delayMs / 1000.0 << " s\n";
        err.flush();
    });
    QObject::connect(&host, &AutomationHost::relayStarted, &host, [&out](const QUrl &url) {
        out << "Receiving webhooks through the relay " << url.toDisplayString(QUrl::RemoveUserInfo) << '\n';
    });
    const bool noPoll = parser.isSet(kNoPoll);
    QObject::connect(&host, &AutomationHost::pollingChanged, &host,
                     [&out, noPoll](const QUrl &apiUrl, const QStringList &repos) {
                         if (noPoll)
                             out << "Polling: off (--no-poll).\n";
                         else if (repos.isEmpty())
                             out << "Polling: off (no --repo OWNER/REPO given).\n";
                         else
                             out << "Polling GitHub (" << apiUrl.toDisplayString() << ") for "
                                 << repos.join(QStringLiteral(", "))
                                 << ": events, Actions runs and notifications (marked read once stored).\n";
                     });
    QObject::connect(&host, &AutomationHost::eventPolled, &host, [&out](const NormalizedEvent &event) {
        out << "event " << event.name;
        if (!event.action.isEmpty())
            out << ' ' << event.action;
        if (!event.repository.isEmpty())
            out << ' ' << event.repository;
        out << " (poll, " << event.id << ")\n";
        out.flush();
    });
    QObject::connect(&host, &AutomationHost::eventAccepted, &host, [&out](const NormalizedEvent &event) {
        out << "event " << event.name;
        if (!event.action.isEmpty())
            out << ' ' << event.action;
        if (!event.repository.isEmpty())
            out << ' ' << event.repository;
        out << " (" << toString(event.source) << ", " << event.id << ")\n";
        out.flush();
    });
    QObject::connect(&host, &AutomationHost::processingFailed, &host, [&err](const QString &message) {
        err << "Triggers not run: " << message << '\n';
        err.flush();
    });
    const auto printReport = [&out, &err](const QString &eventId, const ProcessReport &report) {
        for (const QString &name : report.fired)
            out << "trigger " << name << " fired for " << eventId << '\n';
        for (const QString &error : report.errors)
            err << "Trigger not run for " << eventId << ": " << error << '\n';
        err.flush();
        out.flush();
    };
    QObject::connect(&host, &AutomationHost::eventProcessed, &host, printReport);
    QObject::connect(&host, &AutomationHost::claimDecided, &host, printReport);
    EngineSession::printTo(context, host);
    if (const Status started = host.start(); !started) {
        if (host.listenFailed())
            err << "exeserver-cli serve: " << started.error().message << '\n';
        else
            err << "exeserver-cli: " << started.error().message << '\n';
        return ExitRefused;
    }
    // A team database, when configured, is kept in step while serve runs (what `sync` does on its own).
    QString syncProblem;
    const std::unique_ptr<SyncService> sync =
        store ? SyncService::startFrom(settings, *store, context.network(), &syncProblem) : nullptr;
    if (sync)
        out << "Syncing events and actions to " << sync->targetDescription() << '\n';
    else if (!syncProblem.isEmpty())
        err << "exeserver-cli: sync off: " << syncProblem << '\n';
    err.flush();
    if (const ResumeReport &resumed = host.resumeReport(); resumed.firings > 0) {
        out << "Resumed " << resumed.firings
            << " firing(s) the last exit left unfinished: " << resumed.finished
            << " code file(s) had finished meanwhile, " << resumed.reattached << " still running, "
            << resumed.restarted << " started now, " << resumed.lookedUp << " looked for on GitHub";
        if (resumed.interrupted > 0)
            out << "; " << resumed.interrupted
                << " with an unknown outcome, marked interrupted (see exeserver-cli actions list --status "
                   "interrupted)";
        out << ".\n";
    }
    if (host.resumeReport().deferred > 0)
        out << host.resumeReport().deferred << " debounced event(s) wait for their quiet period again.\n";

    QEventLoop loop;
    ShutdownSignals shutdown;
    QString stoppedBy;
    QObject::connect(&shutdown, &ShutdownSignals::shutdownRequested, &loop, [&](const QString &name) {
        stoppedBy = name;
        loop.quit();
    });
    out << "Press Ctrl+C to stop.\n";
    out.flush();
    loop.exec();

    // Drain: stop taking new deliveries, wait for team claims in flight (their firings are recorded, not
    // lost), then let queued announcements run before the store closes.
    host.stop();
    if (TriggerRuntime *triggers = host.triggers(); triggers && triggers->engine().claimingCount() > 0) {
        TriggerEngine &engine = triggers->engine();
        QObject waiting; // the connection ends with this scope
        runBlocking([&engine, &waiting](std::function<void()> finished) {
            QObject::connect(&engine, &TriggerEngine::claimDecided, &waiting, [&engine, finished]() {
                if (engine.claimingCount() == 0)
                    finished();
            });
        });
    }
    QCoreApplication::processEvents(QEventLoop::AllEvents, 200);
    const EventIntake &intake = host.intake();
    out << "Stopped (" << stoppedBy << "): " << intake.storedCount() << " stored, " << intake.duplicateCount()
        << " duplicates, " << intake.rejectedCount() << " rejected";
    if (const Poller *poller = host.poller())
        out << "; " << poller->storedCount() << " polled";
    out << ".\n";
    return ExitOk;
}

} // namespace

void registerServeCommand(CommandTable &table)
{
    table.add({.words = {QStringLiteral("serve")},
               .summary = QStringLiteral(
                   "Run headless: receive GitHub webhooks (and a relay) until SIGINT/SIGTERM."),
               .run = serve,
               .options = {kWebhookPort, kWebhookBind, kRepo, kNoPoll, kRelay, kInMemory},
               .maxArguments = 0});
}

} // namespace exeserver::cli
