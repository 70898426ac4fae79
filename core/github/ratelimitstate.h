#pragma once

#include <QDateTime>
#include <QString>
#include <QTimeZone>

#include <functional>

namespace exeserver {

// The rate limit as GitHub last reported it (x-ratelimit-* headers), plus the time until which the client
// holds requests back after a 403/429. The UI and `auth status` show it.
struct RateLimitState
{
    int limit = -1; // -1: not reported yet (GHES with rate limiting off never reports it)
    int remaining = -1;
    int used = -1;
    QDateTime reset;        // when `remaining` refills
    QString resource;       // "core", "search", ...
    QDateTime blockedUntil; // set while the client waits out a limit

    bool isKnown() const { return limit >= 0; }
    bool isBlocked(const QDateTime &now) const { return blockedUntil.isValid() && blockedUntil > now; }

    // "rate limited until 14:32 (core: 0 of 5000 left)" or "4999 of 5000 left (core), resets at 15:00".
    QString describe(const QDateTime &now) const;

    // Reads x-ratelimit-*; returns false when the response carries none of them.
    bool updateFrom(const std::function<QByteArray(const QByteArray &)> &header);
};

} // namespace exeserver
