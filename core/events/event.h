#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace exeserver {

// One GitHub event as every part of ExeServer sees it, whichever way it arrived. The store keeps it, the
// trigger engine matches on it, the views show it.
struct Event
{
    QString id;     // stable: the X-GitHub-Delivery header, the Events API id, or "sha256:<hex>" of the body
    QString type;   // canonical webhook name: push, pull_request, workflow_run, issue_comment, ...
    QString action; // the payload's "action" (opened, completed, ...); empty when the event has none
    QString repository; // "owner/name"; empty for events outside a repository
    QString sender;     // login of the account that caused it
    QString source;     // one of the EventSource names below
    QDateTime occurredAt;
    QDateTime receivedAt;
    QByteArray payload; // the JSON body as GitHub sent it
    // Equal for the webhook delivery and the Events API item of one GitHub event (see
    // Occurrence::key); empty when there is none. The store keeps it in event_keys so an event
    // seen from both sources is stored once, across restarts too. Local only: never synced.
    QString dedupeKey;
};

// Where an event came from; stored as text so new sources need no migration.
namespace eventsource {
extern const QString Webhook;
extern const QString Relay;
extern const QString Poll;
extern const QString Manual;
} // namespace eventsource

} // namespace exeserver
