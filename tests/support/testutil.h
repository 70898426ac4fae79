#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace exeserver::test {

// Directory where tests drop artefacts worth looking at (rendered windows as PNG, logs).
QString outputDir();

struct WebhookExample
{
    QString name; // the event: push, pull_request, ...
    QJsonObject payload;
};
// GitHub's example webhook payloads: @octokit/webhooks-examples (EXESERVER_WEBHOOK_EXAMPLES, or
// tests/contract after `npm ci`); without the package, the copies in tests/data/webhooks, and `fromPackage`
// says so.
QList<WebhookExample> webhookExamples(bool *fromPackage = nullptr);

} // namespace exeserver::test
