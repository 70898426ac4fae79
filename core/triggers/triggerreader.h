#pragma once

#include "triggers/triggerfile.h"

#include <QJsonValue>

#include <string>

namespace exeserver {

// Reads trigger files: YAML (or JSON) into the file's JSON form, remembering each value's line, then into
// Triggers, validating every field and naming the trigger, the field and the line of what is wrong.
// Actions are read by their entry in the action table (actionkinds.h). TriggerFile's parse is this.
namespace TriggerReader {

Result<QList<Trigger>> parse(const QByteArray &text, TriggerFile::Format format);
Result<Trigger> fromJsonObject(const QJsonObject &object);
// How YAML types a plain (unquoted) scalar, by the YAML 1.2 core schema (null, booleans, numbers); quoted
// ones are text. The writer quotes text that would read back as something else.
QJsonValue plainScalar(const std::string &raw);

} // namespace TriggerReader

} // namespace exeserver
