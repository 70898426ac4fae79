#include "config/logging.h"

#include "config/secretredactor.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QMutex>

namespace exeserver {

Q_LOGGING_CATEGORY(lcApp, "exeserver.app", QtInfoMsg)
Q_LOGGING_CATEGORY(lcConfig, "exeserver.config", QtInfoMsg)
Q_LOGGING_CATEGORY(lcGitHub, "exeserver.github", QtInfoMsg)
Q_LOGGING_CATEGORY(lcEvents, "exeserver.events", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStore, "exeserver.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcTriggers, "exeserver.triggers", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSync, "exeserver.sync", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAssistant, "exeserver.assistant", QtInfoMsg)
Q_LOGGING_CATEGORY(lcApi, "exeserver.api", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUi, "exeserver.ui", QtInfoMsg)

namespace {

struct LogState
{
    QMutex mutex;
    QFile file;
    LogFile::Options options;
    QtMessageHandler previous = nullptr;
    bool installed = false;
};

LogState &state()
{
    static LogState instance;
    return instance;
}

const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "debug";
    case QtInfoMsg:
        return "info";
    case QtWarningMsg:
        return "warning";
    case QtCriticalMsg:
        return "critical";
    case QtFatalMsg:
        return "fatal";
    }
    return "log";
}

// exeserver.log -> .1 -> .2 …; the oldest falls off.
void rotate(LogState &s)
{
    const QString base = s.file.fileName();
    s.file.close();
    QFile::remove(base + QLatin1Char('.') + QString::number(s.options.keepFiles));
    for (int i = s.options.keepFiles - 1; i >= 1; --i)
        QFile::rename(base + QLatin1Char('.') + QString::number(i),
                      base + QLatin1Char('.') + QString::number(i + 1));
    if (s.options.keepFiles > 0)
        QFile::rename(base, base + QStringLiteral(".1"));
    else
        QFile::remove(base);
    s.file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text);
}

void handleMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    LogState &s = state();
    const QString safe = SecretRedactor::redact(message);
    QtMessageHandler previous = nullptr;
    {
        QMutexLocker lock(&s.mutex);
        if (s.file.isOpen()) {
            const QByteArray line =
                QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8() + ' ' + levelName(type) +
                ' ' + (context.category ? context.category : "default") + ": " + safe.toUtf8() + '\n';
            if (s.file.size() + line.size() > s.options.maxBytes)
                rotate(s);
            s.file.write(line);
            s.file.flush();
        }
        if (s.options.echoToPreviousHandler)
            previous = s.previous;
    }
    if (previous)
        previous(type, context, safe);
}

} // namespace

bool LogFile::install(const QString &dataDir, Options options)
{
    LogState &s = state();
    QMutexLocker lock(&s.mutex);
    const QString dir = QDir(dataDir).filePath(QStringLiteral("logs"));
    if (!QDir().mkpath(dir))
        return false;
    s.file.close();
    s.file.setFileName(QDir(dir).filePath(QStringLiteral("exeserver.log")));
    if (!s.file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text))
        return false;
    s.options = options;
    if (!s.installed) {
        s.previous = qInstallMessageHandler(handleMessage);
        s.installed = true;
    }
    return true;
}

void LogFile::uninstall()
{
    LogState &s = state();
    QMutexLocker lock(&s.mutex);
    if (s.installed) {
        qInstallMessageHandler(s.previous);
        s.installed = false;
        s.previous = nullptr;
    }
    s.file.close();
}

QString LogFile::path()
{
    LogState &s = state();
    QMutexLocker lock(&s.mutex);
    return s.file.isOpen() ? s.file.fileName() : QString();
}

} // namespace exeserver
