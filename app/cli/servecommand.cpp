// `exeserver-cli serve`: run headless, receiving GitHub events (webhooks, relay) until SIGINT/SIGTERM.
#include "api/apihost.h"
#include "api/apiserver.h"
#include "api/apitoken.h"
#include "blocking.h"
#include "commandtable.h"
#include "config/logging.h"
#include "config/secretstore.h"
#include "enginesession.h"
#include "events/eventintake.h"
#include "events/poller.h"
#include "events/storeeventsink.h"
#include "events/webhookreceiver.h"
#include "github/githubclient.h"
#include "host/automationhost.h"
#include "shutdownsignals.h"
#include "store/eventstore.h"
#include "store/sqliteresponsecache.h"
#include "sync/syncservice.h"
#include "triggers/triggerengine.h"
#include "triggers/triggerruntime.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>

#include <memory>
#include <utility>

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
const QCommandLineOption kApiPort(QStringLiteral("api-port"),
                                  QStringLiteral("Serve the local HTTP API (/api/v1/) on this port (default: "
                                                 "api.port when api.enabled is true; 0 picks a free one)."),
                                  QStringLiteral("N"));
const QCommandLineOption
    kApiBind(QStringLiteral("api-bind"),
             QStringLiteral("Address the API listens on (default api.bind, 127.0.0.1). Any "
                            "other address needs the API token."),
             QStringLiteral("ADDR"));
const QCommandLineOption kNoApi(QStringLiteral("no-api"), QStringLiteral("Do not serve the local HTTP API."));
const QCommandLineOption kInMemory(QStringLiteral("in-memory"),
                                   QStringLiteral("Keep events in memory instead of the event store."));
const QCommandLineOption kNoJournal(
    QStringLiteral("no-intake-journal"),
    QStringLiteral("Store each delivery in the event store before answering it, on the answering thread, "
                   "instead of answering once it is in the intake journal (slower; for comparison)."));

// Where the API listens: --api-port, else api.port when api.enabled; nullopt when off.
Result<std::optional<ApiAddress>> apiAddress(const Settings &settings, const QCommandLineParser &parser)
{
    if (parser.isSet(kNoApi) ||
        (!parser.isSet(kApiPort) && settings.get(setting::ApiEnabled) != QLatin1StringView("true")))
        return std::optional<ApiAddress>{};
    const Result<ApiAddress> address =
        apihost::addressFrom(settings, parser.value(kApiPort), parser.value(kApiBind));
    if (!address)
        return address.error();
    return std::optional<ApiAddress>{*address};
}

// The token the API checks: the one in the keychain or EXESERVER_API_TOKEN, else a new one kept in the
// keychain and printed this once. Empty when there is none and no keychain to keep one.
QString apiToken(CliContext &context)
{
    Settings &settings = context.settings();
    if (const QString token = settings.get(setting::ApiToken); !token.isEmpty())
        return token;
    SecretStore secrets(SecretStore::systemBackend());
    QString token;
    runBlocking([&](std::function<void()> finished) {
        apitoken::ensure(
            settings, secrets, [&, finished](Result<QString> made, bool created) {
                if (!made) {
                    context.err() << "exeserver-cli serve: " << made.error().message << '\n';
                } else {
                    token = *made;
                    if (created)
                        context.out()
                            << "New API token (shown once; kept in the keychain; `exeserver-cli api token "
                               "--rotate` replaces it): "
                            << token << '\n';
                }
                finished();
            });
    });
    return token;
}

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

    const auto apiAt = apiAddress(settings, parser);
    if (!apiAt) {
        err << "exeserver-cli serve: " << apiAt.error().message << '\n';
        return ExitUsage;
    }
    if (apiAt->has_value() && parser.isSet(kInMemory)) {
        err << "exeserver-cli serve: the API reads the event store, so it cannot run with --in-memory (add "
               "--no-api)\n";
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
        // A host that runs for days mostly appends: a smaller page cache keeps its RSS flat (bench_soak).
        EventStore::Options storeOptions;
        storeOptions.cacheSizeKb = EventStore::kServeCacheKb;
        if (const Status opened = store->open(path, storeOptions); !opened) {
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
    options.journalIntake = !parser.isSet(kNoJournal);
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
    // One flush per event-loop turn, not per line: a busy intake announces a commit's events in one go.
    bool flushQueued = false;
    QObject::connect(&host, &AutomationHost::eventAccepted, &host,
                     [&out, &host, &flushQueued](const NormalizedEvent &event) {
                         out << "event " << event.name;
                         if (!event.action.isEmpty())
                             out << ' ' << event.action;
                         if (!event.repository.isEmpty())
                             out << ' ' << event.repository;
                         out << " (" << toString(event.source) << ", " << event.id << ")\n";
                         if (std::exchange(flushQueued, true))
                             return;
                         QMetaObject::invokeMethod(
                             &host,
                             [&out, &flushQueued]() {
                                 flushQueued = false;
                                 out.flush();
                             },
                             Qt::QueuedConnection);
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
    std::unique_ptr<SqliteResponseCache> apiCache;
    std::unique_ptr<GitHubClient> apiGitHub;
    std::unique_ptr<ApiServer> apiServer;
    if (apiAt->has_value()) {
        // Runs and workflows through the store's ETag cache, the one the desktop app's dashboard uses.
        if (!settings.gitHubToken().isEmpty()) {
            GitHubClient::Options options = GitHubClient::optionsFrom(settings, &context.network());
            apiCache = std::make_unique<SqliteResponseCache>(*store);
            options.connection.cache = apiCache.get();
            apiGitHub = std::make_unique<GitHubClient>(options);
        }
        Result<std::unique_ptr<ApiServer>> started = apihost::start(
            **apiAt, apiToken(context), *store, host, sync.get(),
            [client = apiGitHub.get()]() { return client; }, settings.dataDir());
        if (!started) {
            err << "exeserver-cli serve: " << started.error().message << '\n';
            host.stop();
            return ExitRefused;
        }
        apiServer = std::move(started).value();
        out << "Local API on " << apiServer->baseUrl() << "/api/v1/ ("
            << (apiServer->hasToken() ? "bearer token required" : "no token: loopback only") << ")\n";
    }
    if (const int recovered = host.recoveredEvents(); recovered > 0)
        out << "Stored " << recovered << " event(s) the last run had accepted but not stored yet.\n";
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
    if (apiServer)
        apiServer->close();
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

const QCommandLineOption
    kRotate(QStringLiteral("rotate"),
            QStringLiteral("Replace the token with a new one (a running server keeps the old "
                           "one until it restarts)."));

// `api token`: the token is shown when it is made, never again; --rotate makes a new one.
int apiTokenCommand(CliContext &context, const QCommandLineParser &parser)
{
    Settings &settings = context.settings();
    const SettingValue current = settings.value(setting::ApiToken);
    if (!parser.isSet(kRotate) && !current.value.isEmpty()) {
        context.out()
            << "An API token is set (from " << current.origin
            << "). It is shown only when it is made; `exeserver-cli api token --rotate` makes a new "
               "one.\n";
        return ExitOk;
    }
    SecretStore secrets(SecretStore::systemBackend());
    Result<QString> made = Error{};
    runBlocking([&](std::function<void()> finished) {
        const auto done = [&, finished](Result<QString> token) {
            made = std::move(token);
            finished();
        };
        if (parser.isSet(kRotate))
            apitoken::rotate(settings, secrets, done);
        else
            apitoken::ensure(settings, secrets,
                             [done](Result<QString> token, bool) { done(std::move(token)); });
    });
    if (!made) {
        context.err() << "exeserver-cli api token: " << made.error().message << '\n';
        return ExitRefused;
    }
    context.out() << "API token (shown once; kept in the keychain): " << *made << '\n';
    if (parser.isSet(kRotate))
        context.out() << "A running `serve` or desktop app uses it from its next start.\n";
    return ExitOk;
}

} // namespace

void registerServeCommand(CommandTable &table)
{
    table.add({.words = {QStringLiteral("api"), QStringLiteral("token")},
               .summary = QStringLiteral(
                   "Make the local API's bearer token (shown once), or replace it with --rotate."),
               .run = apiTokenCommand,
               .options = {kRotate},
               .maxArguments = 0});
    table.add({.words = {QStringLiteral("serve")},
               .summary = QStringLiteral(
                   "Run headless: receive GitHub webhooks (and a relay) until SIGINT/SIGTERM."),
               .run = serve,
               .options = {kWebhookPort, kWebhookBind, kRepo, kNoPoll, kRelay, kInMemory, kNoJournal,
                           kApiPort, kApiBind, kNoApi},
               .maxArguments = 0});
}

} // namespace exeserver::cli
