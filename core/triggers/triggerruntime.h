#pragma once

#include "triggers/triggerengine.h"
#include "util/result.h"

#include <QObject>

#include <memory>

class QNetworkAccessManager;

namespace exeserver {

class EventStore;
class Settings;

// The trigger engine as every entry point runs it (`events ingest`, `actions retry`, `serve`, the desktop
// app): a GitHub client with the store's ETag cache when a token is configured, the code file runner, the
// user's presets, team-mode claims when a team database is configured (TriggerClaims::fromSettings).
// Notifications become a signal; what to do with them (a line on stdout, a tray message) is the entry point's
// business.
class TriggerRuntime : public QObject
{
    Q_OBJECT
public:
    // `maxRateLimitWaitSecs`: how long a GitHub call may wait for a rate-limit reset.
    TriggerRuntime(Settings &settings, EventStore &store, QNetworkAccessManager *network,
                   int maxRateLimitWaitSecs = 90, QObject *parent = nullptr);
    ~TriggerRuntime() override;

    // Failed when team mode could not be set up (a bad EXESERVER_DATABASE_URL); the message is redacted.
    const Status &status() const { return m_status; }
    TriggerEngine &engine();
    bool hasGitHub() const;
    // The token changed in the settings (already saved there): GitHub actions and code files that opt in
    // use it from now on, without a restart. A runtime started without a token gets its client now.
    void setToken(const QString &token);
    QString token() const;

Q_SIGNALS:
    void notification(const exeserver::TriggerNotification &notification);

private:
    void createGitHub();

    struct Private;
    std::unique_ptr<Private> d;
    Status m_status = success();
};

} // namespace exeserver
