#include "sync/syncengine.h"

#include "config/logging.h"
#include "store/eventstore.h"

#include <QTimer>

namespace exeserver {

SyncEngine::SyncEngine(EventStore &store, SyncTarget &target, Clock *clock, Options options, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_outbox(store)
    , m_target(target)
    , m_clock(clock ? clock : SystemClock::instance())
    , m_options(options)
{
}

Status SyncEngine::enable()
{
    return m_outbox.setEnabled(true);
}

SyncStatus SyncEngine::status() const
{
    SyncStatus status;
    if (const Result<OutboxStats> stats = m_outbox.stats()) {
        status.pending = stats->pending;
        status.parked = stats->parked;
        if (stats->oldestPending.isValid())
            status.lagMs = std::max<qint64>(0, stats->oldestPending.msecsTo(m_clock->now()));
    }
    status.lastSuccessAt = m_lastSuccessAt;
    status.nextAttemptAt = m_nextAttemptAt;
    status.lastError = m_lastError;
    return status;
}

void SyncEngine::drain(std::function<void(SyncRun)> done)
{
    if (m_done) { // one drain at a time; the running one will pick up new rows
        QTimer::singleShot(0, this, [done]() { done({}); });
        return;
    }
    m_done = std::move(done);
    m_run = {};
    QTimer::singleShot(0, this, &SyncEngine::step);
}

void SyncEngine::finish()
{
    auto done = std::move(m_done);
    m_done = nullptr;
    Q_EMIT statusChanged();
    if (done)
        done(m_run);
}

void SyncEngine::step()
{
    if (m_nextAttemptAt.isValid() && m_clock->now() < m_nextAttemptAt) {
        m_run.backingOff = true;
        m_run.error = m_lastError;
        finish();
        return;
    }
    if (!m_isolating.isEmpty()) {
        sendBatch({m_isolating.takeFirst()});
        return;
    }
    const Result<QList<OutboxItem>> items = m_outbox.next(m_options.batchSize);
    if (!items) {
        m_run.error = items.error().message;
        finish();
        return;
    }
    if (items->isEmpty()) {
        finish();
        return;
    }
    sendBatch(*items);
}

void SyncEngine::sendBatch(const QList<OutboxItem> &items)
{
    // Rows pruned locally before they were sent have nothing left to send.
    QList<OutboxItem> present;
    QList<qint64> gone;
    for (const OutboxItem &item : items) {
        if (item.row.isEmpty())
            gone.append(item.seq);
        else
            present.append(item);
    }
    if (!gone.isEmpty())
        m_outbox.complete(gone);
    if (present.isEmpty()) {
        QTimer::singleShot(0, this, &SyncEngine::step);
        return;
    }
    QList<QByteArray> rows;
    rows.reserve(present.size());
    for (const OutboxItem &item : std::as_const(present))
        rows.append(item.row);
    m_target.upsert(present.first().table, rows,
                    [this, present](SyncReply reply) { handle(present, reply); });
}

void SyncEngine::handle(const QList<OutboxItem> &items, const SyncReply &reply)
{
    QList<qint64> seqs;
    for (const OutboxItem &item : items)
        seqs.append(item.seq);
    switch (reply.outcome) {
    case SyncReply::Stored:
        if (const Status completed = m_outbox.complete(seqs); !completed) {
            // Rows stay queued and are sent again; the target's upsert keeps that harmless.
            m_run.error = completed.error().message;
            finish();
            return;
        }
        m_run.stored += int(items.size());
        m_failures = 0;
        m_nextAttemptAt = {};
        m_lastError.clear();
        m_lastSuccessAt = m_clock->now();
        m_outbox.noteSynced(m_lastSuccessAt); // for the window's sync status; not worth failing a sync over
        break;
    case SyncReply::Refused:
        if (items.size() > 1) {
            qCInfo(lcSync) << "batch of" << items.size() << "refused; sending its rows one by one";
            m_isolating = items + m_isolating;
        } else {
            qCWarning(lcSync) << "parked" << items.first().table << items.first().rowId << ":"
                              << reply.message;
            m_outbox.park(items.first().seq, reply.message);
            ++m_run.parked;
        }
        break;
    case SyncReply::Retry:
    case SyncReply::Unauthorized:
        m_outbox.noteAttempt(seqs, reply.message);
        m_isolating.clear();
        backOff(reply);
        m_run.backingOff = true;
        m_run.error = reply.message;
        finish();
        return;
    }
    Q_EMIT statusChanged();
    QTimer::singleShot(0, this, &SyncEngine::step);
}

void SyncEngine::backOff(const SyncReply &reply)
{
    ++m_failures;
    qint64 delay = m_options.minBackoffMs << std::min(m_failures - 1, 20);
    delay = std::min(delay, m_options.maxBackoffMs);
    if (reply.retryAfterSecs >= 0)
        delay = std::max<qint64>(delay, qint64(reply.retryAfterSecs) * 1000);
    m_nextAttemptAt = m_clock->now().addMSecs(delay);
    m_lastError = reply.message;
    qCWarning(lcSync) << m_target.describe() << "failed; next attempt in" << delay << "ms:" << reply.message;
}

} // namespace exeserver
