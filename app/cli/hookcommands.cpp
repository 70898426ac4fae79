// `exeserver-cli hooks …`: the webhooks ExeServer sets up for the triggers, and a relay channel of one's own.
#include "commandtable.h"
#include "config/secretredactor.h"
#include "config/secretstore.h"
#include "github/hookregistry.h"
#include "github/webhookmanager.h"
#include "githubconnection.h"
#include "host/hooksetup.h"
#include "triggers/triggerdryrun.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace exeserver::cli {

namespace {

const QCommandLineOption &kJson = jsonOutputOption();
const QCommandLineOption kOrg(QStringLiteral("org"),
                              QStringLiteral("An organisation's webhooks instead of a repository's."),
                              QStringLiteral("ORG"));
const QCommandLineOption kUrl(QStringLiteral("url"),
                              QStringLiteral("Where GitHub delivers (default: the relay channel, else "
                                             "webhook.public_url)."),
                              QStringLiteral("URL"));
const QCommandLineOption kRelay(QStringLiteral("relay"),
                                QStringLiteral("Deliver through the relay channel; asks the relay service "
                                               "for a new one when none is set."));
const QCommandLineOption kEvents(QStringLiteral("events"),
                                 QStringLiteral("Events to subscribe, comma-separated, or \"all\" (default: "
                                                "what the enabled triggers need)."),
                                 QStringLiteral("LIST"));
const QCommandLineOption kLimit(QStringLiteral("limit"), QStringLiteral("At most N deliveries (default 10)."),
                                QStringLiteral("N"), QStringLiteral("10"));

// The scope (OWNER/REPO or --org ORG) and the numeric arguments after it; nullopt after a usage message.
struct Target
{
    HookScope scope;
    QList<qint64> ids;
};

std::optional<Target> parseTarget(CliContext &context, const QCommandLineParser &parser, int idCount)
{
    QStringList positional = parser.positionalArguments();
    Target target;
    if (parser.isSet(kOrg)) {
        target.scope = HookScope::organization(parser.value(kOrg));
    } else {
        if (positional.isEmpty() || !CliContext::isRepoName(positional.first())) {
            context.usageError(QStringLiteral("expected OWNER/REPO or --org ORG"));
            return std::nullopt;
        }
        target.scope = HookScope::repository(positional.takeFirst());
    }
    if (positional.size() != idCount) {
        context.usageError(QStringLiteral("expected %1 id(s) after the repository").arg(idCount));
        return std::nullopt;
    }
    for (const QString &text : std::as_const(positional)) {
        bool ok = false;
        const qint64 id = text.toLongLong(&ok);
        if (!ok || id <= 0) {
            context.usageError(QStringLiteral("\"%1\" is not an id").arg(text));
            return std::nullopt;
        }
        target.ids.append(id);
    }
    return target;
}

QString registryPath(CliContext &context)
{
    return QDir(context.settings().dataDir()).filePath(QStringLiteral("webhooks.json"));
}

// Registry, client and manager for one command.
struct Hooks
{
    HookRegistry registry;
    ConnectedClient client;
    WebhookManager manager;

    explicit Hooks(CliContext &context)
        : registry(registryPath(context))
        , client(makeClient(context))
        , manager(*client.client, registry)
    {
    }
};

QString deliveryLine(const HookDelivery &delivery)
{
    return QStringLiteral("%1  %2  %3  %4%5%6")
        .arg(delivery.id)
        .arg(delivery.deliveredAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")))
        .arg(delivery.statusCode ? QString::number(delivery.statusCode) : QStringLiteral("---"))
        .arg(delivery.event)
        .arg(delivery.action.isEmpty() ? QString() : QLatin1Char('.') + delivery.action)
        .arg(delivery.redelivery ? QStringLiteral("  (redelivery)") : QString());
}

int hooksList(CliContext &context, const QCommandLineParser &parser)
{
    Hooks hooks(context);
    if (const Status loaded = hooks.registry.load(); !loaded)
        return context.refused(loaded.error());
    QList<HookScope> scopes;
    if (parser.positionalArguments().isEmpty() && !parser.isSet(kOrg)) {
        for (const HookRegistry::Entry &entry : hooks.registry.entries()) {
            const HookScope scope = entry.scope.startsWith(QLatin1StringView("org:"))
                                        ? HookScope::organization(entry.scope.mid(4))
                                        : HookScope::repository(entry.scope);
            if (!scopes.contains(scope))
                scopes.append(scope);
        }
        if (scopes.isEmpty() && !parser.isSet(kJson)) {
            context.out() << "ExeServer has set up no webhooks yet. See a repository's with: exeserver-cli "
                             "hooks list OWNER/REPO; set one up with: exeserver-cli hooks add OWNER/REPO "
                             "--relay\n";
            return ExitOk;
        }
    } else {
        const std::optional<Target> target = parseTarget(context, parser, 0);
        if (!target)
            return ExitUsage;
        scopes.append(target->scope);
    }
    QJsonArray json;
    for (const HookScope &scope : std::as_const(scopes)) {
        const auto listed =
            call<QList<ManagedHook>>([&](auto done) { hooks.manager.list(scope, std::move(done)); });
        if (!listed)
            return context.refused(listed.error());
        if (!parser.isSet(kJson) && listed->isEmpty())
            context.out() << scope.name << ": no webhooks\n";
        for (const ManagedHook &managed : *listed) {
            const Hook &hook = managed.hook;
            const auto deliveries = call<QList<HookDelivery>>(
                [&](auto done) { hooks.client->listHookDeliveries(scope, hook.id, 5, std::move(done)); });
            if (parser.isSet(kJson)) {
                QJsonObject item = hook.toJson();
                item.insert(QStringLiteral("scope"), scope.key());
                item.insert(QStringLiteral("created_by_exeserver"), managed.ours);
                QJsonArray recent;
                for (const HookDelivery &delivery : deliveries ? *deliveries : QList<HookDelivery>())
                    recent.append(delivery.toJson());
                item.insert(QStringLiteral("deliveries"), recent);
                json.append(item);
                continue;
            }
            context.out() << scope.name << "  " << hook.id << "  " << (hook.active ? "active" : "inactive")
                          << "  " << (managed.ours ? "ExeServer's" : "not ExeServer's (left alone)") << "  "
                          << hook.url << "\n    events: " << hook.events.join(QStringLiteral(", ")) << '\n';
            if (!deliveries) {
                context.out() << "    deliveries: " << deliveries.error().message << '\n';
                continue;
            }
            QStringList codes;
            for (const HookDelivery &delivery : *deliveries)
                codes.append(QStringLiteral("%1 %2").arg(
                    delivery.statusCode ? QString::number(delivery.statusCode) : QStringLiteral("---"),
                    delivery.event));
            context.out() << "    last deliveries: "
                          << (codes.isEmpty() ? QStringLiteral("none") : codes.join(QStringLiteral(", ")))
                          << '\n';
        }
    }
    if (parser.isSet(kJson))
        context.out() << QJsonDocument(json).toJson(QJsonDocument::Indented);
    return ExitOk;
}

int hooksAdd(CliContext &context, const QCommandLineParser &parser)
{
    // Several repositories share one relay channel and one secret: the first creates them.
    QList<HookScope> scopes;
    if (parser.isSet(kOrg)) {
        if (!parser.positionalArguments().isEmpty())
            return context.usageError(QStringLiteral("--org takes no repositories"));
        scopes.append(HookScope::organization(parser.value(kOrg)));
    } else {
        for (const QString &name : parser.positionalArguments()) {
            const std::optional<QString> repo = context.repoArgument(name);
            if (!repo)
                return ExitUsage;
            scopes.append(HookScope::repository(*repo));
        }
        if (scopes.isEmpty())
            return context.usageError(QStringLiteral("expected OWNER/REPO or --org ORG"));
    }
    if (parser.isSet(kUrl) && parser.isSet(kRelay))
        return context.usageError(QStringLiteral("--url and --relay exclude each other"));
    const QUrl url(parser.value(kUrl));
    if (parser.isSet(kUrl) && (!url.isValid() || !url.scheme().startsWith(QStringLiteral("http"))))
        return context.usageError(QStringLiteral("--url needs an http(s) URL"));
    QStringList events;
    QList<Trigger> triggers;
    if (parser.isSet(kEvents)) {
        const QString list = parser.value(kEvents).trimmed();
        events = list == QLatin1StringView("all") ? QStringList{QStringLiteral("*")}
                                                  : list.split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (QString &event : events)
            event = event.trimmed();
    } else {
        EventStore *store = context.store();
        if (!store)
            return ExitRefused;
        const Result<QList<Trigger>> loaded = loadStoredTriggers(*store);
        if (!loaded)
            return context.refused(loaded.error());
        triggers = *loaded;
    }
    Hooks hooks(context);
    if (const Status loaded = hooks.registry.load(); !loaded)
        return context.refused(loaded.error());
    SecretStore secrets(SecretStore::systemBackend());
    HookSetup setup(context.settings(), secrets, context.network(), hooks.manager);
    int failed = 0;
    for (const HookScope &scope : std::as_const(scopes)) {
        const HookSetup::Request request{scope, url, parser.isSet(kRelay), events};
        const auto outcome =
            call<HookSetup::Outcome>([&](auto done) { setup.run(request, triggers, std::move(done)); });
        if (!outcome) {
            context.refused(outcome.error());
            ++failed;
            continue;
        }
        if (outcome->newChannel)
            context.out()
                << "New relay channel " << outcome->target.toString()
                << " saved as relay.url; restart `exeserver-cli serve` or the desktop app to listen "
                   "on it.\n";
        context.out() << (outcome->created ? "Created" : "Updated") << " webhook " << outcome->hook.id
                      << " on " << scope.name << " -> " << outcome->target.toString()
                      << "\n    events: " << outcome->events.join(QStringLiteral(", "))
                      << "\n    signed with the webhook secret ("
                      << toString(context.settings().value(setting::WebhookSecret).source) << ")\n";
    }
    return failed == 0 ? ExitOk : ExitRefused;
}

int hooksRemove(CliContext &context, const QCommandLineParser &parser)
{
    const std::optional<Target> target = parseTarget(context, parser, 1);
    if (!target)
        return ExitUsage;
    Hooks hooks(context);
    if (const Status loaded = hooks.registry.load(); !loaded)
        return context.refused(loaded.error());
    const auto removed =
        call<Done>([&](auto done) { hooks.manager.remove(target->scope, target->ids[0], std::move(done)); });
    if (!removed)
        return context.refused(removed.error());
    context.out() << "Removed webhook " << target->ids[0] << " from " << target->scope.name << '\n';
    return ExitOk;
}

int hooksPing(CliContext &context, const QCommandLineParser &parser)
{
    const std::optional<Target> target = parseTarget(context, parser, 1);
    if (!target)
        return ExitUsage;
    auto client = makeClient(context);
    const auto pinged =
        call<Done>([&](auto done) { client->pingHook(target->scope, target->ids[0], std::move(done)); });
    if (!pinged)
        return context.refused(pinged.error());
    context.out() << "GitHub is sending a ping to webhook " << target->ids[0]
                  << "; see it with: exeserver-cli hooks deliveries " << target->scope.name << ' '
                  << target->ids[0] << '\n';
    return ExitOk;
}

int hooksDeliveries(CliContext &context, const QCommandLineParser &parser)
{
    const std::optional<Target> target = parseTarget(context, parser, 1);
    if (!target)
        return ExitUsage;
    auto client = makeClient(context);
    const auto deliveries = call<QList<HookDelivery>>([&](auto done) {
        client->listHookDeliveries(target->scope, target->ids[0], parser.value(kLimit).toInt(),
                                   std::move(done));
    });
    if (!deliveries)
        return context.refused(deliveries.error());
    if (parser.isSet(kJson)) {
        QJsonArray array;
        for (const HookDelivery &delivery : *deliveries)
            array.append(delivery.toJson());
        context.out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    if (deliveries->isEmpty())
        context.out() << "No deliveries yet.\n";
    for (const HookDelivery &delivery : *deliveries)
        context.out() << deliveryLine(delivery) << '\n';
    return ExitOk;
}

int hooksRedeliver(CliContext &context, const QCommandLineParser &parser)
{
    const std::optional<Target> target = parseTarget(context, parser, 2);
    if (!target)
        return ExitUsage;
    auto client = makeClient(context);
    const auto sent = call<Done>([&](auto done) {
        client->redeliverHookDelivery(target->scope, target->ids[0], target->ids[1], std::move(done));
    });
    if (!sent)
        return context.refused(sent.error());
    context.out() << "GitHub is delivering " << target->ids[1] << " again.\n";
    return ExitOk;
}

QStringList words(const char *second)
{
    return {QStringLiteral("hooks"), QString::fromLatin1(second)};
}

} // namespace

void registerHookCommands(CommandTable &table)
{
    // OWNER/REPO comes first unless --org is given: parseTarget checks which.
    table.add(
        {.words = words("list"),
         .arguments = QStringLiteral("[OWNER/REPO]"),
         .summary = QStringLiteral("Show webhooks (default: those ExeServer set up): active, events, last "
                                   "deliveries."),
         .run = hooksList,
         .options = {kOrg, kJson},
         .maxArguments = 1});
    table.add(
        {.words = words("add"),
         .arguments = QStringLiteral("OWNER/REPO..."),
         .summary = QStringLiteral("Set up a webhook for the enabled triggers (secret kept in the keychain); "
                                   "--org ORG instead of repositories."),
         .run = hooksAdd,
         .options = {kOrg, kUrl, kRelay, kEvents}});
    table.add({.words = words("remove"),
               .arguments = QStringLiteral("[OWNER/REPO] HOOK_ID"),
               .summary = QStringLiteral("Remove a webhook ExeServer set up (others are left alone)."),
               .run = hooksRemove,
               .options = {kOrg},
               .minArguments = 1,
               .maxArguments = 2});
    table.add({.words = words("ping"),
               .arguments = QStringLiteral("[OWNER/REPO] HOOK_ID"),
               .summary = QStringLiteral("Ask GitHub to ping a webhook."),
               .run = hooksPing,
               .options = {kOrg},
               .minArguments = 1,
               .maxArguments = 2});
    table.add({.words = words("deliveries"),
               .arguments = QStringLiteral("[OWNER/REPO] HOOK_ID"),
               .summary = QStringLiteral("A webhook's recent deliveries and their status codes."),
               .run = hooksDeliveries,
               .options = {kOrg, kLimit, kJson},
               .minArguments = 1,
               .maxArguments = 2});
    table.add({.words = words("redeliver"),
               .arguments = QStringLiteral("[OWNER/REPO] HOOK_ID DELIVERY_ID"),
               .summary = QStringLiteral("Ask GitHub to send a delivery again."),
               .run = hooksRedeliver,
               .options = {kOrg},
               .minArguments = 2,
               .maxArguments = 3});
}

} // namespace exeserver::cli
