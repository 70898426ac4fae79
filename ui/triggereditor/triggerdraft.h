#pragma once

#include <QJsonValue>
#include <QList>
#include <QMetaType>
#include <QString>

namespace exeserver {

// A trigger to be, from an event in the log: what the editor opens prefilled with.
struct TriggerDraft
{
    struct Field
    {
        QString path; // condition syntax: pull_request.base.ref
        QJsonValue value;
    };
    QString repository;
    QString type;
    QString action;
    QList<Field> fields; // become `equals` conditions
    QString eventId;     // the event it came from (the editor's "test against a past event" default)
};

} // namespace exeserver

Q_DECLARE_METATYPE(exeserver::TriggerDraft)
