#pragma once

#include "events/event.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace exeserver {

// Position after the last row of a page (newest first). Keyset paging: a page over a million rows costs
// the same as the first page.
struct EventCursor
{
    qint64 occurredAtMs = 0;
    qint64 seq = 0;
    bool isNull() const { return seq == 0; }
    QString toString() const; // "occurredAtMs:seq", for the CLI and views
    static EventCursor fromString(const QString &text);
};

// Filters for the event views; empty fields do not filter. Newest first by occurred time.
struct EventQuery
{
    QString type;
    QString action;
    QString repository;
    QString sender;
    QString source;
    QString text;    // words that must all appear in the payload's text (titles, bodies, messages, names)
    QDateTime since; // occurred at or after
    QDateTime until; // occurred before
    int limit = 100;
    bool includePayload = false; // lists need no payload; decompressing is the expensive part
    EventCursor after;
    // Windowed views (a virtual table over every event) reach any row from the nearest row they know:
    // rows newer than `before`, the oldest first when `oldestFirst`, skipping `offset` rows.
    EventCursor before;
    bool oldestFirst = false;
    qint64 offset = 0;
};

struct EventPage
{
    QList<Event> events;
    EventCursor next;             // null when this was the last page
    QList<EventCursor> positions; // each event's own position, in the same order
};

} // namespace exeserver
