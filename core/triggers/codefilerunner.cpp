#include "triggers/codefilerunner.h"

#include "config/logging.h"
#include "triggers/codefileenvironment.h"
#include "triggers/runfiles.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryFile>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>
#endif

namespace exeserver {

namespace {

Error runError(const QString &kind, const QString &message)
{
    return Error{kind, message};
}

QString findFirst(std::initializer_list<const char *> names)
{
    for (const char *name : names) {
        const QString found = QStandardPaths::findExecutable(QString::fromLatin1(name));
        if (!found.isEmpty())
            return found;
    }
    return {};
}

void signalGroup(qint64 pid, int signal)
{
#ifdef Q_OS_UNIX
    if (pid > 0)
        ::kill(-pid_t(pid), signal);
#else
    Q_UNUSED(pid);
    Q_UNUSED(signal);
#endif
}

} // namespace

struct CodefileRunner::Run
{
    quint64 id = 0;
    CodefileRequest request;
    Invocation invocation;
    QProcess *process = nullptr; // parented to the runner; deleted with deleteLater()
    QTimer *timeout = nullptr;   // children of process
    QTimer *killTimer = nullptr;
    std::unique_ptr<QTemporaryFile> eventFile;
    std::unique_ptr<QFile> log;
    QByteArray excerpt;
    qint64 bytes = 0;
    QElapsedTimer elapsed;
    qint64 pid = 0;
    bool timedOut = false;
    bool wrapped = false;     // through exeserver-run: the outcome comes from its status file
    int lockFd = -1;          // the run's lock until the wrapper has inherited it
    bool removeLog = false;   // the log was our own temporary file
    QString files;            // names the run's files (RunFiles): its log, or a temporary base
    bool removeFiles = false; // the file commands' files are temporary too
};

CodefileRunner::CodefileRunner(QObject *parent)
    : CodefileRunner(Options{}, parent)
{
}

CodefileRunner::CodefileRunner(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    m_options.maxConcurrent = std::max(1, m_options.maxConcurrent);
    m_wrapper = m_options.wrapperPath.value_or(defaultWrapper());
    qRegisterMetaType<exeserver::CodefileResult>();
    removeLeftovers(m_options.tempDir.isEmpty() ? QDir::tempPath() : m_options.tempDir);
}

namespace {

bool processAlive(qint64 pid)
{
#ifdef Q_OS_UNIX
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
#else
    Q_UNUSED(pid);
    return true; // Windows: left to the age rule below
#endif
}

} // namespace

namespace {

// The names removeLeftovers looks at: exeserver-event-*.json and exeserver-run-* (case-insensitive, as
// QDir's name filters are). Matched by hand: name filters compile to a regular expression, and PCRE2's
// JIT then held ~0.4 MB of the idle desktop app for this one listing at start.
QFileInfoList leftoverCandidates(const QDir &dir)
{
    QFileInfoList candidates;
    for (const QString &name :
         dir.entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDir::Unsorted)) {
        if ((name.startsWith(u"exeserver-event-", Qt::CaseInsensitive) &&
             name.endsWith(u".json", Qt::CaseInsensitive)) ||
            name.startsWith(u"exeserver-run-", Qt::CaseInsensitive))
            candidates.append(QFileInfo(dir, name));
    }
    return candidates;
}

} // namespace

int CodefileRunner::removeLeftovers(const QString &tempDir)
{
    // Event files and temporary run files carry the pid of the process that wrote them; a killed process
    // never removed its own. Files of the older unnumbered form go once they are a day old.
    int removed = 0;
    const QDir dir(tempDir);
    const QDateTime dayAgo = QDateTime::currentDateTimeUtc().addDays(-1);
    for (const QFileInfo &file : leftoverCandidates(dir)) {
        const QStringList parts = file.fileName().split(u'-');
        bool numbered = false;
        const qint64 pid = parts.value(2).toLongLong(&numbered);
        const bool gone = numbered ? !processAlive(pid) : file.lastModified().toUTC() < dayAgo;
        if (!gone)
            continue;
        if (file.fileName().startsWith(u"exeserver-run-") &&
            RunFiles(file.absoluteFilePath()).inspect() == RunFiles::State::Running)
            continue; // its wrapper still runs the code file
        removed += (file.isDir() ? QDir(file.absoluteFilePath()).removeRecursively()
                                 : QFile::remove(file.absoluteFilePath()))
                       ? 1
                       : 0;
    }
    if (removed > 0)
        qCInfo(lcTriggers) << "removed" << removed << "temporary files of earlier runs from" << tempDir;
    return removed;
}

QString CodefileRunner::defaultWrapper()
{
#ifdef Q_OS_UNIX
    const QString fromEnvironment = qEnvironmentVariable("EXESERVER_RUN_WRAPPER");
    if (!fromEnvironment.isEmpty())
        return QFileInfo(fromEnvironment).isExecutable() ? fromEnvironment : QString();
    if (!QCoreApplication::instance())
        return {};
    const QDir appDir(QCoreApplication::applicationDirPath());
    for (const QString &candidate : {appDir.filePath(QStringLiteral("exeserver-run")),
                                     appDir.filePath(QStringLiteral("../libexec/exeserver/exeserver-run"))}) {
        if (QFileInfo(candidate).isExecutable())
            return QDir::cleanPath(candidate);
    }
#endif
    return {};
}

CodefileRunner::~CodefileRunner()
{
    // Nothing a trigger started may outlive the engine. A wrapper is asked to stop its code file (SIGTERM,
    // SIGKILL after the grace period) so it can write down that it was stopped; a direct run is killed.
    for (const auto &run : std::as_const(m_running)) {
        if (!run->process)
            continue;
        run->process->disconnect(this);
        signalGroup(run->pid, run->wrapped ? SIGTERM : SIGKILL);
    }
    for (const auto &run : std::as_const(m_running)) {
        if (!run->process)
            continue;
        if (!run->wrapped || !run->process->waitForFinished(m_options.killGraceMs + 2000))
            run->process->kill();
        run->process->waitForFinished(1000);
    }
}

Result<CodefileRunner::Invocation> CodefileRunner::resolve(const CodefileAction &action)
{
    if (action.path.trimmed().isEmpty())
        return runError(QStringLiteral("invalid"), QStringLiteral("the code file action has no path"));
    QString path = action.path;
    if (QFileInfo(path).isRelative()) {
        if (action.workdir.isEmpty())
            return runError(QStringLiteral("invalid"),
                            QStringLiteral("code file %1: use an absolute path, or set workdir").arg(path));
        path = QDir(action.workdir).absoluteFilePath(path);
    }
    const QFileInfo file(path);
    if (!file.exists())
        return runError(QStringLiteral("not_found"), QStringLiteral("code file %1 does not exist").arg(path));
    if (!file.isFile())
        return runError(QStringLiteral("invalid"), QStringLiteral("code file %1 is not a file").arg(path));
    if (!file.isReadable())
        return runError(QStringLiteral("permission"),
                        QStringLiteral("code file %1 cannot be read").arg(path));

    Invocation inv;
    inv.workdir = action.workdir.isEmpty() ? file.absolutePath() : action.workdir;
    if (!QFileInfo(inv.workdir).isDir())
        return runError(
            QStringLiteral("invalid"),
            QStringLiteral("working folder %1 of code file %2 does not exist").arg(inv.workdir, path));

    const QString suffix = file.suffix().toLower();
    QString interpreter;
    QStringList before;
    if (suffix == u"py") {
        interpreter = findFirst({"python3", "python"});
    } else if (suffix == u"sh") {
        interpreter = findFirst({"bash", "sh"});
    } else if (suffix == u"ps1") {
        interpreter = findFirst({"pwsh", "powershell"});
        before = {QStringLiteral("-NoProfile"), QStringLiteral("-NonInteractive"), QStringLiteral("-File")};
    } else if (suffix == u"js" || suffix == u"mjs" || suffix == u"cjs") {
        interpreter = findFirst({"node"});
    } else {
        if (!file.isExecutable())
            return runError(QStringLiteral("not_executable"),
                            QStringLiteral("code file %1 is not executable: make it executable (chmod +x) or "
                                           "give it a .sh, .py, .js or .ps1 extension")
                                .arg(path));
        inv.program = file.absoluteFilePath();
        inv.arguments = action.args;
        return inv;
    }
    if (interpreter.isEmpty()) {
        const char *needed = suffix == u"py"    ? "python3"
                             : suffix == u"sh"  ? "bash or sh"
                             : suffix == u"ps1" ? "pwsh or powershell"
                                                : "node";
        return runError(QStringLiteral("no_interpreter"),
                        QStringLiteral("cannot run %1: %2 is not installed or not on PATH")
                            .arg(path, QString::fromLatin1(needed)));
    }
    inv.program = interpreter;
    inv.arguments = before;
    inv.arguments.append(file.absoluteFilePath());
    inv.arguments.append(action.args);
    return inv;
}

quint64 CodefileRunner::submit(CodefileRequest request)
{
    const quint64 id = m_nextId++;
    m_queue.emplace_back(id, std::move(request));
    if (!m_startScheduled) {
        m_startScheduled = true;
        QMetaObject::invokeMethod(this, &CodefileRunner::startNext, Qt::QueuedConnection);
    }
    return id;
}

void CodefileRunner::startNext()
{
    m_startScheduled = false;
    while (!m_queue.empty() && runningCount() < m_options.maxConcurrent) {
        auto [id, request] = std::move(m_queue.front());
        m_queue.pop_front();
        startRun(id, std::move(request));
    }
}

void CodefileRunner::fail(quint64 id, Error error, const CodefileRequest &request)
{
    qCWarning(lcTriggers).noquote() << "code file run" << id << "for trigger" << request.triggerName
                                    << "not started:" << error.message;
    CodefileResult result;
    result.id = id;
    result.error = std::move(error);
    result.logFilePath = request.logFilePath;
    Q_EMIT finished(id, result);
}

void CodefileRunner::startRun(quint64 id, CodefileRequest request)
{
    auto inv = resolve(request.action);
    if (!inv) {
        fail(id, inv.error(), request);
        return;
    }

    auto run = std::make_shared<Run>();
    run->id = id;
    run->invocation = *inv;
    run->request = std::move(request);
    auto *process = new QProcess(this);
    run->process = process;
    process->setProgram(inv->program);
    process->setArguments(inv->arguments);
    process->setWorkingDirectory(inv->workdir);
    process->setStandardInputFile(QProcess::nullDevice());
    if (!prepareFiles(run) ||
        !(m_wrapper.isEmpty() ? startDirect(run, process) : startWrapped(run, process))) {
        discardFiles(*run);
        process->deleteLater();
        return;
    }

    connect(process, &QProcess::readyReadStandardOutput, this, [this, id] {
        if (auto run = m_running.value(id))
            capture(*run, run->process->readAllStandardOutput());
    });
    connect(process, &QProcess::readyReadStandardError, this, [this, id] {
        if (auto run = m_running.value(id))
            capture(*run, run->process->readAllStandardError());
    });
    // started() only once exec succeeded, so a run that fails to start never reports both.
    connect(process, &QProcess::started, this, [this, id] {
        if (auto run = m_running.value(id)) {
            qCInfo(lcTriggers).noquote() << "code file run" << id << "started:" << run->invocation.program
                                         << "pid" << run->pid << "for trigger" << run->request.triggerName;
            Q_EMIT started(id, run->pid);
        }
    });
    connect(process, &QProcess::finished, this, [this, id] { onFinished(id); });
    connect(process, &QProcess::errorOccurred, this, [this, id](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return; // crashes and timeouts are reported by finished()
        auto run = m_running.take(id);
        if (!run)
            return;
        run->process->deleteLater();
        discardFiles(*run);
        fail(id,
             runError(QStringLiteral("start_failed"),
                      QStringLiteral("could not start %1: %2")
                          .arg(run->process->program(), run->process->errorString())),
             run->request);
        startNext();
    });

    const int timeoutMs = run->request.timeoutMs.value_or(run->request.action.timeoutSeconds * 1000);
    run->timeout = new QTimer(process);
    run->timeout->setSingleShot(true);
    connect(run->timeout, &QTimer::timeout, this, [this, id] { onTimeout(id); });
    run->killTimer = new QTimer(process);
    run->killTimer->setSingleShot(true);
    connect(run->killTimer, &QTimer::timeout, this, [this, id] {
        if (auto run = m_running.value(id)) {
            signalGroup(run->pid, SIGKILL);
            run->process->kill();
        }
    });

    m_running.insert(id, run);
    run->elapsed.start();
    process->start();
#ifdef Q_OS_UNIX
    if (run->lockFd >= 0) {
        // The wrapper inherited the lock (or never started); ours is not needed any more.
        ::close(run->lockFd);
        run->lockFd = -1;
    }
#endif
    if (process->state() == QProcess::NotRunning && !m_running.contains(id))
        return; // errorOccurred(FailedToStart) already reported it
    // Known right after fork, so a timeout can signal the group even before exec has been confirmed.
    run->pid = process->processId();
    // The wrapper keeps the time itself, so a run outlives a crash of this process with its timeout.
    if (!run->wrapped)
        run->timeout->start(std::max(1, timeoutMs));
}

// The run's files sit beside its log; a run without one (no data folder) gets a temporary base whose name
// carries our pid, so removeLeftovers() can tell when a killed process left it.
bool CodefileRunner::prepareFiles(const std::shared_ptr<Run> &run)
{
    CodefileRequest &request = run->request;
    run->files = request.logFilePath;
    if (run->files.isEmpty()) {
        const QString tempDir = m_options.tempDir.isEmpty() ? QDir::tempPath() : m_options.tempDir;
        run->files = QDir(tempDir).filePath(
            QStringLiteral("exeserver-run-%1-%2.log").arg(QCoreApplication::applicationPid()).arg(run->id));
        run->removeFiles = true;
        if (!m_wrapper.isEmpty()) { // the wrapper needs a log file to write to
            request.logFilePath = run->files;
            run->removeLog = true;
            request.keepRunFiles = false;
        }
    }
    QDir().mkpath(QFileInfo(run->files).absolutePath());
    RunFiles(run->files).removeBookkeeping(); // a run that never started may be started again
    if (const Status created = RunFiles(run->files).createCommandFiles(); !created) {
        fail(run->id, created.error(), request);
        return false;
    }
    return true;
}

void CodefileRunner::discardFiles(const Run &run)
{
    if (run.files.isEmpty())
        return;
    const RunFiles files(run.files);
    files.removeBookkeeping();
    if (run.removeFiles)
        files.removeCommandFiles();
    if (run.removeLog)
        QFile::remove(files.log());
}

bool CodefileRunner::startDirect(const std::shared_ptr<Run> &run, QProcess *process)
{
    const CodefileRequest &request = run->request;
    // The payload goes to a file, as GitHub Actions does, so scripts written for Actions read it unchanged.
    // Its name carries our pid, so a start-up sweep can tell a leftover of a killed process.
    const QString tempDir = m_options.tempDir.isEmpty() ? QDir::tempPath() : m_options.tempDir;
    run->eventFile = std::make_unique<QTemporaryFile>(QDir(tempDir).filePath(
        QStringLiteral("exeserver-event-%1-XXXXXX.json").arg(QCoreApplication::applicationPid())));
    if (!run->eventFile->open() ||
        run->eventFile->write(QJsonDocument(request.event.payload).toJson(QJsonDocument::Compact)) < 0 ||
        !run->eventFile->flush()) {
        fail(run->id,
             runError(QStringLiteral("io"), QStringLiteral("cannot write the event file in %1").arg(tempDir)),
             request);
        return false;
    }
    run->eventFile->close();

    if (!request.logFilePath.isEmpty()) {
        QDir().mkpath(QFileInfo(request.logFilePath).absolutePath());
        run->log = std::make_unique<QFile>(request.logFilePath);
        if (!run->log->open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            fail(run->id,
                 runError(QStringLiteral("io"), QStringLiteral("cannot write the run log %1: %2")
                                                    .arg(request.logFilePath, run->log->errorString())),
                 request);
            return false;
        }
    }
    process->setProcessEnvironment(CodefileEnvironment::build(
        request, run->eventFile->fileName(),
        m_options.baseEnvironment.value_or(QProcessEnvironment::systemEnvironment()), run->invocation.workdir,
        run->files));
#ifdef Q_OS_UNIX
    // Own session and process group, so the whole tree can be signalled at once (kill(-pgid, ...)).
    process->setChildProcessModifier([] { ::setsid(); });
#endif
    return true;
}

// The wrapper runs the code file with its output going straight to the log file and writes the outcome
// beside it (RunFiles), so nothing is lost when this process dies first; see app/runwrapper/main.cpp.
bool CodefileRunner::startWrapped(const std::shared_ptr<Run> &run, QProcess *process)
{
    CodefileRequest &request = run->request;
    run->wrapped = true;
    const RunFiles files(request.logFilePath);
    const auto ioError = [&](const QString &what, const QString &why) {
        fail(run->id, runError(QStringLiteral("io"), QStringLiteral("cannot write %1: %2").arg(what, why)),
             request);
        return false;
    };
    QDir().mkpath(QFileInfo(files.log()).absolutePath());
    QFile event(files.event());
    if (!event.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        event.write(QJsonDocument(request.event.payload).toJson(QJsonDocument::Compact)) < 0 ||
        !event.flush())
        return ioError(files.event(), event.errorString());
    event.close();
    QFile log(files.log());
    if (!log.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return ioError(files.log(), log.errorString());
    log.close();
    const Result<int> lock = files.createLock();
    if (!lock)
        return ioError(files.lock(), lock.error().message);
    run->lockFd = *lock;

    const int timeoutMs = request.timeoutMs.value_or(request.action.timeoutSeconds * 1000);
    QStringList arguments{QStringLiteral("--lock-fd"),    QString::number(run->lockFd),
                          QStringLiteral("--status"),     files.status(),
                          QStringLiteral("--event-file"), files.event(),
                          QStringLiteral("--timeout-ms"), QString::number(std::max(1, timeoutMs)),
                          QStringLiteral("--grace-ms"),   QString::number(std::max(0, m_options.killGraceMs)),
                          QStringLiteral("--"),           process->program()};
    arguments.append(process->arguments());
    process->setProgram(m_wrapper);
    process->setArguments(arguments);
    // Both streams append to the one log, in the order they arrive, even after this process is gone.
    process->setStandardOutputFile(files.log(), QIODevice::Append);
    process->setStandardErrorFile(files.log(), QIODevice::Append);
    process->setProcessEnvironment(CodefileEnvironment::build(
        request, files.event(), m_options.baseEnvironment.value_or(QProcessEnvironment::systemEnvironment()),
        run->invocation.workdir, run->files));
#ifdef Q_OS_UNIX
    const int lockFd = run->lockFd;
    process->setChildProcessModifier([lockFd] {
        ::setsid();
        ::fcntl(lockFd, F_SETFD, 0); // the wrapper inherits the lock
    });
#endif
    return true;
}

void CodefileRunner::capture(Run &run, const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    run.bytes += bytes.size();
    if (run.log)
        run.log->write(bytes);
    run.excerpt.append(bytes);
    // Keep only the tail: the end of the output is where errors are. Trim in chunks, not per read.
    if (run.excerpt.size() > 2 * m_options.excerptBytes)
        run.excerpt.remove(0, run.excerpt.size() - m_options.excerptBytes);
}

void CodefileRunner::onTimeout(quint64 id)
{
    auto run = m_running.value(id);
    if (!run)
        return;
    run->timedOut = true;
    qCWarning(lcTriggers) << "code file run" << id << "timed out; terminating process group" << run->pid;
    signalGroup(run->pid, SIGTERM);
    run->process->terminate();
    run->killTimer->start(std::max(0, m_options.killGraceMs));
}

namespace {

// The end of a log file, as the action log keeps it: the last `excerptBytes`, with a note of how much came
// before.
// The note an excerpt starts with when the run wrote more than it keeps.
QString withEarlierBytes(QString tail, qint64 earlierBytes)
{
    if (earlierBytes > 0)
        tail.prepend(QStringLiteral("[… %1 earlier bytes in the run log …]\n").arg(earlierBytes));
    return tail;
}

QString logTail(const QString &path, qint64 excerptBytes, qint64 *totalBytes)
{
    QFile log(path);
    if (!log.open(QIODevice::ReadOnly)) {
        *totalBytes = 0;
        return {};
    }
    *totalBytes = log.size();
    const qint64 from = std::max<qint64>(0, log.size() - excerptBytes);
    log.seek(from);
    return withEarlierBytes(QString::fromUtf8(log.readAll()), from);
}

void describeOutcome(CodefileResult &result, const QString &name, int timeoutMs, bool stopped)
{
    if (result.timedOut) {
        result.error = runError(
            QStringLiteral("timeout"),
            QStringLiteral("%1 did not finish within %2 ms and was stopped").arg(name).arg(timeoutMs));
    } else if (result.crashed) {
        result.error =
            runError(QStringLiteral("crashed"),
                     stopped ? QStringLiteral("%1 was stopped because ExeServer quit while it ran").arg(name)
                             : QStringLiteral("%1 was killed by a signal").arg(name));
    } else if (result.exitCode != 0) {
        result.error = runError(QStringLiteral("exit_code"),
                                QStringLiteral("%1 exited with code %2").arg(name).arg(result.exitCode));
    } else {
        result.success = true;
    }
}

// The file commands of a run that started, into its result; a file that does not parse fails the run.
void readCommands(CodefileResult &result, const QString &runFiles)
{
    if (!result.started || runFiles.isEmpty())
        return;
    Result<FileCommands> read = FileCommands::read(RunFiles(runFiles));
    if (!read) {
        if (result.success) {
            result.success = false;
            result.error = read.error();
        } else {
            result.output += QStringLiteral("\n") + read.error().message;
        }
        return;
    }
    result.commands = std::move(*read);
    QList<std::pair<QString, QString>> allowed;
    for (const auto &variable : std::as_const(result.commands.env)) {
        const QString why = CodefileEnvironment::refusedVariable(variable.first);
        if (why.isEmpty())
            allowed.append(variable);
        else
            result.commands.warnings.append(QStringLiteral("GITHUB_ENV: %1; ignored").arg(why));
    }
    result.commands.env = allowed;
}

} // namespace

CodefileResult CodefileRunner::resultFromFiles(const CodefileRequest &request, qint64 excerptBytes)
{
    const RunFiles files(request.logFilePath);
    CodefileResult result;
    result.logFilePath = request.logFilePath;
    result.output = logTail(files.log(), excerptBytes, &result.outputBytes);
    const QString name = QFileInfo(request.action.path).fileName();
    WrapperStatus status;
    const RunFiles::State state = files.inspect(&status);
    if (state != RunFiles::State::Finished) {
        result.error =
            runError(QStringLiteral("lost"),
                     QStringLiteral("the outcome of %1 is unknown: the process watching it was killed "
                                    "(its output so far is in %2)")
                         .arg(name, files.log()));
        return result;
    }
    if (!status.startError.isEmpty()) {
        result.error = runError(QStringLiteral("start_failed"), status.startError);
        return result;
    }
    result.started = true;
    result.timedOut = status.timedOut;
    result.crashed = status.signal.has_value() && !status.timedOut;
    result.exitCode = status.exitCode.value_or(-1);
    result.durationMs = status.durationMs;
    describeOutcome(result, name, request.timeoutMs.value_or(request.action.timeoutSeconds * 1000),
                    status.stopped);
    readCommands(result, request.logFilePath);
    return result;
}

quint64 CodefileRunner::attach(CodefileRequest request)
{
    const quint64 id = m_nextId++;
    m_attached.insert(id, std::move(request));
    if (!m_attachTimer) {
        // Polled, not watched: a run the wrapper finishes writes one file, and re-attached runs are rare.
        m_attachTimer = new QTimer(this);
        m_attachTimer->setInterval(200);
        connect(m_attachTimer, &QTimer::timeout, this, &CodefileRunner::pollAttached);
    }
    m_attachTimer->start();
    QMetaObject::invokeMethod(this, &CodefileRunner::pollAttached, Qt::QueuedConnection);
    return id;
}

void CodefileRunner::pollAttached()
{
    for (auto it = m_attached.begin(); it != m_attached.end();) {
        if (RunFiles(it->logFilePath).inspect() == RunFiles::State::Running) {
            ++it;
            continue;
        }
        const quint64 id = it.key();
        const CodefileRequest request = it.value();
        it = m_attached.erase(it);
        CodefileResult result = resultFromFiles(request, m_options.excerptBytes);
        result.id = id;
        result.program = request.action.path;
        if (!request.keepRunFiles)
            RunFiles(request.logFilePath).removeBookkeeping();
        Q_EMIT finished(id, result);
    }
    if (m_attached.isEmpty() && m_attachTimer)
        m_attachTimer->stop();
}

void CodefileRunner::onFinished(quint64 id)
{
    auto run = m_running.take(id);
    if (!run)
        return;
    QProcess *process = run->process;
    if (!run->wrapped) {
        capture(*run, process->readAllStandardOutput());
        capture(*run, process->readAllStandardError());
    }
    run->timeout->stop();
    run->killTimer->stop();
    process->deleteLater();

    CodefileResult result;
    if (run->wrapped) {
        result = resultFromFiles(run->request, m_options.excerptBytes);
        if (!run->request.keepRunFiles)
            RunFiles(run->request.logFilePath).removeBookkeeping();
        if (run->removeLog) {
            discardFiles(*run);
            run->request.logFilePath.clear();
            result.logFilePath.clear();
        }
    } else {
        // Whatever the script left running in its group ends with it (as at the end of an Actions job).
        signalGroup(run->pid, SIGKILL);
        result.started = true;
        result.timedOut = run->timedOut;
        result.crashed = process->exitStatus() == QProcess::CrashExit;
        result.exitCode = result.crashed ? -1 : process->exitCode();
        result.outputBytes = run->bytes;
        result.logFilePath = run->request.logFilePath;
        result.durationMs = run->elapsed.elapsed();
        QByteArray tail = run->excerpt;
        if (tail.size() > m_options.excerptBytes)
            tail = tail.right(m_options.excerptBytes);
        result.output = withEarlierBytes(QString::fromUtf8(tail), run->bytes - tail.size());
        describeOutcome(result, QFileInfo(run->request.action.path).fileName(),
                        run->request.timeoutMs.value_or(run->request.action.timeoutSeconds * 1000), false);
        if (run->log)
            run->log->close();
        readCommands(result, run->files);
        // Nothing outlives a direct run but its log and, beside a kept log, the file commands' files.
        discardFiles(*run);
    }
    result.id = id;
    result.program = run->invocation.program;
    result.arguments = run->invocation.arguments;
    qCInfo(lcTriggers).noquote() << "code file run" << id
                                 << (result.success ? "succeeded" : result.error.message) << "in"
                                 << result.durationMs << "ms";
    Q_EMIT finished(id, result);
    startNext();
}

} // namespace exeserver
