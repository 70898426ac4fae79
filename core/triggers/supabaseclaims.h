#pragma once

#include "triggers/triggerclaims.h"

#include <QObject>
#include <QUrl>

#include <memory>

namespace exeserver {

// Team claims in Supabase: a plain insert through PostgREST (POST /rest/v1/exeserver_trigger_claims, no
// upsert), so the table's primary key decides. 201 Created: ours; 409 Conflict (unique_violation 23505):
// another instance's; anything else, or no answer within the timeout: undecided.
class SupabaseClaims final : public TriggerClaims
{
public:
    SupabaseClaims(QNetworkAccessManager &network, QUrl baseUrl, QString apiKey, QString owner,
                   int timeoutMs = 10000);
    ~SupabaseClaims() override;

    QString describe() const override;
    void claim(const ClaimRequest &request, Done done) override;

    // An HTTP answer as a claim: true (201), false (409), or an error saying what to do.
    static Result<bool> classify(int httpStatus, const QByteArray &body, const QString &networkError);

private:
    QNetworkAccessManager &m_network;
    QUrl m_baseUrl;
    QString m_apiKey;
    QString m_owner;
    int m_timeoutMs;
    std::unique_ptr<QObject> m_replies; // answers arriving after this object is gone are dropped with it
};

} // namespace exeserver
