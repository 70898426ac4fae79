#pragma once

#include "events/event.h"
#include "store/actionrecord.h"
#include "triggers/eventcontext.h"
#include "triggers/trigger.h"
#include "triggers/triggergate.h"
#include "util/clock.h"
#include "util/result.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

namespace exeserver {

class CodefileRunner;
class EventStore;
class GitHubClient;
class PresetStore;
class TriggerClaims;
struct CodefileResult;
struct FileCommands;

// A notify action's message, for the tray (GUI) or stdout (CLI).
struct TriggerNotification
{
    QString title;
    QString body;
    QString triggerName;
    QString eventId;
};

// What process() decided for one event.
struct ProcessReport
{
    QStringList fired;          // trigger names whose actions were queued by this call
    QStringList alreadyDecided; // matched, but a decision existed (redelivery, replay, another instance)
    QStringList deferred;       // held by a debounce; fire later unless superseded
    QStringList suppressed;     // matched, refused by the rate guard
    QStringList actionIds;      // the queued actions, in order
    QStringList errors;         // triggers that could not be decided (team database unreachable, ...)
    QStringList claiming;       // team mode: waiting for the team's claim; decided later (claimDecided)
};

// One stored event that decidePending() went through, and what it decided.
struct DecidedEvent
{
    QString eventId;
    ProcessReport report;
};

// What resume() found of the work an earlier process left unfinished.
struct ResumeReport
{
    int firings = 0;     // firings continued from where they stopped
    int finished = 0;    // code files that had ended meanwhile: their outcome is recorded now
    int reattached = 0;  // code files still running: followed until they end
    int restarted = 0;   // actions that had not begun: run now
    int lookedUp = 0;    // dispatches and comments cut off in flight: looked for on GitHub
    int interrupted = 0; // outcome unknown (see the action's error for what to check)
    int deferred = 0;    // debounced decisions waiting again for their quiet period
};

// Ties stored events to triggers and runs their actions exactly once: parse the payload once, match every
// enabled trigger from the store, write the (event, trigger) decision and its queued actions in one
// transaction (team mode: first claim the occurrence and trigger in the team database, asynchronously),
// then run each firing's actions in order through the action log (queued → running → success/failure;
// after a failure the rest are skipped). Each action is rendered again just before it runs, with the
// outputs of the code files that ran before it (`steps`); GITHUB_ENV and GITHUB_PATH carry from one code
// file to the next of the same firing.
// A restart marks what was running `interrupted` and never runs it again; retry() does, on request.
class TriggerEngine : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString dataDir; // per-run logs in <dataDir>/runs/<action id>.log; empty: no log files
        std::function<void(const TriggerNotification &)> notifier;
        QString token;                   // GITHUB_TOKEN for code files whose trigger opts in (pass_token)
        TriggerClaims *claims = nullptr; // team mode; not owned
        QUrl apiUrl; // GitHub's API, for GITHUB_API_URL / GITHUB_SERVER_URL of code files; empty: github.com
    };

    TriggerEngine(EventStore &store, GitHubClient *github, CodefileRunner &runner, PresetStore &presets,
                  const Clock *clock, Options options, QObject *parent = nullptr);
    ~TriggerEngine() override;

    // At startup, without resuming: actions of processes that are gone become interrupted (running) or
    // skipped (queued).
    Result<int> recoverInterrupted();
    // At startup: finishes what processes that are gone left undone. Their firings continue where they
    // stopped: a code file's outcome is read from its run files (or the run is followed while it still
    // goes on, or started when it never began), queued actions run, and only an action whose effect cannot
    // be known is marked interrupted. Debounced decisions wait again. Then call decidePending().
    Result<ResumeReport> resume();

    // Decides every stored event that arrived after the durable "decided through" mark, oldest first, and
    // moves the mark past them: no stored event is left without a decision, even when the process died
    // between storing it and deciding it. A store that never had the mark starts it at its newest event.
    // Triggers created after an event arrived do not fire on it here (process() leaves that to its caller).
    Result<QList<DecidedEvent>> decidePending();
    // Moves the mark past every stored event without deciding them (triggers paused).
    Status skipPending();

    // Matches a stored event (by id, or the event itself, which must already be stored) and queues the
    // actions of every trigger that fires. The actions run afterwards from the event loop. Triggers that
    // already decided about the event are left alone.
    Result<ProcessReport> process(const QString &eventId);
    Result<ProcessReport> process(const Event &event);

    // Runs one logged action again, as a new action row; returns the new row's id.
    Result<QString> retry(const QString &actionId);

    // The token changed in the settings: actions started from now on use this client (null: GitHub
    // actions fail as without a token) and pass this token to code files that opt in.
    void setGitHub(GitHubClient *github, const QString &token);

    // Actions queued or running in this engine and team claims waiting for an answer (`idle` when none).
    int busyCount() const { return m_busy; }
    int claimingCount() const { return m_claiming; }
    int deferredCount() const { return m_gate.pendingCount(); }

    // The enabled and disabled triggers of the store, compiled (cached until a definition changes).
    Result<QList<Trigger>> triggers();

Q_SIGNALS:
    void actionStarted(const QString &actionId, exeserver::ActionKind kind, const QString &target);
    void actionFinished(const QString &actionId, exeserver::ActionKind kind, const QString &target,
                        exeserver::ActionStatus status, const QString &detail);
    void idle(); // nothing queued or running any more
    // A team claim process() sent has been answered: `report` holds that one trigger's decision (fired
    // with its action ids, alreadyDecided when another instance had it, or an error: undecided).
    void claimDecided(const QString &eventId, const exeserver::ProcessReport &report);

private:
    struct Step;
    struct Firing;

    Result<ProcessReport> processContext(const EventContext &event, const QDateTime &receivedAt,
                                         const QList<Trigger> &triggers);
    // Whether an enabled trigger listens to this event type: an event none listens to needs no payload.
    static bool anyListensTo(const QList<Trigger> &triggers, const QString &eventType);
    Status fire(const Trigger &trigger, const EventContext &event, ProcessReport &report,
                bool fromDeferred = false);
    static void renderSteps(Firing &firing, const Trigger &trigger);
    static ActionOutcome codefileOutcome(const CodefileResult &result);
    static void absorbCommands(Firing &firing, const Step &step, const FileCommands &commands);
    void restoreEarlierSteps(Firing &firing, qsizetype before, const QString &eventId,
                             const QString &triggerId);
    std::shared_ptr<Firing> prepareFiring(const Trigger &trigger, const EventContext &event) const;
    Status commitFiring(const std::shared_ptr<Firing> &firing, ProcessReport &report);
    void claim(const std::shared_ptr<Firing> &firing);
    void onClaimed(const std::shared_ptr<Firing> &firing, const Result<bool> &claimed);
    Result<std::shared_ptr<Firing>> reloadFiring(const QString &triggerId, const QString &eventId);
    void resumeFiring(const QList<ActionRecord> &records, ResumeReport &report);
    void restoreDeferred(ResumeReport &report);
    void removeFinishedRunFiles();
    QString runLogPath(const QString &actionId) const;
    void scheduleMarkSave();
    Status saveMark();
    void runNext(std::shared_ptr<Firing> firing);
    void execute(const std::shared_ptr<Firing> &firing, const Step &step,
                 std::function<void(ActionOutcome)> done);
    void runCodefile(const std::shared_ptr<Firing> &firing, const Step &step,
                     std::function<void(ActionOutcome)> done);
    void runWorkflow(const std::shared_ptr<Firing> &firing, const Step &step,
                     std::function<void(ActionOutcome)> done);
    void lookUpOnGitHub(const std::shared_ptr<Firing> &firing, const Step &step,
                        std::function<void(ActionOutcome)> done);
    static QString dispatchRef(const WorkflowAction &workflow, const EventContext &event);
    void runComment(const std::shared_ptr<Firing> &firing, const Step &step,
                    std::function<void(ActionOutcome)> done);
    void onCodefileFinished(quint64 runId, const CodefileResult &result);
    void releaseDue();
    void scheduleGate();
    void settle(int delta);

    EventStore &m_store;
    GitHubClient *m_github;
    CodefileRunner &m_runner;
    PresetStore &m_presets;
    const Clock *m_clock;
    Options m_options;
    TriggerGate m_gate;
    QTimer m_gateTimer;
    std::optional<qint64> m_mark; // decided through this seq (loaded on first use)
    QTimer m_markSaveTimer;
    struct Cached
    {
        QDateTime createdAt;
        QDateTime updatedAt;
        QString definition;
        bool enabled = true;
        std::optional<Trigger> trigger; // nullopt: the stored definition does not load
    };
    QHash<QString, Cached> m_cache; // by trigger id
    QHash<quint64, std::function<void(const CodefileResult &)>> m_codefileWaiters;
    int m_busy = 0;
    int m_claiming = 0;
};

// How a trigger is kept in the store's triggers table: id = name, definition = the file format's JSON.
struct StoredTrigger;
StoredTrigger toStoredTrigger(const Trigger &trigger);
Result<Trigger> fromStoredTrigger(const StoredTrigger &stored);

} // namespace exeserver
