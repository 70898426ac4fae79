#pragma once

#include "triggers/trigger.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>

namespace exeserver {

// Writes triggers in the file's shape. A trigger is serialised once, to the file's JSON form (actions by
// their entry in the action table, actionkinds.h); YAML is that form rendered in the file's layout.
namespace TriggerWriter {

QJsonObject toJsonObject(const Trigger &trigger);
QByteArray toYaml(const QList<Trigger> &triggers);

} // namespace TriggerWriter

} // namespace exeserver
