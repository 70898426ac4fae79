#pragma once

#include "github/githubclient.h"
#include "util/result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace exeserver {

// Which webhooks ExeServer created, so it never changes or removes anyone else's. GitHub keeps no field
// we could mark a hook with, so the mark is local: a hook is ExeServer's when its scope and id are recorded
// here *and* it still points at the recorded URL (a hook the user re-pointed by hand is theirs again).
// Kept as JSON in `<data dir>/webhooks.json`; a missing file is an empty registry.
class HookRegistry
{
public:
    struct Entry
    {
        QString scope; // HookScope::key()
        qint64 id = 0;
        QString url;
        QStringList events; // as last set up by ExeServer
        bool active = true;
    };

    explicit HookRegistry(QString path);

    Status load();
    Status save() const;

    bool isOurs(const HookScope &scope, const Hook &hook) const;
    void record(const HookScope &scope, const Hook &hook);
    void forget(const HookScope &scope, qint64 hookId);
    const QList<Entry> &entries() const { return m_entries; }

private:
    QString m_path;
    QList<Entry> m_entries;
};

} // namespace exeserver
