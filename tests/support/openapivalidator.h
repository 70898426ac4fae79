#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>

namespace exeserver::test {

// Checks an HTTP answer against an OpenAPI 3.1 description: the path and method are described, the status
// is one the operation lists, the content type is one it lists, and a JSON body matches its schema. The
// JSON Schema subset our description uses: $ref (local), type (one or a list, "integer" included), enum,
// const, properties, required, additionalProperties (bool or schema), items, minimum, maximum,
// maxProperties. Anything else in a schema is an error, so the description cannot quietly outgrow it.
class OpenApiValidator
{
public:
    explicit OpenApiValidator(QJsonObject document);

    // Empty when the answer is valid; else what is wrong, with a JSON pointer into the body.
    QStringList check(const QByteArray &method, const QString &path, int status,
                      const QByteArray &contentType, const QByteArray &body) const;
    // Every "METHOD path-template status" check() has seen valid, for a coverage assertion.
    const QStringList &covered() const { return m_covered; }
    // Every "METHOD path-template" the description holds.
    QStringList operations() const;

private:
    QString findTemplate(const QString &path) const;
    QJsonObject resolve(const QJsonObject &schema) const;
    void validate(const QJsonValue &value, const QJsonObject &schema, const QString &pointer,
                  QStringList *errors) const;

    QJsonObject m_document;
    mutable QStringList m_covered;
};

} // namespace exeserver::test
