#pragma once

#include "util/jsonscanner.h"

#include <QByteArrayView>
#include <QSet>
#include <QString>

namespace exeserver {

namespace payload {
class ScannedFields;
}

// What one pass over a payload learns: whether it is JSON that QJsonDocument would accept (RFC 8259 and
// UTF-8, with Qt's leniencies: raw control characters, unknown escapes, "1.") and its search text (see
// searchtext.h). Ingest uses this instead of building a QJsonDocument: a DOM costs ~65 µs for
// a 10 KB webhook payload, this scan ~10 µs, and the store needs neither the tree nor the values.
struct PayloadScan
{
    bool valid = false;
    QString error;      // why it is not JSON, with the byte offset
    QString searchText; // the same words searchTextOf() picks, in document order
};

PayloadScan scanPayload(QByteArrayView json);
// The same pass also reading the fields the normaliser needs (EventNormalizer::fromScannedWebhook), for a
// caller that wants both the event and its search text from one pass over the body.
PayloadScan scanPayload(QByteArrayView json, payload::ScannedFields &fields);

// A json::Scanner visitor that picks the search text's words (searchtext.h's keys), in document order.
class SearchTextCollector
{
public:
    using Context = bool; // under a searched key (through arrays too)

    Context root() { return false; }
    Context object(Context) { return false; }
    Context member(Context, const json::Token &key);
    Context array(Context searched) { return searched; }
    Context element(Context searched) { return searched; }
    void scalar(Context searched, const json::Token &token)
    {
        if (searched && token.kind == json::Token::Kind::String && !full())
            collect(json::decodeString(token));
    }

    QString text() const;

private:
    bool full() const;
    void collect(QString value);

    QString m_text;
    QSet<QString> m_seen;
};

} // namespace exeserver
