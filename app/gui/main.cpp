#include "afterfirstpaint.h"
#include "api/apihost.h"
#include "api/apiserver.h"
#include "api/apitoken.h"
#include "chat/chatdock.h"
#include "config/credentialloader.h"
#include "config/ghclitokensource.h"
#include "config/globaloptions.h"
#include "config/logging.h"
#include "config/secretstore.h"
#include "config/settings.h"
#include "exeserver/version.h"
#include "fontwarmup.h"
#include "github/githubclient.h"
#include "host/automationhost.h"
#include "imagepluginwarmup.h"
#include "mainwindow.h"
#include "startupreport.h"
#include "store/eventstore.h"
#include "store/sqliteresponsecache.h"
#include "sync/syncservice.h"
#include "tray/traycontroller.h"
#include "util/heaptrim.h"
#include "widgets/standardiconstyle.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QNetworkAccessManager>
#include <QStatusBar>
#include <QTimer>

#include <cstdio>
#include <memory>
#include <optional>

using namespace exeserver;

int main(int argc, char *argv[])
{
    keepLargeBlocksOutOfHeap(); // before anything is allocated: util/heaptrim.h says why
    const FontWarmUp fonts;     // while QApplication loads the platform plugin
    QApplication app(argc, argv);
    StartupReport::mark("application");
    // Fusion's icons without loading every image plugin (widgets/standardiconstyle.h). Any other style
    // reads image files the window shows at start: its plugins load on another thread while the window
    // builds itself.
    std::optional<ImagePluginWarmUp> imagePlugins;
    if (StandardIconStyle::canStandIn(QApplication::style()))
        QApplication::setStyle(new StandardIconStyle);
    else
        imagePlugins.emplace();
    QApplication::setApplicationName(QString::fromLatin1(kApplicationName));
    QApplication::setOrganizationName(QString::fromLatin1(kOrganizationName));
    QApplication::setApplicationVersion(QString::fromLatin1(kVersion));
    QApplication::setDesktopFileName(QStringLiteral("io.github.exeserver"));

    GlobalOptions globals;
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("ExeServer — a desktop automation desk for GitHub."));
    globals.addTo(parser);
    if (!parser.parse(QApplication::arguments()) || !parser.positionalArguments().isEmpty()) {
        const QString problem =
            parser.positionalArguments().isEmpty()
                ? parser.errorText()
                : QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first());
        std::fprintf(stderr, "exeserver: %s\n\n%s", qPrintable(problem), qPrintable(parser.helpText()));
        return 2;
    }
    globals.readFrom(parser);
    if (globals.helpRequested()) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (globals.versionRequested()) {
        std::printf("exeserver %s (Qt %s)\n", kVersion, qVersion());
        return 0;
    }

    Settings settings(QProcessEnvironment::systemEnvironment(), globals.settingOverrides());
    if (QDir().mkpath(settings.dataDir()))
        LogFile::install(settings.dataDir());
    if (const auto fileError = settings.fileError())
        qCWarning(lcApp).noquote() << fileError->message;

    // The store keeps the action log and the client's ETag cache, so a restart still sends conditional
    // requests. Without it the dashboard still works, with a cache in memory and no action log. The first
    // frame does not need it (the dashboard shows its snapshot file), so it opens right after that frame:
    // see openStore below.
    EventStore store;
    std::unique_ptr<SqliteResponseCache> cache;
    bool storeTried = false;
    QNetworkAccessManager network;
    // What `exeserver-cli serve` hosts: the webhook receiver (webhook.port), the relay, polling of the
    // dashboard's selected repositories and the triggers. It starts once the secrets are known (the
    // webhook secret and the token may come from the keychain). Declared before the window: it outlives it.
    // It is created and started after the window's first paint (see startServices below).
    std::unique_ptr<AutomationHost> host;
    const Result<AutomationHost::Options> hostOptions = AutomationHost::optionsFrom(settings);
    std::unique_ptr<GitHubClient> client; // declared before the window, which uses it, so it outlives it
    std::unique_ptr<SyncService> sync;    // likewise
    std::unique_ptr<ApiServer> api;       // the local API (api.enabled), beside the host
    MainWindow window(settings);
    window.waitForEventStore();
    StartupReport::mark("mainwindow");
    StartupReport::installIfRequested(&window); // bench/bench_startup
    StartupReport::mark("window");
    // Minimised to the tray only when there is a tray to bring it back from.
    if (settings.get(setting::StartMinimised) != QLatin1String("true") || !window.tray()->hasIcon())
        window.show();
    StartupReport::mark("show");
    if (!hostOptions)
        window.statusBar()->showMessage(QApplication::translate("main", "Webhooks and triggers off: %1")
                                            .arg(hostOptions.error().message));

    // Secrets arrive asynchronously (the keychain may ask the user); the window is already up meanwhile.
    SecretStore secrets(SecretStore::systemBackend());
    GhCliTokenSource ghCli;
    window.setSettingsServices(&secrets, &network);
    // The store, the host and the team database show nothing in the first frame, so at start they wait
    // until it is painted; the store opens (and its recovery settles interrupted actions) before the host
    // is created, so before any trigger runs.
    const auto openStore = [&]() {
        if (storeTried)
            return;
        storeTried = true;
        if (const Status opened = store.open(EventStore::defaultPath(settings)); opened) {
            cache = std::make_unique<SqliteResponseCache>(store);
        } else {
            qCWarning(lcApp).noquote() << "event store unavailable:" << opened.error().message;
        }
        // The dashboard's first requests waited in the connection for the ETag cache (cacheLater).
        if (client)
            client->connection().setCache(cache.get());
        window.setEventStore(store.isOpen() ? &store : nullptr);
        StartupReport::mark("store");
    };
    // The local API, when switched on in Settings: it needs the store, the host and the token (made and
    // kept in the keychain if there is none yet; Settings shows a new one once).
    const auto startApi = [&]() {
        if (api || !host || !store.isOpen() || settings.get(setting::ApiEnabled) != QLatin1String("true"))
            return;
        const Result<ApiAddress> address = apihost::addressFrom(settings);
        const auto report = [&window](const QString &problem) {
            qCWarning(lcApp).noquote() << "local API off:" << problem;
            window.statusBar()->showMessage(
                QApplication::translate("main", "Local API off: %1").arg(problem));
        };
        if (!address)
            return report(address.error().message);
        apitoken::ensure(settings, secrets, [&, address = *address, report](Result<QString> token, bool) {
            if (api)
                return;
            Result<std::unique_ptr<ApiServer>> started = apihost::start(
                address, token ? *token : QString(), store, *host, sync.get(),
                [&client]() { return client.get(); }, settings.dataDir());
            if (!started)
                return report(started.error().message);
            api = std::move(started).value();
        });
    };
    const auto startServices = [&]() {
        openStore();
        if (hostOptions && !host)
            host = std::make_unique<AutomationHost>(settings, store.isOpen() ? &store : nullptr, network,
                                                    *hostOptions);
        if (host && !host->isStarted()) {
            const Status started = host->start();
            if (!started)
                qCWarning(lcApp).noquote() << "automation host:" << started.error().message;
            window.setAutomationHost(host.get(), started ? QString() : started.error().message);
        }
        // The host's trigger engine finishes what the last exit left running (TriggerEngine::resume). When
        // it cannot start (e.g. a bad team database URL), settle that work here instead: the action log
        // must never show a dead process's action as running.
        if (store.isOpen() && (!host || !host->triggers())) {
            if (const Result<RecoveryReport> recovered = store.recoverInterrupted();
                recovered && recovered->interrupted > 0)
                qCWarning(lcApp) << recovered->interrupted << "actions were interrupted by the last exit";
        }
        // The team database (Supabase or PostgreSQL), once its key may have come from the keychain.
        if (!sync && store.isOpen()) {
            QString problem;
            sync = SyncService::startFrom(settings, store, network, &problem);
            if (sync) {
                window.setSyncService(sync.get());
            } else if (!problem.isEmpty()) {
                qCWarning(lcApp).noquote() << "sync off:" << problem;
                window.statusBar()->showMessage(QApplication::translate("main", "Sync off: %1").arg(problem));
            }
        }
        startApi();
        StartupReport::mark("services");
        // Opening the store and starting the host leave freed memory in several threads' arenas.
        QTimer::singleShot(0, &window, &MainWindow::releaseIdleMemory);
    };
    // Credentials usually arrive in the first event-loop turn, before the first frame is painted.
    bool painted = !window.isVisible();
    AfterFirstPaint::run(&window, [&]() {
        painted = true;
        openStore();
    });
    const auto credentialsReady = [&]() {
        window.refreshCredentials();
        if (!painted)
            AfterFirstPaint::run(&window, startServices);
        else
            startServices();
        if (client || settings.gitHubToken().isEmpty())
            return;
        GitHubClient::Options options = GitHubClient::optionsFrom(settings, &network);
        options.connection.cache = cache.get();
        options.connection.cacheLater = !storeTried; // openStore hands the cache over
        // A long rate-limit wait becomes a visible "rate limited" state instead of a refresh that hangs.
        options.connection.maxRateLimitWaitSecs = 30;
        client = std::make_unique<GitHubClient>(options);
        window.attachGitHub(client.get(), store.isOpen() ? &store : nullptr); // before openStore: null
        StartupReport::mark("dashboard");
    };
    loadCredentials(settings, secrets, ghCli, credentialsReady);
    // A token pasted into Settings on the welcome page brings up the dashboard without a restart.
    QObject::connect(&window, &MainWindow::settingsSaved, &window, [&]() { credentialsReady(); });

    return app.exec();
}
