#pragma once

#include "events/event.h"
#include "store/actionrecord.h"

#include <QJsonObject>

namespace exeserver {

// The API's JSON for the store's rows: the same fields `exeserver-cli … --json` prints, so a script
// written against one reads the other. The from* functions read them back (`exeserver-cli --remote`).
namespace apijson {

QJsonObject fromEvent(const Event &event, bool withPayload);
Event toEvent(const QJsonObject &object);

QJsonObject fromAction(const ActionRecord &record);
ActionRecord toAction(const QJsonObject &object);

QString isoOrDash(const QDateTime &when); // "-" for a time not set

} // namespace apijson

} // namespace exeserver
