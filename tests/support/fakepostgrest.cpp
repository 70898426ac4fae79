#include "fakepostgrest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

namespace exeserver::test {

namespace {

HttpResponse error(int status, const char *code, const QString &message, const QString &details = {})
{
    const QJsonObject body{
        {QStringLiteral("code"), QString::fromLatin1(code)},
        {QStringLiteral("message"), message},
        {QStringLiteral("details"), details.isEmpty() ? QJsonValue() : QJsonValue(details)},
        {QStringLiteral("hint"), QJsonValue()}};
    return HttpResponse::json(status, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

} // namespace

FakePostgrest::FakePostgrest(QString apiKey)
    : m_apiKey(std::move(apiKey))
{
    m_tables.insert(QStringLiteral("exeserver_events"), {});
    m_tables.insert(QStringLiteral("exeserver_actions"), {});
    m_tables.insert(QStringLiteral("exeserver_trigger_claims"), {});
    m_primaryKeys.insert(QStringLiteral("exeserver_trigger_claims"),
                         {QStringLiteral("occurrence"), QStringLiteral("trigger_id")});
    m_server = std::make_unique<LocalHttpServer>(
        [this](const HttpRequest &request, LocalHttpServer::Responder respond) { handle(request, respond); });
    m_server->listen();
}

QString FakePostgrest::url() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_server->port());
}

void FakePostgrest::handle(const HttpRequest &request, LocalHttpServer::Responder respond)
{
    ++m_requests;
    received.append(request);
    if (request.headers.value("apikey") != m_apiKey.toUtf8() ||
        request.headers.value("authorization") != "Bearer " + m_apiKey.toUtf8()) {
        respond(HttpResponse::json(
            401,
            R"({"message":"Invalid API key","hint":"Double check your Supabase `anon` or `service_role` API key."})"));
        return;
    }
    if (hangNext > 0) {
        --hangNext;
        return;
    }
    if (failNext > 0) {
        --failNext;
        respond(HttpResponse::json(503, R"({"message":"upstream connect error"})"));
        return;
    }
    const QString prefix = QStringLiteral("/rest/v1/");
    if (request.method != "POST" || !request.path.startsWith(prefix)) {
        respond(error(405, "PGRST105", QStringLiteral("Method not allowed")));
        return;
    }
    const QString name = request.path.mid(prefix.size());
    if (!m_tables.contains(name)) {
        respond(error(404, "42P01", QStringLiteral("relation \"public.%1\" does not exist").arg(name)));
        return;
    }
    if (!request.headers.value("content-type").startsWith("application/json")) {
        respond(error(415, "PGRST107", QStringLiteral("None of these media types are available")));
        return;
    }
    const QJsonDocument document = QJsonDocument::fromJson(request.body);
    if (!document.isArray() && !document.isObject()) {
        respond(error(400, "PGRST102", QStringLiteral("Empty or invalid json")));
        return;
    }
    const QJsonArray rows = document.isArray() ? document.array() : QJsonArray{document.object()};
    const QByteArray prefer = request.headers.value("prefer");
    const bool merge = prefer.contains("resolution=merge-duplicates");
    // Without on_conflict, PostgREST upserts on the primary key.
    const QStringList primaryKey = m_primaryKeys.value(name, {QStringLiteral("id")});
    const QString onConflict = request.query.queryItemValue(QStringLiteral("on_conflict"));
    const bool onConflictId = onConflict.isEmpty() || onConflict == primaryKey.join(QLatin1Char(','));
    // Bulk inserts require every object to have the same keys.
    const QStringList keys = rows.isEmpty() ? QStringList() : rows.first().toObject().keys();
    QHash<QString, QJsonObject> &table = m_tables[name];
    QHash<QString, QJsonObject> staged = table; // one transaction: all rows or none
    for (const QJsonValue &value : rows) {
        const QJsonObject row = value.toObject();
        if (row.keys() != keys) {
            respond(error(400, "PGRST102", QStringLiteral("All object keys must match")));
            return;
        }
        QStringList keyValues;
        for (const QString &column : primaryKey)
            keyValues << row.value(column).toString();
        const QString id = keyValues.join(QStringLiteral(", "));
        if (!poisonId.isEmpty() && id == poisonId) {
            respond(error(400, "22P02",
                          QStringLiteral("invalid input syntax for type timestamp with time zone")));
            return;
        }
        if (staged.contains(id) && !(merge && onConflictId)) {
            respond(
                error(409, "23505",
                      QStringLiteral("duplicate key value violates unique constraint \"%1_pkey\"").arg(name),
                      QStringLiteral("Key (%1)=(%2) already exists.")
                          .arg(primaryKey.join(QStringLiteral(", ")), id)));
            return;
        }
        staged.insert(id, row);
    }
    table = staged;
    if (dropAnswers > 0) {
        --dropAnswers;
        QTimer::singleShot(0, m_server.get(), [this, respond]() {
            m_server->abortAllConnections();
            respond(HttpResponse{}); // too late: the client already saw the connection drop
        });
        return;
    }
    HttpResponse created;
    created.status = 201;
    if (!prefer.contains("return=minimal"))
        created = HttpResponse::json(201, QJsonDocument(rows).toJson(QJsonDocument::Compact));
    respond(created);
}

} // namespace exeserver::test
