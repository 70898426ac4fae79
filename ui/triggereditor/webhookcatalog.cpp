#include "triggereditor/webhookcatalog.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace exeserver {

namespace {

void collectPaths(const QJsonValue &value, const QString &path, QStringList &out)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            const QString child = path.isEmpty() ? it.key() : path + QLatin1Char('.') + it.key();
            out.append(child);
            collectPaths(it.value(), child, out);
        }
    } else if (value.isArray() && !value.toArray().isEmpty()) {
        const QString child = path + QStringLiteral("[*]");
        out.append(child);
        collectPaths(value.toArray().first(), child, out);
    }
}

} // namespace

const WebhookCatalog &WebhookCatalog::instance()
{
    static const WebhookCatalog catalog;
    return catalog;
}

WebhookCatalog::WebhookCatalog()
{
    QFile file(QStringLiteral(":/webhook-events.json"));
    if (!file.open(QIODevice::ReadOnly))
        return;
    const QJsonArray events =
        QJsonDocument::fromJson(file.readAll()).object().value(QLatin1String("events")).toArray();
    for (const QJsonValue &value : events) {
        const QJsonObject event = value.toObject();
        const QString name = event.value(QLatin1String("name")).toString();
        Entry entry;
        for (const QJsonValue &action : event.value(QLatin1String("actions")).toArray())
            entry.actions.append(action.toString());
        entry.description = event.value(QLatin1String("description")).toString();
        entry.sample = event.value(QLatin1String("sample")).toObject();
        m_names.append(name);
        m_events.insert(name, std::move(entry));
    }
    m_names.sort();
}

QStringList WebhookCatalog::actions(const QString &event) const
{
    return m_events.value(event).actions;
}

QString WebhookCatalog::description(const QString &event) const
{
    return m_events.value(event).description;
}

QJsonObject WebhookCatalog::sample(const QString &event) const
{
    return m_events.value(event).sample;
}

QStringList WebhookCatalog::fieldPaths(const QString &event) const
{
    QStringList paths;
    collectPaths(sample(event), QString(), paths);
    return paths;
}

} // namespace exeserver
