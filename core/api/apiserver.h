#pragma once

#include "api/apirouter.h"
#include "api/eventstreamhub.h"
#include "util/result.h"

#include <QHostAddress>
#include <QObject>

#include <functional>

namespace exeserver {

class EventStore;
class GitHubClient;
class LocalHttpServer;
class TriggerEngine;
struct Event;
struct SyncStatus;

// What the API reads and acts on. The store is required; the rest may be missing (then the endpoints
// that need them answer 503 saying why).
struct ApiSources
{
    EventStore *store = nullptr;
    TriggerEngine *engine = nullptr; // retries; its action updates go to the stream
    // The team database's sync, when one is configured: a description of the target and its status.
    std::function<bool(QString *target, SyncStatus *status)> syncStatus;
    // The dashboard's GitHub client (its ETag cache, so a repeated read costs no rate limit; null until
    // there is a token) and its selected repositories: the only ones the API reads runs of or acts on.
    std::function<GitHubClient *()> github;
    std::function<QStringList()> repositories;
    QString presetDir; // where the comment presets are (the data dir)
};

// The local HTTP API under /api/v1/ (issue 23): the dashboard's reads and writes for a user's own scripts.
// Its own LocalHttpServer and port, so the webhook receiver can face the internet while the API stays on
// loopback. Every request needs the bearer token (when there is one); without one it listens on loopback
// only. Bodies are JSON, at most kMaxBodyBytes; unknown fields are refused so a typo is not silently
// ignored.
class ApiServer : public QObject
{
    Q_OBJECT
public:
    static constexpr qsizetype kMaxBodyBytes = 1024 * 1024;
    static constexpr int kMaxPageSize = 200;
    static constexpr int kDefaultPageSize = 50;

    explicit ApiServer(ApiSources sources, QObject *parent = nullptr);
    ~ApiServer() override;

    // Empty: no token (loopback only). Takes effect for the next request.
    void setToken(const QString &token) { m_token = token; }
    bool hasToken() const { return !m_token.isEmpty(); }

    // Refuses a non-loopback address without a token; on loopback without one it warns.
    Status listen(const QHostAddress &address, quint16 port);
    void close();
    bool isListening() const;
    quint16 port() const;
    QString baseUrl() const; // "http://127.0.0.1:8711"

    // A new event for the stream (call it when the intake accepts one).
    void publishEvent(const Event &event);

    // Answers one request; public so tests can call it without sockets.
    void handle(const HttpRequest &request, const ApiRespond &respond);

    EventStreamHub &stream() { return m_stream; }
    const ApiSources &sources() const { return m_sources; }

Q_SIGNALS:
    void warningRaised(const QString &message);

private:
    void publishAction(const QString &actionId);

    ApiSources m_sources;
    QString m_token;
    ApiRouter m_router;
    EventStreamHub m_stream;
    LocalHttpServer *m_server;
};

} // namespace exeserver
