#include "events/poller.h"

#include "events/eventnormalizer.h"
#include "github/githubclient.h"

#include <QFile>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QSaveFile>
#include <QTimer>

#include <algorithm>
#include <optional>

namespace exeserver {

Q_LOGGING_CATEGORY(lcPoller, "exeserver.poller", QtInfoMsg)

namespace {

int pollIntervalOf(const GitHubResponse &response, int fallback)
{
    bool ok = false;
    const int secs = response.header("x-poll-interval").toInt(&ok);
    return ok && secs > 0 ? secs : fallback;
}

QString idText(const QJsonValue &value)
{
    return value.isString() ? value.toString() : QString::number(value.toInteger());
}

bool isOffline(const Error &error)
{
    return error.kind == QLatin1StringView("network") || error.kind == QLatin1StringView("timeout");
}

} // namespace

struct Poller::Round
{
    int pending = 1; // the round itself, released once every request is sent
    std::optional<Error> firstError;
    bool offline = false;
    bool rateLimited = false;
    int requests = 0;
    std::function<void(Status)> done;
};

Poller::Poller(GitHubClient &client, EventSink &sink, const Clock *clock, QStringList repositories,
               QObject *parent)
    : Poller(client, sink, clock, std::move(repositories), Options{}, parent)
{
}

Poller::Poller(GitHubClient &client, EventSink &sink, const Clock *clock, QStringList repositories,
               Options options, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_sink(sink)
    , m_clock(clock ? clock : SystemClock::instance())
    , m_repositories(std::move(repositories))
    , m_options(options)
    , m_timer(new QTimer(this))
{
    m_repositories.removeDuplicates();
    for (const QString &repo : std::as_const(m_repositories)) {
        RepoState state;
        state.repo = repo;
        m_states.append(std::move(state));
    }
    loadState();
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this,
            [this]() { pollOnce([this](const Status &) { scheduleNext(); }); });
}

Poller::~Poller() = default;

void Poller::start()
{
    m_running = true;
    m_timer->start(0);
}

void Poller::stop()
{
    m_running = false;
    m_timer->stop();
}

QDateTime Poller::nextPollAt() const
{
    // An endpoint never polled yet (invalid due time) is due now.
    const QDateTime now = m_clock->now();
    QDateTime next;
    auto consider = [&](const QDateTime &due) {
        const QDateTime when = due.isValid() ? due : now;
        if (!next.isValid() || when < next)
            next = when;
    };
    if (m_options.pollNotifications)
        consider(m_notificationsDueAt);
    for (const RepoState &state : m_states) {
        consider(state.eventsDueAt);
        consider(state.runsDueAt);
    }
    if (!next.isValid())
        next = now;
    if (m_pausedUntil.isValid() && m_pausedUntil > next)
        next = m_pausedUntil;
    return next;
}

void Poller::scheduleNext()
{
    if (!m_running)
        return;
    const qint64 waitMs = m_clock->now().msecsTo(nextPollAt());
    // At least a second, so a clock that does not move (tests) cannot make the timer spin.
    m_timer->start(int(std::clamp<qint64>(waitMs, 1000, 3600 * 1000)));
}

QDateTime Poller::rateLimitResumeAt() const
{
    const RateLimitState limit = m_client.rateLimit();
    const QDateTime now = m_clock->now();
    if (limit.isBlocked(now))
        return limit.blockedUntil;
    if (limit.isKnown() && limit.remaining >= 0 && limit.remaining < m_options.minRemainingRateLimit &&
        limit.reset.isValid() && limit.reset > now)
        return limit.reset;
    return {};
}

QDateTime Poller::later(int secs, int pollIntervalSecs) const
{
    return m_clock->now().addSecs(std::max(secs, pollIntervalSecs));
}

QDateTime Poller::retryAt(const Error &error, int secs) const
{
    // Offline: the round's backoff pause decides when to try again, for every endpoint alike.
    return isOffline(error) ? m_clock->now() : later(secs, 0);
}

void Poller::pollOnce(std::function<void(Status)> done)
{
    if (m_roundRunning) {
        if (done)
            done(Error{QStringLiteral("busy"), QStringLiteral("A poll round is already running."), 0});
        return;
    }
    const QDateTime now = m_clock->now();
    if (const QDateTime resume = rateLimitResumeAt(); resume.isValid()) {
        m_pausedUntil = resume;
        qCInfo(lcPoller) << "rate limited; polling resumes at" << resume.toString(Qt::ISODate);
    }
    if (m_pausedUntil.isValid() && m_pausedUntil > now) {
        if (done)
            done(success());
        return;
    }
    m_roundRunning = true;
    auto round = std::make_shared<Round>();
    round->done = std::move(done);
    for (RepoState &state : m_states) {
        if (!state.eventsDueAt.isValid() || state.eventsDueAt <= now)
            pollEvents(state, round);
        if (!state.runsDueAt.isValid() || state.runsDueAt <= now)
            pollRuns(state, round);
    }
    if (m_options.pollNotifications && (!m_notificationsDueAt.isValid() || m_notificationsDueAt <= now))
        pollNotifications(round);
    if (--round->pending == 0)
        finishRound(*round);
}

bool Poller::noteFailure(Round &round, const Error &error)
{
    qCWarning(lcPoller) << "poll failed:" << error.kind << error.message;
    if (!round.firstError)
        round.firstError = error;
    if (isOffline(error))
        round.offline = true;
    if (error.kind == QLatin1StringView("rate_limited"))
        round.rateLimited = true;
    Q_EMIT pollFailed(error.message);
    return true;
}

bool Poller::store(const NormalizedEvent &event, Round &round)
{
    const Result<EventSink::Outcome> outcome = m_sink.accept(event);
    if (!outcome) {
        noteFailure(round, outcome.error());
        return false;
    }
    if (*outcome == EventSink::Outcome::Stored) {
        ++m_stored;
        Q_EMIT eventPolled(event);
    }
    return true;
}

void Poller::finishRound(Round &round)
{
    const QDateTime now = m_clock->now();
    if (round.offline) {
        m_offlineBackoffSecs = m_offlineBackoffSecs == 0
                                   ? m_options.offlineInitialBackoffSecs
                                   : std::min(m_offlineBackoffSecs * 2, m_options.maxOfflineBackoffSecs);
        m_pausedUntil = now.addSecs(m_offlineBackoffSecs);
        qCInfo(lcPoller) << "offline; next attempt in" << m_offlineBackoffSecs << "s";
    } else if (round.requests > 0) {
        m_offlineBackoffSecs = 0;
    }
    if (round.rateLimited) {
        const QDateTime resume = rateLimitResumeAt();
        m_pausedUntil = resume.isValid() ? resume : now.addSecs(m_options.idleIntervalSecs);
    }
    m_roundRunning = false;
    saveState();
    Q_EMIT roundFinished();
    if (round.done)
        round.done(round.firstError ? Status(*round.firstError) : success());
}

void Poller::loadState()
{
    if (m_options.statePath.isEmpty())
        return;
    QFile file(m_options.statePath);
    if (!file.exists())
        return;
    QJsonParseError error;
    const QJsonDocument document =
        file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll(), &error) : QJsonDocument();
    if (!document.isObject()) {
        // Starting from a baseline again loses nothing that is already stored; it only misses what happened
        // while we were down, so say so.
        qCWarning(lcPoller).noquote() << QStringLiteral("Ignoring unreadable poller state %1; polling starts "
                                                        "from a fresh baseline.")
                                             .arg(m_options.statePath);
        return;
    }
    const QJsonObject root = document.object();
    const QJsonObject repos = root.value(QLatin1StringView("repositories")).toObject();
    for (RepoState &state : m_states) {
        const QJsonObject saved = repos.value(state.repo).toObject();
        if (saved.isEmpty())
            continue; // a newly added repository starts with a baseline
        state.eventsPrimed = saved.value(QLatin1StringView("events_primed")).toBool();
        for (const QJsonValue &id : saved.value(QLatin1StringView("seen_event_ids")).toArray())
            state.seenEventIds.insert(id.toString());
        state.runsPrimed = saved.value(QLatin1StringView("runs_primed")).toBool();
        const QJsonObject runKeys = saved.value(QLatin1StringView("run_keys")).toObject();
        for (auto it = runKeys.begin(); it != runKeys.end(); ++it)
            state.runKeys.insert(it.key().toLongLong(), it.value().toString());
    }
    m_notificationsPrimed = root.value(QLatin1StringView("notifications_primed")).toBool();
    for (const QJsonValue &thread : root.value(QLatin1StringView("handled_threads")).toArray())
        m_handledThreads.insert(thread.toString());
}

void Poller::saveState() const
{
    if (m_options.statePath.isEmpty())
        return;
    QJsonObject repos;
    for (const RepoState &state : m_states) {
        QJsonObject runKeys;
        for (auto it = state.runKeys.begin(); it != state.runKeys.end(); ++it)
            runKeys.insert(QString::number(it.key()), it.value());
        repos.insert(state.repo, QJsonObject{{QStringLiteral("events_primed"), state.eventsPrimed},
                                             {QStringLiteral("seen_event_ids"),
                                              QJsonArray::fromStringList(state.seenEventIds.values())},
                                             {QStringLiteral("runs_primed"), state.runsPrimed},
                                             {QStringLiteral("run_keys"), runKeys}});
    }
    const QJsonObject root{
        {QStringLiteral("repositories"), repos},
        {QStringLiteral("notifications_primed"), m_notificationsPrimed},
        {QStringLiteral("handled_threads"), QJsonArray::fromStringList(m_handledThreads.values())}};
    QSaveFile file(m_options.statePath);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(root).toJson(QJsonDocument::Compact)) < 0 || !file.commit())
        qCWarning(lcPoller).noquote() << QStringLiteral("Cannot save poller state to %1: %2")
                                             .arg(m_options.statePath, file.errorString());
}

Poller::RepoState *Poller::stateFor(const QString &repo)
{
    const auto it = std::find_if(m_states.begin(), m_states.end(),
                                 [&repo](const RepoState &state) { return state.repo == repo; });
    return it == m_states.end() ? nullptr : &*it;
}

void Poller::pollEvents(RepoState &state, const std::shared_ptr<Round> &round)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("per_page"), QStringLiteral("100"));
    GitHubRequest request = GitHubRequest::get(QStringLiteral("/repos/%1/events").arg(state.repo), query);
    ++round->pending;
    ++round->requests;
    const QString repo = state.repo;
    QPointer<Poller> self(this);
    m_client.connection().send(std::move(request), [self, repo, round](Result<GitHubResponse> response) {
        RepoState *const found = self ? self->stateFor(repo) : nullptr;
        if (!found)
            return;
        RepoState &state = *found;
        const int idle = std::max(self->m_options.idleIntervalSecs, state.runsIdleIntervalSecs);
        if (!response) {
            self->noteFailure(*round, response.error());
            state.eventsDueAt = self->retryAt(response.error(), idle);
        } else {
            state.eventsDueAt = self->later(idle, pollIntervalOf(*response, 60));
            const bool baseline = !state.eventsPrimed && !self->m_options.ingestFirstPage;
            state.eventsPrimed = true;
            QSet<QString> stillSeen;
            const QJsonArray &items = response->items;
            for (qsizetype i = items.size() - 1; i >= 0; --i) { // oldest first
                const QJsonObject object = items.at(i).toObject();
                const QString id = idText(object.value(QLatin1StringView("id")));
                if (state.seenEventIds.contains(id) || baseline) {
                    stillSeen.insert(id);
                    continue;
                }
                const Result<NormalizedEvent> event =
                    EventNormalizer::fromEventsApi(object, self->m_clock->now());
                if (!event) {
                    qCWarning(lcPoller) << "skipping Events API item" << id << event.error().message;
                    stillSeen.insert(id);
                } else if (self->store(*event, *round)) {
                    stillSeen.insert(id);
                }
            }
            // Only ids still on the page can come back, so the set stays as small as the page.
            state.seenEventIds = std::move(stillSeen);
        }
        if (--round->pending == 0)
            self->finishRound(*round);
    });
}

void Poller::pollRuns(RepoState &state, const std::shared_ptr<Round> &round)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("per_page"), QStringLiteral("50"));
    GitHubRequest request =
        GitHubRequest::get(QStringLiteral("/repos/%1/actions/runs").arg(state.repo), query);
    request.itemsKey = QStringLiteral("workflow_runs");
    ++round->pending;
    ++round->requests;
    const QString repo = state.repo;
    QPointer<Poller> self(this);
    m_client.connection().send(std::move(request), [self, repo, round](Result<GitHubResponse> response) {
        RepoState *const found = self ? self->stateFor(repo) : nullptr;
        if (!found)
            return;
        RepoState &state = *found;
        const Options &options = self->m_options;
        if (!response) {
            self->noteFailure(*round, response.error());
            state.runsDueAt = self->retryAt(response.error(), options.idleIntervalSecs);
        } else {
            const bool baseline = !state.runsPrimed && !options.ingestFirstPage;
            state.runsPrimed = true;
            bool active = false;
            bool changed = false;
            QHash<qint64, QString> keys;
            const QJsonArray &items = response->items;
            for (qsizetype i = items.size() - 1; i >= 0; --i) { // oldest first
                const QJsonObject run = items.at(i).toObject();
                const qint64 runId = run.value(QLatin1StringView("id")).toInteger();
                NormalizedEvent event = EventNormalizer::fromWorkflowRun(run, repo, self->m_clock->now());
                const qint64 attempt =
                    std::max<qint64>(1, run.value(QLatin1StringView("run_attempt")).toInteger());
                const QString key = event.action + QLatin1Char(':') + QString::number(attempt);
                active = active || event.action != QLatin1StringView("completed");
                const QString previous = state.runKeys.value(runId);
                if (previous == key || baseline) {
                    keys.insert(runId, key);
                    continue;
                }
                changed = true;
                if (self->store(event, *round))
                    keys.insert(runId, key);
                else if (!previous.isEmpty())
                    keys.insert(runId, previous); // retried on the next round
            }
            state.runKeys = std::move(keys);
            // Faster while something runs; while idle, each quiet round doubles the interval up to the cap.
            int secs = options.activeIntervalSecs;
            if (!active) {
                state.runsIdleIntervalSecs =
                    changed || state.runsIdleIntervalSecs == 0
                        ? options.idleIntervalSecs
                        : std::min(state.runsIdleIntervalSecs * 2, options.maxIdleIntervalSecs);
                secs = state.runsIdleIntervalSecs;
            } else {
                state.runsIdleIntervalSecs = 0;
            }
            state.runsDueAt = self->later(secs, pollIntervalOf(*response, 0));
        }
        if (--round->pending == 0)
            self->finishRound(*round);
    });
}

void Poller::pollNotifications(const std::shared_ptr<Round> &round)
{
    ++round->pending;
    ++round->requests;
    QPointer<Poller> self(this);
    m_client.listNotifications(m_options.participatingOnly, [self, round](Result<NotificationsPage> page) {
        if (!self)
            return;
        if (!page) {
            self->noteFailure(*round, page.error());
            self->m_notificationsDueAt = self->retryAt(page.error(), self->m_options.idleIntervalSecs);
        } else {
            self->m_notificationsDueAt = self->later(1, page->pollIntervalSecs);
            self->handleNotifications(*page, round);
        }
        if (--round->pending == 0)
            self->finishRound(*round);
    });
}

void Poller::handleNotifications(const NotificationsPage &page, const std::shared_ptr<Round> &round)
{
    const bool baseline = !m_notificationsPrimed && !m_options.ingestFirstPage;
    m_notificationsPrimed = true;
    QSet<QString> stillHandled;
    for (auto it = page.notifications.crbegin(); it != page.notifications.crend(); ++it) {
        const Notification &thread = *it;
        // Threads of repositories we do not poll are the user's business: not stored, not marked read.
        if (!m_repositories.isEmpty() && !m_repositories.contains(thread.repo))
            continue;
        const QString key =
            thread.id + QLatin1Char(':') + QString::number(thread.updatedAt.toSecsSinceEpoch());
        if (m_handledThreads.contains(key) || baseline || !thread.unread) {
            stillHandled.insert(key);
            continue;
        }
        const QJsonObject payload{
            {QStringLiteral("action"), thread.reason},
            {QStringLiteral("notification"), thread.toJson()},
            {QStringLiteral("repository"), QJsonObject{{QStringLiteral("full_name"), thread.repo}}}};
        NormalizedEvent event;
        event.id = QStringLiteral("poll:notification:%1").arg(key);
        event.name = QStringLiteral("notification");
        event.action = thread.reason;
        event.repository = thread.repo;
        event.occurredAt = thread.updatedAt;
        event.receivedAt = m_clock->now();
        event.payload = QJsonDocument(payload).toJson(QJsonDocument::Compact);
        event.source = EventSource::EventsApi;
        if (!store(event, *round))
            continue; // left unread; the cached page brings it back next round
        if (!m_options.markNotificationsRead) {
            stillHandled.insert(key);
            continue;
        }
        ++round->pending;
        ++round->requests;
        QPointer<Poller> self(this);
        m_client.markNotificationRead(thread.id, [self, round, key](Status marked) {
            if (!self)
                return;
            if (marked)
                self->m_handledThreads.insert(key);
            else
                self->noteFailure(*round, marked.error());
            if (--round->pending == 0)
                self->finishRound(*round);
        });
    }
    // Keys of threads no longer listed cannot come back (an update changes updated_at).
    for (const QString &key : std::as_const(m_handledThreads)) {
        for (const Notification &thread : page.notifications) {
            if (key.startsWith(thread.id + QLatin1Char(':')))
                stillHandled.insert(key);
        }
    }
    m_handledThreads = std::move(stillHandled);
}

} // namespace exeserver
