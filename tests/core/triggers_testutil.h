#pragma once

#include "catch.h"

#include "triggers/condition.h"
#include "triggers/eventcontext.h"
#include "triggers/trigger.h"
#include "triggers/triggerfile.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace exeserver::test {

// A real webhook payload from tests/data/webhooks (taken from @octokit/webhooks-examples, MIT).
inline QJsonObject webhookPayload(const char *file)
{
    QFile f(QStringLiteral(EXESERVER_SOURCE_DIR "/tests/data/webhooks/") + QString::fromLatin1(file));
    REQUIRE(f.open(QIODevice::ReadOnly));
    return QJsonDocument::fromJson(f.readAll()).object();
}

inline EventContext webhookEvent(const char *type, const char *file)
{
    return EventContext::fromPayload(QString::fromLatin1(type), webhookPayload(file),
                                     QStringLiteral("evt-1"));
}

inline Condition leaf(const char *field, Condition::Op op, const QJsonValue &value)
{
    auto c = Condition::leaf(QString::fromUtf8(field), op, value);
    INFO((c ? QString() : c.error().message).toStdString());
    REQUIRE(c.ok());
    return std::move(c).value();
}

inline QList<Trigger> parseTriggers(const char *yaml)
{
    auto parsed = TriggerFile::parse(QByteArray(yaml));
    INFO((parsed ? QString() : parsed.error().message).toStdString());
    REQUIRE(parsed.ok());
    return std::move(parsed).value();
}

inline QString parseError(const char *text)
{
    auto parsed = TriggerFile::parse(QByteArray(text));
    REQUIRE_FALSE(parsed.ok());
    return parsed.error().message;
}

} // namespace exeserver::test
