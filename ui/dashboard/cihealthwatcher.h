#pragma once

#include "dashboard/dashboardmodels.h"
#include "github/githubclient.h"
#include "tray/trayhealth.h"

#include <QHash>
#include <QObject>
#include <QStringList>

#include <functional>
#include <optional>

class QSettings;

namespace exeserver {

// The workflows watched in the tray ("Watch in the tray") and their CI health: which they are (kept in the
// dashboard's state file), each one's newest run on its repository's default branch, and the health those
// runs give. The dashboard page owns it and asks it to fetch on every refresh.
class CiHealthWatcher : public QObject
{
    Q_OBJECT
public:
    CiHealthWatcher(GitHubClient &client, QSettings *state, QObject *parent = nullptr);

    QStringList watched() const { return m_watched; } // WatchedWorkflow::key()s
    // False when nothing changed; otherwise kept in the state file.
    bool setWatched(const QString &key, bool watched);

    // One small request per watched workflow: its newest run on the repository's default branch (the 30
    // newest runs of the repository may not include it). Unchanged answers are 304s, free of rate limit.
    // `answered` is called once per request (one per watched() key) as its answer arrives.
    void fetch(const QList<Repository> &repositories, const std::function<void()> &answered);
    // The health from the last fetch's answers; a workflow whose request failed keeps what was known.
    // Returns each watched workflow's state, for the workflows table.
    QHash<QString, CiHealthState> update(const QList<Repository> &repositories,
                                         const QList<DashboardWorkflow> &workflows);
    CiHealth health() const { return m_health; }

private:
    GitHubClient &m_client;
    QSettings *m_state;
    QStringList m_watched;
    QHash<QString, std::optional<WorkflowRun>> m_latest; // watched key -> latest default-branch run
    CiHealth m_health;
};

} // namespace exeserver
