#pragma once

#include <QHash>
#include <QJsonObject>
#include <QStringList>

namespace exeserver {

// GitHub's webhook events as the editor offers them: names, each one's actions and a sample payload, read
// from the compiled-in resource generated from @octokit/webhooks-examples (tools/webhookcatalog.cpp).
class WebhookCatalog
{
public:
    static const WebhookCatalog &instance();

    QStringList eventNames() const { return m_names; }
    bool contains(const QString &event) const { return m_events.contains(event); }
    QStringList actions(const QString &event) const;
    QString description(const QString &event) const;
    QJsonObject sample(const QString &event) const;
    // Every field path of the sample in condition syntax (arrays as `[*]`), for completion.
    QStringList fieldPaths(const QString &event) const;

private:
    WebhookCatalog();
    struct Entry
    {
        QStringList actions;
        QString description;
        QJsonObject sample;
    };
    QStringList m_names;
    QHash<QString, Entry> m_events;
};

} // namespace exeserver
