#include "triggers/triggerclaims.h"

#include "config/settings.h"
#include "sync/postgresqltarget.h"
#include "triggers/postgresqlclaims.h"
#include "triggers/supabaseclaims.h"

#include <QUrl>

namespace exeserver {

std::unique_ptr<TriggerClaims> TriggerClaims::fromSettings(const Settings &settings,
                                                           QNetworkAccessManager *network,
                                                           const QString &owner, QString *problem)
{
    if (settings.isSet(setting::DatabaseUrl)) {
        const Result<PostgresAddress> address = PostgresAddress::fromUrl(settings.get(setting::DatabaseUrl));
        if (!address) {
            *problem = address.error().message;
            return nullptr;
        }
        return std::make_unique<PostgresqlClaims>(*address, owner);
    }
    if (settings.isSet(setting::SupabaseUrl) && settings.isSet(setting::SupabaseAnonKey)) {
        if (!network) {
            *problem = QStringLiteral("Supabase claims need a network connection manager.");
            return nullptr;
        }
        return std::make_unique<SupabaseClaims>(*network, QUrl(settings.get(setting::SupabaseUrl)),
                                                settings.get(setting::SupabaseAnonKey), owner);
    }
    return nullptr;
}

} // namespace exeserver
