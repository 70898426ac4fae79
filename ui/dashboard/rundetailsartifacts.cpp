#include "dashboard/rundetailsartifacts.h"

#include "github/githubclient.h"
#include "store/recordedaction.h"
#include "widgets/confirm.h"
#include "widgets/themecolors.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace exeserver {

RunArtifactsPanel::RunArtifactsPanel(GitHubClient &client, EventStore *store, QString repo, qint64 runId,
                                     QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_store(store)
    , m_repo(std::move(repo))
    , m_runId(runId)
    , m_list(new QTreeWidget(this))
    , m_download(new QPushButton(tr("&Download…"), this))
    , m_remove(new QPushButton(tr("De&lete…"), this))
    , m_stop(new QPushButton(tr("Stop"), this))
    , m_progress(new QProgressBar(this))
    , m_message(new QLabel(this))
{
    m_chooseFolder = [this]() {
        return QFileDialog::getExistingDirectory(this, tr("Save the artifact in"), QDir::homePath());
    };
    setObjectName(QStringLiteral("artifactsPanel"));
    m_list->setObjectName(QStringLiteral("artifactList"));
    m_list->setAccessibleName(tr("Artifacts"));
    m_list->setRootIsDecorated(false);
    m_list->setHeaderLabels({tr("Artifact"), tr("Size"), tr("Expires")});
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_download->setObjectName(QStringLiteral("downloadArtifact"));
    m_remove->setObjectName(QStringLiteral("deleteArtifact"));
    m_stop->setObjectName(QStringLiteral("stopDownload"));
    m_progress->setObjectName(QStringLiteral("downloadProgress"));
    m_message->setObjectName(QStringLiteral("artifactMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    for (QPushButton *button : {m_download, m_remove, m_stop})
        button->setAutoDefault(false);
    m_progress->hide();
    m_stop->hide();

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_download);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    auto *progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_stop);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);
    layout->addLayout(progressRow);
    layout->addWidget(m_message);

    connect(m_download, &QPushButton::clicked, this, &RunArtifactsPanel::download);
    connect(m_remove, &QPushButton::clicked, this, &RunArtifactsPanel::remove);
    connect(m_stop, &QPushButton::clicked, this, &RunArtifactsPanel::cancelDownload);
    connect(m_list, &QTreeWidget::currentItemChanged, this, &RunArtifactsPanel::updateButtons);
    connect(m_list, &QTreeWidget::itemActivated, this, &RunArtifactsPanel::download);
    updateButtons();
}

QString RunArtifactsPanel::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

void RunArtifactsPanel::reload()
{
    QPointer<RunArtifactsPanel> self(this);
    m_client.listArtifacts(m_repo, m_runId, [self](Result<QList<Artifact>> result) {
        if (!self)
            return;
        if (!result) {
            self->setMessage(tr("Could not list the artifacts: %1").arg(result.error().message), true);
            return;
        }
        const bool changed =
            self->m_artifacts.size() != result->size() ||
            !std::equal(result->cbegin(), result->cend(), self->m_artifacts.cbegin(),
                        [](const Artifact &a, const Artifact &b) { return a.toJson() == b.toJson(); });
        if (changed) {
            self->m_artifacts = *result;
            self->fill();
        }
        Q_EMIT self->artifactsLoaded(int(self->m_artifacts.size()));
    });
}

void RunArtifactsPanel::fill()
{
    const qint64 keep = selected() ? selected()->id : 0;
    m_list->clear();
    for (const Artifact &artifact : std::as_const(m_artifacts)) {
        auto *item = new QTreeWidgetItem(m_list);
        item->setText(0, artifact.name);
        item->setData(0, Qt::UserRole, artifact.id);
        item->setText(1, QLocale().formattedDataSize(artifact.sizeInBytes));
        item->setText(2, artifact.expired
                             ? tr("expired")
                             : artifact.expiresAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd")));
        if (artifact.expired)
            item->setForeground(0, toneText(Tone::Muted));
        if (artifact.id == keep || !m_list->currentItem())
            m_list->setCurrentItem(item);
    }
    if (m_artifacts.isEmpty()) {
        auto *none = new QTreeWidgetItem(m_list);
        none->setText(0, tr("This run uploaded no artifacts."));
        none->setFlags(Qt::NoItemFlags);
    }
    updateButtons();
}

const Artifact *RunArtifactsPanel::selected() const
{
    const QTreeWidgetItem *item = m_list->currentItem();
    if (!item)
        return nullptr;
    const qint64 id = item->data(0, Qt::UserRole).toLongLong();
    for (const Artifact &artifact : m_artifacts)
        if (artifact.id == id)
            return &artifact;
    return nullptr;
}

void RunArtifactsPanel::updateButtons()
{
    const Artifact *artifact = selected();
    m_download->setEnabled(artifact && !artifact->expired && !m_cancel);
    m_remove->setEnabled(artifact && !m_cancel);
}

void RunArtifactsPanel::download()
{
    const Artifact *chosen = selected();
    if (!chosen || chosen->expired || m_cancel)
        return;
    const Artifact artifact = *chosen;
    const QString folder = m_chooseFolder();
    if (folder.isEmpty())
        return;
    const QString path = QDir(folder).filePath(artifactFileName(artifact));
    if (QFileInfo::exists(path)) {
        setMessage(tr("%1 exists already; it was not overwritten.").arg(QDir::toNativeSeparators(path)),
                   true);
        return;
    }
    m_cancel = std::make_shared<bool>(false);
    m_progress->setRange(0, 0);
    m_progress->show();
    m_stop->show();
    setMessage(tr("Downloading %1…").arg(artifact.name), false);
    updateButtons();
    QPointer<RunArtifactsPanel> self(this);
    m_client.downloadArtifact(
        m_repo, artifact.id,
        [self, path, artifact](Result<QByteArray> zip) {
            if (self)
                self->saveDownload(path, artifact, std::move(zip));
        },
        [self](qint64 received, qint64 total) {
            if (!self)
                return;
            // Bars count in KiB: QProgressBar takes an int, and artifacts reach gigabytes.
            self->m_progress->setRange(0, total > 0 ? int(total / 1024) + 1 : 0);
            self->m_progress->setValue(int(received / 1024));
        },
        m_cancel);
}

void RunArtifactsPanel::saveDownload(const QString &path, const Artifact &artifact, Result<QByteArray> zip)
{
    const bool cancelled = m_cancel && *m_cancel;
    m_cancel.reset();
    m_progress->hide();
    m_stop->hide();
    updateButtons();
    if (!zip) {
        if (cancelled)
            setMessage(tr("Download of %1 stopped; nothing was saved.").arg(artifact.name), false);
        else
            setMessage(tr("Could not download %1: %2").arg(artifact.name, zip.error().message), true);
        Q_EMIT downloadFinished(path, false);
        return;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(*zip) != zip->size() || !file.commit()) {
        setMessage(tr("Could not write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()),
                   true);
        Q_EMIT downloadFinished(path, false);
        return;
    }
    setMessage(
        tr("Saved %1 (%2) to %3")
            .arg(artifact.name, QLocale().formattedDataSize(zip->size()), QDir::toNativeSeparators(path)),
        false);
    Q_EMIT downloadFinished(path, true);
}

void RunArtifactsPanel::cancelDownload()
{
    if (m_cancel)
        *m_cancel = true;
}

void RunArtifactsPanel::remove()
{
    const Artifact *chosen = selected();
    if (!chosen || m_cancel)
        return;
    const Artifact artifact = *chosen;
    if (!Confirm::ask(
            this, tr("Delete artifact"),
            tr("Delete the artifact %1 of this run from GitHub? This cannot be undone.").arg(artifact.name)))
        return;
    QPointer<RunArtifactsPanel> self(this);
    const Status started = runRecordedAction(
        m_store, ActionKind::DeleteArtifact,
        QStringLiteral("%1/actions/artifacts/%2").arg(m_repo).arg(artifact.id),
        [this, id = artifact.id](auto done) { m_client.deleteArtifact(m_repo, id, done); },
        [self, artifact](Status status) {
            if (!self)
                return;
            if (status) {
                self->setMessage(tr("Deleted %1.").arg(artifact.name), false);
                self->reload();
            } else {
                self->setMessage(tr("Could not delete %1: %2").arg(artifact.name, status.error().message),
                                 true);
            }
            Q_EMIT self->removed(status.ok());
        });
    if (!started)
        setMessage(tr("Not done: the action log could not be written (%1).").arg(started.error().message),
                   true);
}

void RunArtifactsPanel::setMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(
        QStringLiteral("QLabel { %1 }").arg(swatchCss(toneSwatch(error ? Tone::Failure : Tone::Info))));
    m_message->setVisible(!text.isEmpty());
}

} // namespace exeserver
