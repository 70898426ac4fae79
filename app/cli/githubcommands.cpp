// `exeserver-cli auth|repos|workflows|prs|comment …`: the GitHub calls the GUI makes (runs: runcommands.cpp).
#include "commandtable.h"
#include "config/secretredactor.h"
#include "github/githubclient.h"
#include "githubcalls.h"
#include "githubconnection.h"
#include "triggers/presetstore.h"

#include <QJsonArray>
#include <QJsonObject>

namespace exeserver::cli {

namespace {

const QCommandLineOption &kJson = jsonOutputOption();
const QCommandLineOption kOrg(QStringLiteral("org"), QStringLiteral("List an organisation's repositories."),
                              QStringLiteral("ORG"));
const QCommandLineOption kRef(QStringLiteral("ref"), QStringLiteral("Branch or tag to run on."),
                              QStringLiteral("REF"));
const QCommandLineOption kInput(QStringLiteral("input"), QStringLiteral("A workflow input (repeatable)."),
                                QStringLiteral("KEY=VALUE"));
const QCommandLineOption kState(QStringLiteral("state"),
                                QStringLiteral("open, closed or all (default open)."),
                                QStringLiteral("STATE"), QStringLiteral("open"));
const QCommandLineOption kBody(QStringLiteral("body"), QStringLiteral("The comment text."),
                               QStringLiteral("TEXT"));
const QCommandLineOption
    kPreset(QStringLiteral("preset"),
            QStringLiteral("Post a comment preset instead of --body (see presets list)."),
            QStringLiteral("NAME"));
const QCommandLineOption kArgs(QStringLiteral("args"),
                               QStringLiteral("The preset's {{ args }} (e.g. /ask's question)."),
                               QStringLiteral("TEXT"));

// --- auth

int authStatus(CliContext &context, const QCommandLineParser &parser)
{
    auto client = makeClient(context);
    const SettingValue token = context.settings().value(setting::GitHubToken);
    const auto user = call<AuthenticatedUser>([&](auto done) { client->currentUser(done); });
    if (!user)
        return context.refused(user.error());
    const QString source =
        token.value.isEmpty()
            ? QStringLiteral("none")
            : toString(token.source) +
                  (token.origin.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(token.origin));
    const RateLimitState rate = client->rateLimit();
    const QDateTime now = client->connection().clock().now();
    if (parser.isSet(kJson)) {
        printJson(
            context,
            QJsonObject{
                {QStringLiteral("api_url"), context.settings().gitHubApiUrl().toString()},
                {QStringLiteral("user"), user->user.toJson()},
                {QStringLiteral("token_source"), source},
                {QStringLiteral("scopes"), user->scopesReported ? QJsonValue(user->scopes) : QJsonValue()},
                {QStringLiteral("rate_limit"),
                 QJsonObject{{QStringLiteral("limit"), rate.limit},
                             {QStringLiteral("remaining"), rate.remaining},
                             {QStringLiteral("used"), rate.used},
                             {QStringLiteral("resource"), rate.resource},
                             {QStringLiteral("rate_limited_until"),
                              rate.isBlocked(now) ? QJsonValue(rate.blockedUntil.toString(Qt::ISODate))
                                                  : QJsonValue()},
                             {QStringLiteral("reset"), rate.reset.isValid()
                                                           ? QJsonValue(rate.reset.toString(Qt::ISODate))
                                                           : QJsonValue()}}}});
        return ExitOk;
    }
    context.out() << "Logged in to " << context.settings().gitHubApiUrl().toString() << " as "
                  << user->user.login;
    if (!user->user.name.isEmpty())
        context.out() << " (" << user->user.name << ')';
    context.out() << "\nToken: " << source;
    if (!token.value.isEmpty())
        context.out() << ", " << SecretRedactor::mask(token.value);
    context.out() << "\nScopes: "
                  << (user->scopesReported
                          ? (user->scopes.isEmpty() ? QStringLiteral("(none)") : user->scopes)
                          : QStringLiteral("not reported (fine-grained token or GitHub App: "
                                           "permissions are checked per request)"))
                  << "\nRate limit: " << rate.describe(now) << '\n';
    return ExitOk;
}

// --- repos

int reposList(CliContext &context, const QCommandLineParser &parser)
{
    auto client = makeClient(context);
    const auto repos = call<QList<Repository>>([&](auto done) {
        if (parser.isSet(kOrg))
            client->listOrganizationRepositories(parser.value(kOrg), done);
        else
            client->listRepositories(done);
    });
    return printList(context, parser, repos, [&](const Repository &repo) {
        context.out() << repo.fullName << (repo.isPrivate ? "  (private)" : "")
                      << (repo.archived ? "  (archived)" : "")
                      << (repo.description.isEmpty() ? QString() : QStringLiteral("  ") + repo.description)
                      << '\n';
    });
}

// --- workflows

int workflowsList(CliContext &context, const QCommandLineParser &parser)
{
    const std::optional<QString> repo = context.repoArgument(parser.positionalArguments().at(0));
    if (!repo)
        return ExitUsage;
    auto client = makeClient(context);
    const auto workflows = call<QList<Workflow>>([&](auto done) { client->listWorkflows(*repo, done); });
    return printList(context, parser, workflows, [&](const Workflow &w) {
        context.out() << w.id << "  " << w.fileName() << "  " << w.name << "  " << w.state << '\n';
    });
}

int workflowsInputs(CliContext &context, const QCommandLineParser &parser)
{
    const std::optional<QString> repo = context.repoArgument(parser.positionalArguments().at(0));
    if (!repo)
        return ExitUsage;
    const QString workflow = parser.positionalArguments().at(1);
    auto client = makeClient(context);
    const auto inputs = call<QList<DispatchInput>>(
        [&](auto done) { client->workflowInputs(*repo, workflow, parser.value(kRef), done); });
    if (inputs && inputs->isEmpty() && !parser.isSet(kJson))
        context.out() << workflow << " takes no inputs.\n";
    return printList(context, parser, inputs, [&](const DispatchInput &input) {
        context.out() << input.name << "  " << DispatchInput::typeName(input.type)
                      << (input.required ? "  required" : "  optional");
        if (input.hasDefault)
            context.out() << "  default=" << input.defaultValue;
        if (!input.options.isEmpty())
            context.out() << "  options=" << input.options.join(QLatin1Char('|'));
        if (!input.description.isEmpty())
            context.out() << "  " << input.description;
        context.out() << '\n';
    });
}

int workflowsEnable(CliContext &context, const QCommandLineParser &parser, bool enable)
{
    const std::optional<QString> found = context.repoArgument(parser.positionalArguments().at(0));
    if (!found)
        return ExitUsage;
    const QString repo = *found;
    const QString workflow = parser.positionalArguments().at(1);
    auto client = makeClient(context);
    const auto status =
        recordedCall<Done>(context, enable ? ActionKind::EnableWorkflow : ActionKind::DisableWorkflow,
                           QStringLiteral("%1:%2").arg(repo, workflow),
                           [&](auto done) { client->setWorkflowEnabled(repo, workflow, enable, done); });
    if (!status)
        return context.refused(status.error());
    context.out() << workflow << (enable ? " enabled" : " disabled") << " in " << repo << ".\n";
    return ExitOk;
}

int workflowsDispatch(CliContext &context, const QCommandLineParser &parser)
{
    const std::optional<QString> found = context.repoArgument(parser.positionalArguments().at(0));
    if (!found)
        return ExitUsage;
    const QString repo = *found;
    QJsonObject inputs;
    for (const QString &input : parser.values(kInput)) {
        const qsizetype eq = input.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return context.usageError(QStringLiteral("--input \"%1\" is not KEY=VALUE").arg(input));
        inputs.insert(input.left(eq), input.mid(eq + 1));
    }
    const QString workflow = parser.positionalArguments().at(1);
    auto client = makeClient(context);
    const auto result = recordedCall<DispatchResult>(
        context, ActionKind::Dispatch, QStringLiteral("%1:%2@%3").arg(repo, workflow, parser.value(kRef)),
        [&](auto done) { client->dispatchWorkflow(repo, workflow, parser.value(kRef), inputs, done); });
    if (!result)
        return context.refused(result.error());
    if (parser.isSet(kJson)) {
        printJson(context, result->toJson());
        return ExitOk;
    }
    if (result->runId == 0) {
        context.out() << "Dispatched " << workflow << " on " << parser.value(kRef)
                      << "; the run is not visible yet (this server does not return run details).\n";
        return ExitOk;
    }
    context.out() << "Dispatched " << workflow << " on " << parser.value(kRef) << ": run " << result->runId
                  << '\n'
                  << (result->htmlUrl.isEmpty() ? result->runUrl : result->htmlUrl) << '\n';
    return ExitOk;
}

// --- pull requests and comments

int prsList(CliContext &context, const QCommandLineParser &parser)
{
    const std::optional<QString> found = context.repoArgument(parser.positionalArguments().at(0));
    if (!found)
        return ExitUsage;
    const QString repo = *found;
    auto client = makeClient(context);
    const auto pulls = call<QList<PullRequest>>(
        [&](auto done) { client->listPullRequests(repo, parser.value(kState), done); });
    if (!pulls)
        return context.refused(pulls.error());
    // Each pull request's head commit's checks, as GitHub's list shows them; a refused look-up (a token
    // without checks:read) leaves the state unknown rather than failing the list.
    QJsonArray json;
    for (const PullRequest &pr : *pulls) {
        const auto checks =
            call<ChecksSummary>([&](auto done) { client->checksFor(repo, pr.headSha, done); });
        if (parser.isSet(kJson)) {
            QJsonObject item = pr.toJson();
            item.insert(QStringLiteral("checks"), checks ? QJsonValue(checks->toJson()) : QJsonValue());
            json.append(item);
            continue;
        }
        context.out() << '#' << pr.number << "  " << pr.title << "  " << pr.headRef << " -> " << pr.baseRef
                      << "  " << pr.author << (pr.draft ? "  (draft)" : "")
                      << "  checks: " << (checks ? checks->describe() : QStringLiteral("unknown")) << '\n';
    }
    if (parser.isSet(kJson))
        printJson(context, json);
    return ExitOk;
}

int comment(CliContext &context, const QCommandLineParser &parser)
{
    const auto target = repoAndId(context, parser, QStringLiteral("PR_NUMBER"));
    if (!target)
        return ExitUsage;
    const QString repo = target->repo;
    const qint64 number = target->id;
    const bool hasBody = !parser.value(kBody).trimmed().isEmpty();
    if (hasBody == parser.isSet(kPreset))
        return context.usageError(QStringLiteral("give either --body TEXT or --preset NAME"));
    QString body = parser.value(kBody);
    if (parser.isSet(kPreset)) {
        // Rendered as a trigger would, with what is known without an event: the repository and the number.
        const PresetStore presets(context.settings().dataDir());
        CommentAction action;
        action.preset = parser.value(kPreset);
        action.args = parser.value(kArgs);
        QJsonObject templateContext{
            {QStringLiteral("repository"), repo},
            {QStringLiteral("event"),
             QJsonObject{{QStringLiteral("number"), double(number)},
                         {QStringLiteral("repository"), QJsonObject{{QStringLiteral("full_name"), repo}}}}}};
        const Result<QString> rendered = presets.renderComment(action, templateContext);
        if (!rendered)
            return context.refused(rendered.error());
        body = *rendered;
    }
    auto client = makeClient(context);
    const auto created =
        recordedCall<Comment>(context, ActionKind::Comment, QStringLiteral("%1#%2").arg(repo).arg(number),
                              [&](auto done) { client->createIssueComment(repo, int(number), body, done); });
    if (!created)
        return context.refused(created.error());
    if (parser.isSet(kJson)) {
        printJson(context, created->toJson());
        return ExitOk;
    }
    context.out() << "Commented on " << repo << '#' << number << ": " << created->htmlUrl << '\n';
    return ExitOk;
}

} // namespace

void registerGitHubCommands(CommandTable &table)
{
    const auto words = [](const char *a, const char *b = nullptr) {
        QStringList list{QString::fromLatin1(a)};
        if (b)
            list.append(QString::fromLatin1(b));
        return list;
    };
    table.add({.words = words("auth", "status"),
               .summary = QStringLiteral(
                   "Show who the token belongs to, where it came from, its scopes and the rate "
                   "limit."),
               .run = authStatus,
               .options = {kJson},
               .maxArguments = 0});
    table.add(
        {.words = words("repos", "list"),
         .summary = QStringLiteral("List your repositories (owned, collaborator, organisation member)."),
         .run = reposList,
         .options = {kOrg, kJson},
         .maxArguments = 0});
    table.add({.words = words("workflows", "list"),
               .arguments = QStringLiteral("OWNER/REPO"),
               .summary = QStringLiteral("List a repository's workflows."),
               .run = workflowsList,
               .options = {kJson},
               .minArguments = 1,
               .maxArguments = 1});
    table.add({.words = words("workflows", "inputs"),
               .arguments = QStringLiteral("OWNER/REPO WORKFLOW"),
               .summary = QStringLiteral("Show a workflow's workflow_dispatch inputs."),
               .run = workflowsInputs,
               .options = {kRef, kJson},
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("workflows", "enable"),
               .arguments = QStringLiteral("OWNER/REPO WORKFLOW"),
               .summary = QStringLiteral("Enable a workflow."),
               .run = [](CliContext &c, const QCommandLineParser &p) { return workflowsEnable(c, p, true); },
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("workflows", "disable"),
               .arguments = QStringLiteral("OWNER/REPO WORKFLOW"),
               .summary = QStringLiteral("Disable a workflow."),
               .run = [](CliContext &c, const QCommandLineParser &p) { return workflowsEnable(c, p, false); },
               .minArguments = 2,
               .maxArguments = 2});
    table.add({.words = words("workflows", "dispatch"),
               .arguments = QStringLiteral("OWNER/REPO WORKFLOW"),
               .summary = QStringLiteral("Run a workflow by hand; prints the run id and URL."),
               .run = workflowsDispatch,
               .options = {kRef, kInput, kJson},
               .minArguments = 2,
               .maxArguments = 2,
               .requiredOptions = kRef.names()});
    registerRunCommands(table); // between workflows and prs in the usage listing
    table.add({.words = words("prs", "list"),
               .arguments = QStringLiteral("OWNER/REPO"),
               .summary = QStringLiteral("List pull requests."),
               .run = prsList,
               .options = {kState, kJson},
               .minArguments = 1,
               .maxArguments = 1});
    table.add(
        {.words = words("comment"),
         .arguments = QStringLiteral("OWNER/REPO PR_NUMBER"),
         .summary = QStringLiteral("Comment on a pull request or issue: --body TEXT, or --preset NAME."),
         .run = comment,
         .options = {kBody, kPreset, kArgs, kJson},
         .minArguments = 2,
         .maxArguments = 2});
}

} // namespace exeserver::cli
