#include "events/webhooksignature.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>

namespace exeserver {

QByteArray WebhookSignature::sign(const QByteArray &secret, const QByteArray &body)
{
    return "sha256=" + QMessageAuthenticationCode::hash(body, secret, QCryptographicHash::Sha256).toHex();
}

bool WebhookSignature::verify(const QByteArray &secret, const QByteArray &body, const QByteArray &header)
{
    if (secret.isEmpty() || header.isEmpty())
        return false;
    // Hex digits may arrive in upper case from hand-written senders; GitHub sends lower case.
    return constantTimeEquals(sign(secret, body), header.trimmed().toLower());
}

bool WebhookSignature::constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    // The length of a SHA-256 signature is public, so leaving early on a length mismatch leaks nothing.
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

} // namespace exeserver
