#pragma once

#include <QJsonObject>
#include <QString>

namespace exeserver {

// The words a person searches an event by — titles, bodies, commit messages, branch, workflow and label
// names — pulled from a payload, deduplicated and capped. Indexing this instead of the whole payload keeps
// the full-text index small (URLs and ids make up most of a payload and nobody searches them).
QString searchTextOf(const QJsonObject &payload);

constexpr qsizetype kSearchTextCap = 1024;

} // namespace exeserver
