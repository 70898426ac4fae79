#include "assistant/assistanttools.h"

#include "github/githubclient.h"
#include "store/eventstore.h"
#include "triggers/triggerdryrun.h"
#include "triggers/triggerfile.h"
#include "triggers/triggerformat.h"

#include <QJsonDocument>
#include <QRegularExpression>

namespace exeserver {

namespace {

QString json(const QJsonValue &value)
{
    return QString::fromUtf8(value.isArray()
                                 ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                                 : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
}

QString str(const QJsonObject &args, const char *key)
{
    return args.value(QLatin1String(key)).toString().trimmed();
}

int intArg(const QJsonObject &args, const char *key, int fallback)
{
    const QJsonValue value = args.value(QLatin1String(key));
    const int n = value.isString() ? value.toString().toInt() : value.toInt(fallback);
    return n > 0 ? n : fallback;
}

QString when(const QDateTime &at)
{
    return at.isValid() ? at.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")) : QString();
}

// A Markdown cell: pipes and line breaks would break the table.
QString cell(QString text)
{
    text.replace(QLatin1Char('|'), QStringLiteral("\\|")).replace(QLatin1Char('\n'), QLatin1Char(' '));
    return text;
}

QString markdownTable(const QStringList &columns, const QList<QStringList> &rows)
{
    QString out = QStringLiteral("| ") + columns.join(QStringLiteral(" | ")) + QStringLiteral(" |\n|");
    for (qsizetype i = 0; i < columns.size(); ++i)
        out += QStringLiteral(" --- |");
    out += QLatin1Char('\n');
    for (const QStringList &row : rows) {
        QStringList cells;
        for (const QString &text : row)
            cells.append(cell(text));
        out += QStringLiteral("| ") + cells.join(QStringLiteral(" | ")) + QStringLiteral(" |\n");
    }
    return out;
}

QString outcomeOf(const QString &status, const QString &conclusion)
{
    return status == QLatin1String("completed") && !conclusion.isEmpty() ? conclusion : status;
}

QJsonObject schema(const QJsonObject &properties, const QStringList &required = {})
{
    return {{QStringLiteral("type"), QStringLiteral("object")},
            {QStringLiteral("properties"), properties},
            {QStringLiteral("required"), QJsonArray::fromStringList(required)}};
}

QJsonObject prop(const QString &type, const QString &description)
{
    return {{QStringLiteral("type"), type}, {QStringLiteral("description"), description}};
}

QJsonObject tool(const QString &name, const QString &description, const QJsonObject &parameters)
{
    return {{QStringLiteral("type"), QStringLiteral("function")},
            {QStringLiteral("function"), QJsonObject{{QStringLiteral("name"), name},
                                                     {QStringLiteral("description"), description},
                                                     {QStringLiteral("parameters"), parameters}}}};
}

ChatCard eventCard(const Event &event)
{
    ChatCard card;
    card.kind = QStringLiteral("event");
    card.title = event.type + (event.action.isEmpty() ? QString() : QLatin1Char(' ') + event.action) +
                 (event.repository.isEmpty() ? QString() : QStringLiteral(" · ") + event.repository);
    card.status = event.action;
    card.fields = {{QStringLiteral("Sender"), event.sender},
                   {QStringLiteral("Source"), event.source},
                   {QStringLiteral("Occurred"), when(event.occurredAt)},
                   {QStringLiteral("Id"), event.id}};
    card.actions = {
        {QStringLiteral("More %1 events").arg(event.type), QStringLiteral("/events %1").arg(event.type)}};
    return card;
}

} // namespace

AssistantTools::AssistantTools(EventStore *store, GitHubClient *github)
    : m_store(store)
    , m_github(github)
{
}

QJsonArray AssistantTools::definitions()
{
    const QJsonObject repo = prop(QStringLiteral("string"), QStringLiteral("Repository as OWNER/NAME"));
    const QJsonObject runId = prop(QStringLiteral("integer"), QStringLiteral("Workflow run id"));
    return {
        tool(QStringLiteral("list_repositories"), QStringLiteral("Repositories the GitHub token can see."),
             schema({})),
        tool(QStringLiteral("list_runs"),
             QStringLiteral("Recent workflow runs of a repository, newest first."),
             schema({{QStringLiteral("repo"), repo},
                     {QStringLiteral("branch"),
                      prop(QStringLiteral("string"), QStringLiteral("Only this branch"))},
                     {QStringLiteral("status"),
                      prop(QStringLiteral("string"), QStringLiteral("A status or conclusion, e.g. failure"))},
                     {QStringLiteral("limit"),
                      prop(QStringLiteral("integer"), QStringLiteral("At most this many"))}},
                    {QStringLiteral("repo")})),
        tool(QStringLiteral("list_workflows"), QStringLiteral("The workflows of a repository."),
             schema({{QStringLiteral("repo"), repo}}, {QStringLiteral("repo")})),
        tool(QStringLiteral("show_run"),
             QStringLiteral("A run's jobs and steps, and the log excerpt of the failing step."),
             schema({{QStringLiteral("repo"), repo}, {QStringLiteral("run_id"), runId}},
                    {QStringLiteral("repo"), QStringLiteral("run_id")})),
        tool(QStringLiteral("failed_runs"),
             QStringLiteral("Recently failed workflow runs seen in the event log."),
             schema({{QStringLiteral("limit"),
                      prop(QStringLiteral("integer"), QStringLiteral("At most this many"))}})),
        tool(QStringLiteral("search_events"),
             QStringLiteral(
                 "Search the stored GitHub events (webhooks, polling) by type, repository and text."),
             schema({{QStringLiteral("type"),
                      prop(QStringLiteral("string"), QStringLiteral("Event type, e.g. push, pull_request"))},
                     {QStringLiteral("repository"), repo},
                     {QStringLiteral("text"),
                      prop(QStringLiteral("string"), QStringLiteral("Words in the payload"))},
                     {QStringLiteral("limit"),
                      prop(QStringLiteral("integer"), QStringLiteral("At most this many"))}})),
        tool(QStringLiteral("list_triggers"),
             QStringLiteral("The automation triggers and whether they are enabled."), schema({})),
        tool(QStringLiteral("explain_trigger"),
             QStringLiteral("Dry run: why a trigger did or did not match a stored event, gate by gate."),
             schema(
                 {{QStringLiteral("trigger"), prop(QStringLiteral("string"), QStringLiteral("Trigger name"))},
                  {QStringLiteral("event_id"),
                   prop(QStringLiteral("string"), QStringLiteral("Stored event id"))}},
                 {QStringLiteral("trigger"), QStringLiteral("event_id")})),
        tool(QStringLiteral("draft_trigger"),
             QStringLiteral("Validate a trigger before proposing it. Returns the parser's error or the "
                            "normalised YAML.\n") +
                 TriggerFormat::description(),
             schema({{QStringLiteral("yaml"), prop(QStringLiteral("string"), QStringLiteral("The YAML"))}},
                    {QStringLiteral("yaml")})),
        tool(QStringLiteral("draft_comment"),
             QStringLiteral("Show a draft comment for an issue or pull request."),
             schema(
                 {{QStringLiteral("repo"), repo},
                  {QStringLiteral("number"),
                   prop(QStringLiteral("integer"), QStringLiteral("Issue or PR number"))},
                  {QStringLiteral("body"), prop(QStringLiteral("string"), QStringLiteral("Markdown body"))}},
                 {QStringLiteral("repo"), QStringLiteral("number"), QStringLiteral("body")})),
        tool(QStringLiteral("propose_dispatch"),
             QStringLiteral("Propose running a workflow (workflow_dispatch). Only a proposal: the user must "
                            "approve it before anything runs."),
             schema({{QStringLiteral("repo"), repo},
                     {QStringLiteral("workflow"),
                      prop(QStringLiteral("string"), QStringLiteral("File name or id"))},
                     {QStringLiteral("ref"), prop(QStringLiteral("string"), QStringLiteral("Branch or tag"))},
                     {QStringLiteral("inputs"),
                      prop(QStringLiteral("object"), QStringLiteral("Workflow inputs"))}},
                    {QStringLiteral("repo"), QStringLiteral("workflow"), QStringLiteral("ref")})),
        tool(QStringLiteral("propose_comment"),
             QStringLiteral("Propose posting a comment. Only a proposal: the user must approve it."),
             schema(
                 {{QStringLiteral("repo"), repo},
                  {QStringLiteral("number"),
                   prop(QStringLiteral("integer"), QStringLiteral("Issue or PR number"))},
                  {QStringLiteral("body"), prop(QStringLiteral("string"), QStringLiteral("Markdown body"))}},
                 {QStringLiteral("repo"), QStringLiteral("number"), QStringLiteral("body")})),
        tool(
            QStringLiteral("propose_rerun"),
            QStringLiteral("Propose re-running a workflow run. Only a proposal: the user must approve it."),
            schema({{QStringLiteral("repo"), repo},
                    {QStringLiteral("run_id"), runId},
                    {QStringLiteral("failed_only"),
                     prop(QStringLiteral("boolean"), QStringLiteral("Only the failed jobs (default true)"))}},
                   {QStringLiteral("repo"), QStringLiteral("run_id")})),
        tool(QStringLiteral("propose_cancel"),
             QStringLiteral("Propose cancelling a workflow run. Only a proposal: the user must approve it."),
             schema({{QStringLiteral("repo"), repo}, {QStringLiteral("run_id"), runId}},
                    {QStringLiteral("repo"), QStringLiteral("run_id")})),
        tool(QStringLiteral("propose_create_trigger"),
             QStringLiteral(
                 "Propose creating a trigger from YAML in the format draft_trigger describes "
                 "(validate it with draft_trigger first). Only a proposal: the user must approve it."),
             schema({{QStringLiteral("yaml"),
                      prop(QStringLiteral("string"), QStringLiteral("One trigger's YAML"))}},
                    {QStringLiteral("yaml")})),
        tool(QStringLiteral("propose_enable_trigger"),
             QStringLiteral(
                 "Propose enabling or disabling a trigger. Only a proposal: the user must approve it."),
             schema({{QStringLiteral("name"), prop(QStringLiteral("string"), QStringLiteral("Trigger name"))},
                     {QStringLiteral("enabled"),
                      prop(QStringLiteral("boolean"), QStringLiteral("true to enable"))}},
                    {QStringLiteral("name")})),
    };
}

QString AssistantTools::proposalOperation(const QString &toolName)
{
    static const QString prefix = QStringLiteral("propose_");
    return toolName.startsWith(prefix) ? toolName.mid(prefix.size()) : QString();
}

void AssistantTools::call(const QString &name, const QJsonObject &args, Done done)
{
    if (name == QLatin1String("list_repositories"))
        return listRepositories(std::move(done));
    if (name == QLatin1String("list_runs"))
        return listRuns(args, std::move(done));
    if (name == QLatin1String("list_workflows"))
        return listWorkflows(args, std::move(done));
    if (name == QLatin1String("show_run"))
        return showRun(args, std::move(done));
    if (name == QLatin1String("failed_runs"))
        return done(failedRuns(args));
    if (name == QLatin1String("search_events"))
        return done(searchEvents(args));
    if (name == QLatin1String("list_triggers"))
        return done(listTriggers());
    if (name == QLatin1String("explain_trigger"))
        return done(explainTrigger(args));
    if (name == QLatin1String("draft_trigger"))
        return done(draftTrigger(args));
    if (name == QLatin1String("draft_comment"))
        return done(draftComment(args));
    done(ToolResult::error(QStringLiteral("There is no tool called \"%1\".").arg(name)));
}

bool AssistantTools::needGitHub(const Done &done) const
{
    if (m_github)
        return true;
    done(ToolResult::error(QStringLiteral(
        "ExeServer is not connected to GitHub: set GITHUB_TOKEN or sign in with `gh auth login`.")));
    return false;
}

bool AssistantTools::needStore(ToolResult &result) const
{
    if (m_store)
        return true;
    result =
        ToolResult::error(QStringLiteral("The event store is not open, so there is no event log to read."));
    return false;
}

ChatCard AssistantTools::runCard(const QString &repo, const WorkflowRun &run)
{
    ChatCard card;
    card.kind = QStringLiteral("run");
    card.title = QStringLiteral("%1 #%2 · %3").arg(run.name).arg(run.runNumber).arg(run.displayTitle);
    card.status = outcomeOf(run.status, run.conclusion);
    card.url = run.htmlUrl;
    card.fields = {{QStringLiteral("Repository"), repo},
                   {QStringLiteral("Branch"), run.headBranch},
                   {QStringLiteral("Event"), run.event},
                   {QStringLiteral("Actor"), run.actor},
                   {QStringLiteral("Created"), when(run.createdAt)},
                   {QStringLiteral("Run id"), QString::number(run.id)}};
    card.actions.append({QStringLiteral("Jobs and log"), QStringLiteral("/run %1 %2").arg(repo).arg(run.id)});
    if (run.status == QLatin1String("completed") && run.conclusion != QLatin1String("success"))
        card.actions.append(
            {QStringLiteral("Re-run failed jobs"), QStringLiteral("/rerun %1 %2").arg(repo).arg(run.id)});
    if (run.status != QLatin1String("completed"))
        card.actions.append(
            {QStringLiteral("Cancel"), QStringLiteral("/cancel %1 %2").arg(repo).arg(run.id)});
    return card;
}

void AssistantTools::listRepositories(Done done)
{
    if (!needGitHub(done))
        return;
    m_github->listRepositories([done](Result<QList<Repository>> repos) {
        if (!repos)
            return done(ToolResult::error(repos.error().message));
        ToolResult result;
        QJsonArray forModel;
        ChatCard table;
        table.kind = QStringLiteral("table");
        table.title = QStringLiteral("%1 repositories").arg(repos->size());
        table.columns = {QStringLiteral("Repository"), QStringLiteral("Default branch"),
                         QStringLiteral("Visibility"), QStringLiteral("Pushed")};
        for (const Repository &repo : *repos) {
            forModel.append(QJsonObject{{QStringLiteral("full_name"), repo.fullName},
                                        {QStringLiteral("default_branch"), repo.defaultBranch},
                                        {QStringLiteral("private"), repo.isPrivate},
                                        {QStringLiteral("archived"), repo.archived}});
            table.rows.append({repo.fullName, repo.defaultBranch,
                               repo.isPrivate ? QStringLiteral("private") : QStringLiteral("public"),
                               when(repo.pushedAt)});
        }
        result.forModel = json(forModel);
        result.cards = {table};
        done(result);
    });
}

void AssistantTools::listRuns(const QJsonObject &args, Done done)
{
    if (!needGitHub(done))
        return;
    const QString repo = str(args, "repo");
    RunFilter filter;
    filter.branch = str(args, "branch");
    filter.status = str(args, "status");
    filter.limit = qMin(intArg(args, "limit", 10), 50);
    m_github->listRuns(repo, filter, [done, repo](Result<QList<WorkflowRun>> runs) {
        if (!runs)
            return done(ToolResult::error(runs.error().message));
        ToolResult result;
        QJsonArray forModel;
        QList<QStringList> rows;
        for (const WorkflowRun &run : *runs) {
            forModel.append(QJsonObject{{QStringLiteral("id"), run.id},
                                        {QStringLiteral("workflow"), run.name},
                                        {QStringLiteral("title"), run.displayTitle},
                                        {QStringLiteral("status"), run.status},
                                        {QStringLiteral("conclusion"), run.conclusion},
                                        {QStringLiteral("branch"), run.headBranch},
                                        {QStringLiteral("event"), run.event},
                                        {QStringLiteral("created_at"), run.createdAt.toString(Qt::ISODate)}});
            rows.append({QString::number(run.id), run.name, outcomeOf(run.status, run.conclusion),
                         run.headBranch, when(run.createdAt)});
            if (result.cards.size() < 3) // the table lists them all; cards for the newest, with buttons
                result.cards.append(runCard(repo, run));
        }
        result.forModel = json(forModel);
        result.markdown = runs->isEmpty()
                              ? QStringLiteral("No runs in %1.").arg(repo)
                              : QStringLiteral("**Runs in %1**\n\n").arg(repo) +
                                    markdownTable({QStringLiteral("Run"), QStringLiteral("Workflow"),
                                                   QStringLiteral("Result"), QStringLiteral("Branch"),
                                                   QStringLiteral("Created")},
                                                  rows);
        done(result);
    });
}

void AssistantTools::listWorkflows(const QJsonObject &args, Done done)
{
    if (!needGitHub(done))
        return;
    const QString repo = str(args, "repo");
    const QString ref = str(args, "ref").isEmpty() ? QStringLiteral("main") : str(args, "ref");
    m_github->listWorkflows(repo, [done, repo, ref](Result<QList<Workflow>> workflows) {
        if (!workflows)
            return done(ToolResult::error(workflows.error().message));
        ToolResult result;
        QJsonArray forModel;
        for (const Workflow &workflow : *workflows) {
            forModel.append(QJsonObject{{QStringLiteral("id"), workflow.id},
                                        {QStringLiteral("name"), workflow.name},
                                        {QStringLiteral("file"), workflow.fileName()},
                                        {QStringLiteral("state"), workflow.state}});
            ChatCard card;
            card.kind = QStringLiteral("workflow");
            card.title = workflow.name;
            card.status = workflow.isActive() ? QStringLiteral("active") : workflow.state;
            card.url = workflow.htmlUrl;
            card.fields = {{QStringLiteral("Repository"), repo}, {QStringLiteral("File"), workflow.path}};
            card.actions = {{QStringLiteral("Runs"), QStringLiteral("/runs %1").arg(repo)},
                            {QStringLiteral("Dispatch on %1").arg(ref),
                             QStringLiteral("/dispatch %1 %2 %3").arg(repo, workflow.fileName(), ref)}};
            result.cards.append(card);
        }
        result.forModel = json(forModel);
        if (workflows->isEmpty())
            result.markdown = QStringLiteral("%1 has no workflows.").arg(repo);
        done(result);
    });
}

QString AssistantTools::logExcerpt(const QByteArray &log, int maxChars)
{
    static const QRegularExpression timestamp(QStringLiteral("^\\x{feff}?\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z "));
    static const QRegularExpression ansi(QStringLiteral("\\x1b\\[[0-9;]*m"));
    QStringList lines = QString::fromUtf8(log).split(QLatin1Char('\n'));
    for (QString &line : lines) {
        line.remove(timestamp);
        line.remove(ansi);
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
    }
    qsizetype firstError = -1;
    for (qsizetype i = 0; i < lines.size() && firstError < 0; ++i) {
        if (lines.at(i).startsWith(QLatin1String("##[error]")))
            firstError = i;
    }
    const qsizetype end = firstError >= 0 ? qMin(lines.size(), firstError + 5) : lines.size();
    const qsizetype start = qMax<qsizetype>(0, (firstError >= 0 ? firstError : end) - 25);
    QString excerpt = lines.mid(start, end - start).join(QLatin1Char('\n')).trimmed();
    if (excerpt.size() > maxChars)
        excerpt = QStringLiteral("…") + excerpt.right(maxChars);
    return excerpt;
}

void AssistantTools::showRun(const QJsonObject &args, Done done)
{
    if (!needGitHub(done))
        return;
    const QString repo = str(args, "repo");
    const qint64 runId = args.value(QLatin1String("run_id")).isString()
                             ? args.value(QLatin1String("run_id")).toString().toLongLong()
                             : qint64(args.value(QLatin1String("run_id")).toDouble());
    QPointer<GitHubClient> github = m_github;
    github->getRun(repo, runId, [github, done, repo, runId](Result<WorkflowRun> run) {
        if (!run)
            return done(ToolResult::error(run.error().message));
        if (!github)
            return done(ToolResult::error(QStringLiteral("The GitHub connection went away.")));
        const WorkflowRun runValue = *run;
        github->listJobs(repo, runId, [github, done, repo, runValue](Result<QList<Job>> jobs) {
            if (!jobs)
                return done(ToolResult::error(jobs.error().message));
            ToolResult result;
            result.cards.append(runCard(repo, runValue));
            QJsonArray forModel;
            QList<QStringList> rows;
            const Job *failing = nullptr;
            QString failingStep;
            for (const Job &job : *jobs) {
                QJsonArray steps;
                for (const Step &step : job.steps) {
                    steps.append(
                        QJsonObject{{QStringLiteral("name"), step.name},
                                    {QStringLiteral("conclusion"), outcomeOf(step.status, step.conclusion)}});
                    if (!failing && step.conclusion == QLatin1String("failure")) {
                        failing = &job;
                        failingStep = step.name;
                    }
                }
                if (!failing && job.conclusion == QLatin1String("failure"))
                    failing = &job;
                forModel.append(
                    QJsonObject{{QStringLiteral("id"), job.id},
                                {QStringLiteral("name"), job.name},
                                {QStringLiteral("conclusion"), outcomeOf(job.status, job.conclusion)},
                                {QStringLiteral("steps"), steps}});
                rows.append(
                    {job.name, outcomeOf(job.status, job.conclusion), QString::number(job.steps.size())});
            }
            result.markdown = markdownTable(
                {QStringLiteral("Job"), QStringLiteral("Result"), QStringLiteral("Steps")}, rows);
            QJsonObject model{{QStringLiteral("run"), runValue.toJson()}, {QStringLiteral("jobs"), forModel}};
            if (!failing || !github) {
                result.forModel = json(model);
                return done(result);
            }
            const QString jobName = failing->name;
            github->jobLogs(
                repo, failing->id,
                [done, result, model, jobName, failingStep](Result<QByteArray> log) mutable {
                    const QString excerpt =
                        log ? logExcerpt(*log)
                            : QStringLiteral("(log unavailable: %1)").arg(log.error().message);
                    model.insert(QStringLiteral("failing_job"), jobName);
                    model.insert(QStringLiteral("failing_step"), failingStep);
                    model.insert(QStringLiteral("log_excerpt"), excerpt);
                    result.forModel = json(model);
                    result.markdown +=
                        QStringLiteral("\n**Failing step:** %1 › %2\n\n```\n%3\n```\n")
                            .arg(jobName, failingStep.isEmpty() ? QStringLiteral("?") : failingStep, excerpt);
                    done(result);
                });
        });
    });
}

ToolResult AssistantTools::failedRuns(const QJsonObject &args) const
{
    ToolResult result;
    if (!needStore(result))
        return result;
    EventQuery query;
    query.type = QStringLiteral("workflow_run");
    query.action = QStringLiteral("completed");
    query.includePayload = true;
    query.limit = 200;
    const Result<EventPage> page = m_store->events(query);
    if (!page)
        return ToolResult::error(page.error().message);
    const int limit = qMin(intArg(args, "limit", 10), 50);
    QJsonArray forModel;
    QSet<qint64> seen;
    for (const Event &event : page->events) {
        const QJsonObject payload = QJsonDocument::fromJson(event.payload).object();
        const WorkflowRun run =
            WorkflowRun::fromJson(payload.value(QStringLiteral("workflow_run")).toObject());
        if (run.conclusion != QLatin1String("failure") || seen.contains(run.id))
            continue;
        seen.insert(run.id);
        forModel.append(QJsonObject{{QStringLiteral("repo"), event.repository},
                                    {QStringLiteral("id"), run.id},
                                    {QStringLiteral("workflow"), run.name},
                                    {QStringLiteral("branch"), run.headBranch},
                                    {QStringLiteral("title"), run.displayTitle}});
        result.cards.append(runCard(event.repository, run));
        if (result.cards.size() >= limit)
            break;
    }
    result.forModel = json(forModel);
    result.markdown = result.cards.isEmpty()
                          ? QStringLiteral("No failed runs in the event log.")
                          : QStringLiteral("**%1 failed run(s)** in the event log:").arg(result.cards.size());
    return result;
}

ToolResult AssistantTools::searchEvents(const QJsonObject &args) const
{
    ToolResult result;
    if (!needStore(result))
        return result;
    EventQuery query;
    query.type = str(args, "type");
    query.repository = str(args, "repository");
    query.text = str(args, "text");
    query.limit = qMin(intArg(args, "limit", 10), 50);
    const Result<EventPage> page = m_store->events(query);
    if (!page)
        return ToolResult::error(page.error().message);
    QJsonArray forModel;
    QList<QStringList> rows;
    for (const Event &event : page->events) {
        forModel.append(QJsonObject{{QStringLiteral("id"), event.id},
                                    {QStringLiteral("type"), event.type},
                                    {QStringLiteral("action"), event.action},
                                    {QStringLiteral("repository"), event.repository},
                                    {QStringLiteral("sender"), event.sender},
                                    {QStringLiteral("occurred_at"), event.occurredAt.toString(Qt::ISODate)}});
        rows.append({event.type, event.action, event.repository, event.sender, when(event.occurredAt)});
        if (result.cards.size() < 3)
            result.cards.append(eventCard(event));
    }
    result.forModel = json(forModel);
    const QString what =
        query.type.isEmpty() ? QStringLiteral("events") : QStringLiteral("`%1` events").arg(query.type);
    result.markdown = page->events.isEmpty()
                          ? QStringLiteral("No %1 in the event log.").arg(what)
                          : QStringLiteral("**%1 %2**, newest first\n\n").arg(page->events.size()).arg(what) +
                                markdownTable({QStringLiteral("Type"), QStringLiteral("Action"),
                                               QStringLiteral("Repository"), QStringLiteral("Sender"),
                                               QStringLiteral("Occurred")},
                                              rows);
    return result;
}

ToolResult AssistantTools::listTriggers() const
{
    ToolResult result;
    if (!needStore(result))
        return result;
    const Result<QList<Trigger>> triggers = loadStoredTriggers(*m_store);
    if (!triggers)
        return ToolResult::error(triggers.error().message);
    QJsonArray forModel;
    for (const Trigger &trigger : *triggers) {
        forModel.append(QJsonObject{{QStringLiteral("name"), trigger.name},
                                    {QStringLiteral("event"), trigger.event},
                                    {QStringLiteral("enabled"), trigger.enabled}});
        ChatCard card;
        card.kind = QStringLiteral("trigger");
        card.title = trigger.name;
        card.status = trigger.enabled ? QStringLiteral("enabled") : QStringLiteral("disabled");
        card.fields = {
            {QStringLiteral("Event"), trigger.event.isEmpty() ? QStringLiteral("*") : trigger.event},
            {QStringLiteral("Actions"), trigger.actions.join(QStringLiteral(", "))}};
        card.actions = {trigger.enabled ? CardAction{QStringLiteral("Disable"),
                                                     QStringLiteral("/trigger disable %1").arg(trigger.name)}
                                        : CardAction{QStringLiteral("Enable"),
                                                     QStringLiteral("/trigger enable %1").arg(trigger.name)}};
        result.cards.append(card);
    }
    result.forModel = json(forModel);
    if (triggers->isEmpty())
        result.markdown = QStringLiteral("No triggers yet.");
    return result;
}

ToolResult AssistantTools::explainTrigger(const QJsonObject &args) const
{
    ToolResult result;
    if (!needStore(result))
        return result;
    const Result<TriggerDryRun> dry =
        TriggerDryRun::run(*m_store, str(args, "trigger"), str(args, "event_id"));
    if (!dry)
        return ToolResult::error(dry.error().message);
    ChatCard card;
    card.kind = QStringLiteral("trigger");
    card.title = QStringLiteral("%1 against %2 %3")
                     .arg(dry->trigger.name, dry->event.type, dry->event.action)
                     .trimmed();
    card.status = dry->result.matched ? QStringLiteral("matched") : QStringLiteral("no match");
    card.fields = {{QStringLiteral("Event"), dry->event.id}};
    if (!dry->result.matched)
        card.fields.append({QStringLiteral("Why not"), dry->result.reason});
    card.columns = {QStringLiteral("Check"), QStringLiteral("Result"), QStringLiteral("Detail")};
    QJsonArray steps;
    for (const MatchStep &step : dry->result.steps) {
        card.rows.append(
            {step.check, step.passed ? QStringLiteral("pass") : QStringLiteral("FAIL"), step.detail});
        steps.append(QJsonObject{{QStringLiteral("check"), step.check},
                                 {QStringLiteral("passed"), step.passed},
                                 {QStringLiteral("detail"), step.detail}});
    }
    for (const ConditionTrace &node : dry->result.conditions) {
        QString detail = node.field;
        if (!node.expected.isUndefined() && !node.expected.isNull())
            detail += QStringLiteral(" expected ") + json(QJsonArray{node.expected}).mid(1).chopped(1);
        if (!node.seen.isEmpty())
            detail += QStringLiteral(", saw ") + json(node.seen);
        if (!node.note.isEmpty())
            detail += QStringLiteral(" [%1]").arg(node.note);
        card.rows.append({QString(node.depth * 2, QLatin1Char(' ')) + node.node,
                          node.matched ? QStringLiteral("pass") : QStringLiteral("FAIL"), detail.trimmed()});
        steps.append(QJsonObject{{QStringLiteral("condition"), node.node},
                                 {QStringLiteral("passed"), node.matched},
                                 {QStringLiteral("detail"), detail.trimmed()}});
    }
    for (const QString &line : dry->wouldRunLines())
        card.fields.append({QStringLiteral("Would run"), line});
    card.actions = {dry->trigger.enabled
                        ? CardAction{QStringLiteral("Disable"),
                                     QStringLiteral("/trigger disable %1").arg(dry->trigger.name)}
                        : CardAction{QStringLiteral("Enable"),
                                     QStringLiteral("/trigger enable %1").arg(dry->trigger.name)}};
    result.cards = {card};
    result.forModel =
        json(QJsonObject{{QStringLiteral("trigger"), dry->trigger.name},
                         {QStringLiteral("event_id"), dry->event.id},
                         {QStringLiteral("matched"), dry->result.matched},
                         {QStringLiteral("reason"), dry->result.reason},
                         {QStringLiteral("checks"), steps},
                         {QStringLiteral("would_run"), QJsonArray::fromStringList(dry->wouldRunLines())}});
    result.markdown =
        dry->result.matched
            ? QStringLiteral("**%1** matches this event (dry run: nothing ran).").arg(dry->trigger.name)
            : QStringLiteral("**%1** does not match: %2").arg(dry->trigger.name, dry->result.reason);
    return result;
}

ToolResult AssistantTools::draftTrigger(const QJsonObject &args)
{
    const QString yaml = args.value(QLatin1String("yaml")).toString();
    const Result<QList<Trigger>> parsed = TriggerFile::parse(yaml.toUtf8(), TriggerFile::Format::Yaml);
    if (!parsed)
        return ToolResult::error(
            QStringLiteral("The trigger YAML is not valid: %1").arg(parsed.error().message));
    if (parsed->isEmpty())
        return ToolResult::error(
            QStringLiteral("The trigger YAML holds no trigger: start with `triggers:`."));
    const QString normalised = QString::fromUtf8(TriggerFile::toYaml(*parsed));
    ToolResult result;
    result.forModel =
        json(QJsonObject{{QStringLiteral("valid"), true}, {QStringLiteral("yaml"), normalised}});
    result.markdown = QStringLiteral("Draft trigger (valid):\n\n```yaml\n%1```\n").arg(normalised);
    if (parsed->size() == 1) {
        ChatCard card;
        card.kind = QStringLiteral("trigger");
        card.title = parsed->first().name;
        card.status = QStringLiteral("draft");
        card.fields = {{QStringLiteral("Event"), parsed->first().event}};
        card.actions = {{QStringLiteral("Create this trigger…"),
                         QStringLiteral("/propose create_trigger ") +
                             json(QJsonObject{{QStringLiteral("yaml"), normalised}})}};
        result.cards = {card};
    }
    return result;
}

ToolResult AssistantTools::draftComment(const QJsonObject &args)
{
    const QString repo = str(args, "repo");
    const int number = intArg(args, "number", 0);
    const QString body = args.value(QLatin1String("body")).toString();
    if (number <= 0 || body.trimmed().isEmpty())
        return ToolResult::error(QStringLiteral("A draft comment needs a number and a body."));
    ToolResult result;
    result.forModel = json(QJsonObject{{QStringLiteral("draft"), true}, {QStringLiteral("body"), body}});
    result.markdown = QStringLiteral("Draft comment for %1#%2:\n\n%3").arg(repo).arg(number).arg(body);
    ChatCard card;
    card.kind = QStringLiteral("comment");
    card.title = QStringLiteral("Draft comment on %1#%2").arg(repo).arg(number);
    card.status = QStringLiteral("draft");
    card.actions = {
        {QStringLiteral("Post this comment…"),
         QStringLiteral("/propose comment ") + json(QJsonObject{{QStringLiteral("repo"), repo},
                                                                {QStringLiteral("number"), number},
                                                                {QStringLiteral("body"), body}})}};
    result.cards = {card};
    return result;
}

} // namespace exeserver
