#include "enginesession.h"

#include "blocking.h"
#include "host/automationhost.h"
#include "triggers/triggerengine.h"
#include "triggers/triggerruntime.h"

#include <QProcess>
#include <QStandardPaths>

namespace exeserver::cli {

namespace {

// Headless, the notification is a line on stdout; on a Linux desktop it is also shown through
// notify-send. Title and body are separate arguments, never a command line: they hold event data.
std::function<void(const TriggerNotification &)> notificationPrinter(QTextStream &out)
{
    const QString notifySend = QStandardPaths::findExecutable(QStringLiteral("notify-send"));
    return [&out, notifySend](const TriggerNotification &notification) {
        out << "notify: " << notification.title;
        if (!notification.body.isEmpty())
            out << " — " << notification.body;
        out << '\n';
        out.flush();
        if (!notifySend.isEmpty())
            QProcess::startDetached(notifySend, {QStringLiteral("--app-name=ExeServer"), QStringLiteral("--"),
                                                 notification.title, notification.body});
    };
}

std::function<void(const QString &, ActionKind, const QString &, ActionStatus, const QString &)>
actionPrinter(QTextStream &out)
{
    return [&out](const QString &id, ActionKind kind, const QString &target, ActionStatus status,
                  const QString &detail) {
        out << "action " << id << ' ' << toString(kind) << ' ' << target << ": " << toString(status);
        const QString line = detail.section(QLatin1Char('\n'), 0, 0).left(200);
        if (!line.isEmpty())
            out << " (" << line << ')';
        out << '\n';
        out.flush();
    };
}

} // namespace

EngineSession::EngineSession(CliContext &context, EventStore &store)
    : m_runtime(std::make_unique<TriggerRuntime>(context.settings(), store, &context.network()))
{
    if (const Status &status = m_runtime->status(); !status) {
        context.err() << "exeserver-cli: " << status.error().message << '\n';
        m_failed = true;
    }
    QObject::connect(m_runtime.get(), &TriggerRuntime::notification, m_runtime.get(),
                     notificationPrinter(context.out()));
    QObject::connect(&m_runtime->engine(), &TriggerEngine::actionFinished, m_runtime.get(),
                     actionPrinter(context.out()));
    // What a killed process left unfinished is finished first (and waited for with the rest).
    if (const Result<ResumeReport> resumed = m_runtime->engine().resume(); !resumed)
        context.err() << "exeserver-cli: cannot resume the last run's actions: " << resumed.error().message
                      << '\n';
}

EngineSession::~EngineSession() = default;

void EngineSession::printTo(CliContext &context, AutomationHost &host)
{
    QObject::connect(&host, &AutomationHost::notification, &host, notificationPrinter(context.out()));
    QObject::connect(&host, &AutomationHost::actionFinished, &host, actionPrinter(context.out()));
}

TriggerEngine &EngineSession::engine()
{
    return m_runtime->engine();
}

void EngineSession::waitUntilIdle()
{
    TriggerEngine &engine = m_runtime->engine();
    if (engine.busyCount() == 0)
        return;
    runBlocking([&engine](std::function<void()> finished) {
        QObject::connect(&engine, &TriggerEngine::idle, &engine, finished, Qt::SingleShotConnection);
    });
}

} // namespace exeserver::cli
