#pragma once

#include "sync/synctarget.h"

#include <QUrl>

class QNetworkAccessManager;

namespace exeserver {

// Supabase (or any PostgREST): one POST per batch to /rest/v1/<table>?on_conflict=id with
// `Prefer: resolution=merge-duplicates`, PostgREST's upsert, so a batch sent twice stores each row once.
class SupabaseTarget final : public SyncTarget
{
public:
    SupabaseTarget(QNetworkAccessManager &network, QUrl baseUrl, QString apiKey, int timeoutMs = 30000);

    QString describe() const override;
    void upsert(const QString &table, const QList<QByteArray> &rows,
                std::function<void(SyncReply)> done) override;

    static SyncReply classify(int httpStatus, const QByteArray &body, const QByteArray &retryAfter,
                              const QString &networkError);

private:
    QNetworkAccessManager &m_network;
    QUrl m_baseUrl;
    QString m_apiKey;
    int m_timeoutMs;
};

} // namespace exeserver
