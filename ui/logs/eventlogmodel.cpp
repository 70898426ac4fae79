#include "logs/eventlogmodel.h"

#include "events/eventsummary.h"
#include "store/eventstore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <limits>

namespace exeserver {

EventLogModel::EventLogModel(EventStore &store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{
    refresh();
}

void EventLogModel::setFilter(const EventQuery &filter)
{
    m_filter = filter;
    m_filter.after = {};
    m_filter.before = {};
    m_filter.offset = 0;
    m_filter.oldestFirst = false;
    refresh();
}

void EventLogModel::refresh()
{
    beginResetModel();
    m_pages.clear();
    m_error.clear();
    // Unfiltered, SQLite counts from its smallest index quickly; filters may need a row lookup per match.
    const EventQuery &f = m_filter;
    const bool filtered = !f.type.isEmpty() || !f.action.isEmpty() || !f.repository.isEmpty() ||
                          !f.sender.isEmpty() || !f.source.isEmpty() || !f.text.trimmed().isEmpty() ||
                          f.since.isValid() || f.until.isValid();
    m_countBound = filtered ? kFirstCountBound : 0;
    const Result<qint64> count = m_store.eventCount(m_filter, m_countBound);
    m_count = count ? *count : 0;
    m_countExact = m_countBound == 0 || m_count < m_countBound;
    if (!count)
        m_error = count.error().message;
    endResetModel();
}

bool EventLogModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_countExact;
}

void EventLogModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || m_countExact)
        return;
    m_countBound *= 8;
    const Result<qint64> count = m_store.eventCount(m_filter, m_countBound);
    if (!count) {
        m_error = count.error().message;
        m_countExact = true; // stop asking
        return;
    }
    m_countExact = *count < m_countBound;
    if (*count > m_count) {
        beginInsertRows({}, int(m_count), int(*count - 1));
        m_count = *count;
        endInsertRows();
    }
}

Event EventLogModel::eventAt(int index) const
{
    const Row *found = row(index);
    return found ? found->event : Event{};
}

const EventLogModel::Row *EventLogModel::row(int index) const
{
    if (index < 0 || index >= m_count)
        return nullptr;
    const qint64 page = index / kPageSize;
    auto it = m_pages.find(page);
    if (it == m_pages.end()) {
        if (!load(page))
            return nullptr;
        it = m_pages.find(page);
    }
    it->used = ++m_tick;
    const qsizetype offset = index - page * kPageSize;
    return offset < it->rows.size() ? &it->rows[offset] : nullptr;
}

// Reads one page from the nearest known row: the top, the bottom or a cached page above or below it, so
// the SQL offset is the distance from there (zero when scrolling or jumping to either end).
bool EventLogModel::load(qint64 page) const
{
    const qint64 first = page * kPageSize;
    const qint64 last = std::min(m_count, first + kPageSize) - 1; // inclusive
    if (last < first)
        return false;

    EventQuery query = m_filter;
    query.includePayload = true; // the summary column reads a few payload fields
    query.limit = int(last - first + 1);
    query.offset = first; // from the top
    query.oldestFirst = false;
    qint64 best = first;
    const auto consider = [&](qint64 distance, bool oldestFirst, EventCursor after, EventCursor before) {
        if (distance >= best)
            return;
        best = distance;
        query.offset = distance;
        query.oldestFirst = oldestFirst;
        query.after = after;
        query.before = before;
    };
    if (m_countExact)                               // a lower-bound count's last row is not the oldest match
        consider(m_count - 1 - last, true, {}, {}); // from the bottom
    for (auto it = m_pages.cbegin(); it != m_pages.cend(); ++it) {
        if (it->rows.isEmpty())
            continue;
        const qint64 pageFirst = it.key() * kPageSize;
        const qint64 pageLast = pageFirst + it->rows.size() - 1;
        if (pageLast < first)
            consider(first - pageLast - 1, false, it->rows.last().position, {});
        else if (pageFirst > last)
            consider(pageFirst - last - 1, true, {}, it->rows.first().position);
    }

    std::optional<QList<Row>> rows = read(query);
    if (!rows)
        return false;
    keep(page, std::move(*rows));
    return true;
}

std::optional<QList<EventLogModel::Row>> EventLogModel::read(const EventQuery &query) const
{
    const Result<EventPage> result = m_store.events(query);
    if (!result) {
        m_error = result.error().message;
        return std::nullopt;
    }
    QList<Row> rows;
    rows.reserve(result->events.size());
    for (qsizetype i = 0; i < result->events.size(); ++i) {
        Row row;
        row.event = result->events[i];
        row.summary = eventSummary(row.event.type, QJsonDocument::fromJson(row.event.payload).object());
        row.event.payload.clear();
        row.position = result->positions[i];
        rows.append(std::move(row));
    }
    if (query.oldestFirst)
        std::reverse(rows.begin(), rows.end());
    return rows;
}

void EventLogModel::keep(qint64 page, QList<Row> rows) const
{
    if (m_pages.size() >= kMaxPages) { // drop the least recently used page
        auto oldest = m_pages.begin();
        for (auto it = m_pages.begin(); it != m_pages.end(); ++it) {
            if (it->used < oldest->used)
                oldest = it;
        }
        m_pages.erase(oldest);
    }
    Page kept;
    kept.rows = std::move(rows);
    kept.used = ++m_tick;
    m_pages.insert(page, std::move(kept));
}

int EventLogModel::locate(const EventCursor &position)
{
    if (position.isNull())
        return -1;
    // `after` is exclusive and seqs are whole numbers: the cursor just above the event starts at it.
    const EventCursor atEvent{position.occurredAtMs, position.seq + 1};
    EventQuery probe = m_filter;
    probe.limit = 1;
    probe.after = atEvent;
    const Result<EventPage> first = m_store.events(probe);
    if (!first) {
        m_error = first.error().message;
        return -1;
    }
    if (first->positions.isEmpty() || first->positions.first().seq != position.seq)
        return -1; // the filter leaves it out

    EventQuery above = m_filter;
    above.before = position;
    const Result<qint64> newer = m_store.eventCount(above);
    if (!newer) {
        m_error = newer.error().message;
        return -1;
    }
    const qint64 index = *newer;
    if (index > std::numeric_limits<int>::max() - kPageSize)
        return -1;
    if (index >= m_count && !m_countExact) {
        qint64 bound = std::max<qint64>(m_countBound, kFirstCountBound);
        while (bound <= index + kPageSize)
            bound *= 8;
        const Result<qint64> count = m_store.eventCount(m_filter, bound);
        if (!count) {
            m_error = count.error().message;
            return -1;
        }
        m_countBound = bound;
        m_countExact = *count < bound;
        if (*count > m_count) {
            beginInsertRows({}, int(m_count), int(*count - 1));
            m_count = *count;
            endInsertRows();
        }
    }
    if (index >= m_count)
        return -1; // arrived after the last count: refresh() first

    // The page holding the row, read from the event's own position: the rows above it oldest first, then
    // the event and the rows below it. Neighbouring pages then load from this one, both ways.
    const qint64 page = index / kPageSize;
    const qint64 pageFirst = page * kPageSize;
    const qint64 pageLast = std::min(m_count, pageFirst + kPageSize) - 1;
    QList<Row> rows;
    if (index > pageFirst) {
        EventQuery query = m_filter;
        query.includePayload = true;
        query.limit = int(index - pageFirst);
        query.oldestFirst = true;
        query.before = position;
        std::optional<QList<Row>> read = this->read(query);
        if (!read)
            return -1;
        rows = std::move(*read);
    }
    EventQuery query = m_filter;
    query.includePayload = true;
    query.limit = int(pageLast - index + 1);
    query.after = atEvent;
    std::optional<QList<Row>> below = read(query);
    if (!below)
        return -1;
    rows.append(std::move(*below));
    m_pages.remove(page);
    keep(page, std::move(rows));
    const QModelIndex topLeft = createIndex(int(pageFirst), 0);
    const QModelIndex bottomRight = createIndex(int(pageLast), ColumnCount - 1);
    Q_EMIT dataChanged(topLeft, bottomRight);
    return int(index);
}

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return int(std::min<qint64>(m_count, std::numeric_limits<int>::max()));
}

int EventLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return {};
    const Row *found = row(index.row());
    if (!found)
        return {};
    const Event &event = found->event;
    switch (index.column()) {
    case TimeColumn:
        return QLocale().toString(event.occurredAt.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case SourceColumn:
        return event.source;
    case TypeColumn:
        return event.action.isEmpty() ? event.type : QStringLiteral("%1.%2").arg(event.type, event.action);
    case RepositoryColumn:
        return event.repository;
    case SenderColumn:
        return event.sender;
    case SummaryColumn:
        return found->summary;
    default:
        return {};
    }
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case SourceColumn:
        return tr("Source");
    case TypeColumn:
        return tr("Event");
    case RepositoryColumn:
        return tr("Repository");
    case SenderColumn:
        return tr("Sender");
    case SummaryColumn:
        return tr("Summary");
    default:
        return {};
    }
}

} // namespace exeserver
