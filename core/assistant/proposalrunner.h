#pragma once

#include "assistant/chattypes.h"
#include "github/githubclient.h"
#include "util/result.h"

#include <QJsonObject>
#include <QPointer>

#include <functional>

namespace exeserver {

class EventStore;

// The changes the assistant may suggest, and the one place they run. A tool or a card button only ever
// builds a proposal card (propose()); run() executes it after a person approved it, through the same
// client calls and the same action log (runRecordedAction) as the dashboard and the CLI.
class ProposalRunner
{
public:
    ProposalRunner(GitHubClient *github, EventStore *store);
    void setGitHub(GitHubClient *github) { m_github = github; }
    void setStore(EventStore *store) { m_store = store; }

    // The operations: dispatch {repo, workflow, ref, inputs}, comment {repo, number, body}, rerun {repo,
    // run_id, failed_only}, cancel {repo, run_id}, create_trigger {yaml}, enable_trigger {name, enabled}.
    static QStringList operations();
    // Checks the arguments and describes the change; nothing runs. `id` names the proposal. With `store`,
    // enabling a stored trigger says what program it would then run.
    static Result<ChatCard> propose(const QString &operation, const QJsonObject &arguments, const QString &id,
                                    EventStore *store = nullptr);
    // Runs an approved proposal; `done` gets what happened, in a sentence.
    void run(const ChatCard &proposal, std::function<void(Result<QString>)> done);

private:
    void runGitHub(const ChatCard &proposal, std::function<void(Result<QString>)> done);
    Result<QString> runTriggerChange(const ChatCard &proposal);

    QPointer<GitHubClient> m_github;
    EventStore *m_store;
};

} // namespace exeserver
