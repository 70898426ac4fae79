#pragma once

#include "triggereditor/triggerdraft.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;
class QTreeView;

namespace exeserver {

class EventLogModel;
class EventStore;
class JsonTreeModel;

// Every stored event: filters (event type, repository, sender, time range) and text search over a virtual
// table, the selected event's payload as a JSON tree with "Copy path" (the field path in condition syntax)
// and "Create trigger from this event".
class EventLogView : public QWidget
{
    Q_OBJECT
public:
    explicit EventLogView(EventStore &store, QWidget *parent = nullptr);

    EventLogModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QTreeView *payloadTree() const { return m_tree; }
    JsonTreeModel *payloadModel() const { return m_payload; }
    QString statusText() const;

    // Filter fields, as typed: type is "push" or "pull_request.opened".
    void setTypeFilter(const QString &text);
    void setRepositoryFilter(const QString &text);
    void setSenderFilter(const QString &text);
    void setSearchText(const QString &text);
    void setTimeRange(int index); // 0 any time, 1 last hour, 2 day, 3 week, 4 month
    void applyFilters();          // at once (typing applies after a short pause)
    // Opens the log on the event (a notification's) wherever it is in history, with its payload: the
    // filters stay when the event matches them, else they are cleared and the status line says so.
    bool selectEvent(const QString &eventId);

    // The draft "Create trigger from this event" emits: the selected row's event, with the payload fields
    // selected in the tree (none selected: repository, type and action only).
    TriggerDraft draftFromSelection() const;
    QString selectedFieldPath() const;

public Q_SLOTS:
    void refresh();
    void copyPath();
    void createTrigger();

Q_SIGNALS:
    void createTriggerRequested(const exeserver::TriggerDraft &draft);

private:
    void showSelectedEvent();
    void clearFilters();

    EventStore &m_store;
    EventLogModel *m_model;
    JsonTreeModel *m_payload;
    QLineEdit *m_type;
    QLineEdit *m_repository;
    QLineEdit *m_sender;
    QComboBox *m_time;
    QLineEdit *m_search;
    QLabel *m_status;
    QTableView *m_table;
    QTreeView *m_tree;
    QPushButton *m_copyPath;
    QPushButton *m_create;
    QTimer *m_debounce;
    QString m_selectedEventId;
    QString m_note; // after the count in the status line, until the filters change
};

} // namespace exeserver
