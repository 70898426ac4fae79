#include "net/connectionlog.h"

#include "config/logging.h"

#include <QStringList>

namespace exeserver {

ConnectionLog::ConnectionLog(int linesPerWindow, std::chrono::milliseconds window)
    : m_linesPerWindow(linesPerWindow)
    , m_window(window)
{
    m_summaryTimer.setSingleShot(true);
    QObject::connect(&m_summaryTimer, &QTimer::timeout, &m_summaryTimer, [this]() { summarise(); });
}

void ConnectionLog::note(Level level, const QString &peer, const QString &reason)
{
    if (!m_windowStart.isValid() || m_windowStart.elapsed() >= m_window.count()) {
        if (!m_suppressed.isEmpty())
            summarise(); // the timer has not run yet (the event loop was busy)
        m_windowStart.start();
        m_linesInWindow = 0;
    }
    if (m_linesInWindow < m_linesPerWindow) {
        ++m_linesInWindow;
        const QString line =
            peer.isEmpty() ? reason : QStringLiteral("connection from %1: %2").arg(peer, reason);
        if (level == Level::Warning)
            qCWarning(lcEvents).noquote() << line;
        else
            qCInfo(lcEvents).noquote() << line;
        return;
    }
    ++m_suppressed[reason];
    if (level == Level::Warning)
        m_suppressedLevel = Level::Warning;
    if (!m_summaryTimer.isActive()) {
        const auto left = m_window - std::chrono::milliseconds(m_windowStart.elapsed());
        m_summaryTimer.start(std::max(left, std::chrono::milliseconds(0)));
    }
}

void ConnectionLog::summarise()
{
    m_summaryTimer.stop();
    if (m_suppressed.isEmpty())
        return;
    int total = 0;
    QStringList parts;
    for (auto it = m_suppressed.cbegin(); it != m_suppressed.cend(); ++it) {
        total += it.value();
        parts << QStringLiteral("%1 (%2)").arg(it.key()).arg(it.value());
    }
    const QString line = QStringLiteral("%1 more connections closed or refused in the last %2 s: %3")
                             .arg(total)
                             .arg(double(m_window.count()) / 1000.0)
                             .arg(parts.join(QStringLiteral("; ")));
    if (m_suppressedLevel == Level::Warning)
        qCWarning(lcEvents).noquote() << line;
    else
        qCInfo(lcEvents).noquote() << line;
    m_suppressed.clear();
    m_suppressedLevel = Level::Info;
    m_windowStart.invalidate(); // the next close starts a new window (the timer may fire a little early)
}

} // namespace exeserver
