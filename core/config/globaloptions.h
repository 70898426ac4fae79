#pragma once

#include <QCommandLineOption>
#include <QHash>
#include <QString>

class QCommandLineParser;

namespace exeserver {

// The options every entry point takes (`exeserver` and `exeserver-cli`): --data-dir, --api-url, plus
// --help and --version. Both entry points parse them the same way through this class.
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

    const QCommandLineOption &helpOption() const { return m_helpOption; }
    const QCommandLineOption &versionOption() const { return m_versionOption; }

private:
    QCommandLineOption m_dataDirOption;
    QCommandLineOption m_apiUrlOption;
    QCommandLineOption m_helpOption;
    QCommandLineOption m_versionOption;
    QString m_dataDir;
    QString m_apiUrl;
    bool m_help = false;
    bool m_version = false;
};

} // namespace exeserver
