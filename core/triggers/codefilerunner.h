#pragma once

#include "triggers/eventcontext.h"
#include "triggers/filecommands.h"
#include "triggers/trigger.h"
#include "util/result.h"

#include <QHash>
#include <QMetaType>
#include <QObject>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <deque>
#include <memory>
#include <optional>

class QProcess;
class QTimer;

namespace exeserver {

// One code file run as the trigger engine asks for it. `action` should already be rendered by
// TemplateEngine (its args are passed as separate arguments, never through a shell).
struct CodefileRequest
{
    CodefileAction action;
    QString triggerName;
    EventContext event;
    QString token;                // exported as GITHUB_TOKEN / GH_TOKEN only when action.passToken
    QString logFilePath;          // full stdout + stderr; empty: not kept
    std::optional<int> timeoutMs; // overrides action.timeoutSeconds (tests, CLI)
    QUrl apiUrl;                  // GITHUB_API_URL, and GITHUB_SERVER_URL from it; empty: api.github.com
    // What earlier code files of the same firing wrote to GITHUB_ENV (in order) and GITHUB_PATH (the newest
    // first): their variables and directories are set for this run, as for a later step of an Actions job.
    QList<std::pair<QString, QString>> env;
    QStringList path;
    // With the run wrapper: leave the run's status and lock files beside the log (see RunFiles) for the
    // caller to remove once it has recorded the outcome, so a crash in between cannot lose it.
    bool keepRunFiles = false;
};

struct CodefileResult
{
    quint64 id = 0;
    bool started = false; // false: nothing ran (missing file, no interpreter, ...); see error
    bool success = false; // started, exited with 0, not timed out
    int exitCode = -1;
    bool timedOut = false;
    bool crashed = false; // killed by a signal
    Error error;          // when !success: a sentence for the action log
    QString program;
    QStringList arguments;
    QString output; // the last `excerptBytes` of stdout + stderr, as they arrived
    qint64 outputBytes = 0;
    QString logFilePath;
    qint64 durationMs = 0;
    // What the run wrote to GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH and GITHUB_STEP_SUMMARY. A file that
    // does not parse fails the run (error kind "file_command"), as it fails an Actions step.
    FileCommands commands;
};

// Runs code files for triggers (PR-Agent's run_action, locally), the way GitHub Actions would run a step:
// the payload in a temporary JSON file named by GITHUB_EVENT_PATH, GITHUB_* variables, the file commands
// (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH, GITHUB_STEP_SUMMARY) beside the run's log, the token only on
// request. Program + argument list only, never a shell. The interpreter follows the extension (.py python3,
// .sh bash or sh, .ps1 pwsh or powershell, .js node; anything else must be executable itself).
//
// At most `maxConcurrent` run at once; the rest wait in a FIFO queue. On Unix each run gets its own session
// and process group, so a timeout (SIGTERM to the group, SIGKILL after a grace period) also ends the
// children a script started; whatever is left of the group when the script exits is killed too, as Actions
// does at the end of a job.
class CodefileRunner : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int maxConcurrent = 2;
        qint64 excerptBytes = 16 * 1024;
        int killGraceMs = 3000;
        QString tempDir; // for the event JSON files; empty: QDir::tempPath()
        // The environment runs inherit (secrets such as GITHUB_TOKEN are always removed from it).
        std::optional<QProcessEnvironment> baseEnvironment;
        // The run wrapper (`exeserver-run`, Unix), which lets a run's outcome outlive this process;
        // nullopt: found with defaultWrapper(); empty: run code files directly.
        std::optional<QString> wrapperPath;
    };

    struct Invocation
    {
        QString program;
        QStringList arguments;
        QString workdir;
    };

    explicit CodefileRunner(QObject *parent = nullptr);
    explicit CodefileRunner(Options options, QObject *parent = nullptr);
    ~CodefileRunner() override;

    // Queues a run and returns its id; started() (once the program is executing) and finished() follow
    // (finished() also for runs that could not start). Never emits from inside submit().
    quint64 submit(CodefileRequest request);
    // Follows a run that a wrapper started for an earlier process (RunFiles says Running) until it ends;
    // finished() then reports it like any other run. Not counted against maxConcurrent.
    quint64 attach(CodefileRequest request);
    // Whether runs go through the wrapper, so their outcome survives this process.
    bool outlivesProcess() const { return !m_wrapper.isEmpty(); }
    // `exeserver-run` beside the application, in ../libexec/exeserver, or $EXESERVER_RUN_WRAPPER; empty on
    // Windows or when it is not installed.
    static QString defaultWrapper();
    // Removes event and run files that killed processes left in `tempDir`; returns how many. The
    // constructor does it for its own temp folder.
    static int removeLeftovers(const QString &tempDir);
    // The result a finished wrapper run left in its files (status and log tail), for `request`.
    static CodefileResult resultFromFiles(const CodefileRequest &request, qint64 excerptBytes);
    int runningCount() const { return int(m_running.size()); }
    int queuedCount() const { return int(m_queue.size()); }

    // What would be executed for an action, or why it cannot run (missing file, not executable, no
    // interpreter, bad working folder). Nothing is started.
    static Result<Invocation> resolve(const CodefileAction &action);

Q_SIGNALS:
    void started(quint64 id, qint64 pid);
    void finished(quint64 id, const exeserver::CodefileResult &result);

private:
    struct Run;

    void startNext();
    void startRun(quint64 id, CodefileRequest request);
    bool prepareFiles(const std::shared_ptr<Run> &run);
    static void discardFiles(const Run &run);
    bool startDirect(const std::shared_ptr<Run> &run, QProcess *process);
    bool startWrapped(const std::shared_ptr<Run> &run, QProcess *process);
    void pollAttached();
    void capture(Run &run, const QByteArray &bytes);
    void onTimeout(quint64 id);
    void onFinished(quint64 id);
    void fail(quint64 id, Error error, const CodefileRequest &request);

    Options m_options;
    quint64 m_nextId = 1;
    std::deque<std::pair<quint64, CodefileRequest>> m_queue;
    QHash<quint64, std::shared_ptr<Run>> m_running;
    QHash<quint64, CodefileRequest> m_attached;
    QTimer *m_attachTimer = nullptr;
    QString m_wrapper;
    bool m_startScheduled = false;
};

} // namespace exeserver

Q_DECLARE_METATYPE(exeserver::CodefileResult)
