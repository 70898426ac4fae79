#pragma once

#include <QString>

class QAbstractItemView;

namespace exeserver {

// Says what goes in an empty list, table or tree ("Select an event to see its payload"), drawn in the
// palette's placeholder colour in the middle of the view while its model has no rows.
void setEmptyHint(QAbstractItemView *view, const QString &text);
QString emptyHint(const QAbstractItemView *view);

} // namespace exeserver
