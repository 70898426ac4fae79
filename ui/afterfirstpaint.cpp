#include "afterfirstpaint.h"

#include <QEvent>
#include <QTimer>
#include <QWidget>

namespace exeserver {

void AfterFirstPaint::run(QWidget *window, std::function<void()> work, int fallbackMs)
{
    auto *waiter = new AfterFirstPaint(window, std::move(work));
    if (!window->isVisible()) {
        QTimer::singleShot(0, waiter, &AfterFirstPaint::fire);
        return;
    }
    window->installEventFilter(waiter);
    QTimer::singleShot(fallbackMs, waiter, &AfterFirstPaint::fire);
}

AfterFirstPaint::AfterFirstPaint(QWidget *window, std::function<void()> work)
    : QObject(window)
    , m_work(std::move(work))
{
}

bool AfterFirstPaint::eventFilter(QObject *watched, QEvent *event)
{
    // Two turns later: the paint finishes and the frame is flushed first, and so does whatever else
    // waits for the first frame in the next turn (bench/bench_startup's StartupReport).
    if (event->type() == QEvent::Paint && !m_fired && !m_seenPaint) {
        m_seenPaint = true;
        QTimer::singleShot(0, this, [this]() { QTimer::singleShot(0, this, &AfterFirstPaint::fire); });
    }
    return QObject::eventFilter(watched, event);
}

void AfterFirstPaint::fire()
{
    if (m_fired)
        return;
    m_fired = true;
    const std::function<void()> work = std::move(m_work);
    deleteLater();
    work();
}

} // namespace exeserver
