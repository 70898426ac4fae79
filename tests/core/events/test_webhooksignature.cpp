#include "catch.h"

#include "events/webhooksignature.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>

#include <cstring>

using exeserver::WebhookSignature;

TEST_CASE("WebhookSignature: matches GitHub's documented example", "[events][signature]")
{
    // From GitHub's "Validating webhook deliveries" documentation.
    const QByteArray signature = WebhookSignature::sign("It's a Secret to Everybody", "Hello, World!");
    CHECK(signature == "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    CHECK(WebhookSignature::verify("It's a Secret to Everybody", "Hello, World!", signature));
}

TEST_CASE("WebhookSignature: rejects wrong, truncated, missing and unprefixed signatures",
          "[events][signature]")
{
    const QByteArray secret = "s3cret";
    const QByteArray body = R"({"zen":"Keep it logically awesome."})";
    const QByteArray good = WebhookSignature::sign(secret, body);
    CHECK(WebhookSignature::verify(secret, body, good));
    CHECK(WebhookSignature::verify(secret, body, good.toUpper().replace("SHA256=", "sha256=")));
    CHECK_FALSE(WebhookSignature::verify(secret, body + " ", good));
    CHECK_FALSE(WebhookSignature::verify("other", body, good));
    CHECK_FALSE(WebhookSignature::verify(secret, body, good.left(good.size() - 1)));
    CHECK_FALSE(WebhookSignature::verify(secret, body, good.mid(7)));
    CHECK_FALSE(WebhookSignature::verify(secret, body, {}));
    CHECK_FALSE(WebhookSignature::verify({}, body, WebhookSignature::sign({}, body)));
    QByteArray flipped = good;
    flipped[flipped.size() - 1] = flipped.back() == '0' ? '1' : '0';
    CHECK_FALSE(WebhookSignature::verify(secret, body, flipped));
}

TEST_CASE("WebhookSignature: constant-time comparison is a plain equality", "[events][signature]")
{
    CHECK(WebhookSignature::constantTimeEquals("abc", "abc"));
    CHECK_FALSE(WebhookSignature::constantTimeEquals("abc", "abd"));
    CHECK_FALSE(WebhookSignature::constantTimeEquals("abc", "ab"));
    CHECK(WebhookSignature::constantTimeEquals({}, {}));
}

TEST_CASE("WebhookSignature: alternating secrets and bodies sign like Qt's HMAC", "[events][signature]")
{
    // The keyed context is reused while the secret stays the same; a new secret must re-key it.
    const QByteArray secrets[] = {"It's a Secret to Everybody", "other", "", QByteArray(200, 'k')};
    const QByteArray bodies[] = {"Hello, World!", "", QByteArray(10000, 'x')};
    for (int round = 0; round < 2; ++round) {
        for (const QByteArray &secret : secrets) {
            for (const QByteArray &body : bodies) {
                const QByteArray expected =
                    "sha256=" +
                    QMessageAuthenticationCode::hash(body, secret, QCryptographicHash::Sha256).toHex();
                CHECK(WebhookSignature::sign(secret, body) == expected);
            }
        }
    }
}

TEST_CASE(
    "WebhookSignature: a secret given as a view of a buffer that later changes signs with the new secret",
    "[events][signature]")
{
    // Found by fuzz_webhooksignature: the keyed context kept the caller's view of its secret, so once the
    // buffer held another secret the context, still keyed with the old one, was taken for it.
    char buffer[] = "first-secret";
    const QByteArray body = "{\"zen\":\"Keep it logically awesome.\"}";
    {
        const QByteArray view = QByteArray::fromRawData(buffer, qsizetype(sizeof buffer - 1));
        REQUIRE(
            WebhookSignature::sign(view, body) ==
            "sha256=" +
                QMessageAuthenticationCode::hash(body, "first-secret", QCryptographicHash::Sha256).toHex());
    }
    std::memcpy(buffer, "other-secret", sizeof buffer);
    const QByteArray other = "other-secret";
    CHECK(WebhookSignature::sign(other, body) ==
          "sha256=" + QMessageAuthenticationCode::hash(body, other, QCryptographicHash::Sha256).toHex());
}
