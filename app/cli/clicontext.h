#pragma once

#include "config/settings.h"
#include "util/result.h"

#include <QJsonObject>
#include <QUrl>
#include <QUrlQuery>

#include <QTextStream>

#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace exeserver {
class EventStore;
}

namespace exeserver::cli {

// Exit codes of exeserver-cli, as scripts rely on them.
enum ExitCode : int
{
    ExitOk = 0,
    ExitRefused = 1,       // GitHub (or another service) refused, or the operation failed
    ExitUsage = 2,         // unknown command or option, missing argument
    ExitPending = 3,       // `ask`: the assistant proposed a change nobody approved; nothing was done
    ExitInterrupted = 130, // stopped by Ctrl+C (SIGINT) after cleaning up, as shells report it
};

// What a command gets to work with: the effective settings (secrets loaded), output streams and the
// shared network access. Commands may block at their top level (the CLI is not a GUI thread).
class CliContext
{
public:
    CliContext(Settings &settings, QTextStream &out, QTextStream &err);
    ~CliContext();

    Settings &settings() { return m_settings; }
    QTextStream &out() { return m_out; }
    QTextStream &err() { return m_err; }
    QNetworkAccessManager &network();
    // The event store in the data dir, opened on first use; actions left running by processes that died
    // are settled then. nullptr, with the reason on stderr, when it cannot be opened.
    EventStore *store();

    // The command running, for usageError (CommandTable sets it).
    void setCommand(const QString &name, const QString &usageLine);
    // A value the command cannot use: "exeserver-cli NAME: message" and the command's usage line on
    // stderr; returns ExitUsage.
    int usageError(const QString &message);
    // Positional values the table cannot check: OWNER/REPO, and a positive number (`what` names it in the
    // message). nullopt after a usageError.
    std::optional<QString> repoArgument(const QString &value);
    static bool isRepoName(const QString &value);
    std::optional<qint64> idArgument(const QString &value, const QString &what);
    // An operation that failed: "exeserver-cli: message" on stderr; returns ExitRefused.
    int refused(const Error &error);
    // `--remote URL`: the read commands ask a running instance's local API instead of the store. The
    // token comes from `tokenFile`, else EXESERVER_API_TOKEN (or the keychain's, for this machine's).
    static const QStringList &remoteCommands();
    Status useRemote(const QString &url, const QString &tokenFile);
    bool isRemote() const { return m_remote.isValid(); }
    // One GET on the remote API, waited for; the error is printed.
    Result<QJsonObject> remoteGet(const QString &path, const QUrlQuery &query = {});

private:
    Settings &m_settings;
    QTextStream &m_out;
    QTextStream &m_err;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<EventStore> m_store;
    bool m_storeFailed = false;
    QString m_command;
    QString m_usageLine;
    QUrl m_remote;
    QString m_remoteToken;
};

} // namespace exeserver::cli
