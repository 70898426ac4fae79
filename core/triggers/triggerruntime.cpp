#include "triggers/triggerruntime.h"

#include "config/secretredactor.h"
#include "config/settings.h"
#include "github/githubclient.h"
#include "store/eventstore.h"
#include "store/sqliteresponsecache.h"
#include "triggers/codefilerunner.h"
#include "triggers/presetstore.h"
#include "triggers/triggerclaims.h"
#include "util/clock.h"

#include <QSysInfo>
#include <QUuid>

namespace exeserver {

struct TriggerRuntime::Private
{
    Settings *settings = nullptr;
    EventStore *store = nullptr;
    QNetworkAccessManager *network = nullptr;
    int maxRateLimitWaitSecs = 90;
    QString token;
    std::unique_ptr<ResponseCache> cache;
    std::unique_ptr<GitHubClient> github;
    std::unique_ptr<CodefileRunner> runner;
    std::unique_ptr<PresetStore> presets;
    std::unique_ptr<TriggerClaims> claims;
    std::unique_ptr<TriggerEngine> engine;
};

TriggerRuntime::TriggerRuntime(Settings &settings, EventStore &store, QNetworkAccessManager *network,
                               int maxRateLimitWaitSecs, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->settings = &settings;
    d->store = &store;
    d->network = network;
    d->maxRateLimitWaitSecs = maxRateLimitWaitSecs;
    const QString token = settings.get(setting::GitHubToken);
    d->token = token;
    if (!token.isEmpty())
        createGitHub();
    d->runner = std::make_unique<CodefileRunner>();
    d->presets = std::make_unique<PresetStore>(settings.dataDir());
    QString problem;
    d->claims = TriggerClaims::fromSettings(settings, network,
                                            QSysInfo::machineHostName() + QLatin1Char(':') +
                                                QUuid::createUuid().toString(QUuid::WithoutBraces),
                                            &problem);
    if (!problem.isEmpty())
        m_status = Error{QStringLiteral("invalid"), SecretRedactor::redact(problem)};
    TriggerEngine::Options options;
    options.dataDir = settings.dataDir();
    options.token = token;
    options.claims = d->claims.get();
    options.apiUrl = settings.gitHubApiUrl();
    options.notifier = [this](const TriggerNotification &notification) {
        Q_EMIT this->notification(notification);
    };
    d->engine = std::make_unique<TriggerEngine>(store, d->github.get(), *d->runner, *d->presets,
                                                SystemClock::instance(), options);
}

TriggerRuntime::~TriggerRuntime() = default;

void TriggerRuntime::createGitHub()
{
    d->cache = std::make_unique<SqliteResponseCache>(*d->store);
    GitHubClient::Options options = GitHubClient::optionsFrom(*d->settings, d->network);
    options.connection.cache = d->cache.get();
    options.connection.maxRateLimitWaitSecs = d->maxRateLimitWaitSecs;
    d->github = std::make_unique<GitHubClient>(options);
}

void TriggerRuntime::setToken(const QString &token)
{
    if (token == d->token)
        return;
    d->token = token;
    if (d->github)
        d->github->connection().setToken(token);
    else if (!token.isEmpty())
        createGitHub();
    d->engine->setGitHub(d->github.get(), token);
}

QString TriggerRuntime::token() const
{
    return d->token;
}

TriggerEngine &TriggerRuntime::engine()
{
    return *d->engine;
}

bool TriggerRuntime::hasGitHub() const
{
    return d->github != nullptr;
}

} // namespace exeserver
