#pragma once

#include <QString>
#include <QStringList>

namespace exeserver {

// The trigger file's vocabulary, defined once: TriggerFile's parser accepts exactly these keys, and the
// assistant tells the model the format from the same table (description(), with an example that parses).
namespace TriggerFormat {

struct Key
{
    QString name;
    QString summary; // for people and the model
};

struct ActionFormat
{
    QString kind; // codefile, workflow, ...
    QStringList keys;
    QString summary;
};

const QList<Key> &triggerKeys();
QStringList triggerKeyNames();
const QList<ActionFormat> &actions();
QStringList actionKinds();
QStringList actionKeys(const QString &kind);
QStringList ignoreKeys();
QStringList conditionKeys(); // of a leaf condition: field, op, value
QStringList rateLimitKeys();

// A complete trigger file using every top-level key; TriggerFile::parse accepts it (a test holds that).
QString example();
// The format as the model is told it: keys, actions, conditions, placeholders and the example.
QString description();

} // namespace TriggerFormat

} // namespace exeserver
