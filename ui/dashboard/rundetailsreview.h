#pragma once

#include "github/githubtypes.h"

#include <QFrame>

#include <functional>
#include <optional>

class QLabel;
class QPushButton;

namespace exeserver {

class EventStore;
class GitHubClient;

// The bar a run waiting for a deployment review shows: which environments wait, and Approve… / Reject…
// with the reviewer's comment. Each review is written to the action log before it is sent. Hidden while
// nothing waits for the token's user.
class DeploymentReviewBar : public QFrame
{
    Q_OBJECT
public:
    DeploymentReviewBar(GitHubClient &client, EventStore *store, QString repo, qint64 runId,
                        QWidget *parent = nullptr);

    // Tests answer the comment dialog: the comment, or nullopt for Cancel.
    using CommentAsker = std::function<std::optional<QString>(const QString &question)>;
    void setCommentAsker(CommentAsker asker) { m_askComment = std::move(asker); }

    const QList<PendingDeployment> &pending() const { return m_pending; }
    QString text() const;

public Q_SLOTS:
    void reload();
    void approve() { review(true); }
    void reject() { review(false); }

Q_SIGNALS:
    void pendingLoaded(int count);
    void reviewed(bool approved, bool ok);

private:
    void review(bool approve);

    GitHubClient &m_client;
    EventStore *m_store;
    QString m_repo;
    qint64 m_runId;
    QList<PendingDeployment> m_pending;
    CommentAsker m_askComment;
    QLabel *m_text;
    QPushButton *m_approve;
    QPushButton *m_reject;
};

} // namespace exeserver
