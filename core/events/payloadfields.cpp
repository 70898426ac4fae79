#include "events/payloadfields.h"

#include <cstring>
#include <iterator>
#include <string_view>

namespace exeserver::payload {

namespace {

// Every top-level key FieldReader is asked about (by the normaliser and Occurrence::key), and every key
// asked about inside those objects. A scan keeps only these; asking for another is a bug (asserted).
using namespace Qt::Literals::StringLiterals;
constexpr QLatin1StringView kTopKeys[] = {
    "action"_L1, "ref"_L1, "before"_L1, "after"_L1, "starred_at"_L1, "repository"_L1, "sender"_L1,
    "head_commit"_L1, "label"_L1, "assignee"_L1,
    // kSubjectKeys
    "comment"_L1, "review"_L1, "pull_request"_L1, "issue"_L1, "release"_L1, "discussion"_L1,
    "workflow_run"_L1, "workflow_job"_L1, "check_run"_L1, "check_suite"_L1, "deployment_status"_L1,
    "deployment"_L1, "alert"_L1, "milestone"_L1, "project_card"_L1, "project_column"_L1, "project"_L1,
    "package"_L1, "merge_group"_L1, "projects_v2_item"_L1, "forkee"_L1, "sponsorship"_L1};
constexpr QLatin1StringView kMemberKeys[] = {
    "full_name"_L1,  "login"_L1,        "timestamp"_L1,  "name"_L1,         "id"_L1,        "run_attempt"_L1,
    "updated_at"_L1, "completed_at"_L1, "started_at"_L1, "submitted_at"_L1, "created_at"_L1};
static_assert(std::size(kTopKeys) < 0xff && std::size(kMemberKeys) < 0xff);

template <size_t N>
constexpr bool listed(const QLatin1StringView (&table)[N], std::string_view key)
{
    for (const QLatin1StringView entry : table) {
        if (std::string_view(entry.data(), size_t(entry.size())) == key)
            return true;
    }
    return false;
}

// The normaliser reads every subject's time fields: the tables must hold them all.
constexpr bool coversSubjects()
{
    for (const char *subject : kSubjectKeys) {
        if (!listed(kTopKeys, subject))
            return false;
    }
    for (const char *field : kSubjectTimeKeys) {
        if (!listed(kMemberKeys, field))
            return false;
    }
    return true;
}
static_assert(coversSubjects());

enum State : quint8
{
    Ignored,
    Document,
    TopObject,    // the payload object
    TopValue,     // the value of a kept top-level key
    MemberObject, // that value, an object
    MemberValue   // the value of a kept key in it
};

template <size_t N>
int indexOf(const QLatin1StringView (&table)[N], QLatin1StringView key)
{
    for (size_t i = 0; i < N; ++i) {
        if (key == table[i])
            return int(i);
    }
    return -1;
}

// Most keys of a payload are not kept: the length rules out nearly every candidate before a compare.
template <size_t N>
int indexOf(const QLatin1StringView (&table)[N], const json::Token &key)
{
    if (key.escaped) {
        const QByteArray decoded = json::decodeString(key).toUtf8();
        return indexOf(table, QLatin1StringView(decoded));
    }
    const qsizetype size = key.to - key.from;
    for (size_t i = 0; i < N; ++i) {
        if (table[i].size() == size && std::memcmp(table[i].data(), key.from, size_t(size)) == 0)
            return int(i);
    }
    return -1;
}

} // namespace

ScannedFields::Context ScannedFields::root()
{
    return {Document, 0, 0};
}

ScannedFields::Context ScannedFields::object(Context context)
{
    if (context.state == Document) {
        m_isObject = true;
        return {TopObject, 0, 0};
    }
    if (context.state == TopValue)
        return {MemberObject, context.top, 0};
    return {};
}

ScannedFields::Context ScannedFields::member(Context context, const json::Token &key)
{
    if (context.state == TopObject) {
        const int top = indexOf(kTopKeys, key);
        if (top < 0)
            return {};
        forget(quint8(top)); // the last copy of a key wins
        return {TopValue, quint8(top), 0};
    }
    if (context.state == MemberObject) {
        const int member = indexOf(kMemberKeys, key);
        if (member < 0)
            return {};
        m_fields.removeIf([&](const Field &f) { return f.top == context.top && f.member == member; });
        return {MemberValue, context.top, quint8(member)};
    }
    return {};
}

void ScannedFields::scalar(Context context, const json::Token &token)
{
    if (context.state == TopValue)
        m_fields.append({context.top, kNone, token});
    else if (context.state == MemberValue)
        m_fields.append({context.top, context.member, token});
}

void ScannedFields::forget(quint8 top)
{
    m_fields.removeIf([top](const Field &f) { return f.top == top; });
}

const json::Token *ScannedFields::find(quint8 top, quint8 member) const
{
    for (const Field &field : m_fields) {
        if (field.top == top && field.member == member)
            return &field.token;
    }
    return nullptr;
}

const json::Token *ScannedFields::find(QLatin1StringView top, QLatin1StringView member) const
{
    const int topIndex = indexOf(kTopKeys, top);
    const int memberIndex = member.isNull() ? kNone : indexOf(kMemberKeys, member);
    Q_ASSERT_X(topIndex >= 0 && memberIndex >= 0, "ScannedFields", "a field the scan does not keep");
    if (topIndex < 0 || memberIndex < 0)
        return nullptr;
    return find(quint8(topIndex), quint8(memberIndex));
}

QString ScannedFields::text(QLatin1StringView key) const
{
    const json::Token *token = find(key, {});
    return token && token->kind == json::Token::Kind::String ? json::decodeString(*token) : QString();
}

QString ScannedFields::text(QLatin1StringView object, QLatin1StringView key) const
{
    const json::Token *token = find(object, key);
    return token && token->kind == json::Token::Kind::String ? json::decodeString(*token) : QString();
}

QString ScannedFields::id(QLatin1StringView object) const
{
    const json::Token *token = find(object, QLatin1StringView("id"));
    if (!token)
        return {};
    if (token->kind == json::Token::Kind::Number)
        return QString::number(json::integerOf(*token));
    return token->kind == json::Token::Kind::String ? json::decodeString(*token) : QString();
}

qint64 ScannedFields::integer(QLatin1StringView object, QLatin1StringView key) const
{
    const json::Token *token = find(object, key);
    return token ? json::integerOf(*token) : 0;
}

} // namespace exeserver::payload
