#pragma once

#include <QByteArrayView>
#include <QString>

namespace exeserver {

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

} // namespace exeserver
