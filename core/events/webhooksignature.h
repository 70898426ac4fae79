#pragma once

#include <QByteArray>

namespace exeserver {

// GitHub's webhook signature: X-Hub-Signature-256 = "sha256=" + hex(HMAC-SHA256(secret, raw body)).
class WebhookSignature
{
public:
    static QByteArray sign(const QByteArray &secret, const QByteArray &body);
    // True when `header` is the signature of `body` under `secret`. Compares in constant time, so the
    // response time says nothing about how many leading characters of a forged signature were right.
    // An empty secret never verifies.
    static bool verify(const QByteArray &secret, const QByteArray &body, const QByteArray &header);
    static bool constantTimeEquals(const QByteArray &a, const QByteArray &b);
};

} // namespace exeserver
