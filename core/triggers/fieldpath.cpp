#include "triggers/fieldpath.h"

namespace exeserver {

namespace {

Error pathError(const QString &text, qsizetype position, const QString &what)
{
    return Error{QStringLiteral("invalid_path"),
                 QStringLiteral("field path \"%1\": %2 at position %3").arg(text, what).arg(position + 1)};
}

} // namespace

Result<FieldPath> FieldPath::parse(const QString &text)
{
    FieldPath path;
    path.m_text = text;
    const qsizetype n = text.size();
    if (n == 0)
        return pathError(text, 0, QStringLiteral("empty path"));
    qsizetype i = 0;
    while (i < n) {
        // One segment: a key, then any number of [N] / [*].
        const qsizetype keyStart = i;
        while (i < n && text[i] != u'.' && text[i] != u'[' && text[i] != u']')
            ++i;
        if (i < n && text[i] == u']')
            return pathError(text, i, QStringLiteral("unexpected ']'"));
        if (i == keyStart && !(i < n && text[i] == u'[' && !path.m_steps.empty()))
            return pathError(text, i, QStringLiteral("empty segment"));
        if (i > keyStart)
            path.m_steps.push_back(Step{Step::Key, text.mid(keyStart, i - keyStart), 0});
        while (i < n && text[i] == u'[') {
            const qsizetype close = text.indexOf(u']', i);
            if (close < 0)
                return pathError(text, i, QStringLiteral("'[' without ']'"));
            const QStringView inside = QStringView(text).mid(i + 1, close - i - 1);
            if (inside == u"*") {
                path.m_steps.push_back(Step{Step::Wildcard, {}, 0});
                path.m_wildcard = true;
            } else {
                bool ok = false;
                const qsizetype index = inside.toLongLong(&ok);
                if (!ok || index < 0)
                    return pathError(text, i + 1, QStringLiteral("expected '*' or an index inside [...]"));
                path.m_steps.push_back(Step{Step::Index, {}, index});
            }
            i = close + 1;
        }
        if (i < n) {
            if (text[i] != u'.')
                return pathError(text, i, QStringLiteral("expected '.' or '['"));
            ++i;
            if (i == n)
                return pathError(text, i - 1, QStringLiteral("trailing '.'"));
        }
    }
    return path;
}

QJsonArray FieldPath::collect(const QJsonObject &root) const
{
    QJsonArray values;
    visit(root, [&values](const QJsonValue &value) {
        values.append(value);
        return false;
    });
    return values;
}

QJsonValue FieldPath::first(const QJsonObject &root) const
{
    QJsonValue found(QJsonValue::Undefined);
    visit(root, [&found](const QJsonValue &value) {
        found = value;
        return true;
    });
    return found;
}

} // namespace exeserver
