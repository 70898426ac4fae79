// `exeserver-cli events|actions|sync|db …`: the event store and its sync from the command line.
#include "api/apijson.h"
#include "blocking.h"
#include "commandtable.h"
#include "enginesession.h"
#include "events/eventnormalizer.h"
#include "events/storeeventsink.h"
#include "store/eventstore.h"
#include "store/outbox.h"
#include "sync/syncengine.h"
#include "sync/syncservice.h"
#include "sync/synctarget.h"
#include "triggers/triggerengine.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QThread>

#include <memory>

namespace exeserver::cli {

namespace {

const QCommandLineOption kJson(QStringLiteral("json"), QStringLiteral("Print JSON instead of a table."));
const QCommandLineOption kType(QStringLiteral("type"),
                               QStringLiteral("Only events of this type (push, ...)."), QStringLiteral("T"));
const QCommandLineOption kRepo(QStringLiteral("repo"), QStringLiteral("Only events of this repository."),
                               QStringLiteral("OWNER/REPO"));
const QCommandLineOption kSince(QStringLiteral("since"), QStringLiteral("Only events at or after this time."),
                                QStringLiteral("ISO"));
const QCommandLineOption kLimit(QStringLiteral("limit"), QStringLiteral("At most N rows (default 50)."),
                                QStringLiteral("N"), QStringLiteral("50"));
const QCommandLineOption kText(QStringLiteral("search"),
                               QStringLiteral("Only events whose text has these words."),
                               QStringLiteral("WORDS"));
const QCommandLineOption kEvent(QStringLiteral("event"),
                                QStringLiteral("The webhook event name (X-GitHub-Event)."),
                                QStringLiteral("TYPE"));
const QCommandLineOption
    kDelivery(QStringLiteral("delivery"),
              QStringLiteral("The delivery id (X-GitHub-Delivery); default: a content hash."),
              QStringLiteral("ID"));
const QCommandLineOption kStatus(QStringLiteral("status"),
                                 QStringLiteral("Only actions with this status (queued, running, success, "
                                                "failure, interrupted, skipped)."),
                                 QStringLiteral("S"));
const QCommandLineOption kOnce(QStringLiteral("once"),
                               QStringLiteral("Send what is pending, then exit (default: keep syncing)."));
const QCommandLineOption kOlderThan(QStringLiteral("older-than"),
                                    QStringLiteral("Delete events and finished actions older than this "
                                                   "(e.g. 90d, 12h)."),
                                    QStringLiteral("AGE"));
const QCommandLineOption kKeep(QStringLiteral("keep"), QStringLiteral("Keep only the newest N events."),
                               QStringLiteral("N"));

QString isoOrDash(const QDateTime &when)
{
    return when.isValid() ? when.toUTC().toString(Qt::ISODate) : QStringLiteral("-");
}

QJsonObject eventJson(const Event &event)
{
    return apijson::fromEvent(event, false);
}

QJsonObject actionJson(const ActionRecord &record)
{
    return apijson::fromAction(record);
}

// --remote: the same query through the running instance's API (GET /api/v1/events).
Result<QList<Event>> remoteEvents(CliContext &context, const EventQuery &query)
{
    QUrlQuery params;
    if (!query.type.isEmpty())
        params.addQueryItem(QStringLiteral("type"), query.type);
    if (!query.repository.isEmpty())
        params.addQueryItem(QStringLiteral("repository"), query.repository);
    if (!query.text.isEmpty())
        params.addQueryItem(QStringLiteral("q"), query.text);
    if (query.since.isValid())
        params.addQueryItem(QStringLiteral("since"), query.since.toUTC().toString(Qt::ISODate));
    QList<Event> events;
    // The API pages at 200 at most; follow the cursor until the limit is reached.
    while (events.size() < query.limit) {
        params.removeQueryItem(QStringLiteral("limit"));
        params.addQueryItem(QStringLiteral("limit"),
                            QString::number(std::min<qsizetype>(200, query.limit - events.size())));
        const Result<QJsonObject> page = context.remoteGet(QStringLiteral("/api/v1/events"), params);
        if (!page)
            return page.error();
        for (const QJsonValue &row : page->value(QStringLiteral("events")).toArray())
            events.append(apijson::toEvent(row.toObject()));
        const QJsonValue next = page->value(QStringLiteral("next_cursor"));
        if (!next.isString())
            break;
        params.removeQueryItem(QStringLiteral("cursor"));
        params.addQueryItem(QStringLiteral("cursor"), next.toString());
    }
    return events;
}

int listEvents(CliContext &context, const QCommandLineParser &parser)
{
    EventQuery query;
    query.type = parser.value(kType);
    query.repository = parser.value(kRepo);
    query.text = parser.value(kText);
    bool ok = false;
    query.limit = parser.value(kLimit).toInt(&ok);
    if (!ok || query.limit < 1)
        return context.usageError(QStringLiteral("--limit takes a positive number"));
    if (parser.isSet(kSince)) {
        query.since = QDateTime::fromString(parser.value(kSince), Qt::ISODate);
        if (!query.since.isValid())
            return context.usageError(
                QStringLiteral("--since takes an ISO 8601 time, e.g. 2025-01-31T12:00:00Z"));
    }
    QList<Event> events;
    if (context.isRemote()) {
        Result<QList<Event>> fetched = remoteEvents(context, query);
        if (!fetched)
            return ExitRefused;
        events = *fetched;
    } else {
        EventStore *const store = context.store();
        if (!store)
            return ExitRefused;
        // The store returns at most kMaxPageSize events a call: page on by cursor until --limit is reached.
        const int wanted = query.limit;
        while (events.size() < wanted) {
            query.limit = std::min(wanted - int(events.size()), EventStore::kMaxPageSize);
            const Result<EventPage> page = store->events(query);
            if (!page)
                return context.refused(page.error());
            events += page->events;
            if (page->next.isNull())
                break;
            query.after = page->next;
        }
    }
    if (parser.isSet(kJson)) {
        QJsonArray rows;
        for (const Event &event : std::as_const(events))
            rows.append(eventJson(event));
        context.out() << QJsonDocument(rows).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    for (const Event &event : std::as_const(events)) {
        const QString type =
            event.action.isEmpty() ? event.type : event.type + QLatin1Char('.') + event.action;
        context.out() << isoOrDash(event.occurredAt) << "  " << type.leftJustified(28) << "  "
                      << event.repository.leftJustified(30) << "  " << event.sender.leftJustified(16) << "  "
                      << event.id << '\n';
    }
    if (events.isEmpty())
        context.out() << "No events.\n";
    return ExitOk;
}

int showEvent(CliContext &context, const QCommandLineParser &parser)
{
    if (context.isRemote()) {
        const Result<QJsonObject> event = context.remoteGet(
            QStringLiteral("/api/v1/events/") +
            QString::fromLatin1(QUrl::toPercentEncoding(parser.positionalArguments().first())));
        if (!event)
            return ExitRefused;
        context.out() << QJsonDocument(*event).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    EventStore *const store = context.store();
    if (!store)
        return ExitRefused;
    const Result<std::optional<Event>> event = store->event(parser.positionalArguments().first());
    if (!event)
        return context.refused(event.error());
    if (!event->has_value()) {
        context.err() << "exeserver-cli: no event " << parser.positionalArguments().first() << '\n';
        return ExitRefused;
    }
    QJsonObject object = eventJson(**event);
    object.insert(QStringLiteral("payload"), QJsonDocument::fromJson((*event)->payload).object());
    context.out() << QJsonDocument(object).toJson(QJsonDocument::Indented);
    return ExitOk;
}

int ingestEvent(CliContext &context, const QCommandLineParser &parser)
{
    const QString path = parser.positionalArguments().first();
    QFile file(path);
    if (path != QLatin1String("-") && !file.open(QIODevice::ReadOnly)) {
        context.err() << "exeserver-cli: cannot read " << path << ": " << file.errorString() << '\n';
        return ExitRefused;
    }
    if (path == QLatin1String("-"))
        file.open(stdin, QIODevice::ReadOnly);
    // The same normaliser as the webhook receiver, so an ingested file is stored as its delivery would be.
    Result<NormalizedEvent> normalized = EventNormalizer::fromWebhook(
        parser.value(kEvent), parser.value(kDelivery), file.readAll(), QDateTime::currentDateTimeUtc());
    if (!normalized)
        return context.refused(normalized.error());
    normalized.value().source = EventSource::Manual;
    Event event = toEvent(*normalized);
    EventStore *const store = context.store();
    if (!store)
        return ExitRefused;
    const Result<bool> added = store->addEvent(event);
    if (!added)
        return context.refused(added.error());
    if (*added) {
        context.out() << "stored " << event.id << '\n';
    } else {
        // The stored copy may carry another id (the same GitHub event delivered under another one): the
        // triggers' decisions and actions belong to that row, so it is the one processed.
        Result<std::optional<Event>> stored = store->storedCopyOf(event);
        if (!stored)
            return context.refused(stored.error());
        if (!*stored)
            return context.refused(Error{QStringLiteral("not_stored"),
                                         QStringLiteral("The event %1 was neither stored nor found already "
                                                        "stored.")
                                             .arg(event.id)});
        context.out() << "already stored " << (*stored)->id;
        if ((*stored)->id != event.id)
            context.out() << " (the same event as " << event.id << ')';
        context.out() << '\n';
        event = std::move(**stored);
    }
    // Matching triggers fire (once per event, so a second ingest of the same event fires nothing) and the
    // command waits for their actions.
    EngineSession session(context, *store);
    if (session.failed())
        return ExitRefused;
    const auto print = [&context](const ProcessReport &report) {
        for (const QString &name : report.fired)
            context.out() << "trigger " << name << " fired\n";
        for (const QString &name : report.alreadyDecided)
            context.out() << "trigger " << name << " already fired for this event\n";
        for (const QString &name : report.suppressed)
            context.out() << "trigger " << name << " suppressed by its rate limit\n";
        for (const QString &error : report.errors)
            context.err() << "exeserver-cli: trigger not run: " << error << '\n';
        for (const QString &name : report.deferred)
            context.out() << "trigger " << name << " debounced; not fired by a one-shot ingest\n";
        context.out().flush();
    };
    // Team mode decides after the claim answers; waitUntilIdle() waits for that too.
    QObject::connect(&session.engine(), &TriggerEngine::claimDecided, &session.engine(),
                     [print](const QString &, const ProcessReport &report) { print(report); });
    const Result<ProcessReport> report = session.engine().process(event);
    if (!report)
        return context.refused(report.error());
    print(*report);
    context.out().flush();
    session.waitUntilIdle();
    return ExitOk;
}

int listActions(CliContext &context, const QCommandLineParser &parser)
{
    ActionQuery query;
    if (parser.isSet(kStatus)) {
        query.status = actionStatusFromString(parser.value(kStatus));
        if (!query.status)
            return context.usageError(
                QStringLiteral(
                    "unknown status '%1' (queued, running, success, failure, interrupted, skipped)")
                    .arg(parser.value(kStatus)));
    }
    query.limit = parser.value(kLimit).toInt();
    Result<QList<ActionRecord>> records = QList<ActionRecord>{};
    if (context.isRemote()) {
        QUrlQuery params{{QStringLiteral("limit"), QString::number(std::clamp(query.limit, 1, 200))}};
        if (query.status)
            params.addQueryItem(QStringLiteral("status"), toString(*query.status));
        const Result<QJsonObject> page = context.remoteGet(QStringLiteral("/api/v1/actions"), params);
        if (!page)
            return ExitRefused;
        QList<ActionRecord> rows;
        for (const QJsonValue &row : page->value(QStringLiteral("actions")).toArray())
            rows.append(apijson::toAction(row.toObject()));
        records = rows;
    } else {
        EventStore *const store = context.store();
        if (!store)
            return ExitRefused;
        records = store->actions(query);
        if (!records)
            return context.refused(records.error());
    }
    if (parser.isSet(kJson)) {
        QJsonArray rows;
        for (const ActionRecord &record : *records)
            rows.append(actionJson(record));
        context.out() << QJsonDocument(rows).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    for (const ActionRecord &record : *records) {
        QString outcome;
        if (record.exitCode)
            outcome = QStringLiteral("exit %1").arg(*record.exitCode);
        else if (record.httpStatus)
            outcome = QStringLiteral("HTTP %1").arg(*record.httpStatus);
        context.out() << QString::number(record.seq).rightJustified(6) << "  "
                      << isoOrDash(record.requestedAt) << "  " << toString(record.kind).leftJustified(16)
                      << "  " << toString(record.status).leftJustified(11) << "  " << outcome.leftJustified(8)
                      << "  " << record.target << '\n';
    }
    if (records->isEmpty())
        context.out() << "No actions.\n";
    return ExitOk;
}

int showAction(CliContext &context, const QCommandLineParser &parser)
{
    if (context.isRemote()) {
        const Result<QJsonObject> record = context.remoteGet(
            QStringLiteral("/api/v1/actions/") +
            QString::fromLatin1(QUrl::toPercentEncoding(parser.positionalArguments().first())));
        if (!record)
            return ExitRefused;
        context.out() << QJsonDocument(*record).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    EventStore *const store = context.store();
    if (!store)
        return ExitRefused;
    const Result<std::optional<ActionRecord>> record = store->action(parser.positionalArguments().first());
    if (!record)
        return context.refused(record.error());
    if (!record->has_value()) {
        context.err() << "exeserver-cli: no action " << parser.positionalArguments().first() << '\n';
        return ExitRefused;
    }
    context.out() << QJsonDocument(actionJson(**record)).toJson(QJsonDocument::Indented);
    return ExitOk;
}

void printStatus(CliContext &context, const SyncTarget &target, const SyncRun &run, const SyncStatus &status)
{
    context.out() << target.describe() << ": sent " << run.stored << ", parked " << run.parked << "; pending "
                  << status.pending << ", parked in total " << status.parked << ", lag "
                  << status.lagMs / 1000 << " s\n";
    context.out().flush();
}

int runSync(CliContext &context, const QCommandLineParser &parser)
{
    QString problem;
    // One-shot command: nothing else runs meanwhile, so PostgreSQL may block this thread.
    const std::unique_ptr<SyncTarget> target =
        SyncService::targetFrom(context.settings(), context.network(), /*background=*/false, &problem);
    if (!target) {
        context.err() << "exeserver-cli: " << problem << '\n';
        return ExitRefused;
    }
    EventStore *const store = context.store();
    if (!store)
        return ExitRefused;
    SyncEngine engine(*store, *target, SystemClock::instance());
    if (const Status enabled = engine.enable(); !enabled)
        return context.refused(enabled.error());
    while (true) {
        SyncRun run;
        runBlocking([&](std::function<void()> finished) {
            engine.drain([&, finished](SyncRun result) {
                run = result;
                finished();
            });
        });
        const SyncStatus status = engine.status();
        printStatus(context, *target, run, status);
        if (parser.isSet(kOnce)) {
            if (!run.error.isEmpty()) {
                context.err() << "exeserver-cli: " << run.error << '\n';
                return ExitRefused;
            }
            return ExitOk;
        }
        // Poll for new rows every few seconds, or wait out the backoff.
        qint64 wait = 5000;
        if (status.nextAttemptAt.isValid())
            wait = std::max<qint64>(wait, QDateTime::currentDateTimeUtc().msecsTo(status.nextAttemptAt));
        QThread::msleep(static_cast<unsigned long>(wait));
    }
}

int backupDatabase(CliContext &context, const QCommandLineParser &parser)
{
    EventStore *const store = context.store();
    if (!store)
        return ExitRefused;
    if (const Status done = store->backup(parser.positionalArguments().first()); !done)
        return context.refused(done.error());
    context.out() << "Backup written to " << parser.positionalArguments().first() << '\n';
    return ExitOk;
}

// "90d", "12h", "30m", "45s".
std::optional<qint64> parseAgeMs(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d+)([dhms])$"));
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return std::nullopt;
    const qint64 amount = match.captured(1).toLongLong();
    const QChar unit = match.captured(2).at(0);
    const qint64 factor = unit == QLatin1Char('d')   ? 86400000
                          : unit == QLatin1Char('h') ? 3600000
                          : unit == QLatin1Char('m') ? 60000
                                                     : 1000;
    return amount * factor;
}

int pruneDatabase(CliContext &context, const QCommandLineParser &parser)
{
    PruneOptions options;
    if (parser.isSet(kOlderThan)) {
        const std::optional<qint64> age = parseAgeMs(parser.value(kOlderThan));
        if (!age)
            return context.usageError(QStringLiteral("--older-than takes an age like 90d, 12h or 30m"));
        options.olderThan = QDateTime::currentDateTimeUtc().addMSecs(-*age);
    }
    if (parser.isSet(kKeep)) {
        bool ok = false;
        options.keepNewestEvents = parser.value(kKeep).toLongLong(&ok);
        if (!ok || options.keepNewestEvents < 0)
            return context.usageError(QStringLiteral("--keep takes a number"));
    }
    if (!options.olderThan.isValid() && options.keepNewestEvents < 0)
        return context.usageError(QStringLiteral("give --older-than AGE or --keep N"));
    EventStore *const store = context.store();
    if (!store)
        return ExitRefused;
    const Result<PruneReport> report = store->prune(options);
    if (!report)
        return context.refused(report.error());
    context.out() << "Deleted " << report->events << " events and " << report->actions << " actions.\n";
    return ExitOk;
}

} // namespace

void registerStoreCommands(CommandTable &table)
{
    table.add({.words = {QStringLiteral("events"), QStringLiteral("list")},
               .summary = QStringLiteral("List stored events, newest first."),
               .run = listEvents,
               .options = {kType, kRepo, kSince, kText, kLimit, kJson},
               .maxArguments = 0});
    table.add({.words = {QStringLiteral("events"), QStringLiteral("show")},
               .arguments = QStringLiteral("ID"),
               .summary = QStringLiteral("Print one event with its payload."),
               .run = showEvent,
               .minArguments = 1,
               .maxArguments = 1});
    table.add({.words = {QStringLiteral("events"), QStringLiteral("ingest")},
               .arguments = QStringLiteral("FILE"),
               .summary = QStringLiteral("Store a webhook payload as if GitHub had delivered it (FILE - "
                                         "reads stdin)."),
               .run = ingestEvent,
               .options = {kEvent, kDelivery},
               .minArguments = 1,
               .maxArguments = 1,
               .requiredOptions = kEvent.names()});
    table.add({.words = {QStringLiteral("actions"), QStringLiteral("list")},
               .summary = QStringLiteral("List the action log, newest first."),
               .run = listActions,
               .options = {kStatus, kLimit, kJson},
               .maxArguments = 0});
    table.add({.words = {QStringLiteral("actions"), QStringLiteral("show")},
               .arguments = QStringLiteral("ID"),
               .summary = QStringLiteral("Print one action with its output and error."),
               .run = showAction,
               .minArguments = 1,
               .maxArguments = 1});
    table.add({.words = {QStringLiteral("sync")},
               .summary = QStringLiteral("Copy events and actions to Supabase or PostgreSQL."),
               .run = runSync,
               .options = {kOnce},
               .maxArguments = 0});
    table.add({.words = {QStringLiteral("db"), QStringLiteral("backup")},
               .arguments = QStringLiteral("FILE"),
               .summary = QStringLiteral("Write a consistent copy of the event database (VACUUM INTO)."),
               .run = backupDatabase,
               .minArguments = 1,
               .maxArguments = 1});
    table.add(
        {.words = {QStringLiteral("db"), QStringLiteral("prune")},
         .summary = QStringLiteral(
             "Delete old events and finished actions (everything is kept by default; give one option)."),
         .run = pruneDatabase,
         .options = {kOlderThan, kKeep},
         .maxArguments = 0});
}

} // namespace exeserver::cli
