#pragma once

#include <QElapsedTimer>
#include <QMap>
#include <QString>
#include <QTimer>

#include <chrono>

namespace exeserver {

// Says in the log why the server closed or refused connections without letting a flood flood the log: the
// first few in a window get a line each, the rest are counted by reason and summarised in one line when the
// window ends. Its timer runs only while a summary is pending.
class ConnectionLog
{
public:
    enum class Level
    {
        Info,
        Warning
    };

    explicit ConnectionLog(int linesPerWindow = 10,
                           std::chrono::milliseconds window = std::chrono::seconds(10));

    // `peer` is "address:port" (or empty when there is none), `reason` a short phrase such as
    // "request headers not complete within 10 s".
    void note(Level level, const QString &peer, const QString &reason);

private:
    void summarise();

    int m_linesPerWindow;
    std::chrono::milliseconds m_window;
    QElapsedTimer m_windowStart;
    int m_linesInWindow = 0;
    QMap<QString, int> m_suppressed; // reason -> how many were not logged one by one
    Level m_suppressedLevel = Level::Info;
    QTimer m_summaryTimer;
};

} // namespace exeserver
