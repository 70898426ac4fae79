#pragma once

#include "util/result.h"

#include <QString>

#include <optional>

namespace exeserver {

// How a code file run ended, as the run wrapper (app/runwrapper, `exeserver-run`) wrote it down.
struct WrapperStatus
{
    std::optional<int> exitCode; // exited normally with this code
    std::optional<int> signal;   // killed by this signal
    bool timedOut = false;       // the wrapper stopped it at the action's timeout
    bool stopped = false;        // the wrapper was told to stop it (ExeServer quit)
    qint64 durationMs = 0;
    QString startError; // the program could not be executed at all
};

// The files of one code file run that outlive the process which started it, all beside the run's log:
// `<base>.log` (stdout and stderr), `<base>.lock` (held by the wrapper while it lives; holds its pid once
// the code file is about to start), `<base>.status` (the outcome) and `<base>.event.json`
// (GITHUB_EVENT_PATH, removed by the wrapper). Reading them tells a restarted engine what became of a run.
// Actions' file commands live beside them too and, like the log, outlive the run: `<base>.output`
// (GITHUB_OUTPUT), `<base>.env` (GITHUB_ENV), `<base>.path` (GITHUB_PATH), `<base>.summary.md`
// (GITHUB_STEP_SUMMARY); `<base>.temp/` (RUNNER_TEMP) goes with the bookkeeping.
class RunFiles
{
public:
    enum class State
    {
        NeverStarted, // no wrapper ever took the run: the code file did not run
        Running,      // a wrapper holds the lock: the code file is still running
        Finished,     // the outcome is known (status())
        Lost          // the wrapper took the run and died without writing an outcome
    };

    // Any of the run's files (usually its log, `<base>.log`) names the run.
    explicit RunFiles(const QString &path);

    QString log() const { return m_base + QStringLiteral(".log"); }
    QString lock() const { return m_base + QStringLiteral(".lock"); }
    QString status() const { return m_base + QStringLiteral(".status"); }
    QString event() const { return m_base + QStringLiteral(".event.json"); }
    QString output() const { return m_base + QStringLiteral(".output"); }
    QString env() const { return m_base + QStringLiteral(".env"); }
    QString pathFile() const { return m_base + QStringLiteral(".path"); }
    QString summary() const { return m_base + QStringLiteral(".summary.md"); }
    QString runnerTemp() const { return m_base + QStringLiteral(".temp"); }

    // Creates the lock file and takes its lock; the returned descriptor (close-on-exec) is handed to the
    // wrapper, which inherits the lock. Unix only.
    Result<int> createLock() const;
    State inspect(WrapperStatus *status = nullptr) const;
    static std::optional<WrapperStatus> readStatus(const QString &path);
    // Creates the file commands' files (empty) and RUNNER_TEMP for a new run.
    Status createCommandFiles() const;
    // Removes everything but the log and the file commands' files that hold something (read them first).
    void removeBookkeeping() const;
    // Removes the file commands' files (runs whose log is a temporary file).
    void removeCommandFiles() const;

private:
    QString m_base;
};

} // namespace exeserver
