#include "triggers/triggerwriter.h"

#include "triggers/actionkinds.h"
#include "triggers/triggerformat.h"
#include "triggers/triggerreader.h"

#include <QJsonArray>

#include <yaml-cpp/yaml.h>

#include <cmath>

namespace exeserver {

namespace {

bool needsQuotes(const QString &text)
{
    return !TriggerReader::plainScalar(text.toStdString()).isString();
}

void emitString(YAML::Emitter &out, const QString &text)
{
    if (needsQuotes(text))
        out << YAML::DoubleQuoted;
    out << text.toStdString();
}

void emitValue(YAML::Emitter &out, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        emitString(out, value.toString());
        break;
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (d == std::floor(d) && std::abs(d) < 9.0e15)
            out << static_cast<long long>(d);
        else
            out << QString::number(d, 'g', 17).toStdString();
        break;
    }
    case QJsonValue::Bool:
        out << value.toBool();
        break;
    case QJsonValue::Array:
        out << YAML::Flow << YAML::BeginSeq;
        for (const QJsonValue &item : value.toArray())
            emitValue(out, item);
        out << YAML::EndSeq;
        break;
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        out << YAML::Flow << YAML::BeginMap;
        for (auto it = object.begin(); it != object.end(); ++it) {
            out << YAML::Key << it.key().toStdString() << YAML::Value;
            emitValue(out, it.value());
        }
        out << YAML::EndMap;
        break;
    }
    default:
        out << YAML::Null;
        break;
    }
}

QStringList patterns(const QList<GlobPattern> &globs)
{
    QStringList out;
    for (const GlobPattern &g : globs)
        out.append(g.pattern());
    return out;
}

// A condition in the file's layout: groups as block maps, a leaf as one flow map (field, op, value).
void emitCondition(YAML::Emitter &out, const QJsonObject &condition)
{
    for (const char *group : {"all", "any"}) {
        if (!condition.contains(QLatin1StringView(group)))
            continue;
        out << YAML::BeginMap << YAML::Key << group << YAML::Value << YAML::BeginSeq;
        for (const QJsonValue &child : condition.value(QLatin1StringView(group)).toArray())
            emitCondition(out, child.toObject());
        out << YAML::EndSeq << YAML::EndMap;
        return;
    }
    if (condition.contains(QLatin1StringView("not"))) {
        out << YAML::BeginMap << YAML::Key << "not" << YAML::Value;
        emitCondition(out, condition.value(QLatin1StringView("not")).toObject());
        out << YAML::EndMap;
        return;
    }
    out << YAML::Flow << YAML::BeginMap;
    for (const QString &key : TriggerFormat::conditionKeys()) {
        if (!condition.contains(key))
            continue;
        out << YAML::Key << key.toStdString() << YAML::Value;
        emitValue(out, condition.value(key));
    }
    out << YAML::EndMap;
}

// An action as a block map of its kind holding a flow map of its fields, in the kind's field order.
void emitAction(YAML::Emitter &out, const QJsonObject &action)
{
    const QString kind = action.begin().key();
    const QJsonObject fields = action.begin().value().toObject();
    out << YAML::BeginMap << YAML::Key << kind.toStdString() << YAML::Value << YAML::Flow << YAML::BeginMap;
    for (const QString &key : TriggerFormat::actionKeys(kind)) {
        if (!fields.contains(key))
            continue;
        out << YAML::Key << key.toStdString() << YAML::Value;
        emitValue(out, fields.value(key));
    }
    out << YAML::EndMap << YAML::EndMap;
}

// A trigger's JSON form as YAML, keys in the format's order: the layout people read and diff.
void emitTrigger(YAML::Emitter &out, const QJsonObject &trigger)
{
    out << YAML::BeginMap;
    for (const QString &key : TriggerFormat::triggerKeyNames()) {
        if (!trigger.contains(key))
            continue;
        const QJsonValue value = trigger.value(key);
        out << YAML::Key << key.toStdString() << YAML::Value;
        if (key == u"conditions") {
            emitCondition(out, value.toObject());
        } else if (key == u"ignore") {
            out << YAML::BeginMap;
            for (const QString &rule : TriggerFormat::ignoreKeys()) {
                if (value.toObject().contains(rule)) {
                    out << YAML::Key << rule.toStdString() << YAML::Value;
                    emitValue(out, value.toObject().value(rule));
                }
            }
            out << YAML::EndMap;
        } else if (key == u"rate_limit") {
            out << YAML::Flow << YAML::BeginMap;
            for (const QString &field : TriggerFormat::rateLimitKeys()) {
                out << YAML::Key << field.toStdString() << YAML::Value;
                emitValue(out, value.toObject().value(field));
            }
            out << YAML::EndMap;
        } else if (key == u"run") {
            out << YAML::BeginSeq;
            for (const QJsonValue &action : value.toArray())
                emitAction(out, action.toObject());
            out << YAML::EndSeq;
        } else {
            emitValue(out, value);
        }
    }
    out << YAML::EndMap;
}

} // namespace

QJsonObject TriggerWriter::toJsonObject(const Trigger &t)
{
    QJsonObject o{{QStringLiteral("name"), t.name},
                  {QStringLiteral("enabled"), t.enabled},
                  {QStringLiteral("event"), t.event.isEmpty() ? QStringLiteral("*") : t.event}};
    if (!t.repositories.isEmpty())
        o.insert(QLatin1StringView("repositories"), QJsonArray::fromStringList(patterns(t.repositories)));
    if (!t.actions.isEmpty())
        o.insert(QLatin1StringView("actions"), QJsonArray::fromStringList(t.actions));
    if (t.conditions)
        o.insert(QLatin1StringView("conditions"), t.conditions->toJson());
    if (!t.ignore.isEmpty()) {
        QJsonObject ignore;
        if (t.ignore.bots)
            ignore.insert(QLatin1StringView("bots"), true);
        const auto list = [&ignore](const char *key, const QStringList &values) {
            if (!values.isEmpty())
                ignore.insert(QLatin1StringView(key), QJsonArray::fromStringList(values));
        };
        list("senders", patterns(t.ignore.senders));
        QStringList titles;
        for (const QRegularExpression &re : t.ignore.titles)
            titles.append(re.pattern());
        list("titles", titles);
        list("labels", t.ignore.labels);
        list("branches", patterns(t.ignore.branches));
        list("target_branches", patterns(t.ignore.targetBranches));
        o.insert(QLatin1StringView("ignore"), ignore);
    }
    if (t.debounceSeconds > 0)
        o.insert(QLatin1StringView("debounce"), t.debounceSeconds);
    if (t.rateLimit.max > 0)
        o.insert(QLatin1StringView("rate_limit"),
                 QJsonObject{{QStringLiteral("max"), t.rateLimit.max},
                             {QStringLiteral("per"), t.rateLimit.perSeconds}});
    QJsonArray run;
    for (const TriggerAction &a : t.run)
        run.append(actionkinds::toJson(a));
    o.insert(QLatin1StringView("run"), run);
    return o;
}

QByteArray TriggerWriter::toYaml(const QList<Trigger> &triggers)
{
    YAML::Emitter out;
    out.SetIndent(2);
    out << YAML::BeginMap << YAML::Key << "triggers" << YAML::Value << YAML::BeginSeq;
    for (const Trigger &t : triggers)
        emitTrigger(out, toJsonObject(t));
    out << YAML::EndSeq << YAML::EndMap;
    QByteArray text(out.c_str(), qsizetype(out.size()));
    text.append('\n');
    return text;
}

} // namespace exeserver
