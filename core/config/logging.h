#pragma once

#include <QLoggingCategory>
#include <QString>

namespace exeserver {

// One category per module (debug off by default), so `QT_LOGGING_RULES="exeserver.github.debug=true"` shows a
// module's requests without a rebuild. Log a request's method, path and status — never its headers or a
// token.
Q_DECLARE_LOGGING_CATEGORY(lcApp)
Q_DECLARE_LOGGING_CATEGORY(lcConfig)
Q_DECLARE_LOGGING_CATEGORY(lcGitHub)
Q_DECLARE_LOGGING_CATEGORY(lcEvents)
Q_DECLARE_LOGGING_CATEGORY(lcStore)
Q_DECLARE_LOGGING_CATEGORY(lcTriggers)
Q_DECLARE_LOGGING_CATEGORY(lcSync)
Q_DECLARE_LOGGING_CATEGORY(lcAssistant)
Q_DECLARE_LOGGING_CATEGORY(lcApi)
Q_DECLARE_LOGGING_CATEGORY(lcUi)

// Writes every Qt log message to `<dataDir>/logs/exeserver.log` (rotated by size, a few files kept) and
// still forwards it to the previous handler (stderr). Every line passes through SecretRedactor first,
// a safety net behind the rule that secrets are never logged.
class LogFile
{
public:
    struct Options
    {
        qint64 maxBytes = 2 * 1024 * 1024;
        int keepFiles = 3; // exeserver.log.1 … exeserver.log.N
        bool echoToPreviousHandler = true;
    };

    // Installs the handler for the whole process; returns false (and logs why) if the file cannot be opened.
    static bool install(const QString &dataDir, Options options);
    static bool install(const QString &dataDir) { return install(dataDir, Options{}); }
    static void uninstall();
    static QString path(); // current log file, empty when not installed
};

} // namespace exeserver
