#include "store/eventsearch.h"

#include "store/eventstore.h"
#include "store/payloadcodec.h"
#include "store/storerows.h"

#include <QSqlError>
#include <QSqlQuery>

#include <optional>

namespace exeserver {

using storerows::eventFromRow;
using storerows::kEventColumns;
using storerows::kIndexedThrough;
using storerows::toMs;

namespace {

// FTS5 query: every word quoted, so user text cannot inject FTS syntax; words are ANDed.
QString ftsQuery(const QString &text)
{
    QStringList terms;
    for (const QString &word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        QString quoted = word;
        quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        terms.append(QLatin1Char('"') + quoted + QLatin1Char('"'));
    }
    return terms.join(QLatin1Char(' '));
}

QString likePattern(const QString &word)
{
    QString escaped = word;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('%'), QStringLiteral("\\%"))
        .replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

// The rowids (column r) of events whose text matches, as one SELECT: FTS5 for the rows indexed so far,
// and a scan of the rows above the indexing mark, which the indexer has not reached yet (schema 7).
// Each query word is an FTS5 phrase of its tokens; the scan's form of it is a GLOB (phraseGlob) over
// the lower-cased text that wants the same tokens, whole and in order.
struct TextMatches
{
    QString sql;
    QVariantList values;
};

// unicode61 splits text into runs of letters and digits and folds case; a phrase matches where its
// tokens follow each other. The GLOB wants each token whole (a non-alphanumeric character or the text's
// edge on either side, hence the spaces added around the text) with one separator between tokens.
// Differences from FTS5, for the seconds until the indexer reaches a row: case folding is ASCII only
// (SQLite's lower()), no diacritic folding, non-ASCII letters count as separators at a token's edge, and
// two or more separator characters between a phrase's tokens ("project - 7") do not match.
QString phraseGlob(const QString &word)
{
    QStringList tokens;
    QString token;
    for (const QChar c : word) {
        if (c.isLetterOrNumber()) {
            token.append(c.unicode() < 128 ? c.toLower() : c); // what SQLite's lower() does
        } else if (!token.isEmpty()) {
            tokens.append(token);
            token.clear();
        }
    }
    if (!token.isEmpty())
        tokens.append(token);
    if (tokens.isEmpty())
        return {};
    // Tokens are letters and digits only: nothing in them is GLOB syntax.
    const QString edge = QStringLiteral("[^0-9a-z]");
    return QStringLiteral("*") + edge + tokens.join(edge) + edge + QStringLiteral("*");
}

// Appends to `sql` one whole-token GLOB test of `column` per word of a search text (see phraseGlob), and
// their patterns to `values`: the one test of an unindexed row, shared by every search path so they agree.
void appendWordGlobs(const QString &text, const QString &column, QString &sql, QVariantList &values)
{
    for (const QString &word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QString pattern = phraseGlob(word);
        if (pattern.isEmpty()) {
            sql += QStringLiteral(" AND 0"); // a phrase without tokens matches nothing in FTS5 either
            continue;
        }
        sql += QStringLiteral(" AND lower(' ' || %1 || ' ') GLOB ?").arg(column);
        values.append(pattern);
    }
}

// `low`/`high` (both > 0) keep only rowids in that range; `newest` > 0 orders by rowid descending and
// keeps that many (SQLite merges the two arms, each read in rowid order, and stops early).
TextMatches textMatches(const QString &text, qint64 low = 0, qint64 high = 0, qint64 newest = 0)
{
    TextMatches matches;
    const bool ranged = low > 0 && high > 0;
    // One lower bound on seq (SQLite would pick one of two and test the other on every row it reads).
    QString tail = ranged ? QStringLiteral("SELECT seq AS r FROM events WHERE seq > max(%1, ?) AND seq <= ?")
                                .arg(kIndexedThrough)
                          : QStringLiteral("SELECT seq AS r FROM events WHERE seq > %1").arg(kIndexedThrough);
    if (ranged)
        matches.values << low - 1 << high;
    appendWordGlobs(text, QStringLiteral("search_text"), tail, matches.values);
    QString fts = QStringLiteral("SELECT rowid AS r FROM events_fts WHERE events_fts MATCH ?");
    matches.values.append(ftsQuery(text));
    if (ranged) {
        fts += QStringLiteral(" AND rowid BETWEEN ? AND ?");
        matches.values << low << high;
    }
    matches.sql = tail + QStringLiteral(" UNION ALL ") + fts;
    if (newest > 0)
        matches.sql += QStringLiteral(" ORDER BY 1 DESC LIMIT %1").arg(newest);
    return matches;
}

// The WHERE terms of a query's filters and its cursors (not limit, offset or order); text goes through
// FTS when the store has it and `includeFtsText`, else by LIKE.
struct EventFilter
{
    QStringList where;
    QVariantList values;
};

// The query's since/until terms, shared by the filters and the walks' own range.
void appendTimeTerms(const EventQuery &request, QStringList &where, QVariantList &values)
{
    if (request.since.isValid()) {
        where.append(QStringLiteral("occurred_at >= ?"));
        values.append(toMs(request.since));
    }
    if (request.until.isValid()) {
        where.append(QStringLiteral("occurred_at < ?"));
        values.append(toMs(request.until));
    }
}

EventFilter eventFilter(const EventQuery &request, bool fts, bool includeFtsText)
{
    EventFilter filter;
    QStringList &where = filter.where;
    QVariantList &values = filter.values;
    const auto equals = [&](const char *column, const QString &value) {
        if (value.isEmpty())
            return;
        where.append(QLatin1String(column) + QStringLiteral(" = ?"));
        values.append(value);
    };
    equals("type", request.type);
    equals("action", request.action);
    equals("repository", request.repository);
    equals("sender", request.sender);
    equals("source", request.source);
    appendTimeTerms(request, where, values);
    const QString text = request.text.simplified();
    if (!text.isEmpty() && !fts) {
        for (const QString &word : text.split(QLatin1Char(' '))) {
            where.append(QStringLiteral("search_text LIKE ? ESCAPE '\\'"));
            values.append(likePattern(word));
        }
    } else if (!text.isEmpty() && includeFtsText) {
        const TextMatches matches = textMatches(text);
        where.append(QStringLiteral("seq IN (%1)").arg(matches.sql));
        values.append(matches.values);
    }
    // The row-value bounds: a view finds an event's row by counting those above it.
    if (!request.after.isNull()) {
        where.append(QStringLiteral("(occurred_at, seq) < (?, ?)"));
        values << request.after.occurredAtMs << request.after.seq;
    }
    if (!request.before.isNull()) {
        where.append(QStringLiteral("(occurred_at, seq) > (?, ?)"));
        values << request.before.occurredAtMs << request.before.seq;
    }
    return filter;
}

// One page of one query, found by one of the strategies below; page() picks them in turn.
class PageSearch
{
public:
    PageSearch(const EventStore &store, const EventQuery &request, qint64 textSearchWalk)
        : m_store(store)
        , m_request(request)
        , m_filter(eventFilter(request, store.hasFullTextSearch(), /*includeFtsText=*/false))
        , m_text(request.text.simplified())
        , m_limit(std::clamp(request.limit, 1, EventStore::kMaxPageSize))
        , m_textSearchWalk(textSearchWalk)
    {
        prepareWalks();
    }

    // The windowed search assumes newest first from the top; windowed views take the sorted page.
    bool needsTextStrategy() const
    {
        const bool windowed = m_request.oldestFirst || m_request.offset > 0 || !m_request.before.isNull();
        return !m_text.isEmpty() && m_store.hasFullTextSearch() && !windowed;
    }

    Result<EventPage> sortedPage();
    Result<bool> arrivalScattersTime();
    Result<std::optional<EventPage>> newestMatchesWindow();
    Result<std::optional<EventPage>> probeEachWalkedEntry();
    Result<std::optional<EventPage>> walkTimeIndex(bool scattered);

private:
    // A page, and the position of the row after it (which the text search needs).
    struct Run
    {
        EventPage page;
        bool more = false;
        qint64 beyondOccurred = 0;
    };
    // A FROM clause whose rows already come in page order (with its values and extra WHERE terms): then
    // there is no ORDER BY, so SQLite stops reading at the page's end.
    struct Walk
    {
        QString from;
        QVariantList fromValues;
        QStringList where;
        QVariantList whereValues;
    };
    // How many entries a walk reaches, and the seq range they cover.
    struct Span
    {
        qint64 count = 0;
        qint64 low = 0;
        qint64 high = 0;
    };

    Result<Run> run(const QString &matches, const QVariantList &matchValues, const Walk &walk = {}) const;
    void prepareWalks();
    QString walkedRows(qint64 entries) const;
    Result<Span> spanOf(qint64 entries) const;
    Walk walkOver(qint64 entries) const;
    Error error(const QSqlQuery &query) const
    {
        return m_store.sqlError(query.lastError(), QStringLiteral("query events"));
    }

    const EventStore &m_store;
    const EventQuery &m_request;
    EventFilter m_filter;
    const QString m_text;
    const int m_limit;
    const qint64 m_textSearchWalk;
    // The walks' index and the terms that narrow the walk itself (prepareWalks).
    QString m_walkIndex;
    QStringList m_range;
    QVariantList m_rangeValues;
};

// One page; `matches` (a subquery of FTS rowids) restricts it to text matches when given, `walk`
// replaces the events table with rows already in page order.
Result<PageSearch::Run> PageSearch::run(const QString &matches, const QVariantList &matchValues,
                                        const Walk &walk) const
{
    const QString source =
        !walk.from.isEmpty() ? walk.from
        : matches.isEmpty()
            ? QStringLiteral("events")
            // CROSS JOIN keeps SQLite from scanning events and probing the matches.
            : QStringLiteral("(%1) AS matches CROSS JOIN events ON events.seq = matches.r").arg(matches);
    const QStringList terms = walk.where + m_filter.where;
    const QString order = !walk.from.isEmpty()    ? QString()
                          : m_request.oldestFirst ? QStringLiteral("ORDER BY occurred_at ASC, seq ASC")
                                                  : QStringLiteral("ORDER BY occurred_at DESC, seq DESC");
    const QString sql =
        QStringLiteral("SELECT %1%2 FROM %3 %4 %5 LIMIT %6 OFFSET %7")
            .arg(kEventColumns, m_request.includePayload ? QStringLiteral(", payload") : QString(), source,
                 terms.isEmpty() ? QString() : QStringLiteral("WHERE ") + terms.join(QStringLiteral(" AND ")),
                 order)
            .arg(m_limit + 1)
            .arg(std::max<qint64>(0, m_request.offset));
    QSqlQuery query(m_store.database());
    query.setForwardOnly(true);
    query.prepare(sql);
    int index = 0;
    for (const QVariantList *list : std::initializer_list<const QVariantList *>{
             &matchValues, &walk.fromValues, &walk.whereValues, &m_filter.values})
        for (const QVariant &value : *list)
            query.bindValue(index++, value);
    if (!query.exec())
        return error(query);
    Run result;
    qint64 lastSeq = 0;
    qint64 lastOccurred = 0;
    while (query.next()) {
        if (result.page.events.size() == m_limit) {
            result.page.next = {lastOccurred, lastSeq};
            result.more = true;
            result.beyondOccurred = query.value(7).toLongLong();
            break;
        }
        Event event = eventFromRow(query);
        if (m_request.includePayload) {
            Result<QByteArray> payload = PayloadCodec::decode(query.value(9).toByteArray());
            if (!payload)
                return payload.error();
            event.payload = std::move(payload).value();
        }
        lastSeq = query.value(0).toLongLong();
        lastOccurred = query.value(7).toLongLong();
        result.page.positions.append({lastOccurred, lastSeq});
        result.page.events.append(std::move(event));
    }
    return result;
}

// SQLite collects every match and sorts them: the plain path (no text, no FTS5, a windowed view) and the
// text search's last resort.
Result<EventPage> PageSearch::sortedPage()
{
    if (!m_text.isEmpty() && m_store.hasFullTextSearch()) {
        const TextMatches matches = textMatches(m_text);
        m_filter.where.append(QStringLiteral("seq IN (%1)").arg(matches.sql));
        m_filter.values.append(matches.values);
    }
    Result<Run> result = run(QString(), {});
    if (!result)
        return result.error();
    return std::move(result->page);
}

// The walks follow the time order of the narrowest indexed filter (a repository, a sender or a type,
// each indexed with occurred_at), else of every event; only that filter and the time terms narrow the
// walk itself, and every filter is applied again outside it.
void PageSearch::prepareWalks()
{
    m_walkIndex = QStringLiteral("events_by_time");
    for (const auto &[column, value] :
         {std::pair{"repository", &m_request.repository}, std::pair{"sender", &m_request.sender},
          std::pair{"type", &m_request.type}}) {
        if (value->isEmpty())
            continue;
        m_walkIndex = QStringLiteral("events_by_") + QLatin1String(column);
        m_range.append(QLatin1String(column) + QStringLiteral(" = ?"));
        m_rangeValues.append(*value);
        break;
    }
    appendTimeTerms(m_request, m_range, m_rangeValues);
    if (!m_request.after.isNull()) {
        // The plain bound lets SQLite start the index scan at the cursor; the row value is exact.
        m_range.append(QStringLiteral("occurred_at <= ?"));
        m_range.append(QStringLiteral("(occurred_at, seq) < (?, ?)"));
        m_rangeValues << m_request.after.occurredAtMs << m_request.after.occurredAtMs << m_request.after.seq;
    }
}

QString PageSearch::walkedRows(qint64 entries) const
{
    const QString rangeWhere =
        m_range.isEmpty() ? QString() : QStringLiteral("WHERE ") + m_range.join(QStringLiteral(" AND "));
    return QStringLiteral("SELECT seq AS s FROM events INDEXED BY %1 %2 ORDER BY occurred_at DESC, seq "
                          "DESC LIMIT %3")
        .arg(m_walkIndex, rangeWhere)
        .arg(entries);
}

Result<PageSearch::Span> PageSearch::spanOf(qint64 entries) const
{
    QSqlQuery span(m_store.database());
    span.setForwardOnly(true);
    span.prepare(QStringLiteral("SELECT count(*), min(s), max(s) FROM (%1)").arg(walkedRows(entries)));
    for (int i = 0; i < m_rangeValues.size(); ++i)
        span.bindValue(i, m_rangeValues[i]);
    if (!span.exec() || !span.next())
        return error(span);
    return Span{span.value(0).toLongLong(), span.value(1).toLongLong(), span.value(2).toLongLong()};
}

PageSearch::Walk PageSearch::walkOver(qint64 entries) const
{
    Walk walk;
    walk.from =
        QStringLiteral("(%1) AS walk CROSS JOIN events ON events.seq = walk.s").arg(walkedRows(entries));
    walk.fromValues = m_rangeValues;
    return walk;
}

// How arrival (seq) relates to time here: the newest few entries by time in a narrow seq range (a live
// server, an import in either order) suit the newest-matches window and the ranged walks. Scattered
// over every seq (times shuffled against arrival), neither can help: every match must be known before
// the walk, or, for a term most events contain, each walked entry asks FTS5.
Result<bool> PageSearch::arrivalScattersTime()
{
    const qint64 orderProbe = std::max<qint64>(16, m_textSearchWalk / 128);
    const Result<Span> newest = spanOf(orderProbe);
    if (!newest)
        return newest.error();
    return newest->count == orderProbe && newest->high - newest->low >= 32 * orderProbe;
}

// Newest first without collecting every match: FTS5 yields matches by rowid (seq) descending, and seq
// grows with arrival, which tracks occurred time. Take the newest `window` matches; the page is exact
// when they are all the matches, or when no event outside the window (seq below its oldest) occurred
// after the row following the page. nullopt: not decided here.
Result<std::optional<EventPage>> PageSearch::newestMatchesWindow()
{
    // A few pages' worth: enough when the filters keep most matches; the walks handle the rest.
    const qint64 window = std::clamp<qint64>(4 * (m_limit + 1), 256, 1024);
    const TextMatches newest = textMatches(m_text, 0, 0, window);
    Result<Run> result = run(newest.sql, newest.values);
    if (!result)
        return result.error();
    QSqlQuery bounds(m_store.database());
    bounds.prepare(QStringLiteral("SELECT count(*), min(r) FROM (%1)").arg(newest.sql));
    for (const QVariant &value : newest.values)
        bounds.addBindValue(value);
    if (!bounds.exec() || !bounds.next())
        return error(bounds);
    if (bounds.value(0).toLongLong() < window)
        return std::optional<EventPage>(result->page); // every match was in the window
    if (result->more) {
        QSqlQuery outside(m_store.database());
        outside.prepare(QStringLiteral("SELECT 1 FROM events WHERE occurred_at > ? AND seq < ? LIMIT 1"));
        outside.addBindValue(result->beyondOccurred);
        outside.addBindValue(bounds.value(1));
        if (!outside.exec())
            return error(outside);
        if (!outside.next())
            return std::optional<EventPage>(result->page);
    }
    return std::optional<EventPage>();
}

// Scattered, and a term most events contain: materialising its matches reads FTS5's whole doclist (a
// word in every event: hundreds of milliseconds over a million), while the page is a few hundred entries
// into the walk. Then each walked entry asks FTS5 about its own rowid (~30 µs each), for a walk bounded
// by a few times the expected length; the density comes from the matches among the last few thousand
// indexed seqs (FTS5 seeks its doclists to that range). nullopt: the term is too rare for this.
Result<std::optional<EventPage>> PageSearch::probeEachWalkedEntry()
{
    constexpr qint64 kSample = 4096;
    constexpr qint64 kLongestProbeWalk = 256; // expected entries; ~8 ms of probes
    QSqlQuery sample(m_store.database());
    sample.setForwardOnly(true);
    sample.prepare(
        QStringLiteral("SELECT count(*), %1 FROM events_fts WHERE events_fts MATCH ? AND rowid > %1 - ?")
            .arg(kIndexedThrough));
    sample.addBindValue(ftsQuery(m_text));
    sample.addBindValue(kSample);
    if (!sample.exec() || !sample.next())
        return error(sample);
    const qint64 sampled = sample.value(0).toLongLong();
    const qint64 sampledSeqs = std::clamp<qint64>(sample.value(1).toLongLong(), 0, kSample);
    sample.finish();
    // Expected entries per page: (limit + 1) / density.
    if (sampled <= 0 || (m_limit + 1) * sampledSeqs > kLongestProbeWalk * sampled)
        return std::optional<EventPage>();
    const qint64 entries = std::max<qint64>(4 * (m_limit + 1) * sampledSeqs / sampled, m_limit + 1);
    Walk walk = walkOver(entries);
    // The walk's row matches: the unindexed tail by the scan's GLOBs, indexed rows by FTS5.
    QString tail = QStringLiteral("walk.s > %1").arg(kIndexedThrough);
    appendWordGlobs(m_text, QStringLiteral("events.search_text"), tail, walk.whereValues);
    walk.where.append(QStringLiteral("((%1) OR (walk.s <= %2 AND EXISTS (SELECT 1 FROM events_fts WHERE "
                                     "events_fts MATCH ? AND rowid = walk.s)))")
                          .arg(tail, kIndexedThrough));
    walk.whereValues.append(ftsQuery(m_text));
    Result<Run> result = run(QString(), {}, walk);
    if (!result)
        return result.error();
    if (result->more)
        return std::optional<EventPage>(result->page);
    const Result<Span> walked = spanOf(entries);
    if (!walked)
        return walked.error();
    if (walked->count < entries)
        return std::optional<EventPage>(result->page); // the walk reached the oldest event
    return std::optional<EventPage>();
}

// Arrival and time disagree (an imported history), or the filters thin the window out: walk the time
// index newest first and keep the rows whose seq is among the matches (SQLite materialises the match
// list once, as an in-memory index), stopping at the page. The walk is bounded, so a term whose matches
// are all old costs a bounded walk and then the full sort, not a walk of every event. Materialising
// every match of a common phrase is most of the cost (FTS5 reads the whole doclist of each word), and an
// imported history keeps neighbouring times in neighbouring seqs: so each stage first takes the seq
// range of the entries it will walk, and when that range is narrow, asks FTS5 only for matches inside it
// (FTS5 seeks its doclists to a rowid range). Scattered, the first stage would materialise every match
// only to do it again in the second: it is skipped. nullopt: the walks did not settle the page.
Result<std::optional<EventPage>> PageSearch::walkTimeIndex(bool scattered)
{
    for (const qint64 entries : {m_textSearchWalk / 4, m_textSearchWalk}) {
        if (scattered && entries < m_textSearchWalk)
            continue;
        Walk walk = walkOver(entries);
        qint64 walkable = -1; // entries the walk can reach, when known
        if (!scattered) {
            const Result<Span> span = spanOf(entries);
            if (!span)
                return span.error();
            walkable = span->count;
            scattered = span->high - span->low >= 32 * entries;
            if (!scattered) {
                const TextMatches matches = textMatches(m_text, span->low, span->high);
                walk.where.append(QStringLiteral("walk.s IN (%1)").arg(matches.sql));
                walk.whereValues = matches.values;
            } else if (entries < m_textSearchWalk) {
                continue; // the longer walk materialises every match once instead
            }
        }
        if (walk.where.isEmpty()) {
            const TextMatches matches = textMatches(m_text);
            walk.where.append(QStringLiteral("walk.s IN (%1)").arg(matches.sql));
            walk.whereValues = matches.values;
        }
        Result<Run> result = run(QString(), {}, walk);
        if (!result)
            return result.error();
        if (result->more)
            return std::optional<EventPage>(result->page); // a full page, found within the walk
        // Fewer than a page: that is every match if the walk reached the oldest event.
        if (walkable < 0) {
            const Result<Span> walked = spanOf(entries);
            if (!walked)
                return walked.error();
            walkable = walked->count;
        }
        if (walkable < entries)
            return std::optional<EventPage>(result->page);
    }
    return std::optional<EventPage>();
}

} // namespace

Result<EventPage> EventSearch::page(const EventQuery &query) const
{
    PageSearch search(m_store, query, m_textSearchWalk);
    if (!search.needsTextStrategy())
        return search.sortedPage();
    const Result<bool> scattered = search.arrivalScattersTime();
    if (!scattered)
        return scattered.error();
    // Each strategy either settles the page or leaves it to the next, more expensive one.
    Result<std::optional<EventPage>> found =
        *scattered ? search.probeEachWalkedEntry() : search.newestMatchesWindow();
    if (found && !*found)
        found = search.walkTimeIndex(*scattered);
    if (!found)
        return found.error();
    if (*found)
        return **found;
    return search.sortedPage();
}

Result<qint64> EventSearch::count(const EventQuery &request, qint64 atMost) const
{
    const EventFilter filter = eventFilter(request, m_store.hasFullTextSearch(), /*includeFtsText=*/true);
    const QString where = filter.where.isEmpty()
                              ? QString()
                              : QStringLiteral("WHERE ") + filter.where.join(QStringLiteral(" AND "));
    QSqlQuery query(m_store.database());
    query.setForwardOnly(true);
    query.prepare(
        atMost > 0
            ? QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM events %1 LIMIT %2)").arg(where).arg(atMost)
            : QStringLiteral("SELECT count(*) FROM events %1").arg(where));
    for (int i = 0; i < filter.values.size(); ++i)
        query.bindValue(i, filter.values[i]);
    if (!query.exec() || !query.next())
        return m_store.sqlError(query.lastError(), QStringLiteral("count events"));
    return query.value(0).toLongLong();
}

} // namespace exeserver
