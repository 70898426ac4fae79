#pragma once

#include "github/responsecache.h"

namespace exeserver {

class EventStore;

// The GitHub client's conditional-request cache kept in the event store's http_cache table, so ETags
// survive restarts (a 304 costs no rate limit). Bodies are stored compressed.
class SqliteResponseCache final : public ResponseCache
{
public:
    explicit SqliteResponseCache(EventStore &store)
        : m_store(store)
    {
    }

    std::optional<CachedResponse> find(const QString &url) const override;
    void store(const QString &url, const CachedResponse &response) override;
    void remove(const QString &url) override;

private:
    EventStore &m_store;
};

} // namespace exeserver
