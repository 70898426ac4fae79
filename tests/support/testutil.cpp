#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace exeserver::test {

QString outputDir()
{
    const QString dir = QStringLiteral(EXESERVER_TEST_OUTPUT_DIR);
    QDir().mkpath(dir);
    return dir;
}

QList<WebhookExample> webhookExamples(bool *fromPackage)
{
    QList<WebhookExample> examples;
    QFile index(qEnvironmentVariableIsSet("EXESERVER_WEBHOOK_EXAMPLES")
                    ? qEnvironmentVariable("EXESERVER_WEBHOOK_EXAMPLES")
                    : QStringLiteral(EXESERVER_SOURCE_DIR "/tests/contract/node_modules/@octokit/"
                                                          "webhooks-examples/api.github.com/index.json"));
    const bool found = index.open(QIODevice::ReadOnly);
    if (fromPackage)
        *fromPackage = found;
    if (found) {
        for (const QJsonValue &group : QJsonDocument::fromJson(index.readAll()).array())
            for (const QJsonValue &example : group.toObject().value(QStringLiteral("examples")).toArray())
                examples.append(
                    {group.toObject().value(QStringLiteral("name")).toString(), example.toObject()});
        return examples;
    }
    const QDir dir(QStringLiteral(EXESERVER_SOURCE_DIR "/tests/data/webhooks"));
    for (const QString &name : dir.entryList(QDir::Files, QDir::Name)) {
        QFile file(dir.filePath(name));
        if (name.endsWith(QLatin1StringView(".json")) && file.open(QIODevice::ReadOnly))
            examples.append(
                {name.section(QLatin1Char('.'), 0, 0), QJsonDocument::fromJson(file.readAll()).object()});
    }
    return examples;
}

} // namespace exeserver::test
