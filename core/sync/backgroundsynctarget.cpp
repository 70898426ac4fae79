#include "sync/backgroundsynctarget.h"

namespace exeserver {

class BackgroundSyncTarget::Worker : public QObject
{
public:
    explicit Worker(Factory factory)
        : m_factory(std::move(factory))
    {
    }

    SyncTarget &target()
    {
        if (!m_target)
            m_target = m_factory(); // first use: on the worker thread
        return *m_target;
    }
    void release() { m_target.reset(); }

private:
    Factory m_factory;
    std::unique_ptr<SyncTarget> m_target;
};

BackgroundSyncTarget::BackgroundSyncTarget(QString description, Factory factory)
    : m_description(std::move(description))
    , m_worker(new Worker(std::move(factory)))
    , m_replies(std::make_unique<QObject>())
{
    m_thread.setObjectName(QStringLiteral("exeserver-sync"));
    m_worker->moveToThread(&m_thread);
    m_thread.start();
}

BackgroundSyncTarget::~BackgroundSyncTarget()
{
    // The connection must be closed on the thread that opened it; then the worker goes with the thread.
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker]() { worker->release(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_worker;
}

void BackgroundSyncTarget::upsert(const QString &table, const QList<QByteArray> &rows,
                                  std::function<void(SyncReply)> done)
{
    // A reply that arrives after this target is gone is dropped: m_replies dies with it.
    QPointer<QObject> replies = m_replies.get();
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, table, rows, replies, done = std::move(done)]() {
            worker->target().upsert(table, rows, [replies, done](SyncReply reply) {
                if (replies)
                    QMetaObject::invokeMethod(
                        replies.data(), [done, reply]() { done(reply); }, Qt::QueuedConnection);
            });
        },
        Qt::QueuedConnection);
}

} // namespace exeserver
