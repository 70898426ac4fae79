#pragma once

#include "triggers/trigger.h"
#include "util/result.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

namespace exeserver {

// What a kind's reader is given: the action's fields, read with types, and errors that name the field
// (and, from a file, its line). TriggerReader provides it.
class ActionFields
{
public:
    virtual ~ActionFields() = default;
    virtual QJsonValue value(const QString &key) const = 0;
    virtual Result<QString> text(const char16_t *key, bool required, bool allowNumber = false) const = 0;
    virtual Result<QStringList> texts(const char16_t *key, bool allowNumbers = false) const = 0;
    virtual Result<int> integer(const char16_t *key, int fallback, int minimum, int maximum) const = 0;
    virtual Result<bool> boolean(const char16_t *key, bool fallback) const = 0;
    virtual Error error(const QString &field, const QString &message) const = 0; // field empty: the action
};

// One trigger action kind, described once: its key and fields in the file, how it is read from and
// written to the file's JSON form (YAML is rendered from that form), which fields may hold
// {{ placeholders }}, and what the trigger editor's Add menu calls it and starts it with. TriggerFormat
// (the assistant's description), TriggerReader, TriggerWriter and TriggerEditor all read this table.
struct TriggerActionKind
{
    QString kind;          // codefile, workflow, ...
    QStringList fields;    // in the order files are written
    QStringList templated; // fields whose text TemplateEngine fills in
    QString summary;       // for people and the model
    const char *label;     // the editor's Add menu (QT_TRANSLATE_NOOP("TriggerActionKind", ...))
    QJsonObject starter;   // the fields a new action of this kind starts with in the editor
    // `- cancel:` written without fields is allowed (no required fields); a bare text is read as this
    // field (`- reaction: eyes`), when set.
    QString bareTextField;
    Result<TriggerAction> (*read)(const ActionFields &fields);
    QJsonObject (*write)(const TriggerAction &action); // the fields; empty text and defaults left out
};

namespace actionkinds {

const QList<TriggerActionKind> &all();
const TriggerActionKind *find(const QString &kind);
const TriggerActionKind &of(const TriggerAction &action);
QJsonObject toJson(const TriggerAction &action); // {kind: {fields}}
// A JSON scalar as the text a field holds: whole numbers without a fraction, booleans as true/false.
QString scalarText(const QJsonValue &value);

} // namespace actionkinds

} // namespace exeserver
