#pragma once

#include "triggers/commentcommand.h"
#include "triggers/fieldpath.h"
#include "triggers/globpattern.h"
#include "util/result.h"

#include <QJsonArray>
#include <QJsonValue>
#include <QList>
#include <QRegularExpression>
#include <QStringList>

#include <optional>
#include <vector>

namespace exeserver {

// One line of a dry run: a node of the condition tree, what it expected, the values the payload held there.
struct ConditionTrace
{
    int depth = 0; // 0 for the root node; children are one deeper
    QString node;  // "all", "any", "not", or the operator of a leaf
    QString field; // leaves only
    QJsonValue expected;
    QJsonArray seen; // every value the field path reached (leaves only)
    bool matched = false;
    QString note; // why a leaf could not match: "field missing", "not a string", ...
};

// A node of a trigger's condition tree: `all` / `any` / `not`, or a leaf comparing the values a field path
// reaches against an expected value. Leaves are compiled when built (path parsed, regex and glob compiled,
// expected value converted), so evaluating one does no parsing and no allocation on the common paths.
// A path with `[*]` matches when any reached value matches — except `not_equals`, which needs at least one
// value and none equal, and `exists: false`, which needs none. Missing fields and type mismatches are a
// non-match, never an error.
class Condition
{
public:
    enum class Kind
    {
        All,
        Any,
        Not,
        Leaf
    };
    enum class Op
    {
        Equals,
        NotEquals,
        Contains,
        StartsWith,
        Glob,
        Regex,
        In,
        Exists,
        Less,
        LessOrEqual,
        Greater,
        GreaterOrEqual,
        CommentCommand,
    };

    static Condition all(std::vector<Condition> children);
    static Condition any(std::vector<Condition> children);
    static Condition negate(Condition child);
    // Validates the value for the operator: a regex that does not compile is refused with its position,
    // numeric operators need a number, `in` a list, `exists` a boolean. An empty field means `comment.body`
    // for comment_command and is an error otherwise.
    static Result<Condition> leaf(const QString &field, Op op, const QJsonValue &value);

    static QString opName(Op op);
    static std::optional<Op> opFromName(QStringView name); // also accepts lt, le, gt, ge, ==, !=
    static QStringList operatorNames(); // the canonical names, in the order people read them

    Kind kind() const { return m_kind; }
    Op op() const { return m_op; }
    const FieldPath &field() const { return m_field; }
    const QJsonValue &value() const { return m_value; }
    const std::vector<Condition> &children() const { return m_children; }
    // Number of leaves in the tree (the unit of the benchmark's "condition evaluations").
    int leafCount() const;

    // The hot path. `command` (optional) receives the parsed comment command of a matching comment_command
    // leaf.
    bool matches(const QJsonObject &payload, CommentCommand *command = nullptr) const;
    // The dry run: evaluates every node (no short-circuit) and appends one trace line per node.
    bool explain(const QJsonObject &payload, QList<ConditionTrace> &trace, CommentCommand *command = nullptr,
                 int depth = 0) const;

    // The file-format shape: {all: [...]}, {any: [...]}, {not: {...}} or {field, op, value}.
    QJsonObject toJson() const;

private:
    bool matchesLeaf(const QJsonObject &payload, CommentCommand *command) const;
    bool matchesValue(const QJsonValue &actual, CommentCommand *command) const;
    bool equalsExpected(const QJsonValue &actual) const;

    Kind m_kind = Kind::All;
    Op m_op = Op::Equals;
    std::vector<Condition> m_children;
    FieldPath m_field;
    QJsonValue m_value; // as written, for saving and traces
    // Compiled forms of m_value.
    QString m_text;
    double m_number = 0;
    bool m_expectedIsNumber = false;
    bool m_exists = true;
    QRegularExpression m_regex;
    GlobPattern m_glob;
    QJsonArray m_list;
    QStringList m_commands; // comment_command names; empty = any command
};

} // namespace exeserver
