#include "dashboard/rundetailsreview.h"

#include "github/githubclient.h"
#include "store/recordedaction.h"
#include "widgets/themecolors.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QPointer>
#include <QPushButton>

namespace exeserver {

DeploymentReviewBar::DeploymentReviewBar(GitHubClient &client, EventStore *store, QString repo, qint64 runId,
                                         QWidget *parent)
    : QFrame(parent)
    , m_client(client)
    , m_store(store)
    , m_repo(std::move(repo))
    , m_runId(runId)
    , m_text(new QLabel(this))
    , m_choiceRow(new QHBoxLayout)
    , m_approve(new QPushButton(tr("A&pprove…"), this))
    , m_reject(new QPushButton(tr("Re&ject…"), this))
{
    m_askComment = [this](const QString &question) -> std::optional<QString> {
        bool ok = false;
        const QString comment =
            QInputDialog::getMultiLineText(this, tr("Review deployment"), question, {}, &ok);
        return ok ? std::optional<QString>(comment) : std::nullopt;
    };
    setObjectName(QStringLiteral("deploymentReview"));
    setStyleSheet(QStringLiteral("QFrame#deploymentReview { %1 }").arg(swatchCss(toneSwatch(Tone::Warning))));
    m_text->setWordWrap(true);
    m_approve->setObjectName(QStringLiteral("approveDeployment"));
    m_reject->setObjectName(QStringLiteral("rejectDeployment"));
    for (QPushButton *button : {m_approve, m_reject})
        button->setAutoDefault(false);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(m_text, 1);
    layout->addLayout(m_choiceRow);
    layout->addWidget(m_approve);
    layout->addWidget(m_reject);
    connect(m_approve, &QPushButton::clicked, this, &DeploymentReviewBar::approve);
    connect(m_reject, &QPushButton::clicked, this, &DeploymentReviewBar::reject);
    hide();
}

QString DeploymentReviewBar::text() const
{
    return m_text->text();
}

void DeploymentReviewBar::reload()
{
    QPointer<DeploymentReviewBar> self(this);
    m_client.listPendingDeployments(m_repo, m_runId, [self](Result<QList<PendingDeployment>> result) {
        if (!self)
            return;
        self->m_pending.clear();
        if (result)
            for (const PendingDeployment &pending : *result)
                if (pending.currentUserCanApprove)
                    self->m_pending.append(pending);
        QStringList names;
        for (const PendingDeployment &pending : std::as_const(self->m_pending))
            names.append(pending.environment);
        self->m_text->setText(
            tr("This run waits for a review to deploy to %1.").arg(names.join(QStringLiteral(", "))));
        self->rebuildChoices();
        self->setVisible(!self->m_pending.isEmpty());
        Q_EMIT self->pendingLoaded(int(self->m_pending.size()));
    });
}

// A single waiting environment needs no choice, so its tick box stays hidden.
void DeploymentReviewBar::rebuildChoices()
{
    qDeleteAll(m_choices);
    m_choices.clear();
    for (const PendingDeployment &pending : std::as_const(m_pending)) {
        auto *box = new QCheckBox(pending.environment, this);
        box->setChecked(true);
        box->setAccessibleName(tr("Review the deployment to %1").arg(pending.environment));
        box->setVisible(m_pending.size() > 1);
        connect(box, &QCheckBox::toggled, this, &DeploymentReviewBar::updateButtons);
        m_choiceRow->addWidget(box);
        m_choices.append(box);
    }
    updateButtons();
}

void DeploymentReviewBar::updateButtons()
{
    const bool any = !chosenEnvironments().isEmpty();
    m_approve->setEnabled(any);
    m_reject->setEnabled(any);
}

QStringList DeploymentReviewBar::chosenEnvironments() const
{
    QStringList names;
    for (int i = 0; i < m_choices.size(); ++i)
        if (m_choices.at(i)->isChecked())
            names.append(m_pending.at(i).environment);
    return names;
}

bool DeploymentReviewBar::setEnvironmentChosen(const QString &environment, bool chosen)
{
    for (int i = 0; i < m_pending.size(); ++i) {
        if (m_pending.at(i).environment == environment) {
            m_choices.at(i)->setChecked(chosen);
            return true;
        }
    }
    return false;
}

void DeploymentReviewBar::review(bool approve)
{
    QStringList names;
    QList<qint64> ids;
    for (int i = 0; i < m_pending.size(); ++i) {
        if (!m_choices.at(i)->isChecked())
            continue;
        names.append(m_pending.at(i).environment);
        ids.append(m_pending.at(i).environmentId);
    }
    if (ids.isEmpty())
        return;
    const std::optional<QString> comment = m_askComment(
        approve
            ? tr("Approve the deployment to %1? Comment for the log:").arg(names.join(QStringLiteral(", ")))
            : tr("Reject the deployment to %1? Comment for the log:").arg(names.join(QStringLiteral(", "))));
    if (!comment)
        return;
    m_text->setText(approve ? tr("Approving…") : tr("Rejecting…"));
    QPointer<DeploymentReviewBar> self(this);
    const Status started = runRecordedAction(
        m_store, ActionKind::ReviewDeployment,
        QStringLiteral("%1/actions/runs/%2 %3 %4")
            .arg(m_repo)
            .arg(m_runId)
            .arg(approve ? QStringLiteral("approve") : QStringLiteral("reject"),
                 names.join(QLatin1Char(','))),
        [this, ids, approve, text = *comment](auto done) {
            m_client.reviewPendingDeployments(m_repo, m_runId, ids, approve, text, done);
        },
        [self, approve](Status status) {
            if (!self)
                return;
            if (!status)
                self->m_text->setText(tr("The review failed: %1").arg(status.error().message));
            else
                self->reload();
            Q_EMIT self->reviewed(approve, status.ok());
        });
    if (!started)
        m_text->setText(
            tr("Not done: the action log could not be written (%1).").arg(started.error().message));
}

} // namespace exeserver
