#include "triggers/triggerfile.h"

#include "triggers/triggerreader.h"
#include "triggers/triggerwriter.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace exeserver {

Result<QList<Trigger>> TriggerFile::parse(const QByteArray &text, Format format)
{
    return TriggerReader::parse(text, format);
}

Result<QList<Trigger>> TriggerFile::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("io"),
                     QStringLiteral("cannot read %1: %2").arg(path, file.errorString())};
    if (file.size() > kMaxBytes)
        return Error{QStringLiteral("parse"), QStringLiteral("%1 is too large for a trigger file").arg(path)};
    const QString suffix = QFileInfo(path).suffix().toLower();
    auto parsed = parse(file.readAll(), suffix == u"json"                         ? Format::Json
                                        : (suffix == u"yaml" || suffix == u"yml") ? Format::Yaml
                                                                                  : Format::Auto);
    if (!parsed) {
        Error e = parsed.error();
        e.message = path + QStringLiteral(": ") + e.message;
        return e;
    }
    return parsed;
}

Status TriggerFile::save(const QString &path, const QList<Trigger> &triggers)
{
    const bool json = QFileInfo(path).suffix().compare(u"json", Qt::CaseInsensitive) == 0;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error{QStringLiteral("io"),
                     QStringLiteral("cannot write %1: %2").arg(path, file.errorString())};
    file.write(json ? toJson(triggers) : toYaml(triggers));
    if (!file.commit())
        return Error{QStringLiteral("io"),
                     QStringLiteral("cannot write %1: %2").arg(path, file.errorString())};
    return success();
}

QByteArray TriggerFile::toYaml(const QList<Trigger> &triggers)
{
    return TriggerWriter::toYaml(triggers);
}

QByteArray TriggerFile::toJson(const QList<Trigger> &triggers)
{
    QJsonArray list;
    for (const Trigger &t : triggers)
        list.append(toJsonObject(t));
    return QJsonDocument(QJsonObject{{QStringLiteral("triggers"), list}}).toJson(QJsonDocument::Indented);
}

QJsonObject TriggerFile::toJsonObject(const Trigger &trigger)
{
    return TriggerWriter::toJsonObject(trigger);
}

Result<Trigger> TriggerFile::fromJsonObject(const QJsonObject &object)
{
    return TriggerReader::fromJsonObject(object);
}

} // namespace exeserver
