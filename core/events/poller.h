#pragma once

#include "events/eventsink.h"
#include "util/clock.h"
#include "util/result.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QList>
#include <QObject>
#include <QSet>
#include <QStringList>

#include <functional>

class QTimer;

namespace exeserver {

class GitHubClient;
struct GitHubResponse;
struct NotificationsPage;

// Polls GitHub for what webhooks would have delivered, for repositories GitHub cannot reach us from:
// each repository's Events API and Actions runs (run status changes become `workflow_run` events), and
// the notifications inbox (each thread becomes a `notification` event; left unread unless
// Options::markNotificationsRead, and then marked read only once stored).
// Conditional requests keep an idle repository at zero rate-limit units; intervals never undercut
// GitHub's X-Poll-Interval, shrink while a run is in progress, grow while idle, and back off when rate
// limited or offline.
//
// Polled events are stored with source EventsApi. Ids: "events-api:<id>" (Events API items),
// "poll:workflow_run:<run id>:<action>:<attempt>" (one per run transition, action requested /
// in_progress / completed), "poll:notification:<thread id>:<updated_at secs>" (one per thread update).
// A `notification` payload is {action: <reason>, notification: <thread JSON>, repository: {full_name}}.
class Poller : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        // false: the first answer of each endpoint is the baseline (remembered, not stored), so starting
        // the poller does not flood the store with history.
        bool ingestFirstPage = false;
        bool pollNotifications = true;
        bool participatingOnly = true; // mentions, review requests, assignments: what a bot answers to
        // Off by default: the inbox is the user's; reading a thread is their decision, not the poller's.
        bool markNotificationsRead = false;
        int activeIntervalSecs = 15;       // runs endpoint while a run is queued or in progress
        int idleIntervalSecs = 60;         // first interval once nothing is running
        int maxIdleIntervalSecs = 300;     // idle intervals double up to this
        int offlineInitialBackoffSecs = 5; // after a network error; doubles up to maxOfflineBackoffSecs
        int maxOfflineBackoffSecs = 300;
        int minRemainingRateLimit = 50; // fewer units left: wait for the reset
        // A JSON file remembering what was seen (event ids, run transitions, handled threads) across
        // restarts, so what happened while ExeServer was down is stored on the next start instead of being
        // taken as the baseline. Empty: remembered in memory only.
        QString statePath;
    };

    Poller(GitHubClient &client, EventSink &sink, const Clock *clock, QStringList repositories,
           QObject *parent = nullptr);
    Poller(GitHubClient &client, EventSink &sink, const Clock *clock, QStringList repositories,
           Options options, QObject *parent = nullptr);
    ~Poller() override;

    // Polls on a timer until stop(); the first round runs at once.
    void start();
    void stop();
    bool isRunning() const { return m_running; }

    // One round: every endpoint whose interval has passed (none when they are all waiting, or while paused
    // offline or rate limited: then `done` gets success at once). Otherwise `done` gets
    // the round's first error, after every request has finished. A round already running is an error.
    void pollOnce(std::function<void(Status)> done = {});

    const QStringList &repositories() const { return m_repositories; }
    // When the next request may go out, over all endpoints.
    QDateTime nextPollAt() const;
    int storedCount() const { return m_stored; }

Q_SIGNALS:
    void eventPolled(const exeserver::NormalizedEvent &event);
    void pollFailed(const QString &message);
    void roundFinished();

private:
    struct RepoState
    {
        QString repo;
        QSet<QString> seenEventIds;
        bool eventsPrimed = false;
        QDateTime eventsDueAt;
        QHash<qint64, QString> runKeys; // run id → "<action>:<attempt>" last stored
        bool runsPrimed = false;
        QDateTime runsDueAt;
        int runsIdleIntervalSecs = 0;
    };
    struct Round;

    RepoState *stateFor(const QString &repo); // nullptr for a repository no longer polled
    void loadState();
    void saveState() const;
    void pollEvents(RepoState &state, const std::shared_ptr<Round> &round);
    void pollRuns(RepoState &state, const std::shared_ptr<Round> &round);
    void pollNotifications(const std::shared_ptr<Round> &round);
    void handleNotifications(const NotificationsPage &page, const std::shared_ptr<Round> &round);
    void finishRound(Round &round);
    bool noteFailure(Round &round, const Error &error); // true: the endpoint should be retried later
    bool store(const NormalizedEvent &event, Round &round);
    QDateTime later(int secs, int pollIntervalSecs) const;
    QDateTime retryAt(const Error &error, int secs) const;
    void scheduleNext();
    QDateTime rateLimitResumeAt() const;

    GitHubClient &m_client;
    EventSink &m_sink;
    const Clock *m_clock;
    QStringList m_repositories;
    Options m_options;
    QList<RepoState> m_states;
    QDateTime m_notificationsDueAt;
    bool m_notificationsPrimed = false;
    QSet<QString> m_handledThreads; // "<thread id>:<updated_at>" stored and marked read (or baseline)
    QDateTime m_pausedUntil;        // offline or rate limited
    int m_offlineBackoffSecs = 0;
    bool m_roundRunning = false;
    bool m_running = false;
    int m_stored = 0;
    QTimer *m_timer;
};

} // namespace exeserver
