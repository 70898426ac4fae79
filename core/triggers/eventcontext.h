#pragma once

#include <QJsonObject>
#include <QString>

namespace exeserver {

// What the trigger engine needs to know about one event, extracted once: the payload is parsed once per
// event and shared (QJsonObject is implicitly shared) by every trigger evaluated against it.
struct EventContext
{
    QString id;         // stable event id (delivery id, Events API id or content hash)
    QString type;       // webhook event name: pull_request, issue_comment, workflow_run, ...
    QString action;     // payload "action", empty for events without one (push)
    QString repository; // owner/name
    QString sender;     // sender login
    QString senderType; // "User", "Bot", "Organization"
    QString ref;        // as GITHUB_REF would be for this event, when known
    QString sha;        // as GITHUB_SHA would be, when known
    QString headRef;    // pull requests only (GITHUB_HEAD_REF)
    QString baseRef;    // pull requests only (GITHUB_BASE_REF)
    QJsonObject payload;

    static EventContext fromPayload(const QString &type, const QJsonObject &payload, const QString &id = {});
    // The pull request or issue number the event is about, or 0.
    qint64 number() const;
};

} // namespace exeserver
