// TriggerEngine's catch-up: the durable mark of the events it has decided on, and the walk over what
// arrived after it (after a restart, or events stored by another process).
#include "triggers/triggerengine.h"

#include "config/logging.h"
#include "config/secretredactor.h"
#include "events/occurrence.h"
#include "github/githubclient.h"
#include "store/eventstore.h"
#include "triggers/codefilerunner.h"
#include "triggers/presetstore.h"
#include "triggers/runfiles.h"
#include "triggers/templateengine.h"
#include "triggers/triggerclaims.h"
#include "triggers/triggerfile.h"
#include "triggers/triggermatcher.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QSet>

#include <algorithm>

namespace exeserver {

// --- the durable "decided through" mark ------------------------------------------------------------------

namespace {
const QString kDecidedThrough = QStringLiteral("triggers_decided_through");
constexpr int kCatchUpBatch = 256;
// The mark is written at most this often: a crash re-walks what came after it, and the decisions already
// recorded keep that walk from firing anything twice. Writing it per event would cost every delivery a
// transaction.
constexpr int kMarkSaveDelayMs = 2000;
} // namespace

Result<QList<DecidedEvent>> TriggerEngine::decidePending()
{
    if (!m_mark) {
        const Result<std::optional<qint64>> stored = m_store.stateNumber(kDecidedThrough);
        if (!stored)
            return stored.error();
        if (!stored->has_value()) {
            // A store from before the mark (or a new one): what it holds already was decided, or is history.
            if (const Status started = skipPending(); !started)
                return started.error();
            return QList<DecidedEvent>();
        }
        m_mark = **stored;
    }
    // Read once per call, not per event: a busy intake announces a commit of many events at a time.
    const Result<QList<Trigger>> all = triggers();
    if (!all)
        return all.error();
    if (std::none_of(all->cbegin(), all->cend(), [](const Trigger &trigger) { return trigger.enabled; })) {
        // Nothing could fire: the mark moves past what is stored without reading it (a trigger added later
        // fires on what arrives after it, never on these).
        const Result<qint64> last = m_store.lastEventSeq();
        if (!last)
            return last.error();
        if (*last > *m_mark) {
            m_mark = *last;
            scheduleMarkSave();
        }
        return QList<DecidedEvent>();
    }
    // Only the events a trigger listens to are decoded and parsed; the others are decided as they are.
    const auto listened = [&](const Event &event) { return anyListensTo(*all, event.type); };
    QList<DecidedEvent> decided;
    for (;;) {
        const Result<QList<SequencedEvent>> pending = m_store.eventsAfter(*m_mark, kCatchUpBatch, listened);
        if (!pending)
            return pending.error();
        for (const SequencedEvent &row : *pending) {
            const Event &event = row.event;
            if (!listened(event)) {
                decided.append({event.id, ProcessReport{}});
                m_mark = row.seq;
                scheduleMarkSave();
                continue;
            }
            const Result<ProcessReport> report =
                processContext(EventContext::fromPayload(
                                   event.type, QJsonDocument::fromJson(event.payload).object(), event.id),
                               event.receivedAt, *all);
            if (!report)
                return report.error(); // the mark stays before it: the next intake or start tries again
            decided.append({row.event.id, *report});
            m_mark = row.seq;
            scheduleMarkSave();
        }
        if (pending->size() < kCatchUpBatch)
            return decided;
    }
}

Status TriggerEngine::skipPending()
{
    const Result<qint64> last = m_store.lastEventSeq();
    if (!last)
        return last.error();
    m_mark = *last;
    m_markSaveTimer.stop();
    return saveMark();
}

void TriggerEngine::scheduleMarkSave()
{
    if (!m_markSaveTimer.isActive())
        m_markSaveTimer.start(kMarkSaveDelayMs);
}

Status TriggerEngine::saveMark()
{
    if (!m_mark)
        return success();
    const Status saved = m_store.setStateNumber(kDecidedThrough, *m_mark);
    if (!saved)
        qCWarning(lcTriggers) << "cannot save how far triggers decided:" << saved.error().message;
    return saved;
}

} // namespace exeserver
