#include "triggers/triggerfile.h"

#include "triggers/templateengine.h"
#include "triggers/triggerformat.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
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

// Plain YAML scalars are typed as in the YAML 1.2 core schema (null, booleans, numbers); quoted ones are
// text.
QJsonValue plainScalar(const std::string &raw)
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
        return plainScalar(node.Scalar());
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

    static QString scalarToString(const QJsonValue &value)
    {
        if (value.isBool())
            return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        if (value.isDouble()) {
            const double d = value.toDouble();
            if (d == std::floor(d) && std::abs(d) < 9.0e15)
                return QString::number(qint64(d));
            return QString::number(d, 'g', 17);
        }
        return value.toString();
    }

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

    // Placeholders must be field paths; checked here so a typo is reported when the trigger is loaded.
    Result<TriggerAction> action(const QJsonValue &value, const QString &path) const
    {
        auto parsed = parseAction(value, path);
        if (!parsed)
            return parsed;
        const QString where = join(path, actionKind(*parsed));
        std::optional<Error> bad;
        const auto check = [&](const char *field, const QString &text) {
            if (bad)
                return;
            if (auto problem = TemplateEngine::validate(text))
                bad = error(join(where, QString::fromLatin1(field)), *problem);
        };
        if (const auto *a = std::get_if<CodefileAction>(&*parsed)) {
            for (const QString &arg : a->args)
                check("args", arg);
            check("workdir", a->workdir);
        } else if (const auto *w = std::get_if<WorkflowAction>(&*parsed)) {
            check("repository", w->repository);
            check("workflow", w->workflow);
            check("ref", w->ref);
            for (auto it = w->inputs.cbegin(); it != w->inputs.cend(); ++it)
                check("inputs", it.value());
        } else if (const auto *c = std::get_if<CommentAction>(&*parsed)) {
            check("body", c->body);
            check("args", c->args);
            check("pr", c->pr);
        } else if (const auto *n = std::get_if<NotifyAction>(&*parsed)) {
            check("title", n->title);
            check("body", n->body);
        } else if (const auto *r = std::get_if<RerunFailedAction>(&*parsed)) {
            check("run", r->run);
        } else if (const auto *x = std::get_if<CancelRunAction>(&*parsed)) {
            check("run", x->run);
        }
        if (bad)
            return *bad;
        return parsed;
    }

    Result<TriggerAction> parseAction(const QJsonValue &value, const QString &path) const
    {
        if (!value.isObject() || value.toObject().size() != 1)
            return error(path, QStringLiteral("expected one action: %1")
                                   .arg(TriggerFormat::actionKinds().join(QStringLiteral(", "))));
        const QJsonObject wrapper = value.toObject();
        const QString kind = wrapper.begin().key();
        const QJsonValue body = wrapper.begin().value();
        const QString where = join(path, kind);
        // Actions without required fields may be written as `- cancel:` or `- cancel: true`.
        const bool bare = body.isNull() || body.isUndefined() || (body.isBool() && body.toBool());
        if (!body.isObject() && !bare && !(kind == u"reaction" && body.isString()))
            return error(where, QStringLiteral("expected the action's fields"));
        const QJsonObject o = body.toObject();

        if (kind == u"codefile") {
            if (auto bad = checkKeys(o, where, TriggerFormat::actionKeys(kind)))
                return *bad;
            CodefileAction a;
            auto id = string(o, where, u"id", false);
            if (!id)
                return id.error();
            static const QRegularExpression idPattern(QStringLiteral("^[A-Za-z_][A-Za-z0-9_-]*$"));
            if (!id->isEmpty() && !idPattern.match(*id).hasMatch())
                return error(
                    join(where, QStringLiteral("id")),
                    QStringLiteral("\"%1\" is not a step id: start with a letter or _, then letters, "
                                   "digits, - or _")
                        .arg(*id));
            a.id = *id;
            auto p = string(o, where, u"path", true);
            auto args = stringList(o, where, u"args", true);
            auto timeout = integer(o, where, u"timeout", 300, 1, 7 * 24 * 3600);
            auto workdir = string(o, where, u"workdir", false);
            auto token = boolean(o, where, u"pass_token", false);
            if (!p)
                return p.error();
            if (p->trimmed().isEmpty())
                return error(join(where, QStringLiteral("path")), QStringLiteral("is empty"));
            if (!args)
                return args.error();
            if (!timeout)
                return timeout.error();
            if (!workdir)
                return workdir.error();
            if (!token)
                return token.error();
            a.path = *p;
            a.args = *args;
            a.timeoutSeconds = *timeout;
            a.workdir = *workdir;
            a.passToken = *token;
            return TriggerAction(a);
        }
        if (kind == u"workflow") {
            if (auto bad = checkKeys(o, where, TriggerFormat::actionKeys(kind)))
                return *bad;
            WorkflowAction a;
            auto repo = string(o, where, u"repository", false);
            auto workflow = string(o, where, u"workflow", true, true);
            auto ref = string(o, where, u"ref", false);
            if (!repo)
                return repo.error();
            if (!workflow)
                return workflow.error();
            if (!ref)
                return ref.error();
            a.repository = *repo;
            a.workflow = *workflow;
            a.ref = *ref;
            const QJsonValue inputs = o.value(QLatin1StringView("inputs"));
            if (!inputs.isUndefined() && !inputs.isNull()) {
                if (!inputs.isObject())
                    return error(join(where, QStringLiteral("inputs")),
                                 QStringLiteral("expected name: value pairs"));
                const QJsonObject map = inputs.toObject();
                for (auto it = map.begin(); it != map.end(); ++it) {
                    if (it.value().isObject() || it.value().isArray() || it.value().isNull())
                        return error(join(where, QStringLiteral("inputs.") + it.key()),
                                     QStringLiteral("expected text, a number or a boolean"));
                    a.inputs.insert(it.key(), scalarToString(it.value()));
                }
            }
            return TriggerAction(a);
        }
        if (kind == u"comment") {
            if (auto bad = checkKeys(o, where, TriggerFormat::actionKeys(kind)))
                return *bad;
            CommentAction a;
            auto preset = string(o, where, u"preset", false);
            auto text = string(o, where, u"body", false);
            auto args = string(o, where, u"args", false, true);
            auto pr = string(o, where, u"pr", false, true);
            for (const auto *r : {&preset, &text, &args, &pr}) {
                if (!*r)
                    return r->error();
            }
            if (preset->isEmpty() == text->isEmpty())
                return error(where, QStringLiteral("needs either preset or body"));
            a.preset = *preset;
            a.body = *text;
            a.args = *args;
            a.pr = *pr;
            return TriggerAction(a);
        }
        if (kind == u"notify") {
            if (auto bad = checkKeys(o, where, TriggerFormat::actionKeys(kind)))
                return *bad;
            auto title = string(o, where, u"title", false);
            auto text = string(o, where, u"body", false);
            if (!title)
                return title.error();
            if (!text)
                return text.error();
            if (title->isEmpty() && text->isEmpty())
                return error(where, QStringLiteral("needs a title or a body"));
            return TriggerAction(NotifyAction{*title, *text});
        }
        if (kind == u"rerun_failed" || kind == u"cancel") {
            if (auto bad = checkKeys(o, where, TriggerFormat::actionKeys(kind)))
                return *bad;
            auto run = string(o, where, u"run", false, true);
            if (!run)
                return run.error();
            if (kind == u"cancel")
                return TriggerAction(CancelRunAction{*run});
            return TriggerAction(RerunFailedAction{*run});
        }
        if (kind == u"reaction") {
            ReactionAction a;
            if (body.isString()) {
                a.content = body.toString();
            } else {
                if (auto bad = checkKeys(o, where, TriggerFormat::actionKeys(kind)))
                    return *bad;
                auto content = string(o, where, u"content", false);
                if (!content)
                    return content.error();
                if (!content->isEmpty())
                    a.content = *content;
            }
            static const QStringList allowed{QStringLiteral("+1"),     QStringLiteral("-1"),
                                             QStringLiteral("laugh"),  QStringLiteral("confused"),
                                             QStringLiteral("heart"),  QStringLiteral("hooray"),
                                             QStringLiteral("rocket"), QStringLiteral("eyes")};
            if (!allowed.contains(a.content))
                return error(where, QStringLiteral("unknown reaction \"%1\" (expected %2)")
                                        .arg(a.content, allowed.join(QStringLiteral(", "))));
            return TriggerAction(a);
        }
        return error(path, QStringLiteral("unknown action \"%1\" (expected %2)")
                               .arg(kind, TriggerFormat::actionKinds().join(QStringLiteral(", "))));
    }

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

// ---- Trigger → YAML ---------------------------------------------------------------------------------

bool needsQuotes(const QString &text)
{
    return !plainScalar(text.toStdString()).isString();
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

void emitStrings(YAML::Emitter &out, const QStringList &list)
{
    out << YAML::Flow << YAML::BeginSeq;
    for (const QString &s : list)
        emitString(out, s);
    out << YAML::EndSeq;
}

QStringList patterns(const QList<GlobPattern> &globs)
{
    QStringList out;
    for (const GlobPattern &g : globs)
        out.append(g.pattern());
    return out;
}

void emitCondition(YAML::Emitter &out, const Condition &c)
{
    switch (c.kind()) {
    case Condition::Kind::All:
    case Condition::Kind::Any:
        out << YAML::BeginMap << YAML::Key << (c.kind() == Condition::Kind::All ? "all" : "any")
            << YAML::Value << YAML::BeginSeq;
        for (const Condition &child : c.children())
            emitCondition(out, child);
        out << YAML::EndSeq << YAML::EndMap;
        break;
    case Condition::Kind::Not:
        out << YAML::BeginMap << YAML::Key << "not" << YAML::Value;
        emitCondition(out, c.children().front());
        out << YAML::EndMap;
        break;
    case Condition::Kind::Leaf:
        out << YAML::Flow << YAML::BeginMap << YAML::Key << "field" << YAML::Value;
        emitString(out, c.field().text());
        out << YAML::Key << "op" << YAML::Value;
        emitString(out, Condition::opName(c.op()));
        if (!c.value().isUndefined()) {
            out << YAML::Key << "value" << YAML::Value;
            emitValue(out, c.value());
        }
        out << YAML::EndMap;
        break;
    }
}

// Writes `key: value` only when the value differs from the default, so exports stay short.
void emitField(YAML::Emitter &out, const char *key, const QString &value)
{
    if (value.isEmpty())
        return;
    out << YAML::Key << key << YAML::Value;
    emitString(out, value);
}

void emitAction(YAML::Emitter &out, const TriggerAction &action)
{
    out << YAML::BeginMap << YAML::Key << actionKind(action).toStdString() << YAML::Value << YAML::Flow
        << YAML::BeginMap;
    if (const auto *a = std::get_if<CodefileAction>(&action)) {
        emitField(out, "id", a->id);
        emitField(out, "path", a->path);
        if (!a->args.isEmpty()) {
            out << YAML::Key << "args" << YAML::Value;
            emitStrings(out, a->args);
        }
        out << YAML::Key << "timeout" << YAML::Value << a->timeoutSeconds;
        emitField(out, "workdir", a->workdir);
        if (a->passToken)
            out << YAML::Key << "pass_token" << YAML::Value << true;
    } else if (const auto *w = std::get_if<WorkflowAction>(&action)) {
        emitField(out, "repository", w->repository);
        emitField(out, "workflow", w->workflow);
        emitField(out, "ref", w->ref);
        if (!w->inputs.isEmpty()) {
            out << YAML::Key << "inputs" << YAML::Value << YAML::Flow << YAML::BeginMap;
            for (auto it = w->inputs.cbegin(); it != w->inputs.cend(); ++it) {
                out << YAML::Key << it.key().toStdString() << YAML::Value;
                emitString(out, it.value());
            }
            out << YAML::EndMap;
        }
    } else if (const auto *c = std::get_if<CommentAction>(&action)) {
        emitField(out, "preset", c->preset);
        emitField(out, "body", c->body);
        emitField(out, "args", c->args);
        emitField(out, "pr", c->pr);
    } else if (const auto *n = std::get_if<NotifyAction>(&action)) {
        emitField(out, "title", n->title);
        emitField(out, "body", n->body);
    } else if (const auto *r = std::get_if<RerunFailedAction>(&action)) {
        emitField(out, "run", r->run);
    } else if (const auto *x = std::get_if<CancelRunAction>(&action)) {
        emitField(out, "run", x->run);
    } else if (const auto *re = std::get_if<ReactionAction>(&action)) {
        emitField(out, "content", re->content);
    }
    out << YAML::EndMap << YAML::EndMap;
}

void emitTrigger(YAML::Emitter &out, const Trigger &t)
{
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value;
    emitString(out, t.name);
    out << YAML::Key << "enabled" << YAML::Value << t.enabled;
    if (!t.repositories.isEmpty()) {
        out << YAML::Key << "repositories" << YAML::Value;
        emitStrings(out, patterns(t.repositories));
    }
    out << YAML::Key << "event" << YAML::Value;
    emitString(out, t.event.isEmpty() ? QStringLiteral("*") : t.event);
    if (!t.actions.isEmpty()) {
        out << YAML::Key << "actions" << YAML::Value;
        emitStrings(out, t.actions);
    }
    if (t.conditions) {
        out << YAML::Key << "conditions" << YAML::Value;
        emitCondition(out, *t.conditions);
    }
    if (!t.ignore.isEmpty()) {
        const IgnoreRules &r = t.ignore;
        out << YAML::Key << "ignore" << YAML::Value << YAML::BeginMap;
        if (r.bots)
            out << YAML::Key << "bots" << YAML::Value << true;
        const auto list = [&out](const char *key, const QStringList &values) {
            if (!values.isEmpty()) {
                out << YAML::Key << key << YAML::Value;
                emitStrings(out, values);
            }
        };
        list("senders", patterns(r.senders));
        QStringList titles;
        for (const QRegularExpression &re : r.titles)
            titles.append(re.pattern());
        list("titles", titles);
        list("labels", r.labels);
        list("branches", patterns(r.branches));
        list("target_branches", patterns(r.targetBranches));
        out << YAML::EndMap;
    }
    if (t.debounceSeconds > 0)
        out << YAML::Key << "debounce" << YAML::Value << t.debounceSeconds;
    if (t.rateLimit.max > 0)
        out << YAML::Key << "rate_limit" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "max"
            << YAML::Value << t.rateLimit.max << YAML::Key << "per" << YAML::Value << t.rateLimit.perSeconds
            << YAML::EndMap;
    out << YAML::Key << "run" << YAML::Value << YAML::BeginSeq;
    for (const TriggerAction &a : t.run)
        emitAction(out, a);
    out << YAML::EndSeq;
    out << YAML::EndMap;
}

QJsonValue actionToJson(const TriggerAction &action)
{
    QJsonObject o;
    const auto put = [&o](const char *key, const QString &value) {
        if (!value.isEmpty())
            o.insert(QLatin1StringView(key), value);
    };
    if (const auto *a = std::get_if<CodefileAction>(&action)) {
        put("id", a->id);
        put("path", a->path);
        if (!a->args.isEmpty())
            o.insert(QLatin1StringView("args"), QJsonArray::fromStringList(a->args));
        o.insert(QLatin1StringView("timeout"), a->timeoutSeconds);
        put("workdir", a->workdir);
        if (a->passToken)
            o.insert(QLatin1StringView("pass_token"), true);
    } else if (const auto *w = std::get_if<WorkflowAction>(&action)) {
        put("repository", w->repository);
        put("workflow", w->workflow);
        put("ref", w->ref);
        if (!w->inputs.isEmpty()) {
            QJsonObject inputs;
            for (auto it = w->inputs.cbegin(); it != w->inputs.cend(); ++it)
                inputs.insert(it.key(), it.value());
            o.insert(QLatin1StringView("inputs"), inputs);
        }
    } else if (const auto *c = std::get_if<CommentAction>(&action)) {
        put("preset", c->preset);
        put("body", c->body);
        put("args", c->args);
        put("pr", c->pr);
    } else if (const auto *n = std::get_if<NotifyAction>(&action)) {
        put("title", n->title);
        put("body", n->body);
    } else if (const auto *r = std::get_if<RerunFailedAction>(&action)) {
        put("run", r->run);
    } else if (const auto *x = std::get_if<CancelRunAction>(&action)) {
        put("run", x->run);
    } else if (const auto *re = std::get_if<ReactionAction>(&action)) {
        put("content", re->content);
    }
    return QJsonObject{{actionKind(action), o}};
}

} // namespace

Result<QList<Trigger>> TriggerFile::parse(const QByteArray &text, Format format)
{
    if (text.size() > kMaxBytes)
        return Error{QStringLiteral("parse"),
                     QStringLiteral("trigger file is larger than %1 MB").arg(kMaxBytes / (1024 * 1024))};
    if (format == Format::Auto) {
        const QByteArray start = text.trimmed().left(1);
        format = (start == "{" || start == "[") ? Format::Json : Format::Yaml;
    }
    QHash<QString, Location> where;
    if (format == Format::Json) {
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

Result<QList<Trigger>> TriggerFile::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("io"),
                     QStringLiteral("cannot read %1: %2").arg(path, file.errorString())};
    if (file.size() > kMaxBytes)
        return Error{QStringLiteral("parse"), QStringLiteral("%1 is too large for a trigger file").arg(path)};
    const QString suffix = QFileInfo(path).suffix().toLower();
    auto parsed = parse(file.readAll(), suffix == u"json"                         ? Format::Json
                                        : (suffix == u"yaml" || suffix == u"yml") ? Format::Yaml
                                                                                  : Format::Auto);
    if (!parsed) {
        Error e = parsed.error();
        e.message = path + QStringLiteral(": ") + e.message;
        return e;
    }
    return parsed;
}

Status TriggerFile::save(const QString &path, const QList<Trigger> &triggers)
{
    const bool json = QFileInfo(path).suffix().compare(u"json", Qt::CaseInsensitive) == 0;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error{QStringLiteral("io"),
                     QStringLiteral("cannot write %1: %2").arg(path, file.errorString())};
    file.write(json ? toJson(triggers) : toYaml(triggers));
    if (!file.commit())
        return Error{QStringLiteral("io"),
                     QStringLiteral("cannot write %1: %2").arg(path, file.errorString())};
    return success();
}

QByteArray TriggerFile::toYaml(const QList<Trigger> &triggers)
{
    YAML::Emitter out;
    out.SetIndent(2);
    out << YAML::BeginMap << YAML::Key << "triggers" << YAML::Value << YAML::BeginSeq;
    for (const Trigger &t : triggers)
        emitTrigger(out, t);
    out << YAML::EndSeq << YAML::EndMap;
    QByteArray text(out.c_str(), qsizetype(out.size()));
    text.append('\n');
    return text;
}

QByteArray TriggerFile::toJson(const QList<Trigger> &triggers)
{
    QJsonArray list;
    for (const Trigger &t : triggers)
        list.append(toJsonObject(t));
    return QJsonDocument(QJsonObject{{QStringLiteral("triggers"), list}}).toJson(QJsonDocument::Indented);
}

QJsonObject TriggerFile::toJsonObject(const Trigger &t)
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
        run.append(actionToJson(a));
    o.insert(QLatin1StringView("run"), run);
    return o;
}

Result<Trigger> TriggerFile::fromJsonObject(const QJsonObject &object)
{
    return Reader(nullptr).trigger(object, QString());
}

} // namespace exeserver
