// libFuzzer harness: the payload normaliser (core/events/eventnormalizer), which sees every webhook body
// and Events API item before anything else does. Input fields: event name, delivery id, body. The body is
// tried as a JSON webhook, as the form-encoded `payload=` variant, as a manual ingest and, when it is a
// JSON object, as an Events API item. A malformed body must come back as an error, never a crash, and the
// webhook (a one-pass scan of the bytes) must agree in every field with the tree-based reference
// (tests/support/referencenormalizer), refusals included.
#include "events/eventnormalizer.h"
#include "events/occurrence.h"
#include "fuzzinput.h"
#include "referencenormalizer.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QTimeZone>

using namespace exeserver;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> fields = fuzz::splitFields(data, size, 3);
    const QString eventName = QString::fromUtf8(fields[0]);
    const QString deliveryId = QString::fromUtf8(fields[1]);
    const QByteArray &body = fields[2];
    const QDateTime receivedAt = QDateTime::fromSecsSinceEpoch(1'700'000'000, QTimeZone::utc());

    const auto webhook = EventNormalizer::fromWebhook(eventName, deliveryId, body, receivedAt,
                                                      QByteArrayLiteral("application/json"));
    if (webhook && webhook->id.isEmpty())
        fuzz::failProperty("a normalised webhook event without an id");
    const auto reference = testing::referenceFromWebhook(eventName, deliveryId, body, receivedAt,
                                                         QByteArrayLiteral("application/json"));
    if (webhook.ok() != reference.ok())
        fuzz::failProperty(webhook.ok() ? "the scan accepted a body QJsonDocument refuses"
                                        : "the scan refused a body QJsonDocument accepts");
    if (webhook.ok() && !testing::firstDifference(*webhook, *reference).isEmpty())
        fuzz::failProperty(qPrintable(QStringLiteral("the scan and the tree disagree: ") +
                                      testing::firstDifference(*webhook, *reference)));
    (void)EventNormalizer::fromWebhook(eventName, deliveryId, "payload=" + body.toPercentEncoding(),
                                       receivedAt, QByteArrayLiteral("application/x-www-form-urlencoded"));
    (void)EventNormalizer::fromManual(eventName, body, receivedAt);
    (void)EventNormalizer::webhookNameForEventsApiType(eventName);

    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (document.isObject()) {
        (void)EventNormalizer::fromEventsApi(document.object(), receivedAt);
        (void)Occurrence::key(eventName, document.object());
    }
    return 0;
}
