#include "dashboard/cihealthwatcher.h"

#include <QPointer>
#include <QSettings>

namespace exeserver {

namespace {

const QString kWatchedKey = QStringLiteral("dashboard/watchedWorkflows");

QString defaultBranchOf(const QList<Repository> &repositories, const QString &repo)
{
    QString branch;
    for (const Repository &known : repositories)
        if (known.fullName == repo)
            branch = known.defaultBranch;
    return branch;
}

} // namespace

CiHealthWatcher::CiHealthWatcher(GitHubClient &client, QSettings *state, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_state(state)
    , m_watched(state->value(kWatchedKey).toStringList())
{
}

bool CiHealthWatcher::setWatched(const QString &key, bool watched)
{
    if (watched == m_watched.contains(key))
        return false;
    if (watched)
        m_watched.append(key);
    else
        m_watched.removeAll(key);
    m_state->setValue(kWatchedKey, m_watched);
    m_state->sync();
    return true;
}

void CiHealthWatcher::fetch(const QList<Repository> &repositories, const std::function<void()> &answered)
{
    m_latest.clear();
    QPointer<CiHealthWatcher> self(this);
    for (const QString &key : std::as_const(m_watched)) {
        const QString repo = key.section(QLatin1Char(':'), 0, 0);
        RunFilter filter;
        filter.workflow = key.section(QLatin1Char(':'), 1);
        filter.branch = defaultBranchOf(repositories, repo);
        filter.limit = 1;
        m_client.listRuns(repo, filter, [self, key, answered](Result<QList<WorkflowRun>> result) {
            if (!self)
                return;
            if (result)
                self->m_latest.insert(key, result->isEmpty() ? std::nullopt
                                                             : std::optional<WorkflowRun>(result->first()));
            answered();
        });
    }
}

QHash<QString, CiHealthState> CiHealthWatcher::update(const QList<Repository> &repositories,
                                                      const QList<DashboardWorkflow> &workflows)
{
    CiHealth health;
    QHash<QString, CiHealthState> states;
    for (const QString &key : std::as_const(m_watched)) {
        WatchedWorkflow watched;
        watched.repo = key.section(QLatin1Char(':'), 0, 0);
        watched.workflowId = key.section(QLatin1Char(':'), 1).toLongLong();
        watched.branch = defaultBranchOf(repositories, watched.repo);
        // A failed request keeps what the last refresh knew rather than turning the tray grey.
        const auto fetched = m_latest.constFind(key);
        if (fetched != m_latest.cend()) {
            watched.latest = *fetched;
        } else {
            for (const WatchedWorkflow &old : std::as_const(m_health.workflows))
                if (old.key() == key)
                    watched.latest = old.latest;
        }
        for (const DashboardWorkflow &entry : workflows)
            if (entry.repo == watched.repo && entry.workflow.id == watched.workflowId)
                watched.name = entry.workflow.name;
        if (watched.name.isEmpty() && watched.latest)
            watched.name = watched.latest->name;
        states.insert(key, watched.state());
        health.workflows.append(watched);
    }
    m_health = health;
    return states;
}

} // namespace exeserver
