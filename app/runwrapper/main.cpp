// exeserver-run: runs one code file for the trigger engine and writes down how it ended, so the outcome
// survives the process that started it (a killed `serve` or window). POSIX only; plain C++ (no Qt), so it
// starts in a millisecond.
//
//   exeserver-run --lock-fd N --status FILE [--event-file FILE] [--timeout-ms T] [--grace-ms G] -- PROGRAM
//   ARGS…
//
// - The lock file behind fd N was created and flock()ed by the engine before it started us; we inherit
//   the lock and hold it until we exit, so "lock free" means "this wrapper is gone". We write our pid into
//   it before the code file starts: a lock file without a pid means the code file never started.
// - PROGRAM runs in its own process group. A timeout, or SIGTERM/SIGINT/SIGHUP sent to us, gives the group
//   SIGTERM and, after the grace period, SIGKILL. Whatever is left of the group when PROGRAM exits is
//   killed, as GitHub Actions does at the end of a job.
// - The outcome goes to FILE (written to FILE.tmp, then renamed, so a reader never sees half of it):
//   `exit=N` or `signal=N`, `timed_out=0|1`, `stopped=0|1`, `duration_ms=N`, `start_error=…`.
// - The event file (GITHUB_EVENT_PATH) is removed when PROGRAM has ended.
// - Our exit status mirrors PROGRAM's (128+N for a signal).

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <signal.h>
#include <string>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

struct Options
{
    int lockFd = -1;
    std::string statusPath;
    std::string eventFile;
    long long timeoutMs = 0; // 0: none
    long long graceMs = 3000;
    std::vector<char *> command; // PROGRAM ARGS…, null-terminated
};

long long nowMs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool parse(int argc, char **argv, Options &options)
{
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> const char * { return i + 1 < argc ? argv[++i] : nullptr; };
        if (arg == "--") {
            for (int j = i + 1; j < argc; ++j)
                options.command.push_back(argv[j]);
            break;
        }
        const char *v = value();
        if (!v)
            return false;
        if (arg == "--lock-fd")
            options.lockFd = std::atoi(v);
        else if (arg == "--status")
            options.statusPath = v;
        else if (arg == "--event-file")
            options.eventFile = v;
        else if (arg == "--timeout-ms")
            options.timeoutMs = std::atoll(v);
        else if (arg == "--grace-ms")
            options.graceMs = std::atoll(v);
        else
            return false;
    }
    if (options.statusPath.empty() || options.command.empty())
        return false;
    options.command.push_back(nullptr);
    return true;
}

bool writeAll(int fd, const std::string &text)
{
    const char *data = text.data();
    size_t left = text.size();
    while (left > 0) {
        const ssize_t written = ::write(fd, data, left);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return false;
        data += written;
        left -= size_t(written);
    }
    return true;
}

void writeStatus(const std::string &path, const std::string &text)
{
    const std::string temp = path + ".tmp";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    const bool ok = writeAll(fd, text) && ::fsync(fd) == 0;
    ::close(fd);
    if (ok)
        ::rename(temp.c_str(), path.c_str());
}

} // namespace

int main(int argc, char **argv)
{
    Options options;
    if (!parse(argc, argv, options)) {
        std::fprintf(stderr, "usage: exeserver-run --lock-fd N --status FILE [--event-file FILE] "
                             "[--timeout-ms T] [--grace-ms G] -- PROGRAM ARGS...\n");
        return 125;
    }
    const long long started = nowMs();

    // The signals we act on are taken synchronously with sigtimedwait(); the child gets them back.
    sigset_t handled;
    sigemptyset(&handled);
    for (int signal : {SIGCHLD, SIGTERM, SIGINT, SIGHUP})
        sigaddset(&handled, signal);
    sigset_t previous;
    sigprocmask(SIG_BLOCK, &handled, &previous);
    // A SIGCHLD left at its default action may be discarded instead of kept pending (POSIX leaves it open).
    struct sigaction onChild = {};
    onChild.sa_handler = [](int) {};
    sigaction(SIGCHLD, &onChild, nullptr);

    if (options.lockFd >= 0) {
        ::fcntl(options.lockFd, F_SETFD, FD_CLOEXEC); // the code file must not hold our lock
        const std::string pid = std::to_string(::getpid()) + "\n";
        if (::ftruncate(options.lockFd, 0) != 0 || ::pwrite(options.lockFd, pid.data(), pid.size(), 0) < 0)
            std::perror("exeserver-run: cannot mark the lock file");
    }

    int startPipe[2];
    if (::pipe2(startPipe, O_CLOEXEC) != 0) {
        writeStatus(options.statusPath, "start_error=cannot create a pipe\n");
        return 126;
    }
    const pid_t child = ::fork();
    if (child < 0) {
        writeStatus(options.statusPath,
                    std::string("start_error=fork failed: ") + std::strerror(errno) + "\n");
        return 126;
    }
    if (child == 0) {
        ::setpgid(0, 0);
        sigprocmask(SIG_SETMASK, &previous, nullptr);
        ::execvp(options.command[0], options.command.data());
        const int error = errno;
        (void)!::write(startPipe[1], &error, sizeof error);
        _exit(127);
    }
    ::setpgid(child, child); // also here, so the group exists before we might signal it
    ::close(startPipe[1]);
    int execError = 0;
    const bool execFailed = ::read(startPipe[0], &execError, sizeof execError) == sizeof execError;
    ::close(startPipe[0]);

    bool timedOut = false;
    bool stopped = false;
    long long killAt = -1; // when SIGKILL follows the SIGTERM already sent
    int status = 0;
    const auto terminate = [&]() {
        if (killAt >= 0)
            return;
        ::kill(-child, SIGTERM);
        killAt = nowMs() + options.graceMs;
    };
    for (;;) {
        const pid_t done = ::waitpid(child, &status, WNOHANG);
        if (done == child)
            break;
        long long wait = 1000;
        const long long now = nowMs();
        if (killAt >= 0) {
            if (now >= killAt) {
                ::kill(-child, SIGKILL);
                killAt = now + 3600 * 1000;
            }
            wait = std::min(wait, std::max(1LL, killAt - now));
        } else if (options.timeoutMs > 0) {
            const long long deadline = started + options.timeoutMs;
            if (now >= deadline) {
                timedOut = true;
                terminate();
                continue;
            }
            wait = std::min(wait, deadline - now);
        }
        timespec timeout{time_t(wait / 1000), long(wait % 1000) * 1000000};
        const int signal = sigtimedwait(&handled, nullptr, &timeout);
        if (signal == SIGTERM || signal == SIGINT || signal == SIGHUP) {
            stopped = true;
            terminate();
        }
    }
    ::kill(-child, SIGKILL); // what the code file left running in its group
    if (!options.eventFile.empty())
        ::unlink(options.eventFile.c_str());

    std::string text;
    int exitCode = 0;
    if (execFailed) {
        text += std::string("start_error=cannot run ") + options.command[0] + ": " +
                std::strerror(execError) + "\n";
        exitCode = 127;
    } else if (WIFSIGNALED(status)) {
        text += "signal=" + std::to_string(WTERMSIG(status)) + "\n";
        exitCode = 128 + WTERMSIG(status);
    } else {
        exitCode = WEXITSTATUS(status);
        text += "exit=" + std::to_string(exitCode) + "\n";
    }
    text += std::string("timed_out=") + (timedOut ? "1" : "0") + "\n";
    text += std::string("stopped=") + (stopped ? "1" : "0") + "\n";
    text += "duration_ms=" + std::to_string(nowMs() - started) + "\n";
    writeStatus(options.statusPath, text);
    return exitCode;
}
