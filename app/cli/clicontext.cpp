#include "clicontext.h"

#include "config/secretredactor.h"
#include "store/eventstore.h"

#include <QNetworkAccessManager>

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

int CliContext::refused(const Error &error)
{
    m_err << "exeserver-cli: " << SecretRedactor::redact(error.message) << '\n';
    return ExitRefused;
}

} // namespace exeserver::cli
