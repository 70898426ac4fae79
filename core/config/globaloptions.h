#pragma once

#include <QCommandLineOption>
#include <QHash>
#include <QString>

class QCommandLineParser;

namespace exeserver {

// The options every entry point takes (`exeserver` and `exeserver-cli`): --data-dir, --api-url, plus
// --help and --version; and the CLI's --remote URL and --token-file FILE (read commands of a running
// instance through its local API). Both entry points parse them the same way through this class.
class GlobalOptions
{
public:
    GlobalOptions();

    // Adds --data-dir, --api-url, --help and --version to `parser`.
    void addTo(QCommandLineParser &parser) const;
    // Reads the values that `parser` saw; later calls override earlier ones (options after a sub-command).
    void readFrom(const QCommandLineParser &parser);

    bool helpRequested() const { return m_help; }
    bool versionRequested() const { return m_version; }
    // Setting overrides for Settings' command-line layer, keyed by setting key.
    QHash<QString, QString> settingOverrides() const;

    // The CLI's own: --remote and --token-file (the desktop app takes neither).
    void addCliOptionsTo(QCommandLineParser &parser) const;
    void readCliOptionsFrom(const QCommandLineParser &parser);
    // `--remote URL`: empty when the command works on the local store.
    QString remote() const { return m_remote; }
    QString tokenFile() const { return m_tokenFile; }

    const QCommandLineOption &helpOption() const { return m_helpOption; }
    const QCommandLineOption &versionOption() const { return m_versionOption; }

private:
    QCommandLineOption m_dataDirOption;
    QCommandLineOption m_apiUrlOption;
    QCommandLineOption m_helpOption;
    QCommandLineOption m_versionOption;
    QCommandLineOption m_remoteOption;
    QCommandLineOption m_tokenFileOption;
    QString m_dataDir;
    QString m_apiUrl;
    QString m_remote;
    QString m_tokenFile;
    bool m_help = false;
    bool m_version = false;
};

} // namespace exeserver
