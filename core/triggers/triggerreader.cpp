#include "triggers/triggerreader.h"

#include "triggers/actionkinds.h"
#include "triggers/templateengine.h"
#include "triggers/triggerformat.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <exception>
#include <string>
#include <string_view>

namespace exeserver {

namespace {

constexpr int kMaxDepth = 64;

struct Location
{
    int line = -1;   // 1-based
    int column = -1; // 1-based
};

// ---- YAML → QJsonValue, remembering where each value came from ----------------------------------------

struct YamlError
{
    QString path;
    QString message;
};

} // namespace

QJsonValue TriggerReader::plainScalar(const std::string &raw)
{
    const QString text = QString::fromStdString(raw);
    if (text.isEmpty() || text == u"~" || text == u"null" || text == u"Null" || text == u"NULL")
        return QJsonValue(QJsonValue::Null);
    if (text == u"true" || text == u"True" || text == u"TRUE")
        return true;
    if (text == u"false" || text == u"False" || text == u"FALSE")
        return false;
    static const QRegularExpression number(
        QStringLiteral("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$"));
    if (number.match(text).hasMatch()) {
        bool ok = false;
        const double d = text.toDouble(&ok);
        if (ok && std::isfinite(d))
            return d;
    }
    return text;
}

namespace {

QJsonValue fromYaml(const YAML::Node &node, const QString &path, QHash<QString, Location> &where, int depth,
                    std::optional<YamlError> &error)
{
    if (error)
        return {};
    const YAML::Mark mark = node.Mark();
    if (mark.line >= 0)
        where.insert(path, Location{mark.line + 1, mark.column + 1});
    if (depth > kMaxDepth) {
        error = YamlError{path, QStringLiteral("nested too deeply")};
        return {};
    }
    switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
        return QJsonValue(QJsonValue::Null);
    case YAML::NodeType::Scalar: {
        const std::string &tag = node.Tag();
        if (tag == "!" || (tag.size() > 4 && tag.compare(tag.size() - 4, 4, ":str") == 0))
            return QString::fromStdString(node.Scalar());
        return TriggerReader::plainScalar(node.Scalar());
    }
    case YAML::NodeType::Sequence: {
        QJsonArray array;
        int index = 0;
        for (const YAML::Node &item : node) {
            array.append(
                fromYaml(item, QStringLiteral("%1[%2]").arg(path).arg(index), where, depth + 1, error));
            ++index;
        }
        return array;
    }
    case YAML::NodeType::Map: {
        QJsonObject object;
        for (const auto &entry : node) {
            if (!entry.first.IsScalar()) {
                error = YamlError{path, QStringLiteral("keys must be plain text")};
                return {};
            }
            const QString key = QString::fromStdString(entry.first.Scalar());
            const QString child = path.isEmpty() ? key : path + u'.' + key;
            if (object.contains(key)) {
                error = YamlError{child, QStringLiteral("field %1 appears twice").arg(key)};
                return {};
            }
            if (entry.first.Mark().line >= 0)
                where.insert(child, Location{entry.first.Mark().line + 1, entry.first.Mark().column + 1});
            object.insert(key, fromYaml(entry.second, child, where, depth + 1, error));
            // Prefer the key's position for errors about the value: that is where people look.
            if (entry.first.Mark().line >= 0)
                where.insert(child, Location{entry.first.Mark().line + 1, entry.first.Mark().column + 1});
        }
        return object;
    }
    }
    return {};
}

int jsonDepth(const QJsonValue &value, int depth = 0)
{
    if (depth > kMaxDepth)
        return depth;
    int deepest = depth;
    if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            deepest = std::max(deepest, jsonDepth(item, depth + 1));
    } else if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            deepest = std::max(deepest, jsonDepth(it.value(), depth + 1));
    }
    return deepest;
}

// ---- QJsonValue → Trigger, with field paths for errors -----------------------------------------------

class Reader
{
public:
    explicit Reader(const QHash<QString, Location> *where)
        : m_where(where)
    {
    }

    Error error(const QString &path, const QString &message) const
    {
        QString text = message;
        if (!path.isEmpty())
            text = path + QStringLiteral(": ") + message;
        if (const Location loc = locate(path); loc.line > 0)
            text += QStringLiteral(" (line %1, column %2)").arg(loc.line).arg(loc.column);
        return Error{QStringLiteral("invalid_trigger"), text};
    }

    Location locate(QString path) const
    {
        if (!m_where)
            return {};
        while (true) {
            const auto it = m_where->constFind(path);
            if (it != m_where->constEnd())
                return *it;
            const qsizetype cut = std::max(path.lastIndexOf(u'.'), path.lastIndexOf(u'['));
            if (cut <= 0)
                return {};
            path.truncate(cut);
        }
    }

    // Fails on keys outside `allowed`, so a typo (`conditon:`) is caught instead of silently ignored.
    std::optional<Error> checkKeys(const QJsonObject &object, const QString &path,
                                   std::initializer_list<const char16_t *> allowed) const
    {
        for (auto it = object.begin(); it != object.end(); ++it) {
            bool known = false;
            for (const char16_t *name : allowed)
                known = known || it.key() == QStringView(name);
            if (!known) {
                QStringList names;
                for (const char16_t *name : allowed)
                    names.append(QString::fromUtf16(name));
                return error(join(path, it.key()),
                             QStringLiteral("unknown field \"%1\" (expected one of: %2)")
                                 .arg(it.key(), names.join(QStringLiteral(", "))));
            }
        }
        return std::nullopt;
    }

    // The same, against one of TriggerFormat's lists (the vocabulary the assistant is told too).
    std::optional<Error> checkKeys(const QJsonObject &object, const QString &path,
                                   const QStringList &allowed) const
    {
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!allowed.contains(it.key()))
                return error(join(path, it.key()),
                             QStringLiteral("unknown field \"%1\" (expected one of: %2)")
                                 .arg(it.key(), allowed.join(QStringLiteral(", "))));
        }
        return std::nullopt;
    }

    static QString join(const QString &path, const QString &key)
    {
        return path.isEmpty() ? key : path + u'.' + key;
    }

    Result<QString> string(const QJsonObject &object, const QString &path, const char16_t *key, bool required,
                           bool allowNumber = false) const
    {
        const QJsonValue value = object.value(QStringView(key));
        const QString where = join(path, QString::fromUtf16(key));
        if (value.isUndefined() || value.isNull()) {
            if (required)
                return error(where, QStringLiteral("is required"));
            return QString();
        }
        if (value.isString())
            return value.toString();
        if (allowNumber && (value.isDouble() || value.isBool()))
            return scalarToString(value);
        return error(where, QStringLiteral("expected text"));
    }

    static QString scalarToString(const QJsonValue &value) { return actionkinds::scalarText(value); }

    // A list of text; a single text value counts as a one-element list.
    Result<QStringList> stringList(const QJsonObject &object, const QString &path, const char16_t *key,
                                   bool allowNumbers = false) const
    {
        const QJsonValue value = object.value(QStringView(key));
        const QString where = join(path, QString::fromUtf16(key));
        QStringList out;
        if (value.isUndefined() || value.isNull())
            return out;
        if (value.isString())
            return QStringList{value.toString()};
        if (!value.isArray())
            return error(where, QStringLiteral("expected a list of text"));
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QJsonValue item = array.at(i);
            if (item.isString())
                out.append(item.toString());
            else if (allowNumbers && (item.isDouble() || item.isBool()))
                out.append(scalarToString(item));
            else
                return error(QStringLiteral("%1[%2]").arg(where).arg(i), QStringLiteral("expected text"));
        }
        return out;
    }

    Result<bool> boolean(const QJsonObject &object, const QString &path, const char16_t *key,
                         bool fallback) const
    {
        const QJsonValue value = object.value(QStringView(key));
        if (value.isUndefined() || value.isNull())
            return fallback;
        if (!value.isBool())
            return error(join(path, QString::fromUtf16(key)), QStringLiteral("expected true or false"));
        return value.toBool();
    }

    Result<int> integer(const QJsonObject &object, const QString &path, const char16_t *key, int fallback,
                        int minimum, int maximum) const
    {
        const QJsonValue value = object.value(QStringView(key));
        if (value.isUndefined() || value.isNull())
            return fallback;
        const QString where = join(path, QString::fromUtf16(key));
        const double d = value.toDouble(std::nan(""));
        if (!value.isDouble() || d != std::floor(d))
            return error(where, QStringLiteral("expected a whole number"));
        if (d < minimum || d > maximum)
            return error(where, QStringLiteral("must be between %1 and %2").arg(minimum).arg(maximum));
        return int(d);
    }

    Result<QList<GlobPattern>> globs(const QJsonObject &object, const QString &path,
                                     const char16_t *key) const
    {
        auto list = stringList(object, path, key);
        if (!list)
            return list.error();
        QList<GlobPattern> out;
        for (const QString &text : *list) {
            if (text.isEmpty())
                return error(join(path, QString::fromUtf16(key)), QStringLiteral("empty pattern"));
            out.append(GlobPattern(text));
        }
        return out;
    }

    Result<Condition> condition(const QJsonValue &value, const QString &path, int depth) const
    {
        if (depth > kMaxDepth)
            return error(path, QStringLiteral("conditions nested too deeply"));
        if (value.isArray()) { // a bare list means "all of these"
            auto children = conditionList(value.toArray(), path, depth);
            if (!children)
                return children.error();
            return Condition::all(std::move(children).value());
        }
        if (!value.isObject())
            return error(path,
                         QStringLiteral("expected a condition ({all: [...]}, {any: [...]}, {not: ...} or "
                                        "{field, op, value})"));
        const QJsonObject object = value.toObject();
        for (const auto *group : {u"all", u"any"}) {
            if (!object.contains(QStringView(group)))
                continue;
            if (object.size() != 1)
                return error(path, QStringLiteral("\"%1\" must be the only field of its condition")
                                       .arg(QString::fromUtf16(group)));
            const QString child = join(path, QString::fromUtf16(group));
            const QJsonValue list = object.value(QStringView(group));
            if (!list.isArray())
                return error(child, QStringLiteral("expected a list of conditions"));
            auto children = conditionList(list.toArray(), child, depth);
            if (!children)
                return children.error();
            return group == std::u16string_view(u"all") ? Condition::all(std::move(children).value())
                                                        : Condition::any(std::move(children).value());
        }
        if (object.contains(QLatin1StringView("not"))) {
            if (object.size() != 1)
                return error(path, QStringLiteral("\"not\" must be the only field of its condition"));
            auto inner = condition(object.value(QLatin1StringView("not")), join(path, QStringLiteral("not")),
                                   depth + 1);
            if (!inner)
                return inner.error();
            return Condition::negate(std::move(inner).value());
        }
        if (auto bad = checkKeys(object, path, TriggerFormat::conditionKeys()))
            return *bad;
        auto field = string(object, path, u"field", false);
        if (!field)
            return field.error();
        auto opName = string(object, path, u"op", true);
        if (!opName)
            return opName.error();
        const auto op = Condition::opFromName(*opName);
        if (!op)
            return error(join(path, QStringLiteral("op")),
                         QStringLiteral("unknown operator \"%1\" (expected %2)")
                             .arg(*opName, Condition::operatorNames().join(QStringLiteral(", "))));
        auto leaf = Condition::leaf(*field, *op, object.value(QLatin1StringView("value")));
        if (!leaf) {
            const QString key =
                leaf.error().kind == u"invalid_path" ? QStringLiteral("field") : QStringLiteral("value");
            return error(join(path, key), leaf.error().message);
        }
        return leaf;
    }

    Result<std::vector<Condition>> conditionList(const QJsonArray &array, const QString &path,
                                                 int depth) const
    {
        std::vector<Condition> children;
        for (qsizetype i = 0; i < array.size(); ++i) {
            auto child = condition(array.at(i), QStringLiteral("%1[%2]").arg(path).arg(i), depth + 1);
            if (!child)
                return child.error();
            children.push_back(std::move(child).value());
        }
        return children;
    }

    Result<IgnoreRules> ignore(const QJsonValue &value, const QString &path) const
    {
        IgnoreRules rules;
        if (value.isUndefined() || value.isNull())
            return rules;
        if (!value.isObject())
            return error(path, QStringLiteral("expected fields bots, senders, titles, labels, branches, "
                                              "target_branches"));
        const QJsonObject object = value.toObject();
        if (auto bad = checkKeys(object, path, TriggerFormat::ignoreKeys()))
            return *bad;
        auto bots = boolean(object, path, u"bots", false);
        auto senders = globs(object, path, u"senders");
        auto titles = stringList(object, path, u"titles");
        auto labels = stringList(object, path, u"labels");
        auto branches = globs(object, path, u"branches");
        auto targets = globs(object, path, u"target_branches");
        for (const Error *e :
             {bots ? nullptr : &bots.error(), senders ? nullptr : &senders.error(),
              titles ? nullptr : &titles.error(), labels ? nullptr : &labels.error(),
              branches ? nullptr : &branches.error(), targets ? nullptr : &targets.error()}) {
            if (e)
                return *e;
        }
        rules.bots = *bots;
        rules.senders = *senders;
        rules.labels = *labels;
        rules.branches = *branches;
        rules.targetBranches = *targets;
        for (qsizetype i = 0; i < titles->size(); ++i) {
            QRegularExpression re(titles->at(i));
            if (!re.isValid())
                return error(QStringLiteral("%1.titles[%2]").arg(path).arg(i),
                             QStringLiteral("invalid regular expression \"%1\": %2 at position %3")
                                 .arg(titles->at(i), re.errorString())
                                 .arg(re.patternErrorOffset()));
            re.optimize();
            rules.titles.append(re);
        }
        return rules;
    }

    // The kind's entry in the action table reads the fields; placeholders must be field paths, checked
    // here (on the JSON form, for every kind alike) so a typo is reported when the trigger is loaded.
    Result<TriggerAction> action(const QJsonValue &value, const QString &path) const;

    Result<Trigger> trigger(const QJsonValue &value, const QString &path) const
    {
        if (!value.isObject())
            return error(path, QStringLiteral("expected a trigger (name, event, run, ...)"));
        const QJsonObject o = value.toObject();
        if (auto bad = checkKeys(o, path, TriggerFormat::triggerKeyNames()))
            return *bad;
        Trigger t;
        auto name = string(o, path, u"name", true);
        if (!name)
            return name.error();
        if (name->trimmed().isEmpty())
            return error(join(path, QStringLiteral("name")), QStringLiteral("is empty"));
        t.name = name->trimmed();
        auto enabled = boolean(o, path, u"enabled", true);
        auto repositories = globs(o, path, u"repositories");
        auto event = string(o, path, u"event", true);
        auto actions = stringList(o, path, u"actions");
        auto debounce = integer(o, path, u"debounce", 0, 0, 24 * 3600);
        if (!enabled)
            return enabled.error();
        if (!repositories)
            return repositories.error();
        if (!event)
            return event.error();
        if (!actions)
            return actions.error();
        if (!debounce)
            return debounce.error();
        t.enabled = *enabled;
        t.repositories = *repositories;
        t.event = event->trimmed();
        t.actions = *actions;
        t.debounceSeconds = *debounce;

        const QJsonValue conditions = o.value(QLatin1StringView("conditions"));
        if (!conditions.isUndefined() && !conditions.isNull()) {
            auto c = condition(conditions, join(path, QStringLiteral("conditions")), 0);
            if (!c)
                return c.error();
            t.conditions = std::move(c).value();
        }
        auto rules = ignore(o.value(QLatin1StringView("ignore")), join(path, QStringLiteral("ignore")));
        if (!rules)
            return rules.error();
        t.ignore = *rules;

        const QJsonValue rate = o.value(QLatin1StringView("rate_limit"));
        if (!rate.isUndefined() && !rate.isNull()) {
            const QString where = join(path, QStringLiteral("rate_limit"));
            if (!rate.isObject())
                return error(where, QStringLiteral("expected {max: N, per: SECONDS}"));
            if (auto bad = checkKeys(rate.toObject(), where, TriggerFormat::rateLimitKeys()))
                return *bad;
            auto max = integer(rate.toObject(), where, u"max", 0, 0, 1000000);
            auto per = integer(rate.toObject(), where, u"per", 60, 1, 7 * 24 * 3600);
            if (!max)
                return max.error();
            if (!per)
                return per.error();
            t.rateLimit = RateLimit{*max, *per};
        }

        const QJsonValue run = o.value(QLatin1StringView("run"));
        const QString runPath = join(path, QStringLiteral("run"));
        if (!run.isUndefined() && !run.isNull()) {
            if (!run.isArray())
                return error(runPath, QStringLiteral("expected a list of actions"));
            const QJsonArray list = run.toArray();
            for (qsizetype i = 0; i < list.size(); ++i) {
                auto a = action(list.at(i), QStringLiteral("%1[%2]").arg(runPath).arg(i));
                if (!a)
                    return a.error();
                t.run.append(std::move(a).value());
            }
        }
        if (auto bad = checkSteps(t.run, runPath))
            return *bad;
        return t;
    }

    // Step ids are unique, and `{{ steps.ID.outputs.NAME }}` names a code file that runs earlier.
    std::optional<Error> checkSteps(const QList<TriggerAction> &run, const QString &runPath) const
    {
        QSet<QString> earlier;
        for (qsizetype i = 0; i < run.size(); ++i) {
            const QString where = join(QStringLiteral("%1[%2]").arg(runPath).arg(i), actionKind(run[i]));
            for (const QString &expression : TemplateEngine::placeholders(run[i])) {
                if (!expression.startsWith(QLatin1StringView("steps.")))
                    continue;
                const QStringList parts = expression.split(u'.');
                if (parts.size() != 4 || parts[2] != u"outputs")
                    return error(where,
                                 QStringLiteral("{{ %1 }}: write steps.ID.outputs.NAME").arg(expression));
                if (!earlier.contains(parts[1]))
                    return error(
                        where, QStringLiteral("{{ %1 }}: no code file with id \"%2\" runs before this action")
                                   .arg(expression, parts[1]));
            }
            const auto *codefile = std::get_if<CodefileAction>(&run[i]);
            if (!codefile || codefile->id.isEmpty())
                continue;
            if (earlier.contains(codefile->id))
                return error(join(where, QStringLiteral("id")),
                             QStringLiteral("\"%1\" is the id of an earlier action too").arg(codefile->id));
            earlier.insert(codefile->id);
        }
        return std::nullopt;
    }

private:
    const QHash<QString, Location> *m_where;
};

// The reader's typed access for one action's fields (see TriggerActionKind::read).
class Fields : public ActionFields
{
public:
    Fields(const Reader &reader, const QJsonObject &object, const QString &path)
        : m_reader(reader)
        , m_object(object)
        , m_path(path)
    {
    }
    QJsonValue value(const QString &key) const override { return m_object.value(key); }
    Result<QString> text(const char16_t *key, bool required, bool allowNumber) const override
    {
        return m_reader.string(m_object, m_path, key, required, allowNumber);
    }
    Result<QStringList> texts(const char16_t *key, bool allowNumbers) const override
    {
        return m_reader.stringList(m_object, m_path, key, allowNumbers);
    }
    Result<int> integer(const char16_t *key, int fallback, int minimum, int maximum) const override
    {
        return m_reader.integer(m_object, m_path, key, fallback, minimum, maximum);
    }
    Result<bool> boolean(const char16_t *key, bool fallback) const override
    {
        return m_reader.boolean(m_object, m_path, key, fallback);
    }
    Error error(const QString &field, const QString &message) const override
    {
        return m_reader.error(field.isEmpty() ? m_path : Reader::join(m_path, field), message);
    }

private:
    const Reader &m_reader;
    const QJsonObject &m_object;
    QString m_path;
};

Result<TriggerAction> Reader::action(const QJsonValue &value, const QString &path) const
{
    if (!value.isObject() || value.toObject().size() != 1)
        return error(path, QStringLiteral("expected one action: %1")
                               .arg(TriggerFormat::actionKinds().join(QStringLiteral(", "))));
    const QJsonObject wrapper = value.toObject();
    const QString kind = wrapper.begin().key();
    const QJsonValue body = wrapper.begin().value();
    const QString where = join(path, kind);
    const TriggerActionKind *entry = actionkinds::find(kind);
    if (!entry)
        return error(path, QStringLiteral("unknown action \"%1\" (expected %2)")
                               .arg(kind, TriggerFormat::actionKinds().join(QStringLiteral(", "))));
    // Actions without required fields may be written as `- cancel:` or `- cancel: true`.
    const bool bare = body.isNull() || body.isUndefined() || (body.isBool() && body.toBool());
    const bool bareText = body.isString() && !entry->bareTextField.isEmpty();
    if (!body.isObject() && !bare && !bareText)
        return error(where, QStringLiteral("expected the action's fields"));
    QJsonObject fields = body.toObject();
    if (bareText)
        fields.insert(entry->bareTextField, body);
    else if (auto bad = checkKeys(fields, where, entry->fields))
        return *bad;
    const Result<TriggerAction> parsed = entry->read(Fields(*this, fields, where));
    if (!parsed)
        return parsed;
    const QJsonObject written = entry->write(*parsed);
    for (const QString &field : entry->templated) {
        const QJsonValue text = written.value(field);
        QStringList texts;
        if (text.isString())
            texts.append(text.toString());
        for (const QJsonValue &item : text.toArray())
            texts.append(item.toString());
        const QJsonObject map = text.toObject();
        for (auto it = map.begin(); it != map.end(); ++it)
            texts.append(it.value().toString());
        for (const QString &one : texts) {
            if (auto problem = TemplateEngine::validate(one))
                return error(join(where, field), *problem);
        }
    }
    return parsed;
}

// Names a failing trigger for people: `trigger "lint" (#2): run[0].codefile.path: is required (line 9, ...)`.
Error inTrigger(const QJsonValue &value, qsizetype index, const QString &prefix, Error error)
{
    const QString name = value.toObject().value(QLatin1StringView("name")).toString();
    QString message = error.message;
    if (message.startsWith(prefix))
        message = message.mid(prefix.size());
    error.message = (name.isEmpty() ? QStringLiteral("trigger #%1: ").arg(index + 1)
                                    : QStringLiteral("trigger \"%1\" (#%2): ").arg(name).arg(index + 1)) +
                    message;
    return error;
}

Result<QList<Trigger>> readTriggers(const QJsonValue &root, const QHash<QString, Location> *where)
{
    Reader reader(where);
    QJsonArray list;
    QString base;
    if (root.isArray()) {
        list = root.toArray();
    } else if (root.isObject()) {
        const QJsonObject object = root.toObject();
        if (auto bad = reader.checkKeys(object, QString(), {u"triggers"}))
            return *bad;
        const QJsonValue triggers = object.value(QLatin1StringView("triggers"));
        if (triggers.isNull() || triggers.isUndefined())
            return QList<Trigger>();
        if (!triggers.isArray())
            return reader.error(QStringLiteral("triggers"), QStringLiteral("expected a list of triggers"));
        list = triggers.toArray();
        base = QStringLiteral("triggers");
    } else if (root.isNull() || root.isUndefined()) {
        return QList<Trigger>();
    } else {
        return reader.error(QString(), QStringLiteral("expected \"triggers:\" with a list of triggers"));
    }

    QList<Trigger> triggers;
    QSet<QString> names;
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString path = QStringLiteral("%1[%2]").arg(base).arg(i);
        auto t = reader.trigger(list.at(i), path);
        if (!t)
            return inTrigger(list.at(i), i, path + QStringLiteral("."), t.error());
        if (names.contains(t->name))
            return inTrigger(list.at(i), i, path + QStringLiteral("."),
                             reader.error(path + QStringLiteral(".name"),
                                          QStringLiteral("another trigger already has this name")));
        names.insert(t->name);
        triggers.append(std::move(t).value());
    }
    return triggers;
}

Error syntaxError(const QString &message, int line, int column)
{
    QString text = message;
    if (line > 0)
        text = QStringLiteral("line %1, column %2: %3").arg(line).arg(column).arg(message);
    return Error{QStringLiteral("parse"), text};
}

} // namespace

Result<QList<Trigger>> TriggerReader::parse(const QByteArray &text, TriggerFile::Format format)
{
    if (text.size() > TriggerFile::kMaxBytes)
        return Error{
            QStringLiteral("parse"),
            QStringLiteral("trigger file is larger than %1 MB").arg(TriggerFile::kMaxBytes / (1024 * 1024))};
    if (format == TriggerFile::Format::Auto) {
        const QByteArray start = text.trimmed().left(1);
        format = (start == "{" || start == "[") ? TriggerFile::Format::Json : TriggerFile::Format::Yaml;
    }
    QHash<QString, Location> where;
    if (format == TriggerFile::Format::Json) {
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(text, &parseError);
        if (doc.isNull()) {
            const QByteArray before = text.left(parseError.offset);
            const int line = int(before.count('\n')) + 1;
            const int column = int(parseError.offset - (before.lastIndexOf('\n') + 1)) + 1;
            return syntaxError(parseError.errorString(), line, column);
        }
        const QJsonValue root = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
        if (jsonDepth(root) > kMaxDepth)
            return syntaxError(QStringLiteral("nested too deeply"), 0, 0);
        // JSON is YAML, so yaml-cpp can tell where each value sits; without it errors just lack a position.
        try {
            std::optional<YamlError> ignored;
            fromYaml(YAML::Load(text.toStdString()), QString(), where, 0, ignored);
        } catch (const std::exception &) {
            where.clear();
        }
        return readTriggers(root, &where);
    }

    QJsonValue root;
    try {
        const YAML::Node doc = YAML::Load(text.toStdString());
        std::optional<YamlError> error;
        root = fromYaml(doc, QString(), where, 0, error);
        if (error)
            return Reader(&where).error(error->path, error->message);
    } catch (const YAML::Exception &e) {
        return syntaxError(QString::fromStdString(e.msg), e.mark.line >= 0 ? e.mark.line + 1 : 0,
                           e.mark.column + 1);
    } catch (const std::exception &e) {
        return syntaxError(QString::fromUtf8(e.what()), 0, 0);
    }
    return readTriggers(root, &where);
}

Result<Trigger> TriggerReader::fromJsonObject(const QJsonObject &object)
{
    return Reader(nullptr).trigger(object, QString());
}

} // namespace exeserver
