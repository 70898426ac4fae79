#pragma once

#include "sync/synctarget.h"

#include <QObject>
#include <QPointer>
#include <QThread>

#include <functional>
#include <memory>

namespace exeserver {

// Runs a blocking SyncTarget (PostgresqlTarget: QPSQL waits on the network) on its own thread, so the thread
// that drains the outbox — the GUI thread in the desktop app — never waits on the team database. The inner
// target is created, used and destroyed on that thread, as Qt's SQL connections require; replies come
// back on the thread that constructed this target (the one that drains the outbox).
class BackgroundSyncTarget final : public SyncTarget
{
public:
    using Factory = std::function<std::unique_ptr<SyncTarget>()>;

    BackgroundSyncTarget(QString description, Factory factory);
    // Waits for a batch in flight (bounded by the target's own timeouts: PostgresqlTarget's connect timeout
    // and TCP keepalives) and closes the connection.
    ~BackgroundSyncTarget() override;

    QString describe() const override { return m_description; }
    void upsert(const QString &table, const QList<QByteArray> &rows,
                std::function<void(SyncReply)> done) override;

private:
    class Worker;

    QString m_description;
    QThread m_thread;
    Worker *m_worker = nullptr;         // lives on m_thread
    std::unique_ptr<QObject> m_replies; // lives on the constructing thread; replies are delivered through it
};

} // namespace exeserver
