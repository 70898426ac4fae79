#pragma once

#include <QObject>

#include <functional>

class QWidget;

namespace exeserver {

// Runs `work` one event-loop turn after `window` has painted for the first time, so work the first frame
// does not show (starting the automation host, the team database) does not delay it. A window that is not
// visible (started minimised to the tray), or not painted within `fallbackMs`, gets the work anyway.
class AfterFirstPaint : public QObject
{
    Q_OBJECT
public:
    static void run(QWidget *window, std::function<void()> work, int fallbackMs = 500);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    AfterFirstPaint(QWidget *window, std::function<void()> work);
    void fire();

    std::function<void()> m_work;
    bool m_seenPaint = false;
    bool m_fired = false;
};

} // namespace exeserver
