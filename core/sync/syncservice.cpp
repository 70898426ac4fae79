#include "sync/syncservice.h"

#include "config/logging.h"
#include "config/settings.h"
#include "sync/backgroundsynctarget.h"
#include "sync/postgresqltarget.h"
#include "sync/supabasetarget.h"
#include "util/clock.h"

namespace exeserver {

std::unique_ptr<SyncTarget> SyncService::targetFrom(const Settings &settings, QNetworkAccessManager &network,
                                                    bool background, QString *problem)
{
    if (settings.isSet(setting::DatabaseUrl)) {
        const Result<PostgresAddress> address = PostgresAddress::fromUrl(settings.get(setting::DatabaseUrl));
        if (!address) {
            *problem = address.error().message;
            return nullptr;
        }
        if (!background)
            return std::make_unique<PostgresqlTarget>(*address);
        return std::make_unique<BackgroundSyncTarget>(
            QStringLiteral("PostgreSQL ") + address->describe(),
            [address = *address]() { return std::make_unique<PostgresqlTarget>(address); });
    }
    if (settings.isSet(setting::SupabaseUrl) && settings.isSet(setting::SupabaseAnonKey))
        return std::make_unique<SupabaseTarget>(network, QUrl(settings.get(setting::SupabaseUrl)),
                                                settings.get(setting::SupabaseAnonKey));
    *problem = QStringLiteral("Sync is not configured: set SUPABASE_URL and SUPABASE_ANON_KEY, or "
                              "EXESERVER_DATABASE_URL.");
    return nullptr;
}

bool SyncService::isConfigured(const Settings &settings)
{
    return settings.isSet(setting::DatabaseUrl) ||
           (settings.isSet(setting::SupabaseUrl) && settings.isSet(setting::SupabaseAnonKey));
}

std::unique_ptr<SyncService> SyncService::startFrom(const Settings &settings, EventStore &store,
                                                    QNetworkAccessManager &network, QString *problem)
{
    if (!isConfigured(settings))
        return nullptr;
    std::unique_ptr<SyncTarget> target = targetFrom(settings, network, /*background=*/true, problem);
    if (!target)
        return nullptr;
    auto sync = std::make_unique<SyncService>(store, std::move(target), SystemClock::instance());
    if (const Status started = sync->start(); !started) {
        *problem = started.error().message;
        return nullptr;
    }
    return sync;
}

SyncService::SyncService(EventStore &store, std::unique_ptr<SyncTarget> target, Clock *clock, Options options,
                         QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_target(std::move(target))
    , m_engine(store, *m_target, clock, options.engine)
    , m_clock(clock)
    , m_options(options)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &SyncService::drain);
    connect(&m_engine, &SyncEngine::statusChanged, this, &SyncService::statusChanged);
}

SyncService::~SyncService() = default;

Status SyncService::start()
{
    if (const Status enabled = m_engine.enable(); !enabled)
        return enabled;
    qCInfo(lcSync).noquote() << "syncing to" << targetDescription();
    drain();
    return success();
}

void SyncService::stop()
{
    m_timer.stop();
}

void SyncService::syncNow()
{
    if (m_engine.isDraining()) {
        m_again = true;
        return;
    }
    m_timer.start(0);
}

QString SyncService::targetDescription() const
{
    return m_target->describe();
}

void SyncService::drain()
{
    if (m_engine.isDraining())
        return;
    m_again = false;
    m_engine.drain([this](SyncRun run) {
        m_lastRun = run;
        if (!run.error.isEmpty())
            qCWarning(lcSync).noquote() << "sync:" << run.error;
        // Next: at once when asked meanwhile, after the backoff when failing, else at the interval.
        qint64 wait = m_again ? 0 : m_options.intervalMs;
        if (const QDateTime next = m_engine.status().nextAttemptAt; next.isValid())
            wait = std::max<qint64>(wait, m_clock->now().msecsTo(next));
        m_timer.start(int(std::clamp<qint64>(wait, 0, 24 * 3600 * 1000)));
        // No statusChanged here: the engine has just emitted it for this run.
    });
}

QString SyncService::summary() const
{
    const SyncStatus s = status();
    QStringList parts;
    if (s.pending == 0 && s.parked == 0)
        parts.append(tr("Sync: up to date"));
    else
        parts.append(tr("Sync: %1 pending, %2 parked").arg(s.pending).arg(s.parked));
    if (s.nextAttemptAt.isValid()) {
        const qint64 secs = std::max<qint64>(0, m_clock->now().secsTo(s.nextAttemptAt));
        parts.append(tr("retry in %1 s").arg(secs));
    }
    if (!s.lastError.isEmpty() && s.nextAttemptAt.isValid())
        parts.append(s.lastError);
    parts.append(targetDescription());
    return parts.join(QStringLiteral(" · "));
}

} // namespace exeserver
