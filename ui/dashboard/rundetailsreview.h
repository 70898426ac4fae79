#pragma once

#include "github/githubtypes.h"

#include <QFrame>

#include <functional>
#include <optional>

class QCheckBox;
class QHBoxLayout;
class QLabel;
class QPushButton;

namespace exeserver {

class EventStore;
class GitHubClient;

// The bar a run waiting for a deployment review shows: which environments wait, and Approve… / Reject…
// with the reviewer's comment. With several environments waiting, a tick box each chooses which ones the
// review covers (all by default); only those are sent as environment_ids. Each review is written to the
// action log before it is sent. Hidden while nothing waits for the token's user.
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
    // The environments the next review covers (ticked), in GitHub's order.
    QStringList chosenEnvironments() const;
    bool setEnvironmentChosen(const QString &environment, bool chosen);

public Q_SLOTS:
    void reload();
    void approve() { review(true); }
    void reject() { review(false); }

Q_SIGNALS:
    void pendingLoaded(int count);
    void reviewed(bool approved, bool ok);

private:
    void review(bool approve);
    void rebuildChoices();
    void updateButtons();

    GitHubClient &m_client;
    EventStore *m_store;
    QString m_repo;
    qint64 m_runId;
    QList<PendingDeployment> m_pending;
    CommentAsker m_askComment;
    QLabel *m_text;
    QHBoxLayout *m_choiceRow;
    QList<QCheckBox *> m_choices; // one per m_pending entry, same order
    QPushButton *m_approve;
    QPushButton *m_reject;
};

} // namespace exeserver
