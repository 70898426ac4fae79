#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1StringView>
#include <QString>

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

} // namespace exeserver::payload
