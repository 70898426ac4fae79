#include "github/ratelimitstate.h"

namespace exeserver {

namespace {

QString clockTime(const QDateTime &when)
{
    return when.toLocalTime().toString(QStringLiteral("HH:mm"));
}

} // namespace

QString RateLimitState::describe(const QDateTime &now) const
{
    QString quota;
    if (isKnown())
        quota = QStringLiteral("%1 of %2 left (%3)")
                    .arg(remaining)
                    .arg(limit)
                    .arg(resource.isEmpty() ? QStringLiteral("core") : resource);
    if (isBlocked(now))
        return QStringLiteral("rate limited until %1%2")
            .arg(clockTime(blockedUntil), quota.isEmpty() ? QString() : QStringLiteral("; ") + quota);
    if (quota.isEmpty())
        return QStringLiteral("not reported by the server");
    return reset.isValid() ? QStringLiteral("%1, resets at %2").arg(quota, clockTime(reset)) : quota;
}

bool RateLimitState::updateFrom(const std::function<QByteArray(const QByteArray &)> &header)
{
    const QByteArray limitText = header("x-ratelimit-limit");
    const QByteArray remainingText = header("x-ratelimit-remaining");
    if (limitText.isEmpty() && remainingText.isEmpty())
        return false;
    bool ok = false;
    if (const int value = limitText.toInt(&ok); ok)
        limit = value;
    if (const int value = remainingText.toInt(&ok); ok)
        remaining = value;
    if (const int value = header("x-ratelimit-used").toInt(&ok); ok)
        used = value;
    if (const qint64 value = header("x-ratelimit-reset").toLongLong(&ok); ok)
        reset = QDateTime::fromSecsSinceEpoch(value, QTimeZone::utc());
    if (const QByteArray value = header("x-ratelimit-resource"); !value.isEmpty())
        resource = QString::fromLatin1(value);
    return true;
}

} // namespace exeserver
