#include "triggers/globpattern.h"

namespace exeserver {

GlobPattern::GlobPattern(QString pattern)
    : m_pattern(std::move(pattern))
{
    for (const QChar c : std::as_const(m_pattern)) {
        if (c == u'*' || c == u'?' || c == u'[') {
            m_literal = false;
            break;
        }
    }
}

// `p` points at '['; on return it points just past the closing ']'. An unterminated '[' is a literal.
bool GlobPattern::matchClass(qsizetype &p, QChar c) const
{
    const qsizetype n = m_pattern.size();
    qsizetype i = p + 1;
    bool negate = false;
    if (i < n && (m_pattern[i] == u'!' || m_pattern[i] == u'^')) {
        negate = true;
        ++i;
    }
    bool found = false;
    bool first = true;
    for (; i < n && (first || m_pattern[i] != u']'); ++i, first = false) {
        const QChar lo = m_pattern[i];
        if (i + 2 < n && m_pattern[i + 1] == u'-' && m_pattern[i + 2] != u']') {
            if (c >= lo && c <= m_pattern[i + 2])
                found = true;
            i += 2;
        } else if (c == lo) {
            found = true;
        }
    }
    if (i >= n) { // no closing bracket: treat '[' as an ordinary character
        ++p;
        return c == u'[';
    }
    p = i + 1;
    return found != negate;
}

bool GlobPattern::matches(QStringView text) const
{
    if (m_literal)
        return text == m_pattern;
    // Iterative matching with a single backtrack point for the last '*': linear for typical patterns.
    const qsizetype n = m_pattern.size();
    qsizetype p = 0;
    qsizetype t = 0;
    qsizetype starP = -1;
    qsizetype starT = 0;
    while (t < text.size()) {
        if (p < n && m_pattern[p] == u'*') {
            starP = ++p;
            starT = t;
            continue;
        }
        if (p < n) {
            const QChar pc = m_pattern[p];
            if (pc == u'?') {
                ++p;
                ++t;
                continue;
            }
            if (pc == u'[') {
                qsizetype next = p;
                if (matchClass(next, text[t])) {
                    p = next;
                    ++t;
                    continue;
                }
            } else if (pc == text[t]) {
                ++p;
                ++t;
                continue;
            }
        }
        if (starP < 0)
            return false;
        p = starP;
        t = ++starT;
    }
    while (p < n && m_pattern[p] == u'*')
        ++p;
    return p == n;
}

} // namespace exeserver
