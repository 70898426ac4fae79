#pragma once

#include "net/localhttpserver.h"

#include <QHash>
#include <QJsonObject>
#include <QList>

#include <memory>

namespace exeserver::test {

// A local stand-in for Supabase's PostgREST, following its documentation for bulk inserts:
// POST /rest/v1/<table>[?on_conflict=col] with a JSON array; 201 Created (no body with return=minimal);
// the whole request is one transaction; a duplicate key without `Prefer: resolution=merge-duplicates` is
// 409 with code 23505; a wrong apikey is 401; an unknown table is 404 (42P01); a bad value is 400 (22P02).
// Rows are keyed on `id`, except exeserver_trigger_claims: primary key (occurrence, trigger_id), as in
// packaging/supabase/schema.sql.
class FakePostgrest
{
public:
    explicit FakePostgrest(QString apiKey);

    QString url() const;
    QHash<QString, QJsonObject> &table(const QString &name) { return m_tables[name]; }
    void dropTable(const QString &name) { m_tables.remove(name); }
    int requests() const { return m_requests; }
    QList<HttpRequest> received;

    int failNext = 0;    // answer this many requests with 503
    int dropAnswers = 0; // store the next batches, then close the connection without answering
    int hangNext = 0;    // never answer this many requests (the client's timeout ends them)
    QString poisonId;    // a row with this id is refused with 400

    LocalHttpServer &server() { return *m_server; }

private:
    void handle(const HttpRequest &request, LocalHttpServer::Responder respond);

    QString m_apiKey;
    QHash<QString, QHash<QString, QJsonObject>> m_tables;
    QHash<QString, QStringList> m_primaryKeys; // by table; absent: id
    int m_requests = 0;
    std::unique_ptr<LocalHttpServer> m_server;
};

} // namespace exeserver::test
