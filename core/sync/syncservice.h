#pragma once

#include "sync/syncengine.h"
#include "util/result.h"

#include <QObject>
#include <QTimer>

#include <memory>

class QNetworkAccessManager;

namespace exeserver {

class Clock;
class EventStore;
class Settings;
class SyncTarget;

// Keeps the team database in step while the app or `serve` runs: drains the outbox now and then every
// few seconds (new events and actions land in the outbox by SQLite triggers), waiting out the engine's
// backoff when the target fails. One place decides which target the settings ask for.
class SyncService : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int intervalMs = 5000;
        SyncEngine::Options engine;
    };

    // The target the settings name: EXESERVER_DATABASE_URL (PostgreSQL, preferred) or SUPABASE_URL with
    // SUPABASE_ANON_KEY. `background` runs PostgreSQL on its own thread (for an event loop that must not
    // block). Null with `problem` set when sync is not configured or the URL is bad.
    static std::unique_ptr<SyncTarget> targetFrom(const Settings &settings, QNetworkAccessManager &network,
                                                  bool background, QString *problem);
    static bool isConfigured(const Settings &settings);
    // What the app and `serve` do at start: when sync is configured, a started service syncing in the
    // background (PostgreSQL off the caller's thread); null when it is not configured, or with `problem`
    // set when it is but cannot start.
    static std::unique_ptr<SyncService> startFrom(const Settings &settings, EventStore &store,
                                                  QNetworkAccessManager &network, QString *problem);

    SyncService(EventStore &store, std::unique_ptr<SyncTarget> target, Clock *clock, Options options,
                QObject *parent = nullptr);
    SyncService(EventStore &store, std::unique_ptr<SyncTarget> target, Clock *clock,
                QObject *parent = nullptr)
        : SyncService(store, std::move(target), clock, Options{}, parent)
    {
    }
    ~SyncService() override;

    // Enables the outbox (the first time it enqueues the whole history) and starts draining.
    Status start();
    void stop();
    // Drains as soon as the current run ends (e.g. after a burst of new events).
    void syncNow();

    SyncStatus status() const { return m_engine.status(); }
    const SyncRun &lastRun() const { return m_lastRun; }
    QString targetDescription() const;
    // "Sync: up to date · Supabase https://x.supabase.co" / "Sync: 120 pending, 2 parked · retry in 30 s"
    QString summary() const;

Q_SIGNALS:
    void statusChanged();

private:
    void drain();

    EventStore &m_store;
    std::unique_ptr<SyncTarget> m_target; // declared before the engine, which refers to it
    SyncEngine m_engine;
    Clock *m_clock;
    Options m_options;
    QTimer m_timer;
    SyncRun m_lastRun;
    bool m_again = false;
};

} // namespace exeserver
