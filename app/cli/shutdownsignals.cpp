#include "shutdownsignals.h"

#include <QMetaObject>
#include <QPointer>

#ifdef Q_OS_WIN
#include <windows.h>
#else
#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace exeserver::cli {

namespace {

QPointer<ShutdownSignals> g_instance;

#ifdef Q_OS_WIN
BOOL WINAPI consoleHandler(DWORD type)
{
    if (!g_instance)
        return FALSE;
    const QString name = type == CTRL_C_EVENT ? QStringLiteral("Ctrl+C") : QStringLiteral("console close");
    // Runs on a system thread: hand over to the object's thread.
    QMetaObject::invokeMethod(
        g_instance.data(), [name]() { Q_EMIT g_instance->shutdownRequested(name); }, Qt::QueuedConnection);
    return TRUE;
}
#else
int g_fds[2] = {-1, -1};
QSocketNotifier *g_notifier = nullptr;
struct sigaction g_previousInt;
struct sigaction g_previousTerm;

void handleSignal(int number)
{
    // Async-signal-safe: one write(), nothing else.
    const char byte = static_cast<char>(number);
    [[maybe_unused]] const ssize_t written = ::write(g_fds[0], &byte, 1);
}
#endif

} // namespace

ShutdownSignals::ShutdownSignals(QObject *parent)
    : QObject(parent)
{
    g_instance = this;
#ifdef Q_OS_WIN
    SetConsoleCtrlHandler(consoleHandler, TRUE);
#else
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_fds) == 0) {
        g_notifier = new QSocketNotifier(g_fds[1], QSocketNotifier::Read, this);
        connect(g_notifier, &QSocketNotifier::activated, this, &ShutdownSignals::readSignal);
        struct sigaction action = {};
        action.sa_handler = handleSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        sigaction(SIGINT, &action, &g_previousInt);
        sigaction(SIGTERM, &action, &g_previousTerm);
    }
#endif
}

ShutdownSignals::~ShutdownSignals()
{
#ifdef Q_OS_WIN
    SetConsoleCtrlHandler(consoleHandler, FALSE);
#else
    if (g_fds[0] >= 0) {
        sigaction(SIGINT, &g_previousInt, nullptr);
        sigaction(SIGTERM, &g_previousTerm, nullptr);
        delete g_notifier;
        g_notifier = nullptr;
        ::close(g_fds[0]);
        ::close(g_fds[1]);
        g_fds[0] = g_fds[1] = -1;
    }
#endif
    g_instance = nullptr;
}

void ShutdownSignals::readSignal()
{
#ifndef Q_OS_WIN
    char byte = 0;
    if (::read(g_fds[1], &byte, 1) != 1)
        return;
    Q_EMIT shutdownRequested(byte == SIGINT ? QStringLiteral("SIGINT") : QStringLiteral("SIGTERM"));
#endif
}

} // namespace exeserver::cli
