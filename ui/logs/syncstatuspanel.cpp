#include "logs/syncstatuspanel.h"

#include "store/eventstore.h"
#include "store/outbox.h"
#include "sync/syncservice.h"
#include "util/clock.h"
#include "widgets/elidedlabel.h"
#include "widgets/emptyhint.h"

#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace exeserver {

SyncStatusPanel::SyncStatusPanel(EventStore &store, Clock *clock, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_clock(clock)
    , m_statusBar(new ElidedLabel(this))
    , m_details(new QLabel(this))
    , m_parked(new QListWidget(this))
    , m_retry(new QPushButton(tr("Retry parked rows"), this))
    , m_timer(new QTimer(this))
{
    setObjectName(QStringLiteral("SyncStatusPanel"));
    m_statusBar->setObjectName(QStringLiteral("syncStatus"));
    m_statusBar->setAccessibleName(tr("Sync status"));
    m_statusBar->hide(); // shown where it is put
    m_details->setObjectName(QStringLiteral("syncDetails"));
    m_details->setTextFormat(Qt::PlainText);
    m_details->setWordWrap(true); // one long sentence must not set the window's width
    m_parked->setObjectName(QStringLiteral("parkedRows"));
    setEmptyHint(m_parked, tr("No parked rows: every row sent reached the team database."));
    m_parked->setAccessibleName(tr("Parked rows"));
    m_retry->setObjectName(QStringLiteral("retryParked"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_details);
    auto *parkedTitle = new QLabel(tr("Parked rows (the team database refused them):"), this);
    parkedTitle->setWordWrap(true);
    layout->addWidget(parkedTitle);
    layout->addWidget(m_parked, 1);
    layout->addWidget(m_retry, 0, Qt::AlignRight);
    connect(m_retry, &QPushButton::clicked, this, &SyncStatusPanel::retryParked);
    connect(m_timer, &QTimer::timeout, this, &SyncStatusPanel::refresh);
    m_timer->start(5000);
    refresh();
}

QLabel *SyncStatusPanel::statusBarLabel() const
{
    return m_statusBar;
}

QString SyncStatusPanel::ago(const QDateTime &when) const
{
    if (!when.isValid())
        return tr("never");
    const qint64 secs = std::max<qint64>(0, when.secsTo(m_clock->now()));
    if (secs < 60)
        return tr("just now");
    if (secs < 3600)
        return tr("%1 min ago").arg(secs / 60);
    if (secs < 86400)
        return tr("%1 h ago").arg(secs / 3600);
    return QLocale().toString(when.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm"));
}

void SyncStatusPanel::refresh()
{
    Outbox outbox(m_store);
    m_parked->clear();
    if (!outbox.isEnabled()) {
        m_summary = tr("Sync off");
        m_details->setText(tr("Sync to a team database is off: set SUPABASE_URL and SUPABASE_ANON_KEY, or "
                              "EXESERVER_DATABASE_URL (File → Settings…, Events and sync), and restart."));
        m_retry->setEnabled(false);
        setEmptyHint(m_parked, tr("Nothing is sent while sync is off, so nothing is parked."));
    } else {
        setEmptyHint(m_parked, tr("No parked rows: every row sent reached the team database."));
        const Result<OutboxStats> stats = outbox.stats();
        const QDateTime last = outbox.lastSynced();
        if (!stats) {
            m_summary = tr("Sync: status unknown");
            m_details->setText(stats.error().message);
        } else {
            m_summary =
                tr("Sync: %1 pending · %2 parked · last %3")
                    .arg(QLocale().toString(stats->pending), QLocale().toString(stats->parked), ago(last));
            QString details = tr("Last sync: %1\nPending rows: %2").arg(ago(last)).arg(stats->pending);
            if (stats->oldestPending.isValid())
                details += tr(" (oldest waiting since %1)").arg(ago(stats->oldestPending));
            details += tr("\nParked rows: %1").arg(stats->parked);
            m_details->setText(details);
            const Result<QList<OutboxItem>> parked = outbox.parkedItems(50);
            if (parked) {
                for (const OutboxItem &item : *parked)
                    m_parked->addItem(
                        QStringLiteral("%1 %2: %3").arg(item.table, item.rowId, item.lastError));
            }
            m_retry->setEnabled(stats->parked > 0);
        }
    }
    m_lastError.clear();
    if (m_service) {
        // What only the running service knows: where rows go, and why they are not going right now.
        const SyncStatus status = m_service->status();
        m_lastError = status.lastError;
        QString details = m_details->text() + tr("\nTarget: %1").arg(m_service->targetDescription());
        if (status.nextAttemptAt.isValid()) {
            const qint64 secs = std::max<qint64>(0, m_clock->now().secsTo(status.nextAttemptAt));
            m_summary += tr(" · retry in %1 s").arg(secs);
            details += tr("\nFailing: %1 (next attempt in %2 s)").arg(status.lastError).arg(secs);
        }
        m_details->setText(details);
    }
    if (m_statusBar) {
        m_statusBar->setText(m_summary);
        m_statusBar->setToolTip(m_service ? m_lastError : QString());
    }
}

void SyncStatusPanel::setService(SyncService *service)
{
    if (m_service)
        disconnect(m_service, nullptr, this, nullptr);
    m_service = service;
    if (m_service)
        connect(m_service, &SyncService::statusChanged, this, &SyncStatusPanel::refresh);
    refresh();
}

QStringList SyncStatusPanel::parkedLines() const
{
    QStringList lines;
    for (int i = 0; i < m_parked->count(); ++i)
        lines.append(m_parked->item(i)->text());
    return lines;
}

void SyncStatusPanel::retryParked()
{
    Outbox(m_store).retryParked();
    refresh();
}

} // namespace exeserver
