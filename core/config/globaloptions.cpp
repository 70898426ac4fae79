#include "config/globaloptions.h"

#include "config/settings.h"

#include <QCommandLineParser>

namespace exeserver {

GlobalOptions::GlobalOptions()
    : m_dataDirOption(
          QStringLiteral("data-dir"),
          QStringLiteral("Folder for the database, logs and settings (default: the platform's app data "
                         "folder, or EXESERVER_DATA_DIR)."),
          QStringLiteral("DIR"))
    , m_apiUrlOption(
          QStringLiteral("api-url"),
          QStringLiteral("GitHub REST API base URL, e.g. https://HOST/api/v3 for GitHub Enterprise "
                         "Server (default: GITHUB_API_URL or https://api.github.com)."),
          QStringLiteral("URL"))
    , m_helpOption({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help and exit."))
    , m_versionOption({QStringLiteral("v"), QStringLiteral("version")},
                      QStringLiteral("Show the version and exit."))
    , m_remoteOption(QStringLiteral("remote"),
                     QStringLiteral("Read from a running ExeServer's local API instead of the local store "
                                    "(events list/show, triggers list, actions list/show)."),
                     QStringLiteral("URL"))
    , m_tokenFileOption(
          QStringLiteral("token-file"),
          QStringLiteral("File holding the API token for --remote (default: EXESERVER_API_TOKEN)."),
          QStringLiteral("FILE"))
{
}

void GlobalOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOption(m_dataDirOption);
    parser.addOption(m_apiUrlOption);
    parser.addOption(m_helpOption);
    parser.addOption(m_versionOption);
}

void GlobalOptions::addCliOptionsTo(QCommandLineParser &parser) const
{
    parser.addOption(m_remoteOption);
    parser.addOption(m_tokenFileOption);
}

void GlobalOptions::readCliOptionsFrom(const QCommandLineParser &parser)
{
    if (parser.isSet(m_remoteOption))
        m_remote = parser.value(m_remoteOption);
    if (parser.isSet(m_tokenFileOption))
        m_tokenFile = parser.value(m_tokenFileOption);
}

void GlobalOptions::readFrom(const QCommandLineParser &parser)
{
    if (parser.isSet(m_dataDirOption))
        m_dataDir = parser.value(m_dataDirOption);
    if (parser.isSet(m_apiUrlOption))
        m_apiUrl = parser.value(m_apiUrlOption);
    m_help = m_help || parser.isSet(m_helpOption);
    m_version = m_version || parser.isSet(m_versionOption);
}

QHash<QString, QString> GlobalOptions::settingOverrides() const
{
    QHash<QString, QString> overrides;
    if (!m_dataDir.isEmpty())
        overrides.insert(setting::DataDir, m_dataDir);
    if (!m_apiUrl.isEmpty())
        overrides.insert(setting::GitHubApiUrl, m_apiUrl);
    return overrides;
}

} // namespace exeserver
