#include "triggers/condition.h"

#include <QJsonDocument>

#include <cmath>

namespace exeserver {

namespace {

struct OpName
{
    Condition::Op op;
    const char16_t *name;
};

constexpr OpName kOpNames[] = {
    {Condition::Op::Equals, u"equals"},
    {Condition::Op::NotEquals, u"not_equals"},
    {Condition::Op::Contains, u"contains"},
    {Condition::Op::StartsWith, u"starts_with"},
    {Condition::Op::Glob, u"glob"},
    {Condition::Op::Regex, u"regex"},
    {Condition::Op::In, u"in"},
    {Condition::Op::Exists, u"exists"},
    {Condition::Op::Less, u"<"},
    {Condition::Op::LessOrEqual, u"<="},
    {Condition::Op::Greater, u">"},
    {Condition::Op::GreaterOrEqual, u">="},
    {Condition::Op::CommentCommand, u"comment_command"},
};

constexpr OpName kOpAliases[] = {
    {Condition::Op::Equals, u"=="},       {Condition::Op::NotEquals, u"!="},
    {Condition::Op::Less, u"lt"},         {Condition::Op::LessOrEqual, u"le"},
    {Condition::Op::Greater, u"gt"},      {Condition::Op::GreaterOrEqual, u"ge"},
    {Condition::Op::LessOrEqual, u"lte"}, {Condition::Op::GreaterOrEqual, u"gte"},
};

// The text a scalar compares as when the other side is a string: 42 → "42", 1.5 → "1.5", true → "true".
QString scalarText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (std::abs(d) < 9007199254740992.0 && d == std::floor(d))
            return QString::number(static_cast<qint64>(d));
        return QString::number(d, 'g', 17);
    }
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Null:
        return QStringLiteral("null");
    default:
        return QString::fromUtf8(
            QJsonDocument::fromVariant(value.toVariant()).toJson(QJsonDocument::Compact));
    }
}

bool isScalar(const QJsonValue &value)
{
    return value.isString() || value.isDouble() || value.isBool() || value.isNull();
}

Error valueError(const QString &message)
{
    return Error{QStringLiteral("invalid_condition"), message};
}

} // namespace

Condition Condition::all(std::vector<Condition> children)
{
    Condition c;
    c.m_kind = Kind::All;
    c.m_children = std::move(children);
    return c;
}

Condition Condition::any(std::vector<Condition> children)
{
    Condition c;
    c.m_kind = Kind::Any;
    c.m_children = std::move(children);
    return c;
}

Condition Condition::negate(Condition child)
{
    Condition c;
    c.m_kind = Kind::Not;
    c.m_children.push_back(std::move(child));
    return c;
}

QString Condition::opName(Op op)
{
    for (const OpName &entry : kOpNames) {
        if (entry.op == op)
            return QString::fromUtf16(entry.name);
    }
    return {};
}

QStringList Condition::operatorNames()
{
    QStringList names;
    for (const OpName &entry : kOpNames)
        names.append(QString::fromUtf16(entry.name));
    return names;
}

std::optional<Condition::Op> Condition::opFromName(QStringView name)
{
    for (const OpName &entry : kOpNames) {
        if (name == QStringView(entry.name))
            return entry.op;
    }
    for (const OpName &entry : kOpAliases) {
        if (name == QStringView(entry.name))
            return entry.op;
    }
    return std::nullopt;
}

Result<Condition> Condition::leaf(const QString &field, Op op, const QJsonValue &value)
{
    Condition c;
    c.m_kind = Kind::Leaf;
    c.m_op = op;
    c.m_value = value;
    const QString path = field.isEmpty() && op == Op::CommentCommand ? QStringLiteral("comment.body") : field;
    if (path.isEmpty())
        return valueError(QStringLiteral("a condition needs a field"));
    auto parsed = FieldPath::parse(path);
    if (!parsed)
        return parsed.error();
    c.m_field = std::move(parsed).value();

    switch (op) {
    case Op::Equals:
    case Op::NotEquals:
    case Op::Contains:
    case Op::StartsWith:
    case Op::Glob:
    case Op::Regex:
        if (value.isUndefined() || !isScalar(value))
            return valueError(
                QStringLiteral("operator %1 needs a single value (text, number or boolean)").arg(opName(op)));
        c.m_text = scalarText(value);
        c.m_expectedIsNumber = value.isDouble();
        c.m_number = value.toDouble();
        if (op == Op::Regex) {
            c.m_regex.setPattern(c.m_text);
            if (!c.m_regex.isValid()) {
                return valueError(QStringLiteral("invalid regular expression \"%1\": %2 at position %3")
                                      .arg(c.m_text, c.m_regex.errorString())
                                      .arg(c.m_regex.patternErrorOffset()));
            }
            c.m_regex.optimize();
        } else if (op == Op::Glob) {
            c.m_glob = GlobPattern(c.m_text);
        }
        break;
    case Op::In:
        if (!value.isArray())
            return valueError(QStringLiteral("operator in needs a list of values"));
        c.m_list = value.toArray();
        break;
    case Op::Exists:
        if (value.isUndefined() || value.isNull())
            c.m_exists = true;
        else if (value.isBool())
            c.m_exists = value.toBool();
        else
            return valueError(QStringLiteral("operator exists takes true or false"));
        break;
    case Op::Less:
    case Op::LessOrEqual:
    case Op::Greater:
    case Op::GreaterOrEqual:
        if (!value.isDouble())
            return valueError(QStringLiteral("operator %1 needs a number").arg(opName(op)));
        c.m_number = value.toDouble();
        c.m_expectedIsNumber = true;
        break;
    case Op::CommentCommand:
        if (value.isString()) {
            const QString name = value.toString().trimmed();
            if (!name.isEmpty() && name != u"*")
                c.m_commands.append(name.startsWith(u'/') ? name.mid(1) : name);
        } else if (value.isArray()) {
            for (const QJsonValue &item : value.toArray()) {
                if (!item.isString())
                    return valueError(QStringLiteral("operator comment_command takes command names"));
                const QString name = item.toString().trimmed();
                c.m_commands.append(name.startsWith(u'/') ? name.mid(1) : name);
            }
        } else if (!value.isUndefined() && !value.isNull()) {
            return valueError(
                QStringLiteral("operator comment_command takes a command name or a list of them"));
        }
        break;
    }
    return c;
}

int Condition::leafCount() const
{
    if (m_kind == Kind::Leaf)
        return 1;
    int count = 0;
    for (const Condition &child : m_children)
        count += child.leafCount();
    return count;
}

bool Condition::equalsExpected(const QJsonValue &actual) const
{
    switch (actual.type()) {
    case QJsonValue::String:
        return !m_value.isNull() && actual.toString() == m_text;
    case QJsonValue::Double:
        return m_expectedIsNumber ? actual.toDouble() == m_number
                                  : m_value.isString() && scalarText(actual) == m_text;
    case QJsonValue::Bool:
        return m_value.isBool() ? actual.toBool() == m_value.toBool()
                                : m_value.isString() && scalarText(actual) == m_text;
    case QJsonValue::Null:
        return m_value.isNull();
    default:
        return false;
    }
}

bool Condition::matchesValue(const QJsonValue &actual, CommentCommand *command) const
{
    switch (m_op) {
    case Op::Equals:
    case Op::NotEquals:
        return equalsExpected(actual);
    case Op::Contains:
        if (actual.isString())
            return actual.toString().contains(m_text);
        if (actual.isArray()) {
            const QJsonArray array = actual.toArray();
            for (const QJsonValue &element : array) {
                if (equalsExpected(element))
                    return true;
            }
        }
        return false;
    case Op::StartsWith:
        return actual.isString() && actual.toString().startsWith(m_text);
    case Op::Glob:
        return actual.isString() && m_glob.matches(actual.toString());
    case Op::Regex:
        return actual.isString() && m_regex.match(actual.toString()).hasMatch();
    case Op::In:
        for (const QJsonValue &candidate : m_list) {
            if (candidate == actual)
                return true;
            if (actual.isDouble() && candidate.isString() && candidate.toString() == scalarText(actual))
                return true;
            if (actual.isString() && candidate.isDouble() && scalarText(candidate) == actual.toString())
                return true;
        }
        return false;
    case Op::Exists:
        return !actual.isNull();
    case Op::Less:
        return actual.isDouble() && actual.toDouble() < m_number;
    case Op::LessOrEqual:
        return actual.isDouble() && actual.toDouble() <= m_number;
    case Op::Greater:
        return actual.isDouble() && actual.toDouble() > m_number;
    case Op::GreaterOrEqual:
        return actual.isDouble() && actual.toDouble() >= m_number;
    case Op::CommentCommand: {
        if (!actual.isString())
            return false;
        auto parsed = CommentCommand::parse(actual.toString());
        if (!parsed)
            return false;
        if (!m_commands.isEmpty() && !m_commands.contains(parsed->name, Qt::CaseInsensitive))
            return false;
        if (command)
            *command = std::move(*parsed);
        return true;
    }
    }
    return false;
}

bool Condition::matchesLeaf(const QJsonObject &payload, CommentCommand *command) const
{
    switch (m_op) {
    case Op::Exists: {
        const bool found = m_field.visit(payload, [](const QJsonValue &v) { return !v.isNull(); });
        return found == m_exists;
    }
    case Op::NotEquals: {
        bool reached = false;
        const bool equal = m_field.visit(payload, [this, &reached](const QJsonValue &v) {
            reached = true;
            return equalsExpected(v);
        });
        return reached && !equal;
    }
    default:
        return m_field.visit(payload,
                             [this, command](const QJsonValue &v) { return matchesValue(v, command); });
    }
}

bool Condition::matches(const QJsonObject &payload, CommentCommand *command) const
{
    switch (m_kind) {
    case Kind::Leaf:
        return matchesLeaf(payload, command);
    case Kind::All:
        for (const Condition &child : m_children) {
            if (!child.matches(payload, command))
                return false;
        }
        return true;
    case Kind::Any:
        for (const Condition &child : m_children) {
            if (child.matches(payload, command))
                return true;
        }
        return false;
    case Kind::Not:
        return m_children.empty() || !m_children.front().matches(payload, nullptr);
    }
    return false;
}

bool Condition::explain(const QJsonObject &payload, QList<ConditionTrace> &trace, CommentCommand *command,
                        int depth) const
{
    const qsizetype line = trace.size();
    trace.append(ConditionTrace{});
    trace[line].depth = depth;
    bool result = false;
    switch (m_kind) {
    case Kind::Leaf: {
        ConditionTrace &t = trace[line];
        t.node = opName(m_op);
        t.field = m_field.text();
        t.expected = m_value;
        t.seen = m_field.collect(payload);
        result = matchesLeaf(payload, command);
        if (!result) {
            bool anyString = false;
            bool anyNumber = false;
            for (const QJsonValue &v : std::as_const(t.seen)) {
                anyString |= v.isString();
                anyNumber |= v.isDouble();
            }
            if (t.seen.isEmpty() && !(m_op == Op::Exists && !m_exists))
                t.note = QStringLiteral("field missing");
            else if ((m_op == Op::StartsWith || m_op == Op::Glob || m_op == Op::Regex ||
                      m_op == Op::CommentCommand) &&
                     !anyString)
                t.note = QStringLiteral("not a string");
            else if ((m_op == Op::Less || m_op == Op::LessOrEqual || m_op == Op::Greater ||
                      m_op == Op::GreaterOrEqual) &&
                     !anyNumber)
                t.note = QStringLiteral("not a number");
            else if (m_op == Op::CommentCommand)
                t.note = QStringLiteral("no matching /command at the start");
        }
        break;
    }
    case Kind::All:
        trace[line].node = QStringLiteral("all");
        result = true;
        for (const Condition &child : m_children)
            result = child.explain(payload, trace, command, depth + 1) && result;
        break;
    case Kind::Any:
        trace[line].node = QStringLiteral("any");
        for (const Condition &child : m_children)
            result = child.explain(payload, trace, command, depth + 1) || result;
        break;
    case Kind::Not:
        trace[line].node = QStringLiteral("not");
        result = m_children.empty() || !m_children.front().explain(payload, trace, nullptr, depth + 1);
        break;
    }
    trace[line].matched = result;
    return result;
}

QJsonObject Condition::toJson() const
{
    switch (m_kind) {
    case Kind::All:
    case Kind::Any: {
        QJsonArray children;
        for (const Condition &child : m_children)
            children.append(child.toJson());
        return QJsonObject{{m_kind == Kind::All ? QStringLiteral("all") : QStringLiteral("any"), children}};
    }
    case Kind::Not:
        return QJsonObject{
            {QStringLiteral("not"), m_children.empty() ? QJsonObject() : m_children.front().toJson()}};
    case Kind::Leaf: {
        QJsonObject leaf{{QStringLiteral("field"), m_field.text()}, {QStringLiteral("op"), opName(m_op)}};
        if (!m_value.isUndefined())
            leaf.insert(QStringLiteral("value"), m_value);
        return leaf;
    }
    }
    return {};
}

} // namespace exeserver
