#pragma once

#include "assistant/chattypes.h"
#include "github/githubclient.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>

#include <functional>

namespace exeserver {

class EventStore;

struct Job;
struct WorkflowRun;

// What the assistant can look at, as OpenAI function tools: repositories, runs (with the failing step's log),
// workflows, the event log, triggers and their dry run, drafts of triggers and comments. Every tool only
// reads; changes are the `propose_*` tools, which ChatSession turns into proposal cards (ProposalRunner).
// Results carry JSON for the model and Markdown and cards for people; local slash commands use the same.
class AssistantTools
{
public:
    using Done = std::function<void(ToolResult)>;

    AssistantTools(EventStore *store, GitHubClient *github);
    void setGitHub(GitHubClient *github) { m_github = github; }
    void setStore(EventStore *store) { m_store = store; }

    // The function definitions (JSON schema) sent with every request, read-only tools and propose_* tools.
    static QJsonArray definitions();
    // "propose_dispatch" → "dispatch"; empty for a read-only tool.
    static QString proposalOperation(const QString &toolName);

    // Runs a read-only tool; `done` runs later (GitHub) or at once (store).
    void call(const QString &name, const QJsonObject &arguments, Done done);

    // Cards, shared with the views of proposals and local commands.
    static ChatCard runCard(const QString &repo, const WorkflowRun &run);

    // The lines around a job log's first error (or its end), timestamps removed, at most `maxChars`.
    static QString logExcerpt(const QByteArray &log, int maxChars = 3000);

private:
    void listRepositories(Done done);
    void listRuns(const QJsonObject &args, Done done);
    void listWorkflows(const QJsonObject &args, Done done);
    void showRun(const QJsonObject &args, Done done);
    ToolResult failedRuns(const QJsonObject &args) const;
    ToolResult searchEvents(const QJsonObject &args) const;
    ToolResult listTriggers() const;
    ToolResult explainTrigger(const QJsonObject &args) const;
    static ToolResult draftTrigger(const QJsonObject &args);
    static ToolResult draftComment(const QJsonObject &args);
    bool needGitHub(const Done &done) const;
    bool needStore(ToolResult &result) const;

    EventStore *m_store;
    QPointer<GitHubClient> m_github;
};

} // namespace exeserver
