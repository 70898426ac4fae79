#include "startupreport.h"

#include "util/heaptrim.h"

#include <QCoreApplication>
#include <QEvent>
#include <QFile>
#include <QPixmap>
#include <QTimer>
#include <QWidget>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace exeserver {

namespace {

// steady_clock is CLOCK_MONOTONIC with libstdc++ and libc++ on Linux, so two processes can compare it.
long long monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// CPU time of the calling (main) thread: unlike the wall clock it hardly moves when other processes
// share the cores, so the benchmark can say what each stage costs even on a busy machine. -1 where the
// clock is missing.
long long threadCpuNs()
{
#if defined(CLOCK_THREAD_CPUTIME_ID)
    timespec now{};
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) == 0)
        return now.tv_sec * 1000000000LL + now.tv_nsec;
#endif
    return -1;
}

// /proc files report a size of 0, so they are read to the end rather than copied.
void saveSmaps(const QString &dir)
{
    QFile smaps(QStringLiteral("/proc/self/smaps"));
    QFile copy(QStringLiteral("%1/smaps.%2.%3")
                   .arg(dir, QCoreApplication::applicationName())
                   .arg(QCoreApplication::applicationPid()));
    if (smaps.open(QIODevice::ReadOnly) && copy.open(QIODevice::WriteOnly))
        copy.write(smaps.readAll());
}

} // namespace

void StartupReport::installIfRequested(QWidget *window)
{
    if (qEnvironmentVariableIntValue("EXESERVER_REPORT_FIRST_PAINT") != 1 || !window)
        return;
    bool ok = false;
    const int settle = qEnvironmentVariableIntValue("EXESERVER_REPORT_SETTLE_MS", &ok);
    window->installEventFilter(new StartupReport(window, ok ? settle : 3000));
}

void StartupReport::mark(const char *stage)
{
    static const bool enabled = qEnvironmentVariableIntValue("EXESERVER_REPORT_FIRST_PAINT") == 1;
    if (!enabled)
        return;
    std::printf("stage_monotonic_ns=%s %lld\nstage_cpu_ns=%s %lld\n", stage, monotonicNs(), stage,
                threadCpuNs());
    std::fflush(stdout);
}

StartupReport::StartupReport(QWidget *window, int settleMs)
    : QObject(window)
    , m_settleMs(settleMs)
{
}

bool StartupReport::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Paint && !m_painted) {
        m_painted = true;
        // After the paint itself: the time the first frame is ready, not when painting began.
        QTimer::singleShot(0, this, []() {
            std::printf("first_paint_monotonic_ns=%lld\nfirst_paint_cpu_ns=%lld\n", monotonicNs(),
                        threadCpuNs());
            std::fflush(stdout);
        });
        QTimer::singleShot(m_settleMs, this, [this]() {
            std::printf("idle_rss_kb=%lld\nidle_anon_kb=%lld\n", residentKb(), anonymousResidentKb());
            std::fflush(stdout);
            // For bench/bench_startup --smaps: where each resident kilobyte is, to compare two processes.
            if (const QString dir = qEnvironmentVariable("EXESERVER_REPORT_SMAPS"); !dir.isEmpty())
                saveSmaps(dir);
            // After the memory is read: the picture costs a window-sized image.
            if (const QString png = qEnvironmentVariable("EXESERVER_REPORT_PNG"); !png.isEmpty())
                static_cast<QWidget *>(parent())->grab().save(png);
            QCoreApplication::quit();
        });
    }
    return QObject::eventFilter(watched, event);
}

} // namespace exeserver
