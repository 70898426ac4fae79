#include "events/webhooksignature.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>

#if EXESERVER_HAVE_OPENSSL_HMAC
#include <openssl/evp.h>
#include <openssl/hmac.h>
#endif

namespace exeserver {

QByteArray WebhookSignature::sign(const QByteArray &secret, const QByteArray &body)
{
#if EXESERVER_HAVE_OPENSSL_HMAC
    // OpenSSL's SHA-256 uses the CPU's SHA extensions: several times faster than Qt 6.4's portable
    // code, which every delivery's body goes through.
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (HMAC(EVP_sha256(), secret.constData(), int(secret.size()),
             reinterpret_cast<const unsigned char *>(body.constData()), size_t(body.size()), mac, &size))
        return "sha256=" + QByteArray::fromRawData(reinterpret_cast<const char *>(mac), int(size)).toHex();
#endif
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
