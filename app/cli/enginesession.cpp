#include "enginesession.h"

#include "blocking.h"
#include "config/secretredactor.h"
#include "github/githubclient.h"
#include "store/eventstore.h"
#include "store/sqliteresponsecache.h"
#include "sync/postgrestarget.h"
#include "triggers/codefilerunner.h"
#include "triggers/presetstore.h"
#include "triggers/triggerclaims.h"
#include "triggers/triggerengine.h"

#include <QProcess>
#include <QStandardPaths>
#include <QSysInfo>
#include <QUuid>

namespace exeserver::cli {

struct EngineSession::Private
{
    std::unique_ptr<ResponseCache> cache;
    std::unique_ptr<GitHubClient> github;
    std::unique_ptr<CodefileRunner> runner;
    std::unique_ptr<PresetStore> presets;
    std::unique_ptr<TriggerClaims> claims;
    std::unique_ptr<TriggerEngine> engine;
};

EngineSession::EngineSession(CliContext &context, EventStore &store)
    : d(std::make_unique<Private>())
{
    Settings &settings = context.settings();
    const QString token = settings.get(setting::GitHubToken);
    if (!token.isEmpty()) {
        d->cache = std::make_unique<SqliteResponseCache>(store);
        GitHubClient::Options options = GitHubClient::optionsFrom(settings, &context.network());
        options.connection.cache = d->cache.get();
        options.connection.maxRateLimitWaitSecs = 90;
        d->github = std::make_unique<GitHubClient>(options);
    }
    d->runner = std::make_unique<CodefileRunner>();
    d->presets = std::make_unique<PresetStore>(settings.dataDir());
    const QString databaseUrl = settings.get(setting::DatabaseUrl);
    if (!databaseUrl.isEmpty()) {
        const Result<PostgresAddress> address = PostgresAddress::fromUrl(databaseUrl);
        if (!address) {
            context.err() << "exeserver-cli: " << SecretRedactor::redact(address.error().message) << '\n';
            m_failed = true;
        } else {
            d->claims = std::make_unique<TriggerClaims>(
                *address, QSysInfo::machineHostName() + QLatin1Char(':') +
                              QUuid::createUuid().toString(QUuid::WithoutBraces));
        }
    }
    TriggerEngine::Options options;
    options.dataDir = settings.dataDir();
    options.token = token;
    options.claims = d->claims.get();
    QTextStream &out = context.out();
    // Headless, the notification is a line on stdout; on a Linux desktop it is also shown through
    // notify-send. Title and body are separate arguments, never a command line: they hold event data.
    const QString notifySend = QStandardPaths::findExecutable(QStringLiteral("notify-send"));
    options.notifier = [&out, notifySend](const TriggerNotification &notification) {
        out << "notify: " << notification.title;
        if (!notification.body.isEmpty())
            out << " — " << notification.body;
        out << '\n';
        out.flush();
        if (!notifySend.isEmpty())
            QProcess::startDetached(notifySend, {QStringLiteral("--app-name=ExeServer"), QStringLiteral("--"),
                                                 notification.title, notification.body});
    };
    d->engine = std::make_unique<TriggerEngine>(store, d->github.get(), *d->runner, *d->presets,
                                                SystemClock::instance(), options);
    QObject::connect(d->engine.get(), &TriggerEngine::actionFinished, d->engine.get(),
                     [&out](const QString &id, ActionKind kind, const QString &target, ActionStatus status,
                            const QString &detail) {
                         out << "action " << id << ' ' << toString(kind) << ' ' << target << ": "
                             << toString(status);
                         const QString line = detail.section(QLatin1Char('\n'), 0, 0).left(200);
                         if (!line.isEmpty())
                             out << " (" << line << ')';
                         out << '\n';
                         out.flush();
                     });
}

EngineSession::~EngineSession() = default;

TriggerEngine &EngineSession::engine()
{
    return *d->engine;
}

void EngineSession::waitUntilIdle()
{
    if (d->engine->busyCount() == 0)
        return;
    runBlocking([this](std::function<void()> finished) {
        QObject::connect(d->engine.get(), &TriggerEngine::idle, d->engine.get(), finished,
                         Qt::SingleShotConnection);
    });
}

} // namespace exeserver::cli
