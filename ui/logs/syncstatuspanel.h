#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;
class QTimer;

namespace exeserver {

class Clock;
class EventStore;
class SyncService;

// Sync to the team database as the store's outbox shows it: when rows were last stored remotely, how many
// wait, how many were refused (parked) and why. A line for the status bar and a panel with the parked rows
// and "Retry parked". Re-read every few seconds, so a sync run by another process shows too.
class SyncStatusPanel : public QWidget
{
    Q_OBJECT
public:
    explicit SyncStatusPanel(EventStore &store, Clock *clock, QWidget *parent = nullptr);

    // "Sync: 12 pending · 1 parked · last 3 min ago", or "Sync off".
    QString summary() const { return m_summary; }
    QLabel *statusBarLabel() const; // for QStatusBar::addPermanentWidget
    QStringList parkedLines() const;
    // The sync this app runs (null: none here, e.g. `exeserver-cli sync` elsewhere): adds its target and,
    // while it backs off, when it retries and why; refreshes whenever it reports.
    void setService(SyncService *service);

public Q_SLOTS:
    void refresh();
    void retryParked();

private:
    QString ago(const QDateTime &when) const;

    EventStore &m_store;
    QPointer<SyncService> m_service;
    Clock *m_clock;
    QPointer<QLabel> m_statusBar; // moves to the window's status bar
    QLabel *m_details;
    QListWidget *m_parked;
    QPushButton *m_retry;
    QTimer *m_timer;
    QString m_summary;
    QString m_lastError; // the running service's, for the status line's tooltip
};

} // namespace exeserver
