#pragma once

#include "events/event.h"
#include "store/eventquery.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

#include <optional>

namespace exeserver {

class EventStore;

// The event log as a virtual table: the row count comes from one count query, rows are read a page at a
// time when the view asks for them. A page is reached by keyset paging from the nearest row already known
// (a neighbouring page, the top or the bottom), so scrolling, jumping to the end or dragging the scroll bar
// never reads the rows in between and memory stays at a few pages.
class EventLogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        TimeColumn,
        SourceColumn,
        TypeColumn,
        RepositoryColumn,
        SenderColumn,
        SummaryColumn,
        ColumnCount
    };
    static constexpr int kPageSize = 100;
    static constexpr int kMaxPages = 64;
    // A filtered count stops here and grows (x8) when the view reaches the last counted row: counting
    // every match of a broad filter over a million rows costs more than a frame.
    static constexpr qint64 kFirstCountBound = 20000;

    explicit EventLogModel(EventStore &store, QObject *parent = nullptr);

    // Filters and text (paging fields of `filter` are ignored); resets the view.
    void setFilter(const EventQuery &filter);
    const EventQuery &filter() const { return m_filter; }
    // Re-counts and drops cached pages (new events arrived).
    void refresh();
    QString lastError() const { return m_error; }
    // False while the row count is a lower bound (a filtered log with more matches than counted so far).
    bool isCountExact() const { return m_countExact; }

    // The row of the event at `position` (EventStore::eventPosition) under the current filter, with the
    // page around it read from that position both ways, so an event anywhere in history opens at once and
    // the rows above and below it page in as the view scrolls; -1 when the filter leaves it out. A
    // lower-bound count grows to cover the row.
    int locate(const EventCursor &position);

    // The event on a row, without its payload (read it with EventStore::event()).
    Event eventAt(int row) const;
    int cachedPageCount() const { return int(m_pages.size()); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

private:
    struct Row
    {
        Event event;
        QString summary;
        EventCursor position;
    };
    struct Page
    {
        QList<Row> rows;
        quint64 used = 0;
    };
    const Row *row(int index) const;
    bool load(qint64 page) const;
    // Reads `query`'s rows, newest first whichever way the query ran; nullopt (and lastError) on failure.
    std::optional<QList<Row>> read(const EventQuery &query) const;
    void keep(qint64 page, QList<Row> rows) const; // caches a page, dropping the least recently used

    EventStore &m_store;
    EventQuery m_filter;
    qint64 m_count = 0;
    qint64 m_countBound = 0; // 0: exact
    bool m_countExact = true;
    mutable QHash<qint64, Page> m_pages;
    mutable quint64 m_tick = 0;
    mutable QString m_error;
};

} // namespace exeserver
