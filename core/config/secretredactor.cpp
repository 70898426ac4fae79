#include "config/secretredactor.h"

#include <QMutex>
#include <QSet>

namespace exeserver {

namespace {

// Shorter values would blank out ordinary words; secrets we handle (tokens, keys) are far longer.
constexpr qsizetype kMinimumSecretLength = 6;

struct Registry
{
    QMutex mutex;
    QSet<QString> secrets;
};

Registry &registry()
{
    static Registry instance;
    return instance;
}

} // namespace

void SecretRedactor::add(const QString &secret)
{
    if (secret.size() < kMinimumSecretLength)
        return;
    QMutexLocker lock(&registry().mutex);
    registry().secrets.insert(secret);
}

void SecretRedactor::remove(const QString &secret)
{
    QMutexLocker lock(&registry().mutex);
    registry().secrets.remove(secret);
}

void SecretRedactor::clear()
{
    QMutexLocker lock(&registry().mutex);
    registry().secrets.clear();
}

QString SecretRedactor::redact(QString text)
{
    QMutexLocker lock(&registry().mutex);
    for (const QString &secret : std::as_const(registry().secrets))
        text.replace(secret, QStringLiteral("***"));
    return text;
}

QString SecretRedactor::mask(const QString &secret)
{
    if (secret.isEmpty())
        return {};
    if (secret.size() <= 8)
        return QStringLiteral("****");
    return QStringLiteral("****") + secret.right(4);
}

} // namespace exeserver
