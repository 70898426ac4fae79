// libFuzzer harness: the webhook signature check (core/events/webhooksignature). Input fields, separated by
// "\n--\n": secret, body, X-Hub-Signature-256 header. Besides "no crash", it checks the properties the
// server relies on: an arbitrary header verifies only if it is exactly the right signature, the right
// signature always verifies, an empty secret never does, and the constant-time compare agrees with ==.
#include "events/webhooksignature.h"
#include "fuzzinput.h"

using namespace exeserver;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> fields = fuzz::splitFields(data, size, 3);
    const QByteArray &secret = fields[0];
    const QByteArray &body = fields[1];
    const QByteArray &header = fields[2];

    const bool verified = WebhookSignature::verify(secret, body, header);
    if (secret.isEmpty()) {
        if (verified)
            fuzz::failProperty("an empty secret verified a signature");
        return 0;
    }
    const QByteArray expected = WebhookSignature::sign(secret, body);
    if (verified && header.trimmed().toLower() != expected.toLower())
        fuzz::failProperty("a header other than the body's signature verified");
    if (!WebhookSignature::verify(secret, body, expected))
        fuzz::failProperty("the body's own signature did not verify");
    if (WebhookSignature::constantTimeEquals(header, expected) != (header == expected))
        fuzz::failProperty("constantTimeEquals disagrees with ==");
    return 0;
}
