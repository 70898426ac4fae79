#pragma once

#include "store/actionrecord.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace exeserver {

class EventStore;

// The action log, newest first, read a page at a time as the view scrolls (keyset paging on the local
// sequence number).
class ActionLogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        TimeColumn,
        KindColumn,
        TargetColumn,
        TriggerColumn,
        EventColumn,
        StatusColumn,
        DurationColumn,
        ResultColumn, // exit code or HTTP status
        OutputColumn,
        ColumnCount
    };
    static constexpr int kPageSize = 200;

    explicit ActionLogModel(EventStore &store, QObject *parent = nullptr);

    void refresh();
    QString lastError() const { return m_error; }
    const ActionRecord *actionAt(int row) const;
    // Reads on down to the action with local number `seq` (however old) and returns its row, -1 when
    // it is not in the log. The log pages one way, downwards, so every row above it is read too: rows
    // are small and actions far fewer than events, and the view can scroll up from it without a gap.
    int loadThrough(qint64 seq);
    static bool canRetry(const ActionRecord &action);
    static QString duration(const ActionRecord &action);
    // "Code file", "Workflow dispatch": the action kind in words (the identifier is the cell's tooltip).
    static QString kindLabel(ActionKind kind);
    // The output without the engine's closing "[full log: PATH]" line, and that path (empty: none).
    static QString outputText(const ActionRecord &action);
    static QString logFile(const ActionRecord &action);
    // The action's event in words: "pull_request.opened · acme/api #12 · Fix the parser"; read from the
    // store once per event. Empty when the action had no event.
    QString eventWords(const QString &eventId) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

private:
    EventStore &m_store;
    QList<ActionRecord> m_rows;
    bool m_more = false;
    QString m_error;
    mutable QHash<QString, QString> m_eventWords; // event id → words, filled as rows are painted
};

} // namespace exeserver
