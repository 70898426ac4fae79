#include "clicontext.h"

#include "api/apiclient.h"
#include "blocking.h"
#include "config/secretredactor.h"
#include "store/eventstore.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QRegularExpression>

namespace exeserver::cli {

CliContext::CliContext(Settings &settings, QTextStream &out, QTextStream &err)
    : m_settings(settings)
    , m_out(out)
    , m_err(err)
{
}

CliContext::~CliContext() = default;

QNetworkAccessManager &CliContext::network()
{
    if (!m_network)
        m_network = std::make_unique<QNetworkAccessManager>();
    return *m_network;
}

EventStore *CliContext::store()
{
    if (m_store || m_storeFailed)
        return m_store.get();
    auto store = std::make_unique<EventStore>();
    if (const Status opened = store->open(EventStore::defaultPath(m_settings)); !opened) {
        m_err << "exeserver-cli: " << opened.error().message << '\n';
        m_storeFailed = true;
        return nullptr;
    }
    // Actions a killed process left running are not settled here: the next trigger engine (serve, ingest,
    // retry) finishes them, reading what became of each code file; until then they show as running.
    m_store = std::move(store);
    return m_store.get();
}

void CliContext::setCommand(const QString &name, const QString &usageLine)
{
    m_command = name;
    m_usageLine = usageLine;
}

int CliContext::usageError(const QString &message)
{
    m_err << "exeserver-cli " << m_command << ": " << message << "\nUsage: " << m_usageLine << '\n';
    return ExitUsage;
}

bool CliContext::isRepoName(const QString &value)
{
    static const QRegularExpression pattern(QStringLiteral(R"(^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$)"));
    return pattern.match(value).hasMatch();
}

std::optional<QString> CliContext::repoArgument(const QString &value)
{
    if (isRepoName(value))
        return value;
    usageError(QStringLiteral("\"%1\" is not OWNER/REPO").arg(value));
    return std::nullopt;
}

std::optional<qint64> CliContext::idArgument(const QString &value, const QString &what)
{
    bool ok = false;
    const qint64 id = value.toLongLong(&ok);
    if (ok && id > 0)
        return id;
    usageError(QStringLiteral("%1 must be a positive number").arg(what));
    return std::nullopt;
}

int CliContext::refused(const Error &error)
{
    m_err << "exeserver-cli: " << SecretRedactor::redact(error.message) << '\n';
    return ExitRefused;
}

const QStringList &CliContext::remoteCommands()
{
    static const QStringList commands{QStringLiteral("events list"), QStringLiteral("events show"),
                                      QStringLiteral("triggers list"), QStringLiteral("actions list"),
                                      QStringLiteral("actions show")};
    return commands;
}

Status CliContext::useRemote(const QString &url, const QString &tokenFile)
{
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid() || !parsed.scheme().startsWith(QLatin1StringView("http")) ||
        parsed.host().isEmpty())
        return Error{
            QStringLiteral("usage"),
            QStringLiteral("--remote needs the API's http(s) URL, e.g. http://127.0.0.1:8711, not '%1'")
                .arg(url)};
    if (!tokenFile.isEmpty()) {
        QFile file(tokenFile);
        if (!file.open(QIODevice::ReadOnly))
            return Error{
                QStringLiteral("usage"),
                QStringLiteral("Cannot read the token file %1: %2").arg(tokenFile, file.errorString())};
        m_remoteToken = QString::fromUtf8(file.readAll()).trimmed();
    } else {
        m_remoteToken = m_settings.get(setting::ApiToken);
    }
    m_remote = parsed;
    return success();
}

Result<QJsonObject> CliContext::remoteGet(const QString &path, const QUrlQuery &query)
{
    ApiClient client(network(), m_remote, m_remoteToken);
    Result<QJsonObject> answer = QJsonObject{};
    runBlocking([&](std::function<void()> finished) {
        client.get(path, query, [&answer, finished](Result<QJsonObject> result) {
            answer = std::move(result);
            finished();
        });
    });
    if (!answer)
        m_err << "exeserver-cli: " << answer.error().message << '\n';
    return answer;
}

} // namespace exeserver::cli
