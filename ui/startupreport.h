#pragma once

#include <QObject>

class QWidget;

namespace exeserver {

// For bench/bench_startup: with EXESERVER_REPORT_FIRST_PAINT=1 in the environment, prints
// "first_paint_monotonic_ns=N" when `window` is first painted (steady_clock, which is CLOCK_MONOTONIC on
// Linux, so the benchmark compares it with the time it started the process), then,
// EXESERVER_REPORT_SETTLE_MS later (default 3000), "idle_rss_kb=N" (VmRSS; -1 without /proc),
// "idle_anon_kb=N" (its anonymous part) and quits the application; with EXESERVER_REPORT_PNG=PATH it saves
// the settled window there first. Without the variable it does nothing.
class StartupReport : public QObject
{
    Q_OBJECT
public:
    static void installIfRequested(QWidget *window);
    // With the same variable, prints "stage_monotonic_ns=<stage> N" now: the benchmark's per-stage
    // breakdown of the start (`stage` is one word); and "stage_cpu_ns=<stage> N", the main thread's CPU
    // time so far (also printed as first_paint_cpu_ns with the first paint). Call it on the main thread.
    static void mark(const char *stage);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    explicit StartupReport(QWidget *window, int settleMs);
    int m_settleMs;
    bool m_painted = false;
};

} // namespace exeserver
