#pragma once

#include "github/githubtypes.h"
#include "util/result.h"

#include <QWidget>

#include <functional>
#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace exeserver {

class EventStore;
class GitHubClient;

// A run's artifacts in its details window: the list, download to a chosen folder (with progress and a
// cancel), and delete (confirmed and written to the action log first, like re-run and cancel).
class RunArtifactsPanel : public QWidget
{
    Q_OBJECT
public:
    RunArtifactsPanel(GitHubClient &client, EventStore *store, QString repo, qint64 runId,
                      QWidget *parent = nullptr);

    // Tests replace the folder dialog (QFileDialog::getExistingDirectory); empty: the user cancelled.
    void setFolderChooser(std::function<QString()> chooser) { m_chooseFolder = std::move(chooser); }

    const QList<Artifact> &artifacts() const { return m_artifacts; }
    QTreeWidget *list() const { return m_list; }
    bool isDownloading() const { return m_cancel != nullptr; }
    QString message() const;

public Q_SLOTS:
    void reload();
    void download(); // the selected artifact
    void cancelDownload();
    void remove(); // the selected artifact

Q_SIGNALS:
    void artifactsLoaded(int count);
    void downloadFinished(const QString &path, bool ok); // path: where it was saved (ok) or meant to be
    void removed(bool ok);

private:
    const Artifact *selected() const;
    void fill();
    void updateButtons();
    void saveDownload(const QString &path, const Artifact &artifact, Result<QByteArray> zip);
    void setMessage(const QString &text, bool error);

    GitHubClient &m_client;
    EventStore *m_store;
    QString m_repo;
    qint64 m_runId;
    QList<Artifact> m_artifacts;
    std::shared_ptr<bool> m_cancel; // set while a download runs
    std::function<QString()> m_chooseFolder;

    QTreeWidget *m_list;
    QPushButton *m_download;
    QPushButton *m_remove;
    QPushButton *m_stop;
    QProgressBar *m_progress;
    QLabel *m_message;
};

} // namespace exeserver
