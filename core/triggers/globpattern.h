#pragma once

#include <QString>
#include <QStringView>

namespace exeserver {

// A shell-style glob (`*`, `?`, `[abc]`, `[a-z]`, `[!x]`) compiled once. Unlike path globs, `*` also matches
// `/`, so `release/*` covers `release/1.x/hotfix`; repository globs (`octo-org/*`) behave the same either way
// because repository names cannot contain `/`. Matching is case-sensitive and anchored at both ends.
class GlobPattern
{
public:
    GlobPattern() = default;
    explicit GlobPattern(QString pattern);

    const QString &pattern() const { return m_pattern; }
    bool isEmpty() const { return m_pattern.isEmpty(); }
    // True when the pattern holds no wildcard, so callers may compare strings directly.
    bool isLiteral() const { return m_literal; }
    bool matches(QStringView text) const;

private:
    bool matchClass(qsizetype &p, QChar c) const;

    QString m_pattern;
    bool m_literal = true;
};

} // namespace exeserver
