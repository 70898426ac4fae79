#pragma once

#include "triggers/trigger.h"
#include "util/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace exeserver {

// The import/export format teams share triggers in: YAML (`triggers: [ ... ]`, see "Trigger file format"
// in docs/ARCHITECTURE.md), with JSON of the same shape accepted. Loading validates everything a
// trigger needs to be evaluated — unknown fields, types, operators, regexes, globs, duplicate names — and
// names the trigger, the field and, where the parser knows it, the line and column. Malformed input is an
// Error, never a crash or an exception. Saving writes the same shape, so export → import round-trips.
class TriggerFile
{
public:
    enum class Format
    {
        Auto,
        Yaml,
        Json
    };

    static Result<QList<Trigger>> parse(const QByteArray &text, Format format = Format::Auto);
    static Result<QList<Trigger>> load(const QString &path);
    // By extension: `.json` writes JSON, anything else YAML. Written atomically (QSaveFile).
    static Status save(const QString &path, const QList<Trigger> &triggers);

    static QByteArray toYaml(const QList<Trigger> &triggers);
    static QByteArray toJson(const QList<Trigger> &triggers);

    // One trigger as a JSON object of the file's shape, and back (for the editor and the store).
    static QJsonObject toJsonObject(const Trigger &trigger);
    static Result<Trigger> fromJsonObject(const QJsonObject &object);

    // Largest file accepted; trigger files are hand-written, anything bigger is a mistake.
    static constexpr qsizetype kMaxBytes = 4 * 1024 * 1024;
};

} // namespace exeserver
