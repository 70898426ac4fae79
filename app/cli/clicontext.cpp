#include "clicontext.h"

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

} // namespace exeserver::cli
