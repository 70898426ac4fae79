#include "config/ghclitokensource.h"

#include "config/logging.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTimer>

namespace exeserver {

GhCliTokenSource::GhCliTokenSource(QString program, QObject *parent)
    : QObject(parent)
    , m_program(program.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("gh")) : std::move(program))
{
}

void GhCliTokenSource::fetch(std::function<void(std::optional<QString>)> done, int timeoutMs)
{
    if (m_program.isEmpty()) {
        done(std::nullopt);
        return;
    }
    auto *process = new QProcess(this);
    auto reported = std::make_shared<bool>(false);
    auto report = [process, reported, done = std::move(done)](std::optional<QString> token) {
        if (*reported)
            return;
        *reported = true;
        process->deleteLater();
        done(std::move(token));
    };
    connect(process, &QProcess::finished, this, [process, report](int exitCode, QProcess::ExitStatus status) {
        const QString token = QString::fromUtf8(process->readAllStandardOutput()).trimmed();
        const bool plausible = status == QProcess::NormalExit && exitCode == 0 && !token.isEmpty() &&
                               !token.contains(QLatin1Char(' ')) && !token.contains(QLatin1Char('\n'));
        if (!plausible)
            qCInfo(lcConfig) << "gh CLI is installed but not logged in (exit code" << exitCode << ")";
        report(plausible ? std::optional<QString>(token) : std::nullopt);
    });
    connect(process, &QProcess::errorOccurred, this, [report](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            report(std::nullopt);
    });
    QTimer::singleShot(timeoutMs, process, [process, report]() {
        qCWarning(lcConfig) << "gh auth token did not answer in time";
        process->kill();
        report(std::nullopt);
    });
    process->start(m_program, {QStringLiteral("auth"), QStringLiteral("token")});
}

} // namespace exeserver
