#include "events/webhooksignature.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>

#if EXESERVER_HAVE_OPENSSL_HMAC
#include <openssl/core_names.h>
#include <openssl/evp.h>
#endif

namespace exeserver {

namespace {

#if EXESERVER_HAVE_OPENSSL_HMAC
// An HMAC-SHA256 context keyed with the last secret used on this thread. OpenSSL 3's one-shot HMAC()
// looks the digest up in its provider tables and hashes the key again on every call, which cost as much as
// hashing a webhook body; re-initialising a keyed context does neither.
class KeyedHmac
{
public:
    ~KeyedHmac()
    {
        EVP_MAC_CTX_free(m_context);
        EVP_MAC_free(m_mac);
    }

    // Writes the MAC to `out` (32 bytes); false if OpenSSL failed.
    bool sign(const QByteArray &secret, const QByteArray &body, unsigned char *out)
    {
        if (!ready(secret))
            return false;
        size_t size = 0;
        return EVP_MAC_update(m_context, reinterpret_cast<const unsigned char *>(body.constData()),
                              size_t(body.size())) == 1 &&
               EVP_MAC_final(m_context, out, &size, 32) == 1 && size == 32;
    }

private:
    bool ready(const QByteArray &secret)
    {
        if (m_context && secret == m_secret)
            return EVP_MAC_init(m_context, nullptr, 0, nullptr) == 1; // same key, fresh state
        if (!m_mac)
            m_mac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
        if (!m_mac)
            return false;
        EVP_MAC_CTX_free(std::exchange(m_context, EVP_MAC_CTX_new(m_mac)));
        m_secret.clear();
        char digest[] = "SHA256";
        const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                     OSSL_PARAM_construct_end()};
        if (!m_context || EVP_MAC_init(m_context, reinterpret_cast<const unsigned char *>(secret.constData()),
                                       size_t(secret.size()), params) != 1)
            return false;
        // A deep copy: the caller's array may be a view of a buffer (QByteArray::fromRawData) that changes or
        // goes away, and a stale copy would pass the comparison above for a secret it was not keyed with.
        m_secret = QByteArray(secret.constData(), secret.size());
        return true;
    }

    EVP_MAC *m_mac = nullptr;
    EVP_MAC_CTX *m_context = nullptr;
    QByteArray m_secret;
};
#endif

} // namespace

QByteArray WebhookSignature::sign(const QByteArray &secret, const QByteArray &body)
{
#if EXESERVER_HAVE_OPENSSL_HMAC
    // OpenSSL's SHA-256 uses the CPU's SHA extensions: several times faster than Qt 6.4's portable
    // code, which every delivery's body goes through.
    thread_local KeyedHmac hmac;
    unsigned char mac[32];
    if (hmac.sign(secret, body, mac))
        return "sha256=" + QByteArray::fromRawData(reinterpret_cast<const char *>(mac), 32).toHex();
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
