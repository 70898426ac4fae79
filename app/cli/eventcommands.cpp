// `exeserver-cli serve`: run headless, receiving GitHub events (webhooks, relay) until SIGINT/SIGTERM.
#include "commandtable.h"
#include "config/logging.h"
#include "enginesession.h"
#include "events/eventintake.h"
#include "events/memoryeventsink.h"
#include "events/poller.h"
#include "events/relayclient.h"
#include "events/storeeventsink.h"
#include "events/webhookreceiver.h"
#include "github/githubclient.h"
#include "shutdownsignals.h"
#include "store/eventstore.h"
#include "store/sqliteresponsecache.h"
#include "triggers/triggerengine.h"
#include "util/clock.h"

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

    // Where events go: the event store, or memory when asked (tests, a quick look).
    std::unique_ptr<EventStore> store;
    std::unique_ptr<EventSink> sink;
    if (parser.isSet(kInMemory)) {
        sink = std::make_unique<MemoryEventSink>();
        out << "Events are kept in memory only (--in-memory).\n";
    } else {
        store = std::make_unique<EventStore>();
        const QString path = EventStore::defaultPath(settings);
        if (const Status opened = store->open(path); !opened) {
            err << "exeserver-cli serve: cannot open the event store: " << opened.error().message << '\n';
            return ExitRefused;
        }
        sink = std::make_unique<StoreEventSink>(*store);
        out << "Events are stored in " << path << '\n';
    }

    EventIntake intake(*sink, *SystemClock::instance());
    intake.setSecret(settings.get(setting::WebhookSecret).toUtf8());
    WebhookReceiver receiver(intake);
    QObject::connect(&receiver, &WebhookReceiver::warningRaised, &receiver, [&err](const QString &warning) {
        err << "Warning: " << warning << '\n';
        err.flush();
    });
    if (const Status listening = receiver.listen(bind, quint16(port)); !listening) {
        err << "exeserver-cli serve: " << listening.error().message << '\n';
        return ExitRefused;
    }
    out << "Listening for GitHub webhooks on " << receiver.baseUrl() << " (POST "
        << WebhookReceiver::webhookPaths().join(QStringLiteral(", POST ")) << "; GET /healthz)\n";

    std::unique_ptr<RelayClient> relay;
    if (!relayText.isEmpty()) {
        relay = std::make_unique<RelayClient>(context.network(), intake);
        QObject::connect(relay.get(), &RelayClient::connected, relay.get(), [&out]() {
            out << "Relay connected.\n";
            out.flush();
        });
        QObject::connect(relay.get(), &RelayClient::reconnectScheduled, relay.get(), [&err](int delayMs) {
            err << "Relay disconnected; reconnecting in " << delayMs / 1000.0 << " s\n";
            err.flush();
        });
        relay->start(relayUrl);
        out << "Receiving webhooks through the relay " << relayUrl.toDisplayString(QUrl::RemoveUserInfo)
            << '\n';
    }
    // The poller: what webhooks would bring, fetched with conditional requests.
    std::unique_ptr<ResponseCache> cache; // outlives the client
    std::unique_ptr<GitHubClient> client;
    std::unique_ptr<Poller> poller;
    const QStringList repos = parser.values(kRepo);
    for (const QString &repo : repos) {
        if (repo.count(QLatin1Char('/')) != 1 || repo.startsWith(QLatin1Char('/')) ||
            repo.endsWith(QLatin1Char('/'))) {
            err << "exeserver-cli serve: --repo needs OWNER/REPO, not '" << repo << "'\n";
            return ExitUsage;
        }
    }
    if (parser.isSet(kNoPoll)) {
        out << "Polling: off (--no-poll).\n";
    } else if (repos.isEmpty()) {
        out << "Polling: off (no --repo OWNER/REPO given).\n";
    } else {
        if (store)
            cache = std::make_unique<SqliteResponseCache>(*store);
        GitHubClient::Options options = GitHubClient::optionsFrom(settings, &context.network());
        options.connection.cache = cache.get();
        client = std::make_unique<GitHubClient>(options);
        Poller::Options pollerOptions;
        // With the store, remember what was seen across restarts so downtime is caught up, not skipped.
        if (store)
            pollerOptions.statePath = QDir(settings.dataDir()).filePath(QStringLiteral("poller-state.json"));
        poller = std::make_unique<Poller>(*client, *sink, SystemClock::instance(), repos, pollerOptions);
        QObject::connect(poller.get(), &Poller::eventPolled, poller.get(),
                         [&out](const NormalizedEvent &event) {
                             out << "event " << event.name;
                             if (!event.action.isEmpty())
                                 out << ' ' << event.action;
                             if (!event.repository.isEmpty())
                                 out << ' ' << event.repository;
                             out << " (poll, " << event.id << ")\n";
                             out.flush();
                         });
        QObject::connect(poller.get(), &Poller::pollFailed, poller.get(), [&err](const QString &message) {
            err << "Poll failed: " << message << '\n';
            err.flush();
        });
        out << "Polling GitHub (" << options.connection.apiUrl.toDisplayString() << ") for "
            << repos.join(QStringLiteral(", "))
            << ": events, Actions runs and notifications (marked read once stored).\n";
        poller->start();
    }

    // Triggers run for stored events only: with --in-memory there is no action log to run them through.
    std::unique_ptr<EngineSession> engine;
    if (store) {
        engine = std::make_unique<EngineSession>(context, *store);
        if (engine->failed())
            return ExitRefused;
        const Result<int> interrupted = engine->engine().recoverInterrupted();
        if (interrupted && *interrupted > 0)
            out << *interrupted
                << " action(s) were running when ExeServer last stopped; marked interrupted "
                   "(not run again; see exeserver-cli actions list --status interrupted).\n";
    }
    QObject::connect(
        &intake, &EventIntake::eventAccepted, &intake, [&out, &err, &engine](const NormalizedEvent &event) {
            out << "event " << event.name;
            if (!event.action.isEmpty())
                out << ' ' << event.action;
            if (!event.repository.isEmpty())
                out << ' ' << event.repository;
            out << " (" << toString(event.source) << ", " << event.id << ")\n";
            if (engine) {
                const Result<ProcessReport> report = engine->engine().process(event.id);
                if (!report)
                    err << "Triggers not run for " << event.id << ": " << report.error().message << '\n';
                else {
                    for (const QString &name : report->fired)
                        out << "trigger " << name << " fired for " << event.id << '\n';
                    for (const QString &error : report->errors)
                        err << "Trigger not run for " << event.id << ": " << error << '\n';
                }
                err.flush();
            }
            out.flush();
        });

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

    // Drain: stop taking new deliveries, then let queued announcements run before the store closes.
    if (poller)
        poller->stop();
    if (relay)
        relay->stop();
    receiver.close();
    QCoreApplication::processEvents(QEventLoop::AllEvents, 200);
    out << "Stopped (" << stoppedBy << "): " << intake.storedCount() << " stored, " << intake.duplicateCount()
        << " duplicates, " << intake.rejectedCount() << " rejected";
    if (poller)
        out << "; " << poller->storedCount() << " polled";
    out << ".\n";
    return ExitOk;
}

} // namespace

void registerEventCommands(CommandTable &table)
{
    table.add(
        {{QStringLiteral("serve")},
         QStringLiteral(
             "[--webhook-port N] [--webhook-bind ADDR] [--repo OWNER/REPO]... [--no-poll] [--relay URL]"),
         QStringLiteral("Run headless: receive GitHub webhooks (and a relay) until SIGINT/SIGTERM."),
         [](QCommandLineParser &parser) {
             parser.addOption(kWebhookPort);
             parser.addOption(kWebhookBind);
             parser.addOption(kNoPoll);
             parser.addOption(kRelay);
             parser.addOption(kRepo);
             parser.addOption(kInMemory);
         },
         serve});
}

} // namespace exeserver::cli
