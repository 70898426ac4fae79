#include "triggereditor/workflowactionpage.h"

#include "dashboard/dispatchinputsform.h"
#include "github/githubclient.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QStackedWidget>

namespace exeserver {

namespace {

enum InputPage
{
    LinesPage,
    FormPage
};

bool isPattern(const QString &repository)
{
    return repository.contains(QLatin1Char('*')) || repository.contains(QLatin1Char('?')) ||
           repository.contains(QLatin1Char('['));
}

QJsonObject inputsOf(const QJsonObject &body)
{
    return body.value(QLatin1String("inputs")).toObject();
}

} // namespace

WorkflowActionPage::WorkflowActionPage(QWidget *parent)
    : QWidget(parent)
    , m_repository(new QLineEdit(this))
    , m_workflow(new QComboBox(this))
    , m_ref(new QLineEdit(this))
    , m_note(new QLabel(this))
    , m_inputPages(new QStackedWidget(this))
    , m_lines(new QPlainTextEdit(this))
    , m_form(new DispatchInputsForm(this))
{
    setObjectName(QStringLiteral("WorkflowActionPage"));
    m_repository->setPlaceholderText(tr("empty: the event's repository"));
    m_ref->setPlaceholderText(tr("empty: the default branch"));
    m_workflow->setObjectName(QStringLiteral("workflowChooser"));
    m_workflow->setAccessibleName(tr("Workflow to dispatch"));
    m_repository->setAccessibleName(tr("Repository of the workflow"));
    m_ref->setAccessibleName(tr("Branch or tag to run the workflow from"));
    m_workflow->setEditable(true); // a workflow not listed (or offline) can still be named
    m_workflow->setInsertPolicy(QComboBox::NoInsert);
    m_lines->setObjectName(QStringLiteral("workflowInputLines"));
    m_lines->setAccessibleName(tr("Workflow inputs, one name=value per line"));
    m_lines->setPlaceholderText(tr("name=value, one per line"));
    m_note->setObjectName(QStringLiteral("workflowNote"));
    m_note->setWordWrap(true);
    m_note->setEnabled(false); // muted, like the form's hints
    m_form->setTemplatesAllowed(true);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_form);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->viewport()->setAutoFillBackground(false); // the page's colour, not the window's
    m_form->setAutoFillBackground(false);
    m_inputPages->addWidget(m_lines);
    m_inputPages->addWidget(scroll);
    auto *layout = new QFormLayout(this);
    layout->addRow(tr("Repository"), m_repository);
    layout->addRow(tr("Workflow"), m_workflow);
    layout->addRow(tr("Ref"), m_ref);
    layout->addRow(tr("Inputs"), m_note);
    layout->addRow(m_inputPages);

    for (QLineEdit *edit : {m_repository, m_ref})
        connect(edit, &QLineEdit::textEdited, this, &WorkflowActionPage::onEdited);
    connect(m_lines, &QPlainTextEdit::textChanged, this, &WorkflowActionPage::onEdited);
    connect(m_form, &DispatchInputsForm::changed, this, &WorkflowActionPage::onEdited);
    connect(m_workflow, &QComboBox::currentTextChanged, this, &WorkflowActionPage::onEdited);
    connect(m_workflow, &QComboBox::activated, this, &WorkflowActionPage::loadInputs);
    connect(m_workflow->lineEdit(), &QLineEdit::editingFinished, this, &WorkflowActionPage::loadInputs);
    connect(m_ref, &QLineEdit::editingFinished, this, &WorkflowActionPage::loadInputs);
    connect(m_repository, &QLineEdit::editingFinished, this, &WorkflowActionPage::loadWorkflows);
}

void WorkflowActionPage::setGitHubClient(GitHubClient *client)
{
    m_github = client;
    m_workflowsListedFor.clear();
    loadWorkflows();
}

void WorkflowActionPage::setTriggerRepositories(const QStringList &repositories)
{
    if (repositories == m_triggerRepositories)
        return;
    m_triggerRepositories = repositories;
    loadWorkflows();
}

void WorkflowActionPage::setAction(const QJsonObject &body)
{
    m_active = true;
    m_body = body;
    m_filling = true;
    m_repository->setText(body.value(QLatin1String("repository")).toString());
    m_workflow->setEditText(body.value(QLatin1String("workflow")).toString());
    m_ref->setText(body.value(QLatin1String("ref")).toString());
    m_filling = false;
    loadWorkflows();
}

void WorkflowActionPage::deactivate()
{
    m_active = false;
    m_loading = false;
    ++m_load;
}

bool WorkflowActionPage::isFormShown() const
{
    return m_inputPages->currentIndex() == FormPage;
}

QString WorkflowActionPage::note() const
{
    return m_note->text();
}

void WorkflowActionPage::onEdited()
{
    if (m_filling || !m_active)
        return;
    m_body = bodyFromWidgets();
    Q_EMIT edited();
}

QJsonObject WorkflowActionPage::bodyFromWidgets() const
{
    QJsonObject body = m_body;
    const QList<std::pair<QLatin1String, QString>> texts = {
        {QLatin1String("repository"), m_repository->text().trimmed()},
        {QLatin1String("workflow"), m_workflow->currentText().trimmed()},
        {QLatin1String("ref"), m_ref->text().trimmed()}};
    for (const auto &[key, text] : texts) {
        if (text.isEmpty())
            body.remove(key);
        else
            body.insert(key, text);
    }
    QJsonObject inputs;
    if (isFormShown()) {
        // Inputs the workflow does not declare stay as written; the form's are those set or edited.
        const QJsonObject stored = inputsOf(m_body);
        for (auto it = stored.constBegin(); it != stored.constEnd(); ++it) {
            if (!m_form->field(it.key()))
                inputs.insert(it.key(), it.value());
        }
        const QJsonObject edited = m_form->editedValues();
        for (auto it = edited.constBegin(); it != edited.constEnd(); ++it)
            inputs.insert(it.key(), it.value());
    } else {
        for (const QString &line : m_lines->toPlainText().split(QLatin1Char('\n'))) {
            if (!line.trimmed().isEmpty())
                inputs.insert(line.section(QLatin1Char('='), 0, 0).trimmed(),
                              line.trimmed().section(QLatin1Char('='), 1));
        }
    }
    if (inputs.isEmpty())
        body.remove(QLatin1String("inputs"));
    else
        body.insert(QLatin1String("inputs"), inputs);
    return body;
}

QString WorkflowActionPage::lookupRepository(QString &why) const
{
    if (!m_github) {
        why = tr("No GitHub connection to read the workflow's inputs: name=value lines, one per line.");
        return {};
    }
    QString repository = m_repository->text().trimmed();
    if (repository.isEmpty() || repository.contains(QLatin1String("{{"))) {
        // The event's repository: known in advance only when the trigger names exactly one.
        if (m_triggerRepositories.size() != 1) {
            why = m_triggerRepositories.isEmpty()
                      ? tr("The trigger names no repository, so its workflows are not known: name one "
                           "(or the action's repository) to choose a workflow and its inputs. Meanwhile "
                           "name=value lines.")
                      : tr("The trigger names %1 repositories: name the action's repository to choose a "
                           "workflow and its inputs. Meanwhile name=value lines.")
                            .arg(m_triggerRepositories.size());
            return {};
        }
        repository = m_triggerRepositories.first();
    }
    if (isPattern(repository)) {
        why = tr("%1 is a pattern, not one repository: name one to choose a workflow and its inputs. "
                 "Meanwhile name=value lines.")
                  .arg(repository);
        return {};
    }
    return repository;
}

void WorkflowActionPage::showLines(const QString &why)
{
    // The lines show the action as it is now, edits made in the form included.
    QStringList lines;
    const QJsonObject values = inputsOf(m_body);
    for (auto it = values.constBegin(); it != values.constEnd(); ++it)
        lines.append(it.key() + QLatin1Char('=') + it.value().toString());
    m_filling = true;
    m_lines->setPlainText(lines.join(QLatin1Char('\n')));
    m_filling = false;
    m_loading = false;
    m_note->setText(why);
    m_inputPages->setCurrentIndex(LinesPage);
}

QString WorkflowActionPage::repositoryOrLines()
{
    if (!m_active)
        return {};
    QString why;
    const QString repository = lookupRepository(why);
    if (repository.isEmpty())
        showLines(why);
    return repository;
}

void WorkflowActionPage::loadWorkflows()
{
    const QString repository = repositoryOrLines();
    if (repository.isEmpty())
        return;
    if (m_workflowsListedFor == repository)
        return loadInputs();
    showLines(tr("Listing the workflows of %1…").arg(repository));
    const quint64 load = ++m_load;
    m_loading = true;
    QPointer<WorkflowActionPage> self(this);
    m_github->listWorkflows(repository, [self, load, repository](Result<QList<Workflow>> workflows) {
        if (!self || load != self->m_load)
            return;
        if (!workflows)
            return self->showLines(tr("Could not list the workflows of %1 (%2): name=value lines instead.")
                                       .arg(repository, workflows.error().message));
        self->m_workflowsListedFor = repository;
        const QString chosen = self->m_workflow->currentText();
        self->m_filling = true; // filling the list keeps the chosen workflow
        self->m_workflow->clear();
        for (const Workflow &workflow : *workflows) {
            self->m_workflow->addItem(workflow.fileName());
            self->m_workflow->setItemData(self->m_workflow->count() - 1, workflow.name, Qt::ToolTipRole);
        }
        self->m_workflow->setEditText(chosen);
        self->m_filling = false;
        self->loadInputs();
    });
}

void WorkflowActionPage::loadInputs()
{
    const QString repository = repositoryOrLines();
    if (repository.isEmpty())
        return;
    const QString workflow = m_workflow->currentText().trimmed();
    if (workflow.isEmpty())
        return showLines(tr("Choose a workflow to see its inputs."));
    // A templated ref is only known when the trigger fires: read the inputs from the default branch.
    QString ref = m_ref->text().trimmed();
    if (ref.contains(QLatin1String("{{")))
        ref.clear();
    showLines(tr("Reading the inputs of %1…").arg(workflow)); // edits meanwhile go to the lines
    const quint64 load = ++m_load;
    m_loading = true;
    QPointer<WorkflowActionPage> self(this);
    m_github->workflowInputs(
        repository, workflow, ref, [self, load, workflow, ref](Result<QList<DispatchInput>> inputs) {
            if (!self || load != self->m_load)
                return;
            if (!inputs)
                return self->showLines(tr("Could not read the inputs of %1 (%2): name=value lines instead.")
                                           .arg(workflow, inputs.error().message));
            const QJsonObject stored = inputsOf(self->m_body);
            self->m_form->setInputs(*inputs);
            self->m_form->setValues(stored);
            QStringList kept;
            for (auto it = stored.constBegin(); it != stored.constEnd(); ++it) {
                if (!self->m_form->field(it.key()))
                    kept.append(it.key());
            }
            QString note = inputs->isEmpty()
                               ? tr("%1 takes no inputs.").arg(workflow)
                               : tr("Inputs of %1 on %2; those left alone keep the workflow's defaults. "
                                    "{{ event.… }} templates allowed.")
                                     .arg(workflow, ref.isEmpty() ? tr("the default branch") : ref);
            if (!kept.isEmpty())
                note +=
                    QLatin1Char(' ') +
                    tr("Kept from the file, not in the workflow: %1.").arg(kept.join(QStringLiteral(", ")));
            self->m_loading = false;
            self->m_note->setText(note);
            self->m_inputPages->setCurrentIndex(FormPage);
        });
}

} // namespace exeserver
