#pragma once

#include "util/jsonscanner.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1StringView>
#include <QString>
#include <QVarLengthArray>

namespace exeserver::payload {

// Small readers of webhook payload fields, shared by the normaliser and the occurrence key.
inline QString stringAt(const QJsonObject &object, QLatin1StringView key)
{
    return object.value(key).toString();
}

// GitHub ids are integers (sometimes beyond 2^53 in newer objects), node ids are strings.
inline QString idText(const QJsonValue &value)
{
    if (value.isDouble())
        return QString::number(value.toInteger());
    return value.toString();
}

// The objects a webhook can be about, in order of specificity: a comment on a pull request names both,
// and the comment is what happened. The normaliser takes the occurrence time from the first that says.
inline constexpr const char *kSubjectKeys[] = {
    "comment",      "review",           "pull_request", "issue",          "release",           "discussion",
    "workflow_run", "workflow_job",     "check_run",    "check_suite",    "deployment_status", "deployment",
    "alert",        "milestone",        "project_card", "project_column", "project",           "package",
    "merge_group",  "projects_v2_item", "forkee",       "sponsorship",
};
inline constexpr const char *kSubjectTimeKeys[] = {"updated_at", "completed_at", "started_at", "submitted_at",
                                                   "created_at"};

// The payload fields the normaliser and Occurrence::key read — top-level values and members of
// top-level objects — with QJsonValue's conversions (a field that is absent or of another type reads as
// empty or 0). One definition of what is read, over a parsed payload or over a scan of its bytes.
class FieldReader
{
public:
    virtual ~FieldReader() = default;
    virtual QString text(QLatin1StringView key) const = 0;                           // payload.key
    virtual QString text(QLatin1StringView object, QLatin1StringView key) const = 0; // payload.object.key
    virtual QString id(QLatin1StringView object) const = 0;                          // idText(object.id)
    virtual qint64 integer(QLatin1StringView object, QLatin1StringView key) const = 0;
};

// Over a parsed payload (Events API items, polled runs, stored events).
class JsonFields final : public FieldReader
{
public:
    explicit JsonFields(const QJsonObject &payload)
        : m_payload(payload)
    {
    }
    QString text(QLatin1StringView key) const override { return stringAt(m_payload, key); }
    QString text(QLatin1StringView object, QLatin1StringView key) const override
    {
        return stringAt(m_payload.value(object).toObject(), key);
    }
    QString id(QLatin1StringView object) const override
    {
        return idText(m_payload.value(object).toObject().value(QLatin1StringView("id")));
    }
    qint64 integer(QLatin1StringView object, QLatin1StringView key) const override
    {
        return m_payload.value(object).toObject().value(key).toInteger();
    }

private:
    const QJsonObject &m_payload;
};

// Over the raw bytes of a webhook body, filled by one json::Scanner pass (it is the visitor): keeps where
// the fields it may be asked for stand in the text and decodes only those asked. The bytes must outlive
// it. Later duplicates of a key win, as in QJsonDocument.
class ScannedFields final : public FieldReader
{
public:
    struct Context
    {
        quint8 state = 0;
        quint8 top = 0;
        quint8 member = 0;
    };

    Context root();
    Context object(Context context);
    Context member(Context context, const json::Token &key);
    Context array(Context) { return {}; }
    Context element(Context) { return {}; }
    void scalar(Context context, const json::Token &token);
    // The document is an object (not an array or a scalar).
    bool isObject() const { return m_isObject; }

    QString text(QLatin1StringView key) const override;
    QString text(QLatin1StringView object, QLatin1StringView key) const override;
    QString id(QLatin1StringView object) const override;
    qint64 integer(QLatin1StringView object, QLatin1StringView key) const override;

private:
    struct Field
    {
        quint8 top;
        quint8 member; // kNone: the top-level value itself
        json::Token token;
    };
    static constexpr quint8 kNone = 0xff;

    const json::Token *find(quint8 top, quint8 member) const;
    const json::Token *find(QLatin1StringView top, QLatin1StringView member) const;
    void forget(quint8 top);

    QVarLengthArray<Field, 32> m_fields;
    bool m_isObject = false;
};

} // namespace exeserver::payload
