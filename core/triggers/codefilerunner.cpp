#include "triggers/codefilerunner.h"

#include "config/logging.h"

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
#include <csignal>
#include <sys/types.h>
#include <unistd.h>
#endif

namespace exeserver {

namespace {

// Secrets the app itself may hold in its environment; a script gets the GitHub token only by opting in.
constexpr const char *kSecretVariables[] = {"GITHUB_TOKEN",      "GH_TOKEN",       "GITHUB_WEBHOOK_SECRET",
                                            "SUPABASE_ANON_KEY", "OPENAI_API_KEY", "EXESERVER_DATABASE_URL"};

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
    qRegisterMetaType<exeserver::CodefileResult>();
}

CodefileRunner::~CodefileRunner()
{
    // Nothing a trigger started may outlive the engine.
    for (const auto &run : std::as_const(m_running)) {
        if (!run->process)
            continue;
        run->process->disconnect(this);
        signalGroup(run->pid, SIGKILL);
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

QProcessEnvironment CodefileRunner::environment(const CodefileRequest &request, const QString &eventPath,
                                                const QProcessEnvironment &base)
{
    QProcessEnvironment env = base;
    for (const char *name : kSecretVariables)
        env.remove(QString::fromLatin1(name));
    const EventContext &e = request.event;
    const auto set = [&env](const char *name, const QString &value) {
        if (!value.isEmpty())
            env.insert(QString::fromLatin1(name), value);
    };
    set("GITHUB_EVENT_NAME", e.type);
    set("GITHUB_EVENT_PATH", eventPath);
    set("GITHUB_REPOSITORY", e.repository);
    set("GITHUB_REPOSITORY_OWNER", e.repository.section(u'/', 0, 0));
    set("GITHUB_ACTOR", e.sender);
    set("GITHUB_REF", e.ref);
    if (e.ref.startsWith(u"refs/heads/") || e.ref.startsWith(u"refs/tags/"))
        set("GITHUB_REF_NAME", e.ref.section(u'/', 2));
    set("GITHUB_SHA", e.sha);
    set("GITHUB_HEAD_REF", e.headRef);
    set("GITHUB_BASE_REF", e.baseRef);
    set("EXESERVER_TRIGGER", request.triggerName);
    set("EXESERVER_EVENT_ID", e.id);
    if (request.action.passToken && !request.token.isEmpty()) {
        env.insert(QStringLiteral("GITHUB_TOKEN"), request.token);
        env.insert(QStringLiteral("GH_TOKEN"), request.token);
    }
    return env;
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

    // The payload goes to a file, as GitHub Actions does, so scripts written for Actions read it unchanged.
    const QString tempDir = m_options.tempDir.isEmpty() ? QDir::tempPath() : m_options.tempDir;
    run->eventFile = std::make_unique<QTemporaryFile>(
        QDir(tempDir).filePath(QStringLiteral("exeserver-event-XXXXXX.json")));
    if (!run->eventFile->open() ||
        run->eventFile->write(QJsonDocument(request.event.payload).toJson(QJsonDocument::Compact)) < 0 ||
        !run->eventFile->flush()) {
        fail(id,
             runError(QStringLiteral("io"), QStringLiteral("cannot write the event file in %1").arg(tempDir)),
             request);
        return;
    }
    run->eventFile->close();

    if (!request.logFilePath.isEmpty()) {
        QDir().mkpath(QFileInfo(request.logFilePath).absolutePath());
        run->log = std::make_unique<QFile>(request.logFilePath);
        if (!run->log->open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            fail(id,
                 runError(QStringLiteral("io"), QStringLiteral("cannot write the run log %1: %2")
                                                    .arg(request.logFilePath, run->log->errorString())),
                 request);
            return;
        }
    }

    auto *process = new QProcess(this);
    run->process = process;
    process->setProgram(inv->program);
    process->setArguments(inv->arguments);
    process->setWorkingDirectory(inv->workdir);
    process->setProcessEnvironment(
        environment(request, run->eventFile->fileName(),
                    m_options.baseEnvironment.value_or(QProcessEnvironment::systemEnvironment())));
    process->setStandardInputFile(QProcess::nullDevice());
#ifdef Q_OS_UNIX
    // Own session and process group, so the whole tree can be signalled at once (kill(-pgid, ...)).
    process->setChildProcessModifier([] { ::setsid(); });
#endif

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
        fail(id,
             runError(QStringLiteral("start_failed"),
                      QStringLiteral("could not start %1: %2")
                          .arg(run->invocation.program, run->process->errorString())),
             run->request);
        startNext();
    });

    const int timeoutMs = request.timeoutMs.value_or(request.action.timeoutSeconds * 1000);
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

    run->request = std::move(request);
    m_running.insert(id, run);
    run->elapsed.start();
    process->start();
    if (process->state() == QProcess::NotRunning && !m_running.contains(id))
        return; // errorOccurred(FailedToStart) already reported it
    // Known right after fork, so a timeout can signal the group even before exec has been confirmed.
    run->pid = process->processId();
    run->timeout->start(std::max(1, timeoutMs));
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

void CodefileRunner::onFinished(quint64 id)
{
    auto run = m_running.take(id);
    if (!run)
        return;
    QProcess *process = run->process;
    capture(*run, process->readAllStandardOutput());
    capture(*run, process->readAllStandardError());
    // Whatever the script left running in its group ends with it (as at the end of an Actions job).
    signalGroup(run->pid, SIGKILL);
    run->timeout->stop();
    run->killTimer->stop();

    CodefileResult result;
    result.id = id;
    result.started = true;
    result.timedOut = run->timedOut;
    result.crashed = process->exitStatus() == QProcess::CrashExit;
    result.exitCode = result.crashed ? -1 : process->exitCode();
    result.program = run->invocation.program;
    result.arguments = run->invocation.arguments;
    result.outputBytes = run->bytes;
    result.logFilePath = run->request.logFilePath;
    result.durationMs = run->elapsed.elapsed();
    QByteArray tail = run->excerpt;
    if (tail.size() > m_options.excerptBytes)
        tail = tail.right(m_options.excerptBytes);
    result.output = QString::fromUtf8(tail);
    if (run->bytes > tail.size())
        result.output.prepend(
            QStringLiteral("[… %1 earlier bytes in the run log …]\n").arg(run->bytes - tail.size()));
    const QString name = QFileInfo(run->request.action.path).fileName();
    if (result.timedOut) {
        result.error =
            runError(QStringLiteral("timeout"),
                     QStringLiteral("%1 did not finish within %2 ms and was stopped")
                         .arg(name)
                         .arg(run->request.timeoutMs.value_or(run->request.action.timeoutSeconds * 1000)));
    } else if (result.crashed) {
        result.error =
            runError(QStringLiteral("crashed"), QStringLiteral("%1 was killed by a signal").arg(name));
    } else if (result.exitCode != 0) {
        result.error = runError(QStringLiteral("exit_code"),
                                QStringLiteral("%1 exited with code %2").arg(name).arg(result.exitCode));
    } else {
        result.success = true;
    }
    if (run->log)
        run->log->close();
    process->deleteLater();
    qCInfo(lcTriggers).noquote() << "code file run" << id
                                 << (result.success ? "succeeded" : result.error.message) << "in"
                                 << result.durationMs << "ms";
    Q_EMIT finished(id, result);
    startNext();
}

} // namespace exeserver
