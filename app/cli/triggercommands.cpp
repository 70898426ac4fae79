// `exeserver-cli triggers|presets …` and `actions retry`: the trigger engine's model, dry runs and retries.
#include "commandtable.h"
#include "enginesession.h"
#include "github/hookregistry.h"
#include "host/automationhost.h"
#include "store/eventstore.h"
#include "triggers/eventcontext.h"
#include "triggers/eventcoverage.h"
#include "triggers/presetstore.h"
#include "triggers/templateengine.h"
#include "triggers/triggerdryrun.h"
#include "triggers/triggerengine.h"
#include "triggers/triggerfile.h"
#include "triggers/triggerimport.h"
#include "triggers/triggermatcher.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace exeserver::cli {

namespace {

const QCommandLineOption &kJson = jsonOutputOption();
const QCommandLineOption kEvent(QStringLiteral("event"), QStringLiteral("The stored event to test against."),
                                QStringLiteral("EVENT_ID"));
const QCommandLineOption kBody(QStringLiteral("body"), QStringLiteral("The preset's text (a template)."),
                               QStringLiteral("TEXT"));
const QCommandLineOption kDescription(QStringLiteral("description"),
                                      QStringLiteral("What the preset is for."), QStringLiteral("TEXT"));
const QCommandLineOption
    kTrustCode(QStringLiteral("trust-code"),
               QStringLiteral("Keep triggers that run code files enabled as the file says."));
const QCommandLineOption kReplace(QStringLiteral("replace"),
                                  QStringLiteral("Replace a preset of that name."));

// How a trigger's events will arrive (EventCoverage), from what this desk knows without asking GitHub: the
// hooks ExeServer set up, the relay channel and whether polling is on.
class CoverageReport
{
public:
    explicit CoverageReport(CliContext &context)
        : m_hooks(QDir(context.settings().dataDir()).filePath(QStringLiteral("webhooks.json")))
        , m_relayUrl(context.settings().get(setting::RelayUrl))
    {
        if (const Status loaded = m_hooks.load(); !loaded)
            context.err() << "exeserver-cli: " << loaded.error().message << '\n';
        const Result<AutomationHost::Options> options = AutomationHost::optionsFrom(context.settings());
        m_polling = !options || options->poll;
    }

    QString line(const Trigger &trigger) const
    {
        const CoverageContext coverage = EventCoverage::contextFor(trigger, m_hooks, m_relayUrl, m_polling);
        return (EventCoverage::isDeaf(trigger.event, coverage) ? QStringLiteral("    warning: ")
                                                               : QStringLiteral("    arrives: ")) +
               EventCoverage::describe(trigger.event, coverage) + QLatin1Char('\n');
    }

private:
    HookRegistry m_hooks;
    QString m_relayUrl;
    bool m_polling = true;
};

// --remote: the running instance's triggers (GET /api/v1/triggers), read back from the file format.
Result<QList<Trigger>> remoteTriggers(CliContext &context)
{
    const Result<QJsonObject> answer = context.remoteGet(QStringLiteral("/api/v1/triggers"));
    if (!answer)
        return answer.error();
    QList<Trigger> triggers;
    for (const QJsonValue &row : answer->value(QStringLiteral("triggers")).toArray()) {
        Result<Trigger> trigger = TriggerFile::fromJsonObject(row.toObject());
        if (!trigger) {
            context.refused(trigger.error());
            return trigger.error();
        }
        triggers.append(*trigger);
    }
    return triggers;
}

int listTriggers(CliContext &context, const QCommandLineParser &parser)
{
    Result<QList<Trigger>> triggers = QList<Trigger>{};
    if (context.isRemote()) {
        triggers = remoteTriggers(context);
        if (!triggers)
            return ExitRefused; // already said why
    } else {
        EventStore *store = context.store();
        if (!store)
            return ExitRefused;
        triggers = loadStoredTriggers(*store);
        if (!triggers)
            return context.refused(triggers.error());
    }
    if (parser.isSet(kJson)) {
        QJsonArray array;
        for (const Trigger &trigger : *triggers)
            array.append(TriggerFile::toJsonObject(trigger));
        context.out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    if (triggers->isEmpty())
        context.out() << "No triggers. Import some with: exeserver-cli triggers import FILE\n";
    // How events reach a trigger depends on the machine it runs on: not shown for a remote one.
    const std::optional<CoverageReport> coverage =
        context.isRemote() ? std::nullopt : std::optional<CoverageReport>(std::in_place, context);
    for (const Trigger &trigger : *triggers) {
        QStringList kinds;
        for (const TriggerAction &action : trigger.run)
            kinds.append(actionKind(action));
        context.out() << trigger.name << "  " << (trigger.enabled ? "enabled " : "disabled") << "  "
                      << (trigger.event.isEmpty() ? QStringLiteral("*") : trigger.event);
        if (!trigger.actions.isEmpty())
            context.out() << " [" << trigger.actions.join(QLatin1Char(',')) << ']';
        context.out() << "  -> " << kinds.join(QStringLiteral(", ")) << '\n';
        if (coverage)
            context.out() << coverage->line(trigger);
    }
    return ExitOk;
}

int importTriggers(CliContext &context, const QCommandLineParser &parser)
{
    const Result<QList<Trigger>> loaded = TriggerFile::load(parser.positionalArguments().first());
    if (!loaded)
        return context.refused(loaded.error());
    EventStore *store = context.store();
    if (!store)
        return ExitRefused;
    const TriggerImport reviewed = TriggerImport::review(*loaded, parser.isSet(kTrustCode));
    const CoverageReport coverage(context);
    for (const Trigger &trigger : reviewed.triggers) {
        if (const Status saved = store->saveTrigger(toStoredTrigger(trigger)); !saved)
            return context.refused(saved.error());
        context.out() << "imported " << trigger.name << '\n' << coverage.line(trigger);
    }
    for (const QString &line : reviewed.held)
        context.out() << "held disabled: " << line << '\n';
    if (!reviewed.held.isEmpty())
        context.out()
            << "Triggers that run code on this machine start disabled. Check them (exeserver-cli "
               "triggers test NAME --event ID), then: exeserver-cli triggers enable NAME. Or import "
               "with --trust-code.\n";
    return ExitOk;
}

int exportTriggers(CliContext &context, const QCommandLineParser &parser)
{
    EventStore *store = context.store();
    if (!store)
        return ExitRefused;
    const Result<QList<Trigger>> triggers = loadStoredTriggers(*store);
    if (!triggers)
        return context.refused(triggers.error());
    if (parser.positionalArguments().isEmpty()) {
        context.out() << QString::fromUtf8(TriggerFile::toYaml(*triggers));
        return ExitOk;
    }
    const QString path = parser.positionalArguments().first();
    if (const Status saved = TriggerFile::save(path, *triggers); !saved)
        return context.refused(saved.error());
    context.out() << "exported " << triggers->size() << " trigger(s) to " << path << '\n';
    return ExitOk;
}

int setEnabled(CliContext &context, const QCommandLineParser &parser, bool enabled)
{
    EventStore *store = context.store();
    if (!store)
        return ExitRefused;
    const Result<QList<StoredTrigger>> rows = store->triggers();
    if (!rows)
        return context.refused(rows.error());
    const QString name = parser.positionalArguments().first();
    for (StoredTrigger row : *rows) {
        if (row.name != name)
            continue;
        row.enabled = enabled;
        if (const Status saved = store->saveTrigger(row); !saved)
            return context.refused(saved.error());
        context.out() << name << (enabled ? " enabled\n" : " disabled\n");
        if (const Result<QList<Trigger>> triggers = loadStoredTriggers(*store); triggers && enabled) {
            for (const Trigger &trigger : *triggers) {
                if (trigger.name == name)
                    context.out() << CoverageReport(context).line(trigger);
            }
        }
        return ExitOk;
    }
    return context.refused(
        {QStringLiteral("not_found"), QStringLiteral("No trigger named \"%1\".").arg(name)});
}

// The dry run: every gate and condition with what the event had, then what would run. Nothing runs.
int testTrigger(CliContext &context, const QCommandLineParser &parser)
{
    EventStore *store = context.store();
    if (!store)
        return ExitRefused;
    // The same dry run the assistant's explain_trigger shows (core/triggers/triggerdryrun.h).
    const Result<TriggerDryRun> dry =
        TriggerDryRun::run(*store, parser.positionalArguments().first(), parser.value(kEvent));
    if (!dry)
        return context.refused(dry.error());
    const Trigger *trigger = &dry->trigger;
    const EventContext &eventContext = dry->event;
    const MatchResult &result = dry->result;
    QTextStream &out = context.out();
    out << "Trigger " << trigger->name << (trigger->enabled ? "" : " (disabled)") << " against event "
        << eventContext.id << " (" << eventContext.type
        << (eventContext.action.isEmpty() ? QString() : QLatin1Char(' ') + eventContext.action) << ")\n";
    for (const MatchStep &step : result.steps)
        out << "  " << (step.passed ? "pass " : "FAIL ") << step.check << ": " << step.detail << '\n';
    for (const ConditionTrace &node : result.conditions) {
        out << "  " << QString(node.depth * 2, QLatin1Char(' ')) << (node.matched ? "pass " : "FAIL ")
            << node.node;
        if (!node.field.isEmpty())
            out << ' ' << node.field;
        if (!node.expected.isUndefined() && !node.expected.isNull())
            out << ' ' << TemplateEngine::valueText(node.expected);
        if (!node.seen.isEmpty())
            out << "  (saw " << QString::fromUtf8(QJsonDocument(node.seen).toJson(QJsonDocument::Compact))
                << ')';
        if (!node.note.isEmpty())
            out << "  [" << node.note << ']';
        out << '\n';
    }
    if (!result.matched) {
        out << "Result: no match (" << result.reason << "). Nothing would run.\n";
        return ExitOk;
    }
    out << "Result: match. Would run (dry run, nothing was run):\n";
    for (const QString &line : dry->wouldRunLines())
        out << "  - " << line << '\n';
    return ExitOk;
}

int listPresets(CliContext &context, const QCommandLineParser &parser)
{
    const PresetStore presets(context.settings().dataDir());
    const Result<QList<CommentPreset>> list = presets.list();
    if (!list)
        return context.refused(list.error());
    if (parser.isSet(kJson)) {
        QJsonArray array;
        for (const CommentPreset &preset : *list)
            array.append(QJsonObject{{QStringLiteral("name"), preset.name},
                                     {QStringLiteral("body"), preset.body},
                                     {QStringLiteral("description"), preset.description},
                                     {QStringLiteral("built_in"), preset.builtIn}});
        context.out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    for (const CommentPreset &preset : *list)
        context.out() << preset.name << (preset.builtIn ? "  (built-in)  " : "  ") << preset.body << '\n';
    return ExitOk;
}

int addPreset(CliContext &context, const QCommandLineParser &parser)
{
    if (parser.value(kBody).isEmpty())
        return context.usageError(QStringLiteral("--body must not be empty"));
    PresetStore presets(context.settings().dataDir());
    const QString name = parser.positionalArguments().first();
    if (const Status added =
            presets.add(name, parser.value(kBody), parser.value(kDescription), parser.isSet(kReplace));
        !added)
        return context.refused(added.error());
    context.out() << "preset " << name << " saved\n";
    return ExitOk;
}

int removePreset(CliContext &context, const QCommandLineParser &parser)
{
    PresetStore presets(context.settings().dataDir());
    const QString name = parser.positionalArguments().first();
    if (const Status removed = presets.remove(name); !removed)
        return context.refused(removed.error());
    context.out() << "preset " << name << " removed\n";
    return ExitOk;
}

int retryAction(CliContext &context, const QCommandLineParser &parser)
{
    EventStore *store = context.store();
    if (!store)
        return ExitRefused;
    EngineSession session(context, *store);
    if (session.failed())
        return ExitRefused;
    // An interrupted action may well have happened: say so before doing it again.
    if (const auto before = store->action(parser.positionalArguments().first());
        before && before->has_value() && (*before)->status == ActionStatus::Interrupted) {
        context.err() << "warning: the outcome of action " << (*before)->id
                      << " is unknown, so it may already have happened: " << (*before)->error << '\n';
        context.err().flush();
    }
    const Result<QString> id = session.engine().retry(parser.positionalArguments().first());
    if (!id)
        return context.refused(id.error());
    context.out() << "retrying as action " << *id << '\n';
    context.out().flush();
    session.waitUntilIdle();
    const auto record = store->action(*id);
    return record && record->has_value() && (*record)->status == ActionStatus::Success ? ExitOk : ExitRefused;
}

QStringList words(const char *a, const char *b)
{
    return {QString::fromLatin1(a), QString::fromLatin1(b)};
}

} // namespace

void registerTriggerCommands(CommandTable &table)
{
    table.add({.words = words("triggers", "list"),
               .summary = QStringLiteral("List the stored triggers."),
               .run = listTriggers,
               .options = {kJson},
               .maxArguments = 0});
    table.add(
        {.words = words("triggers", "import"),
         .arguments = QStringLiteral("FILE"),
         .summary = QStringLiteral("Import triggers from a YAML or JSON file (same names are replaced); "
                                   "triggers that run code files start disabled unless --trust-code."),
         .run = importTriggers,
         .options = {kTrustCode},
         .minArguments = 1,
         .maxArguments = 1});
    table.add(
        {.words = words("triggers", "export"),
         .arguments = QStringLiteral("[FILE]"),
         .summary = QStringLiteral("Export the triggers as YAML (to stdout, or FILE; .json writes JSON)."),
         .run = exportTriggers,
         .maxArguments = 1});
    table.add({.words = words("triggers", "enable"),
               .arguments = QStringLiteral("NAME"),
               .summary = QStringLiteral("Enable a trigger."),
               .run = [](CliContext &c, const QCommandLineParser &p) { return setEnabled(c, p, true); },
               .minArguments = 1,
               .maxArguments = 1});
    table.add({.words = words("triggers", "disable"),
               .arguments = QStringLiteral("NAME"),
               .summary = QStringLiteral("Disable a trigger."),
               .run = [](CliContext &c, const QCommandLineParser &p) { return setEnabled(c, p, false); },
               .minArguments = 1,
               .maxArguments = 1});
    table.add({.words = words("triggers", "test"),
               .arguments = QStringLiteral("NAME"),
               .summary = QStringLiteral("Dry run: which conditions match a stored event and what "
                                         "would run."),
               .run = testTrigger,
               .options = {kEvent},
               .minArguments = 1,
               .maxArguments = 1,
               .requiredOptions = kEvent.names()});
    table.add({.words = words("presets", "list"),
               .summary = QStringLiteral("List comment presets."),
               .run = listPresets,
               .options = {kJson},
               .maxArguments = 0});
    table.add({.words = words("presets", "add"),
               .arguments = QStringLiteral("NAME"),
               .summary = QStringLiteral("Add a comment preset."),
               .run = addPreset,
               .options = {kBody, kDescription, kReplace},
               .minArguments = 1,
               .maxArguments = 1,
               .requiredOptions = kBody.names()});
    table.add({.words = words("presets", "remove"),
               .arguments = QStringLiteral("NAME"),
               .summary = QStringLiteral("Remove a user preset."),
               .run = removePreset,
               .minArguments = 1,
               .maxArguments = 1});
    table.add(
        {.words = words("actions", "retry"),
         .arguments = QStringLiteral("ID"),
         .summary = QStringLiteral("Run a trigger's logged action again (as a new action) and wait for it."),
         .run = retryAction,
         .minArguments = 1,
         .maxArguments = 1});
}

} // namespace exeserver::cli
