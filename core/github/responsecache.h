#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QString>

#include <optional>

namespace exeserver {

// A GitHub response kept for conditional requests: sent back as If-None-Match / If-Modified-Since, and
// served again when GitHub answers 304 (which costs no rate-limit units).
struct CachedResponse
{
    QByteArray etag;
    QByteArray lastModified;
    QByteArray body;
    QByteArray linkHeader; // pagination survives a 304
    QDateTime storedAt;
};

// Keyed by the full request URL (including query). The event store provides a SQLite-backed one
// (table http_cache); MemoryResponseCache serves until then and in tests.
class ResponseCache
{
public:
    virtual ~ResponseCache() = default;
    virtual std::optional<CachedResponse> find(const QString &url) const = 0;
    virtual void store(const QString &url, const CachedResponse &response) = 0;
    virtual void remove(const QString &url) = 0;
};

class MemoryResponseCache final : public ResponseCache
{
public:
    std::optional<CachedResponse> find(const QString &url) const override
    {
        const auto it = m_entries.constFind(url);
        return it == m_entries.constEnd() ? std::nullopt : std::optional<CachedResponse>(*it);
    }
    void store(const QString &url, const CachedResponse &response) override
    {
        m_entries.insert(url, response);
    }
    void remove(const QString &url) override { m_entries.remove(url); }

private:
    QHash<QString, CachedResponse> m_entries;
};

} // namespace exeserver
