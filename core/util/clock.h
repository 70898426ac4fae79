#pragma once

#include <QDateTime>
#include <QTimeZone>

namespace exeserver {

// Source of "now", injected into core classes so tests can move time without sleeping (KeePassXC's Clock).
class Clock
{
public:
    virtual ~Clock() = default;
    virtual QDateTime now() const = 0;
    qint64 nowMSecs() const { return now().toMSecsSinceEpoch(); }
};

class SystemClock final : public Clock
{
public:
    QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }
    static SystemClock *instance()
    {
        static SystemClock clock;
        return &clock;
    }
};

// A clock that only moves when told to; for tests and deterministic benchmarks.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(QDateTime start = QDateTime::fromSecsSinceEpoch(1764000000, QTimeZone::utc()))
        : m_now(std::move(start))
    {
    }
    QDateTime now() const override { return m_now; }
    void advance(qint64 msecs) { m_now = m_now.addMSecs(msecs); }
    void set(QDateTime when) { m_now = std::move(when); }

private:
    QDateTime m_now;
};

} // namespace exeserver
