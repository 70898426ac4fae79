#include "generatedevents.h"

#include "store/eventstore.h"

#include <QSqlError>
#include <QSqlQuery>

namespace exeserver::test {

Status fillGeneratedEvents(EventStore &store, qint64 count)
{
    // Payloads are stored uncompressed (codec byte 0), which the store reads like any other.
    const QString sql = QStringLiteral(R"(
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
INSERT INTO events (id, type, action, repository, sender, source, occurred_at, received_at, payload,
                    search_text)
SELECT 'gen-' || i,
       CASE i % 4 WHEN 0 THEN 'pull_request' WHEN 1 THEN 'push' WHEN 2 THEN 'issues' ELSE 'workflow_run' END,
       CASE i % 4 WHEN 0 THEN 'opened' WHEN 1 THEN '' WHEN 2 THEN 'closed' ELSE 'completed' END,
       'acme/service-' || (i % 7), 'dev' || (i % 5), 'webhook', :base + i * 60000, :base + i * 60000 + 1000,
       X'00' || CAST(CASE i % 4
         WHEN 0 THEN printf('{"action":"opened","number":%d,"pull_request":{"number":%d,"title":"Change number %d fixes widget%d","base":{"ref":"main"},"draft":false},"repository":{"full_name":"acme/service-%d"},"sender":{"login":"dev%d"}}', i, i, i, i % 3, i % 7, i % 5)
         WHEN 1 THEN printf('{"ref":"refs/heads/main","head_commit":{"id":"%x","message":"Commit number %d fixes widget%d"},"repository":{"full_name":"acme/service-%d"},"sender":{"login":"dev%d"}}', i, i, i % 3, i % 7, i % 5)
         WHEN 2 THEN printf('{"action":"closed","issue":{"number":%d,"title":"Issue number %d about widget%d"},"repository":{"full_name":"acme/service-%d"},"sender":{"login":"dev%d"}}', i, i, i % 3, i % 7, i % 5)
         ELSE printf('{"action":"completed","workflow_run":{"name":"CI","display_title":"Run number %d for widget%d","conclusion":"%s"},"repository":{"full_name":"acme/service-%d"},"sender":{"login":"dev%d"}}', i, i % 3, CASE WHEN i % 8 = 3 THEN 'failure' ELSE 'success' END, i % 7, i % 5)
       END AS BLOB),
       'number ' || i || ' widget' || (i % 3)
FROM n)");
    QSqlDatabase db = store.database();
    QSqlQuery query(db);
    // Indexing the text row by row is most of the cost; one rebuild afterwards is several times faster.
    QString ftsTrigger;
    if (query.exec(QStringLiteral("SELECT sql FROM sqlite_master WHERE name = 'events_fts_insert'")) &&
        query.next())
        ftsTrigger = query.value(0).toString();
    query.finish();
    const auto fail = [&db](const QSqlQuery &failed) -> Status {
        db.rollback();
        return Error{QStringLiteral("io"), failed.lastError().text()};
    };
    // A test database: no crash safety needed, and a big page cache keeps the index inserts in memory.
    query.exec(QStringLiteral("PRAGMA synchronous = OFF"));
    query.exec(QStringLiteral("PRAGMA cache_size = -262144"));
    db.transaction();
    if (!ftsTrigger.isEmpty() && !query.exec(QStringLiteral("DROP TRIGGER events_fts_insert")))
        return fail(query);
    query.prepare(sql);
    query.bindValue(QStringLiteral(":count"), count);
    query.bindValue(QStringLiteral(":base"), kGeneratedBase.toMSecsSinceEpoch());
    if (!query.exec())
        return fail(query);
    if (!ftsTrigger.isEmpty() &&
        (!query.exec(QStringLiteral("INSERT INTO events_fts(events_fts) VALUES ('rebuild')")) ||
         !query.exec(ftsTrigger)))
        return fail(query);
    // Schema 7 indexes text after ingest, below a mark: index everything at once and move the mark.
    if (ftsTrigger.isEmpty() && store.hasFullTextSearch() &&
        (!query.exec(QStringLiteral("INSERT INTO events_fts(events_fts) VALUES ('rebuild')")) ||
         !query.exec(
             QStringLiteral("UPDATE store_state SET value = (SELECT coalesce(max(seq), 0) FROM events) "
                            "WHERE key = 'fts_indexed_through'"))))
        return fail(query);
    db.commit();
    query.exec(QStringLiteral("PRAGMA cache_size = -2000"));
    query.exec(QStringLiteral("PRAGMA synchronous = NORMAL"));
    return success();
}

} // namespace exeserver::test
