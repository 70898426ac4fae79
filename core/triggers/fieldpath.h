#pragma once

#include "util/result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <vector>

namespace exeserver {

// A dotted path into a JSON payload (`pull_request.labels[*].name`, `commits[0].id`), parsed once when a
// trigger is loaded so evaluation does no string splitting. `[*]` fans out over every element of an array;
// a path therefore yields zero, one or many values. Keys containing `.` or `[` cannot be addressed.
class FieldPath
{
public:
    FieldPath() = default;

    // Refuses empty segments, unbalanced brackets and bad indexes, naming the character position.
    static Result<FieldPath> parse(const QString &text);

    const QString &text() const { return m_text; }
    bool isEmpty() const { return m_steps.empty(); }
    bool hasWildcard() const { return m_wildcard; }

    // Calls visit(const QJsonValue &) for each value the path reaches, in document order, until it returns
    // true (found). Missing keys, out-of-range indexes and type mismatches simply yield nothing.
    template <typename Visit>
    bool visit(const QJsonObject &root, Visit &&visitor) const
    {
        if (m_steps.empty())
            return false;
        return walk(QJsonValue(root), 0, visitor);
    }

    // Convenience for dry runs and templates: every value reached, missing ones omitted.
    QJsonArray collect(const QJsonObject &root) const;
    // The first value reached, or Undefined.
    QJsonValue first(const QJsonObject &root) const;

private:
    struct Step
    {
        enum Kind : quint8
        {
            Key,
            Index,
            Wildcard
        };
        Kind kind = Key;
        QString key;
        qsizetype index = 0;
    };

    template <typename Visit>
    bool walk(const QJsonValue &current, size_t step, Visit &visitor) const
    {
        if (step == m_steps.size())
            return visitor(current);
        const Step &s = m_steps[step];
        switch (s.kind) {
        case Step::Key:
            if (!current.isObject())
                return false;
            {
                const QJsonValue next = current[s.key];
                if (next.isUndefined())
                    return false;
                return walk(next, step + 1, visitor);
            }
        case Step::Index:
            if (!current.isArray())
                return false;
            {
                const QJsonValue next = current[s.index];
                if (next.isUndefined())
                    return false;
                return walk(next, step + 1, visitor);
            }
        case Step::Wildcard:
            if (!current.isArray())
                return false;
            {
                const QJsonArray array = current.toArray();
                for (const QJsonValue &element : array) {
                    if (walk(element, step + 1, visitor))
                        return true;
                }
            }
            return false;
        }
        return false;
    }

    QString m_text;
    std::vector<Step> m_steps;
    bool m_wildcard = false;
};

} // namespace exeserver
