#include "dashboard/dispatchdialog.h"

#include "dashboard/dispatchinputsform.h"
#include "github/githubclient.h"
#include "store/recordedaction.h"
#include "widgets/themecolors.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

#include <memory>

namespace exeserver {

DispatchDialog::DispatchDialog(GitHubClient &client, EventStore *store, QString repo, Workflow workflow,
                               const QStringList &refs, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_store(store)
    , m_repo(std::move(repo))
    , m_workflow(std::move(workflow))
    , m_ref(new QComboBox(this))
    , m_inputsForm(new DispatchInputsForm(this))
    , m_message(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("DispatchDialog"));
    setWindowTitle(tr("Run workflow — %1").arg(m_workflow.name));
    setMinimumWidth(460);

    auto *header = new QLabel(tr("<b>%1</b> (%2) in %3")
                                  .arg(m_workflow.name.toHtmlEscaped(), m_workflow.fileName().toHtmlEscaped(),
                                       m_repo.toHtmlEscaped()),
                              this);
    header->setWordWrap(true); // a long file or repository name must not widen the dialog
    m_ref->setObjectName(QStringLiteral("refCombo"));
    m_ref->setEditable(true);
    m_ref->setAccessibleName(tr("Branch or tag to run the workflow from"));
    m_ref->addItems(refs);
    m_ref->setInsertPolicy(QComboBox::NoInsert);
    m_inputsForm->addLeadingRow(tr("Use workflow from:"), m_ref); // stays; the input rows follow
    m_message->setObjectName(QStringLiteral("dispatchMessage"));
    m_message->setWordWrap(true);
    QPushButton *run = m_buttons->addButton(tr("&Run workflow"), QDialogButtonBox::AcceptRole);
    run->setObjectName(QStringLiteral("runWorkflowButton"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(header);
    layout->addWidget(m_inputsForm);
    layout->addWidget(m_message);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &DispatchDialog::dispatch);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_inputsForm, &DispatchInputsForm::changed, this, &DispatchDialog::updateRunButton);
    connect(m_ref, &QComboBox::activated, this, &DispatchDialog::loadInputs);
    connect(m_ref->lineEdit(), &QLineEdit::editingFinished, this, [this]() {
        if (!m_loading)
            loadInputs();
    });
    loadInputs();
    loadBranches();
}

void DispatchDialog::loadBranches()
{
    QPointer<DispatchDialog> self(this);
    m_client.listBranches(m_repo, [self](Result<QList<Branch>> branches) {
        if (!self)
            return;
        self->m_branchesLoaded = true;
        // The default branch (first) stays selected, and so does anything typed meanwhile; the others
        // only become choices. A failure leaves the refs the dashboard knew: the combo stays editable.
        if (branches) {
            for (const Branch &branch : *branches) {
                if (self->m_ref->findText(branch.name) < 0)
                    self->m_ref->addItem(branch.name);
            }
        }
        Q_EMIT self->branchesLoaded();
    });
}

QStringList DispatchDialog::refChoices() const
{
    QStringList choices;
    for (int i = 0; i < m_ref->count(); ++i)
        choices.append(m_ref->itemText(i));
    return choices;
}

const QList<DispatchInput> &DispatchDialog::inputs() const
{
    return m_inputsForm->inputs();
}

QString DispatchDialog::ref() const
{
    return m_ref->currentText().trimmed();
}

void DispatchDialog::setRef(const QString &ref)
{
    m_ref->setEditText(ref);
    loadInputs();
}

void DispatchDialog::loadInputs()
{
    m_loading = true;
    updateRunButton();
    setMessage(tr("Reading the workflow's inputs on %1…").arg(ref()), false);
    QPointer<DispatchDialog> self(this);
    const QString from = ref();
    m_client.workflowInputs(
        m_repo, m_workflow.fileName(), from, [self, from](Result<QList<DispatchInput>> result) {
            if (!self || self->ref() != from)
                return;
            self->m_loading = false;
            if (!result) {
                self->m_inputsForm->setInputs({});
                self->setMessage(
                    tr("Could not read the workflow file on %1: %2").arg(from, result.error().message), true);
            } else {
                self->m_inputsForm->setInputs(*result);
                self->setMessage(result->isEmpty() ? tr("This workflow takes no inputs.") : QString(), false);
            }
            self->updateRunButton();
            Q_EMIT self->inputsLoaded();
        });
}

QWidget *DispatchDialog::field(const QString &inputName) const
{
    return m_inputsForm->field(inputName);
}

QJsonObject DispatchDialog::inputValues() const
{
    return m_inputsForm->values();
}

void DispatchDialog::updateRunButton()
{
    const bool ready =
        !m_loading && !m_sending && !ref().isEmpty() && m_inputsForm->missingRequired().isEmpty();
    if (QPushButton *run = findChild<QPushButton *>(QStringLiteral("runWorkflowButton")))
        run->setEnabled(ready);
}

void DispatchDialog::setMessage(const QString &text, bool error)
{
    m_message->setText(text);
    setThemedStyleSheet(m_message, [error]() { return error ? toneColorCss(Tone::Failure) : QString(); });
    m_message->setVisible(!text.isEmpty());
    // A long message wraps onto more lines: the dialog grows to hold them instead of drawing them over
    // its buttons.
    if (QWidget::layout() && isVisible()) {
        QWidget::layout()->activate();
        const int needed = QWidget::layout()->totalHeightForWidth(width());
        if (needed > height())
            resize(width(), needed);
    }
}

void DispatchDialog::dispatch()
{
    if (m_loading || m_sending)
        return;
    m_sending = true;
    updateRunButton();
    const QString from = ref();
    const QJsonObject values = inputValues();
    setMessage(tr("Dispatching on %1…").arg(from), false);
    auto outcome = std::make_shared<std::optional<DispatchResult>>();
    QPointer<DispatchDialog> self(this);
    const QString repo = m_repo;
    const QString file = m_workflow.fileName();
    GitHubClient *client = &m_client;
    const Status started = runRecordedAction(
        m_store, ActionKind::Dispatch, QStringLiteral("%1:%2@%3").arg(repo, file, from),
        [client, repo, file, from, values, outcome](auto done) {
            client->dispatchWorkflow(repo, file, from, values,
                                     [done, outcome](Result<DispatchResult> result) {
                                         if (result)
                                             outcome->emplace(*result);
                                         done(result ? success() : Status(result.error()));
                                     });
        },
        [self, repo, from, outcome](Status status) {
            if (!self)
                return;
            self->m_sending = false;
            self->updateRunButton();
            if (!status) {
                self->setMessage(tr("GitHub did not start the workflow: %1").arg(status.error().message),
                                 true);
                Q_EMIT self->dispatchFailed(status.error().message);
                return;
            }
            const DispatchResult result = outcome->value_or(DispatchResult{});
            // Said here, not by a dialog that just vanishes: what started, and where it shows.
            self->setMessage(
                result.runId != 0
                    ? tr("Started on %1. The run is at the top of Recent workflow runs.").arg(from)
                    : tr("GitHub accepted the run on %1; it appears in Recent workflow runs "
                         "within a few seconds.")
                          .arg(from),
                false);
            if (QPushButton *close = self->m_buttons->button(QDialogButtonBox::Cancel))
                close->setText(tr("Close"));
            Q_EMIT self->dispatched(repo, from, result);
        });
    if (!started) {
        m_sending = false;
        updateRunButton();
        setMessage(tr("Not done: the action log could not be written (%1).").arg(started.error().message),
                   true);
    }
}

} // namespace exeserver
