#include "triggers/actionkinds.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QRegularExpression>

namespace exeserver {

namespace {

// Inserts text only when it is not empty, so written files stay short.
void put(QJsonObject &o, const char *key, const QString &value)
{
    if (!value.isEmpty())
        o.insert(QLatin1StringView(key), value);
}

// ---- codefile ----

Result<TriggerAction> readCodefile(const ActionFields &f)
{
    CodefileAction a;
    auto id = f.text(u"id", false);
    if (!id)
        return id.error();
    static const QRegularExpression idPattern(QStringLiteral("^[A-Za-z_][A-Za-z0-9_-]*$"));
    if (!id->isEmpty() && !idPattern.match(*id).hasMatch())
        return f.error(QStringLiteral("id"),
                       QStringLiteral("\"%1\" is not a step id: start with a letter or _, then letters, "
                                      "digits, - or _")
                           .arg(*id));
    a.id = *id;
    auto path = f.text(u"path", true);
    auto args = f.texts(u"args", true);
    auto timeout = f.integer(u"timeout", 300, 1, 7 * 24 * 3600);
    auto workdir = f.text(u"workdir", false);
    auto token = f.boolean(u"pass_token", false);
    if (!path)
        return path.error();
    if (path->trimmed().isEmpty())
        return f.error(QStringLiteral("path"), QStringLiteral("is empty"));
    if (!args)
        return args.error();
    if (!timeout)
        return timeout.error();
    if (!workdir)
        return workdir.error();
    if (!token)
        return token.error();
    a.path = *path;
    a.args = *args;
    a.timeoutSeconds = *timeout;
    a.workdir = *workdir;
    a.passToken = *token;
    return TriggerAction(a);
}

QJsonObject writeCodefile(const TriggerAction &action)
{
    const auto &a = std::get<CodefileAction>(action);
    QJsonObject o;
    put(o, "id", a.id);
    put(o, "path", a.path);
    if (!a.args.isEmpty())
        o.insert(QLatin1StringView("args"), QJsonArray::fromStringList(a.args));
    o.insert(QLatin1StringView("timeout"), a.timeoutSeconds);
    put(o, "workdir", a.workdir);
    if (a.passToken)
        o.insert(QLatin1StringView("pass_token"), true);
    return o;
}

// ---- workflow ----

} // namespace

QString actionkinds::scalarText(const QJsonValue &value)
{
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isDouble()) {
        const double d = value.toDouble();
        if (d == std::floor(d) && std::abs(d) < 9.0e15)
            return QString::number(qint64(d));
        return QString::number(d, 'g', 17);
    }
    return value.toString();
}

namespace {

Result<TriggerAction> readWorkflow(const ActionFields &f)
{
    WorkflowAction a;
    auto repo = f.text(u"repository", false);
    auto workflow = f.text(u"workflow", true, true);
    auto ref = f.text(u"ref", false);
    if (!repo)
        return repo.error();
    if (!workflow)
        return workflow.error();
    if (!ref)
        return ref.error();
    a.repository = *repo;
    a.workflow = *workflow;
    a.ref = *ref;
    const QJsonValue inputs = f.value(QStringLiteral("inputs"));
    if (!inputs.isUndefined() && !inputs.isNull()) {
        if (!inputs.isObject())
            return f.error(QStringLiteral("inputs"), QStringLiteral("expected name: value pairs"));
        const QJsonObject map = inputs.toObject();
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (it.value().isObject() || it.value().isArray() || it.value().isNull())
                return f.error(QStringLiteral("inputs.") + it.key(),
                               QStringLiteral("expected text, a number or a boolean"));
            a.inputs.insert(it.key(), actionkinds::scalarText(it.value()));
        }
    }
    return TriggerAction(a);
}

QJsonObject writeWorkflow(const TriggerAction &action)
{
    const auto &w = std::get<WorkflowAction>(action);
    QJsonObject o;
    put(o, "repository", w.repository);
    put(o, "workflow", w.workflow);
    put(o, "ref", w.ref);
    if (!w.inputs.isEmpty()) {
        QJsonObject inputs;
        for (auto it = w.inputs.cbegin(); it != w.inputs.cend(); ++it)
            inputs.insert(it.key(), it.value());
        o.insert(QLatin1StringView("inputs"), inputs);
    }
    return o;
}

// ---- comment ----

Result<TriggerAction> readComment(const ActionFields &f)
{
    CommentAction a;
    auto preset = f.text(u"preset", false);
    auto body = f.text(u"body", false);
    auto args = f.text(u"args", false, true);
    auto pr = f.text(u"pr", false, true);
    for (const auto *r : {&preset, &body, &args, &pr}) {
        if (!*r)
            return r->error();
    }
    if (preset->isEmpty() == body->isEmpty())
        return f.error(QString(), QStringLiteral("needs either preset or body"));
    a.preset = *preset;
    a.body = *body;
    a.args = *args;
    a.pr = *pr;
    return TriggerAction(a);
}

QJsonObject writeComment(const TriggerAction &action)
{
    const auto &c = std::get<CommentAction>(action);
    QJsonObject o;
    put(o, "preset", c.preset);
    put(o, "body", c.body);
    put(o, "args", c.args);
    put(o, "pr", c.pr);
    return o;
}

// ---- notify ----

Result<TriggerAction> readNotify(const ActionFields &f)
{
    auto title = f.text(u"title", false);
    auto body = f.text(u"body", false);
    if (!title)
        return title.error();
    if (!body)
        return body.error();
    if (title->isEmpty() && body->isEmpty())
        return f.error(QString(), QStringLiteral("needs a title or a body"));
    return TriggerAction(NotifyAction{*title, *body});
}

QJsonObject writeNotify(const TriggerAction &action)
{
    const auto &n = std::get<NotifyAction>(action);
    QJsonObject o;
    put(o, "title", n.title);
    put(o, "body", n.body);
    return o;
}

// ---- rerun_failed, cancel ----

template <typename RunAction>
Result<TriggerAction> readRunTarget(const ActionFields &f)
{
    auto run = f.text(u"run", false, true);
    if (!run)
        return run.error();
    return TriggerAction(RunAction{*run});
}

template <typename RunAction>
QJsonObject writeRunTarget(const TriggerAction &action)
{
    QJsonObject o;
    put(o, "run", std::get<RunAction>(action).run);
    return o;
}

// ---- reaction ----

Result<TriggerAction> readReaction(const ActionFields &f)
{
    ReactionAction a;
    auto content = f.text(u"content", false);
    if (!content)
        return content.error();
    if (!content->isEmpty())
        a.content = *content;
    static const QStringList allowed{QStringLiteral("+1"),     QStringLiteral("-1"),
                                     QStringLiteral("laugh"),  QStringLiteral("confused"),
                                     QStringLiteral("heart"),  QStringLiteral("hooray"),
                                     QStringLiteral("rocket"), QStringLiteral("eyes")};
    if (!allowed.contains(a.content))
        return f.error(QString(), QStringLiteral("unknown reaction \"%1\" (expected %2)")
                                      .arg(a.content, allowed.join(QStringLiteral(", "))));
    return TriggerAction(a);
}

QJsonObject writeReaction(const TriggerAction &action)
{
    QJsonObject o;
    put(o, "content", std::get<ReactionAction>(action).content);
    return o;
}

QStringList names(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *name : list)
        out.append(QString::fromLatin1(name));
    return out;
}

} // namespace

const QList<TriggerActionKind> &actionkinds::all()
{
    static const QList<TriggerActionKind> kinds = {
        {QStringLiteral("codefile"),
         names({"id", "path", "args", "timeout", "workdir", "pass_token"}),
         names({"args", "workdir"}),
         QStringLiteral(
             "runs a local program (path required) with the GitHub Actions runner files; with an id, "
             "later actions use what it writes to $GITHUB_OUTPUT as {{ steps.ID.outputs.NAME }}; it "
             "stays disabled until a person trusts it"),
         QT_TRANSLATE_NOOP("TriggerActionKind", "Run a code file"),
         QJsonObject{{QStringLiteral("timeout"), 300}},
         {},
         readCodefile,
         writeCodefile},
        {QStringLiteral("workflow"),
         names({"repository", "workflow", "ref", "inputs"}),
         names({"repository", "workflow", "ref", "inputs"}),
         QStringLiteral("dispatches a workflow (workflow required; repository defaults to the event's)"),
         QT_TRANSLATE_NOOP("TriggerActionKind", "Dispatch a workflow"),
         QJsonObject{{QStringLiteral("workflow"), QStringLiteral("ci.yml")}},
         {},
         readWorkflow,
         writeWorkflow},
        {QStringLiteral("comment"),
         names({"preset", "body", "args", "pr"}),
         names({"body", "args", "pr"}),
         QStringLiteral("comments on the event's issue or PR: either body or preset"),
         QT_TRANSLATE_NOOP("TriggerActionKind", "Post a comment"),
         QJsonObject{{QStringLiteral("body"), QString()}},
         {},
         readComment,
         writeComment},
        {QStringLiteral("notify"),
         names({"title", "body"}),
         names({"title", "body"}),
         QStringLiteral("a desktop notification (title or body)"),
         QT_TRANSLATE_NOOP("TriggerActionKind", "Notify me"),
         QJsonObject{{QStringLiteral("title"), QStringLiteral("{{ event.repository.full_name }}")}},
         {},
         readNotify,
         writeNotify},
        {QStringLiteral("rerun_failed"),
         names({"run"}),
         names({"run"}),
         QStringLiteral("re-runs a run's failed jobs"),
         QT_TRANSLATE_NOOP("TriggerActionKind", "Re-run the failed jobs of the event's run"),
         QJsonObject(),
         {},
         readRunTarget<RerunFailedAction>,
         writeRunTarget<RerunFailedAction>},
        {QStringLiteral("cancel"),
         names({"run"}),
         names({"run"}),
         QStringLiteral("cancels a run"),
         QT_TRANSLATE_NOOP("TriggerActionKind", "Cancel the event's run"),
         QJsonObject(),
         {},
         readRunTarget<CancelRunAction>,
         writeRunTarget<CancelRunAction>},
        {QStringLiteral("reaction"),
         names({"content"}),
         {},
         QStringLiteral(
             "reacts to the comment or issue: +1, -1, laugh, confused, heart, hooray, rocket, eyes"),
         QT_TRANSLATE_NOOP("TriggerActionKind", "React to the issue or pull request"),
         QJsonObject{{QStringLiteral("content"), QStringLiteral("eyes")}},
         QStringLiteral("content"),
         readReaction,
         writeReaction},
    };
    return kinds;
}

const TriggerActionKind *actionkinds::find(const QString &kind)
{
    for (const TriggerActionKind &entry : all()) {
        if (entry.kind == kind)
            return &entry;
    }
    return nullptr;
}

const TriggerActionKind &actionkinds::of(const TriggerAction &action)
{
    return *find(actionKind(action)); // every alternative of TriggerAction has its entry (a test holds that)
}

QJsonObject actionkinds::toJson(const TriggerAction &action)
{
    const TriggerActionKind &kind = of(action);
    return QJsonObject{{kind.kind, kind.write(action)}};
}

} // namespace exeserver
