#pragma once

#include "util/result.h"

#include <QUrl>

#include <functional>

class QNetworkAccessManager;

namespace exeserver {

// Asks a smee.io-compatible relay for a fresh channel of one's own: `GET <service>/new` answers with a
// redirect whose Location is the channel URL (smee.io: 307 to https://smee.io/<random id>). The redirect
// is read, not followed, since following it would open the channel's event stream.
class RelayChannel
{
public:
    // `done` gets the channel URL, or an error naming the service. The network must outlive the call.
    static void create(QNetworkAccessManager &network, const QUrl &service,
                       std::function<void(Result<QUrl>)> done, int timeoutMs = 20000);
};

} // namespace exeserver
