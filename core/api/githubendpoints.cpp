// /api/v1/repos: the dashboard's selected repositories — runs and workflows through the dashboard's client
// and cache, and the two writes the dashboard makes (dispatch, pre-set comment), recorded in the action log.
#include "api/apiendpoints.h"
#include "api/apiserver.h"
#include "github/githubclient.h"
#include "store/recordedaction.h"
#include "triggers/presetstore.h"

#include <QJsonArray>

namespace exeserver {

namespace {

constexpr int kMaxRuns = 100;

// The repository of /repos/{owner}/{repo}/…, when the dashboard has it selected and there is a client.
struct Target
{
    QString repo;
    GitHubClient *client = nullptr;
};

std::optional<Target> target(ApiCall &call, const ApiSources &sources)
{
    const QString repo = call.params.at(0) + QLatin1Char('/') + call.params.at(1);
    const QStringList selected = sources.repositories ? sources.repositories() : QStringList{};
    if (!selected.contains(repo, Qt::CaseInsensitive)) {
        call.respond(api::error(403, QStringLiteral("not_selected"),
                                QStringLiteral("%1 is not one of the dashboard's selected repositories (GET "
                                               "/api/v1/repos lists them).")
                                    .arg(repo)));
        return std::nullopt;
    }
    GitHubClient *client = sources.github ? sources.github() : nullptr;
    if (!client) {
        call.respond(api::error(503, QStringLiteral("no_github"),
                                QStringLiteral("No GitHub token is set here, so GitHub cannot be asked.")));
        return std::nullopt;
    }
    return Target{repo, client};
}

HttpResponse gitHubError(const Error &error)
{
    return api::error(502, QStringLiteral("github"), error.message);
}

void listRepositories(ApiCall &call, const ApiSources &sources)
{
    if (!apicheck::onlyQuery(call, {}))
        return;
    const QStringList selected = sources.repositories ? sources.repositories() : QStringList{};
    call.respond(
        api::json(200, QJsonObject{{QStringLiteral("repositories"), QJsonArray::fromStringList(selected)}}));
}

// The dashboard's request (30 newest runs) is answered from the same ETag cache entry.
void listRuns(ApiCall &call, const ApiSources &sources)
{
    if (!apicheck::onlyQuery(call, {QStringLiteral("limit")}))
        return;
    const std::optional<int> limit = apicheck::pageSize(call, 30, kMaxRuns);
    const std::optional<Target> at = limit ? target(call, sources) : std::nullopt;
    if (!at)
        return;
    RunFilter filter;
    filter.limit = *limit;
    at->client->listRuns(at->repo, filter, [respond = call.respond](Result<QList<WorkflowRun>> runs) {
        if (!runs)
            return respond(gitHubError(runs.error()));
        QJsonArray rows;
        for (const WorkflowRun &run : *runs)
            rows.append(run.toJson());
        respond(api::json(200, QJsonObject{{QStringLiteral("runs"), rows}}));
    });
}

void listWorkflows(ApiCall &call, const ApiSources &sources)
{
    if (!apicheck::onlyQuery(call, {}))
        return;
    const std::optional<Target> at = target(call, sources);
    if (!at)
        return;
    at->client->listWorkflows(at->repo, [respond = call.respond](Result<QList<Workflow>> workflows) {
        if (!workflows)
            return respond(gitHubError(workflows.error()));
        QJsonArray rows;
        for (const Workflow &workflow : *workflows)
            rows.append(workflow.toJson());
        respond(api::json(200, QJsonObject{{QStringLiteral("workflows"), rows}}));
    });
}

// Answers once the action is finished: 200 with what GitHub said, or 502 with why not. The action log has
// it either way, as the dispatch dialog's would.
void recorded(const ApiRespond &respond, EventStore *store, ActionKind kind, const QString &what,
              const ActionCall &run, std::function<QJsonObject()> result)
{
    const Status started = runRecordedAction(store, kind, what, run, [respond, what, result](Status status) {
        if (!status)
            return respond(gitHubError(status.error()));
        QJsonObject body = result();
        body.insert(QStringLiteral("target"), what);
        body.insert(QStringLiteral("status"), QStringLiteral("success"));
        respond(api::json(200, body));
    });
    if (!started)
        respond(api::error(500, QStringLiteral("action_log"),
                           QStringLiteral("The action log cannot be written, so nothing was done: %1")
                               .arg(started.error().message)));
}

void dispatch(ApiCall &call, const ApiSources &sources)
{
    if (!apicheck::onlyQuery(call, {}))
        return;
    const std::optional<QJsonObject> body =
        apicheck::body(call, {QStringLiteral("workflow"), QStringLiteral("ref"), QStringLiteral("inputs")});
    if (!body)
        return;
    const QString workflow = body->value(QStringLiteral("workflow")).toString();
    const QString ref = body->value(QStringLiteral("ref")).toString();
    const QJsonValue inputs = body->value(QStringLiteral("inputs"));
    if (workflow.isEmpty() || ref.isEmpty() || !(inputs.isUndefined() || inputs.isObject()))
        return call.respond(
            api::error(422, QStringLiteral("missing_field"),
                       QStringLiteral("Send \"workflow\" (file name or id) and \"ref\" (branch or "
                                      "tag); \"inputs\", when given, is an object.")));
    const std::optional<Target> at = target(call, sources);
    if (!at)
        return;
    auto outcome = std::make_shared<DispatchResult>();
    GitHubClient *client = at->client;
    const QString repo = at->repo;
    const QJsonObject values = inputs.toObject();
    recorded(
        call.respond, sources.store, ActionKind::Dispatch,
        QStringLiteral("%1:%2@%3").arg(repo, workflow, ref),
        [client, repo, workflow, ref, values, outcome](auto done) {
            client->dispatchWorkflow(repo, workflow, ref, values,
                                     [done, outcome](Result<DispatchResult> result) {
                                         if (result)
                                             *outcome = *result;
                                         done(result ? success() : Status(result.error()));
                                     });
        },
        [outcome]() {
            return QJsonObject{
                {QStringLiteral("run_id"), outcome->runId ? QJsonValue(outcome->runId) : QJsonValue()},
                {QStringLiteral("html_url"),
                 outcome->htmlUrl.isEmpty() ? QJsonValue() : QJsonValue(outcome->htmlUrl)}};
        });
}

// The pre-set comment dialog's post: the preset rendered with the pull request (or issue) and `args`.
void presetComment(ApiCall &call, const ApiSources &sources)
{
    if (!apicheck::onlyQuery(call, {}))
        return;
    const std::optional<QJsonObject> body =
        apicheck::body(call, {QStringLiteral("number"), QStringLiteral("preset"), QStringLiteral("args")});
    if (!body)
        return;
    const int number = body->value(QStringLiteral("number")).toInt();
    const QString preset = body->value(QStringLiteral("preset")).toString();
    if (number < 1 || preset.isEmpty())
        return call.respond(
            api::error(422, QStringLiteral("missing_field"),
                       QStringLiteral("Send \"number\" (the pull request or issue) and \"preset\" "
                                      "(a preset's name; \"args\" fills its {{ args }}).")));
    const std::optional<Target> at = target(call, sources);
    if (!at)
        return;
    GitHubClient *client = at->client;
    const QString repo = at->repo;
    const QString args = body->value(QStringLiteral("args")).toString();
    const QString presetDir = sources.presetDir;
    EventStore *store = sources.store;
    // The request is gone once the handler returns: the callback keeps only the responder.
    client->getPullRequest(
        repo, number,
        [respond = call.respond, client, repo, number, preset, args, presetDir,
         store](Result<PullRequest> pr) {
            if (!pr)
                return respond(gitHubError(pr.error()));
            CommentAction action;
            action.preset = preset;
            action.args = args;
            const QJsonObject context{
                {QStringLiteral("repository"), QJsonObject{{QStringLiteral("full_name"), repo}}},
                {QStringLiteral("pull_request"), pr->toJson()},
                {QStringLiteral("number"), number}};
            const Result<QString> rendered = PresetStore(presetDir).renderComment(action, context);
            if (!rendered)
                return respond(api::error(422, QStringLiteral("preset"), rendered.error().message));
            const QString text = *rendered;
            recorded(
                respond, store, ActionKind::Comment, QStringLiteral("%1#%2").arg(repo).arg(number),
                [client, repo, number, text](auto done) {
                    client->createIssueComment(repo, number, text, [done](Result<Comment> result) {
                        done(result ? success() : Status(result.error()));
                    });
                },
                [text]() {
                    return QJsonObject{{QStringLiteral("body"), text}};
                });
        });
}

} // namespace

void addGitHubRoutes(ApiRouter &router, const ApiSources &sources)
{
    router.add("GET", QStringLiteral("/api/v1/repos"),
               [&sources](ApiCall &call) { listRepositories(call, sources); });
    router.add("GET", QStringLiteral("/api/v1/repos/{owner}/{repo}/runs"),
               [&sources](ApiCall &call) { listRuns(call, sources); });
    router.add("GET", QStringLiteral("/api/v1/repos/{owner}/{repo}/workflows"),
               [&sources](ApiCall &call) { listWorkflows(call, sources); });
    router.add("POST", QStringLiteral("/api/v1/repos/{owner}/{repo}/dispatch"),
               [&sources](ApiCall &call) { dispatch(call, sources); });
    router.add("POST", QStringLiteral("/api/v1/repos/{owner}/{repo}/comments"),
               [&sources](ApiCall &call) { presetComment(call, sources); });
}

} // namespace exeserver
