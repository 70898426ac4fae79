#include "openapivalidator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <cmath>

namespace exeserver::test {

namespace {

QStringList segmentsOf(const QString &path)
{
    return path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
}

bool isPlaceholder(const QString &segment)
{
    return segment.startsWith(QLatin1Char('{')) && segment.endsWith(QLatin1Char('}'));
}

QString typeOf(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("boolean");
    case QJsonValue::Double:
        return value.toDouble() == std::floor(value.toDouble()) ? QStringLiteral("integer")
                                                                : QStringLiteral("number");
    case QJsonValue::String:
        return QStringLiteral("string");
    case QJsonValue::Array:
        return QStringLiteral("array");
    case QJsonValue::Object:
        return QStringLiteral("object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("undefined");
}

bool typeAllows(const QString &wanted, const QString &actual)
{
    return wanted == actual || (wanted == QLatin1String("number") && actual == QLatin1String("integer"));
}

} // namespace

OpenApiValidator::OpenApiValidator(QJsonObject document)
    : m_document(std::move(document))
{
}

QStringList OpenApiValidator::operations() const
{
    QStringList all;
    const QJsonObject paths = m_document.value(QStringLiteral("paths")).toObject();
    for (auto path = paths.constBegin(); path != paths.constEnd(); ++path) {
        const QJsonObject item = path.value().toObject();
        for (auto method = item.constBegin(); method != item.constEnd(); ++method)
            all.append(method.key().toUpper() + QLatin1Char(' ') + path.key());
    }
    return all;
}

// Literal templates win over templated ones, as in the server's router.
QString OpenApiValidator::findTemplate(const QString &path) const
{
    const QStringList segments = segmentsOf(path);
    const QJsonObject paths = m_document.value(QStringLiteral("paths")).toObject();
    QString templated;
    for (auto it = paths.constBegin(); it != paths.constEnd(); ++it) {
        const QStringList pattern = segmentsOf(it.key());
        if (pattern.size() != segments.size())
            continue;
        bool matches = true;
        bool literal = true;
        for (qsizetype i = 0; i < pattern.size() && matches; ++i) {
            if (isPlaceholder(pattern.at(i)))
                literal = false;
            else
                matches = pattern.at(i) == segments.at(i);
        }
        if (matches && literal)
            return it.key();
        if (matches && templated.isEmpty())
            templated = it.key();
    }
    return templated;
}

QJsonObject OpenApiValidator::resolve(const QJsonObject &schema) const
{
    QJsonObject current = schema;
    while (current.contains(QStringLiteral("$ref"))) {
        const QStringList parts =
            current.value(QStringLiteral("$ref")).toString().mid(2).split(QLatin1Char('/'));
        QJsonValue node = m_document;
        for (const QString &part : parts)
            node = node.toObject().value(part);
        current = node.toObject();
    }
    return current;
}

QStringList OpenApiValidator::check(const QByteArray &method, const QString &path, int status,
                                    const QByteArray &contentType, const QByteArray &body) const
{
    const QString where =
        QString::fromLatin1(method) + QLatin1Char(' ') + path + QLatin1Char(' ') + QString::number(status);
    const QString pathTemplate = findTemplate(path);
    if (pathTemplate.isEmpty()) {
        // An unknown path must still answer with the described error shape.
        if (status != 404)
            return {where + QStringLiteral(": path not in the description")};
        return check("GET", QStringLiteral("/api/v1/events/x"), 404, contentType, body);
    }
    const QJsonObject item =
        m_document.value(QStringLiteral("paths")).toObject().value(pathTemplate).toObject();
    QJsonObject operation = item.value(QString::fromLatin1(method).toLower()).toObject();
    if (operation.isEmpty()) {
        if (status != 405)
            return {where + QStringLiteral(": method not described for ") + pathTemplate};
        operation = item.constBegin()->toObject(); // 405 is described with the path's operations
    }
    const QJsonObject responses = operation.value(QStringLiteral("responses")).toObject();
    QJsonObject response = responses.value(QString::number(status)).toObject();
    if (response.isEmpty())
        response = responses.value(QStringLiteral("default")).toObject();
    if (response.isEmpty())
        return {where + QStringLiteral(": status not described")};
    response = resolve(response);
    const QString type = QString::fromLatin1(contentType.split(';').first().trimmed());
    const QJsonObject content = response.value(QStringLiteral("content")).toObject();
    if (!content.contains(type))
        return {where + QStringLiteral(": content type '%1' not described").arg(type)};
    QStringList errors;
    if (type == QLatin1String("application/json")) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
        if (parseError.error != QJsonParseError::NoError)
            return {where + QStringLiteral(": body is not JSON")};
        const QJsonValue value =
            document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
        validate(value, content.value(type).toObject().value(QStringLiteral("schema")).toObject(), QString(),
                 &errors);
    }
    for (QString &error : errors)
        error.prepend(where + QStringLiteral(": "));
    if (errors.isEmpty() && !m_covered.contains(QString::fromLatin1(method) + QLatin1Char(' ') +
                                                pathTemplate + QLatin1Char(' ') + QString::number(status)))
        m_covered.append(QString::fromLatin1(method) + QLatin1Char(' ') + pathTemplate + QLatin1Char(' ') +
                         QString::number(status));
    return errors;
}

void OpenApiValidator::validate(const QJsonValue &value, const QJsonObject &schemaIn, const QString &pointer,
                                QStringList *errors) const
{
    static const QSet<QString> understood{
        QStringLiteral("type"),        QStringLiteral("enum"),         QStringLiteral("const"),
        QStringLiteral("properties"),  QStringLiteral("required"),     QStringLiteral("additionalProperties"),
        QStringLiteral("items"),       QStringLiteral("minimum"),      QStringLiteral("maximum"),
        QStringLiteral("description"), QStringLiteral("maxProperties")};
    const QJsonObject schema = resolve(schemaIn);
    const QString at = pointer.isEmpty() ? QStringLiteral("/") : pointer;
    for (auto it = schema.constBegin(); it != schema.constEnd(); ++it) {
        if (!understood.contains(it.key()))
            errors->append(at + QStringLiteral(": the validator does not know the keyword ") + it.key());
    }
    const QString actual = typeOf(value);
    if (schema.contains(QStringLiteral("type"))) {
        const QJsonValue wanted = schema.value(QStringLiteral("type"));
        const QJsonArray types = wanted.isArray() ? wanted.toArray() : QJsonArray{wanted};
        const bool ok = std::any_of(types.cbegin(), types.cend(), [&actual](const QJsonValue &t) {
            return typeAllows(t.toString(), actual);
        });
        if (!ok) {
            errors->append(at + QStringLiteral(": is %1, not %2")
                                    .arg(actual, QString::fromUtf8(
                                                     QJsonDocument(types).toJson(QJsonDocument::Compact))));
            return;
        }
    }
    if (schema.contains(QStringLiteral("enum")) &&
        !schema.value(QStringLiteral("enum")).toArray().contains(value))
        errors->append(at + QStringLiteral(": value not in enum"));
    if (schema.contains(QStringLiteral("const")) && schema.value(QStringLiteral("const")) != value)
        errors->append(at + QStringLiteral(": value is not the const"));
    if (value.isDouble()) {
        if (schema.contains(QStringLiteral("minimum")) &&
            value.toDouble() < schema.value(QStringLiteral("minimum")).toDouble())
            errors->append(at + QStringLiteral(": below minimum"));
        if (schema.contains(QStringLiteral("maximum")) &&
            value.toDouble() > schema.value(QStringLiteral("maximum")).toDouble())
            errors->append(at + QStringLiteral(": above maximum"));
    }
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        const QJsonObject items = schema.value(QStringLiteral("items")).toObject();
        for (qsizetype i = 0; i < array.size(); ++i)
            validate(array.at(i), items, pointer + QLatin1Char('/') + QString::number(i), errors);
    }
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        const QJsonObject properties = schema.value(QStringLiteral("properties")).toObject();
        for (const QJsonValue &name : schema.value(QStringLiteral("required")).toArray()) {
            if (!object.contains(name.toString()))
                errors->append(at + QStringLiteral(": missing required property ") + name.toString());
        }
        if (schema.contains(QStringLiteral("maxProperties")) &&
            object.size() > schema.value(QStringLiteral("maxProperties")).toInt())
            errors->append(at + QStringLiteral(": too many properties"));
        const QJsonValue additional = schema.value(QStringLiteral("additionalProperties"));
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            const QString child = pointer + QLatin1Char('/') + it.key();
            if (properties.contains(it.key()))
                validate(it.value(), properties.value(it.key()).toObject(), child, errors);
            else if (additional.isBool() && !additional.toBool())
                errors->append(child + QStringLiteral(": property not allowed"));
            else if (additional.isObject())
                validate(it.value(), additional.toObject(), child, errors);
        }
    }
}

} // namespace exeserver::test
