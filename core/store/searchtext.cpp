#include "store/searchtext.h"

#include <QJsonArray>
#include <QSet>

namespace exeserver {

namespace {

bool isSearchedKey(QStringView key)
{
    static const QSet<QString> keys{
        QStringLiteral("title"),         QStringLiteral("body"),     QStringLiteral("message"),
        QStringLiteral("name"),          QStringLiteral("ref"),      QStringLiteral("head_branch"),
        QStringLiteral("display_title"), QStringLiteral("tag_name"), QStringLiteral("conclusion"),
        QStringLiteral("state"),         QStringLiteral("login"),    QStringLiteral("full_name"),
        QStringLiteral("path"),          QStringLiteral("head_sha"), QStringLiteral("after"),
    };
    return keys.contains(key.toString());
}

constexpr qsizetype kFieldCap = 300;

struct Collector
{
    QString text;
    QSet<QString> seen;

    bool full() const { return text.size() >= kSearchTextCap; }
    void add(const QString &value)
    {
        if (value.isEmpty() || full() || seen.contains(value))
            return;
        seen.insert(value);
        if (!text.isEmpty())
            text += QLatin1Char(' ');
        text += value.left(kFieldCap);
    }
    void walk(const QJsonValue &value, bool searched)
    {
        if (full())
            return;
        if (value.isString()) {
            if (searched)
                add(value.toString());
        } else if (value.isObject()) {
            const QJsonObject object = value.toObject();
            for (auto it = object.constBegin(); it != object.constEnd(); ++it)
                walk(it.value(), isSearchedKey(it.key()));
        } else if (value.isArray()) {
            for (const QJsonValue &item : value.toArray())
                walk(item, searched);
        }
    }
};

} // namespace

QString searchTextOf(const QJsonObject &payload)
{
    Collector collector;
    collector.walk(payload, false);
    return collector.text.left(kSearchTextCap);
}

} // namespace exeserver
