#include "github/hookregistry.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <algorithm>

namespace exeserver {

HookRegistry::HookRegistry(QString path)
    : m_path(std::move(path))
{
}

Status HookRegistry::load()
{
    m_entries.clear();
    QFile file(m_path);
    if (!file.exists())
        return success();
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("io"),
                     QStringLiteral("Cannot read %1: %2").arg(m_path, file.errorString())};
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll());
    if (!document.isObject())
        return Error{QStringLiteral("io"),
                     QStringLiteral("%1 is not a webhook registry; no hook will be changed until it is "
                                    "fixed or removed.")
                         .arg(m_path)};
    for (const QJsonValue &value : document.object().value(QLatin1StringView("hooks")).toArray()) {
        const QJsonObject object = value.toObject();
        QStringList events;
        for (const QJsonValue &event : object.value(QLatin1StringView("events")).toArray())
            events.append(event.toString());
        m_entries.append({object.value(QLatin1StringView("scope")).toString(),
                          object.value(QLatin1StringView("id")).toInteger(),
                          object.value(QLatin1StringView("url")).toString(), events,
                          object.value(QLatin1StringView("active")).toBool(true)});
    }
    return success();
}

Status HookRegistry::save() const
{
    QJsonArray hooks;
    for (const Entry &entry : m_entries)
        hooks.append(QJsonObject{{QStringLiteral("scope"), entry.scope},
                                 {QStringLiteral("id"), entry.id},
                                 {QStringLiteral("url"), entry.url},
                                 {QStringLiteral("events"), QJsonArray::fromStringList(entry.events)},
                                 {QStringLiteral("active"), entry.active}});
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(QJsonObject{{QStringLiteral("hooks"), hooks}}).toJson()) < 0 ||
        !file.commit())
        return Error{QStringLiteral("io"),
                     QStringLiteral("Cannot save %1: %2").arg(m_path, file.errorString())};
    return success();
}

bool HookRegistry::isOurs(const HookScope &scope, const Hook &hook) const
{
    const QString key = scope.key();
    return std::any_of(m_entries.begin(), m_entries.end(), [&](const Entry &entry) {
        return entry.scope == key && entry.id == hook.id && entry.url == hook.url;
    });
}

void HookRegistry::record(const HookScope &scope, const Hook &hook)
{
    forget(scope, hook.id);
    m_entries.append({scope.key(), hook.id, hook.url, hook.events, hook.active});
}

void HookRegistry::forget(const HookScope &scope, qint64 hookId)
{
    const QString key = scope.key();
    m_entries.removeIf([&](const Entry &entry) { return entry.scope == key && entry.id == hookId; });
}

} // namespace exeserver
