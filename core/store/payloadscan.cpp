#include "store/payloadscan.h"

#include "events/payloadfields.h"
#include "store/searchtext.h"

namespace exeserver {

namespace {

constexpr qsizetype kFieldCap = 300;

// The keys whose string values are searched (searchtext.h's list). A payload has a few hundred keys and
// most are not searched: the length picks the one or few candidates to compare.
bool isSearchedKey(QByteArrayView key)
{
    switch (key.size()) {
    case 3:
        return key == "ref";
    case 4:
        return key == "body" || key == "name" || key == "path";
    case 5:
        return key == "title" || key == "state" || key == "login" || key == "after";
    case 7:
        return key == "message";
    case 8:
        return key == "tag_name" || key == "head_sha";
    case 9:
        return key == "full_name";
    case 10:
        return key == "conclusion";
    case 11:
        return key == "head_branch";
    case 13:
        return key == "display_title";
    default:
        return false;
    }
}

template <class Visitor>
PayloadScan scan(QByteArrayView json, Visitor &visitor, SearchTextCollector &text)
{
    json::Scanner<Visitor> scanner(json, visitor);
    PayloadScan result;
    result.valid = scanner.run();
    result.error = scanner.error();
    if (result.valid)
        result.searchText = text.text();
    return result;
}

} // namespace

SearchTextCollector::Context SearchTextCollector::member(Context, const json::Token &key)
{
    return key.escaped ? isSearchedKey(json::decodeString(key).toUtf8()) : isSearchedKey(key.bytes());
}

bool SearchTextCollector::full() const
{
    return m_text.size() >= kSearchTextCap;
}

void SearchTextCollector::collect(QString value)
{
    if (value.isEmpty() || m_seen.contains(value))
        return;
    if (!m_text.isEmpty())
        m_text += QLatin1Char(' ');
    m_text += QStringView(value).left(kFieldCap);
    m_seen.insert(std::move(value));
}

QString SearchTextCollector::text() const
{
    return m_text.left(kSearchTextCap);
}

PayloadScan scanPayload(QByteArrayView json)
{
    SearchTextCollector text;
    return scan(json, text, text);
}

PayloadScan scanPayload(QByteArrayView json, payload::ScannedFields &fields)
{
    SearchTextCollector text;
    json::Both both(fields, text);
    return scan(json, both, text);
}

} // namespace exeserver
