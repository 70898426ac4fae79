#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace exeserver {

// Where an event came from. The same GitHub event can arrive from more than one source; see "Event ids
// and duplicates" in docs/ARCHITECTURE.md for what can and cannot be matched across them.
enum class EventSource
{
    Webhook,   // POSTed to WebhookReceiver by GitHub
    Relay,     // forwarded by a smee.io-style relay channel
    EventsApi, // an item of /repos/{o}/{r}/events (the poller)
    Manual     // ingested by hand (CLI, tests); identified by a content hash
};
QString toString(EventSource source);

// One GitHub event in the app's canonical shape: webhook names and payload shapes, whatever the source.
// It is what core/events produces; the store's Event type is filled from it at the sink (EventSink), so
// this layer does not depend on how events are persisted.
struct NormalizedEvent
{
    QString id;           // X-GitHub-Delivery, "events-api:<id>" or "sha256:<hex of name+payload>"
    QString name;         // webhook event name: push, pull_request, issue_comment, ping, ...
    QString action;       // payload.action where present ("opened"), else empty
    QString repository;   // payload.repository.full_name where present ("octo/hello")
    QString sender;       // payload.sender.login where present
    QDateTime occurredAt; // from the payload where it says when (UTC); invalid when it does not
    QDateTime receivedAt; // when ExeServer received it (UTC)
    QByteArray payload;   // JSON text: a webhook's raw body as signed, or the reshaped Events API item
    // Matches the same GitHub event seen from different sources (webhook vs poller), whose ids differ.
    // Empty when no sound key exists for the event type (see Occurrence::key).
    QString dedupeKey;
    EventSource source = EventSource::Webhook;
};

} // namespace exeserver

Q_DECLARE_METATYPE(exeserver::NormalizedEvent)
