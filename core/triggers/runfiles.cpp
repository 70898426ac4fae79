#include "triggers/runfiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#endif

namespace exeserver {

RunFiles::RunFiles(const QString &path)
    : m_base(path)
{
    for (const char *suffix : {".log", ".lock", ".status.tmp", ".status", ".event.json", ".output", ".env",
                               ".path", ".summary.md", ".temp"}) {
        if (m_base.endsWith(QLatin1String(suffix))) {
            m_base.chop(qsizetype(qstrlen(suffix)));
            break;
        }
    }
}

Result<int> RunFiles::createLock() const
{
#ifdef Q_OS_UNIX
    const QByteArray path = QFile::encodeName(lock());
    const int fd = ::open(path.constData(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error{
            QStringLiteral("io"),
            QStringLiteral("cannot create %1: %2").arg(lock(), QString::fromLocal8Bit(strerror(errno)))};
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        return Error{QStringLiteral("busy"), QStringLiteral("%1 is held by another run").arg(lock())};
    }
    return fd;
#else
    return Error{QStringLiteral("unsupported"), QStringLiteral("run locks need a Unix system")};
#endif
}

std::optional<WrapperStatus> RunFiles::readStatus(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    WrapperStatus status;
    bool complete = false; // duration_ms is the last line the wrapper writes
    for (const QByteArray &line : file.readAll().split('\n')) {
        const qsizetype equals = line.indexOf('=');
        if (equals < 0)
            continue;
        const QByteArray key = line.left(equals);
        const QByteArray value = line.mid(equals + 1);
        if (key == "exit")
            status.exitCode = value.toInt();
        else if (key == "signal")
            status.signal = value.toInt();
        else if (key == "timed_out")
            status.timedOut = value == "1";
        else if (key == "stopped")
            status.stopped = value == "1";
        else if (key == "start_error")
            status.startError = QString::fromUtf8(value);
        else if (key == "duration_ms") {
            status.durationMs = value.toLongLong();
            complete = true;
        }
    }
    // A start error is written alone, before the program ever ran.
    if (!complete && status.startError.isEmpty())
        return std::nullopt;
    return status;
}

RunFiles::State RunFiles::inspect(WrapperStatus *status) const
{
    const auto finished = [&]() {
        std::optional<WrapperStatus> read = readStatus(this->status());
        if (read && status)
            *status = *read;
        return read.has_value();
    };
    if (finished())
        return State::Finished;
#ifdef Q_OS_UNIX
    const QByteArray path = QFile::encodeName(lock());
    const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return State::NeverStarted;
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
        ::close(fd);
        return State::Running;
    }
    char pid[32] = {};
    const ssize_t read = ::read(fd, pid, sizeof pid - 1);
    ::flock(fd, LOCK_UN);
    ::close(fd);
    // The wrapper may have finished between the first look and taking the lock.
    if (finished())
        return State::Finished;
    return read > 0 ? State::Lost : State::NeverStarted;
#else
    return QFileInfo::exists(lock()) ? State::Lost : State::NeverStarted;
#endif
}

Status RunFiles::createCommandFiles() const
{
    for (const QString &path : {output(), env(), pathFile(), summary()}) {
        QFile file(path);
        // Owner-only: a script may put a secret in GITHUB_ENV as it would on Actions.
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
            return Error{QStringLiteral("io"),
                         QStringLiteral("cannot write %1: %2").arg(path, file.errorString())};
    }
    QDir(runnerTemp()).removeRecursively(); // emptied before each run, as Actions does
    if (!QDir().mkpath(runnerTemp()) ||
        !QFile::setPermissions(runnerTemp(),
                               QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner))
        return Error{QStringLiteral("io"), QStringLiteral("cannot create %1").arg(runnerTemp())};
    return success();
}

void RunFiles::removeBookkeeping() const
{
    QFile::remove(status());
    QFile::remove(status() + QStringLiteral(".tmp"));
    QFile::remove(lock());
    QFile::remove(event());
    QDir(runnerTemp()).removeRecursively();
    for (const QString &path : {output(), env(), pathFile(), summary()}) {
        if (QFileInfo(path).size() == 0) // nothing written: nothing to keep beside the log
            QFile::remove(path);
    }
}

void RunFiles::removeCommandFiles() const
{
    for (const QString &path : {output(), env(), pathFile(), summary()})
        QFile::remove(path);
}

} // namespace exeserver
