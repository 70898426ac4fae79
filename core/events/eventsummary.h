#pragma once

#include <QJsonObject>
#include <QString>

namespace exeserver {

// One line saying what an event is about, for lists: a pull request's or issue's title, a push's head
// commit message, a workflow run's name and title. Reads a few known fields; never walks the payload.
QString eventSummary(const QString &type, const QJsonObject &payload);

} // namespace exeserver
