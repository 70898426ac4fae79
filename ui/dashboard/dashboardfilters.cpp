#include "dashboard/dashboardfilters.h"

#include "widgets/compactcombobox.h"

#include <QComboBox>
#include <QLineEdit>

namespace exeserver {

namespace {

// Refills `combo` with "All" and `values`, keeping the current choice when it is still listed; false when
// it is not.
bool refill(QComboBox *combo, const QString &allText, QStringList values)
{
    const QString current = combo->currentData().toString();
    values.removeDuplicates();
    values.removeAll(QString());
    values.sort(Qt::CaseInsensitive);
    const QSignalBlocker block(combo);
    combo->clear();
    combo->addItem(allText, QString());
    for (const QString &value : std::as_const(values))
        combo->addItem(value, value);
    const int index = combo->findData(current);
    combo->setCurrentIndex(index >= 0 ? index : 0);
    return index >= 0 || current.isEmpty();
}

// Selects `value` in `combo`; true when that changed the selection (its signal then comes back to the
// setter), false when the proxies are to be set now.
bool select(QComboBox *combo, const QVariant &value)
{
    const int index = combo->findData(value);
    if (index >= 0 && index != combo->currentIndex()) {
        combo->setCurrentIndex(index);
        return true;
    }
    return false;
}

} // namespace

DashboardFilters::DashboardFilters(DashboardFilterProxy *runProxy, DashboardFilterProxy *workflowProxy,
                                   QWidget *parent)
    : QObject(parent)
    , m_runProxy(runProxy)
    , m_workflowProxy(workflowProxy)
    , m_search(new QLineEdit(parent))
    // A long repository or workflow name widens its filter, but never past what a laptop beside a dock
    // can give (12 characters): the choices list still shows the whole name.
    , m_repository(new CompactComboBox(12, parent))
    , m_branch(new CompactComboBox(12, parent))
    , m_workflow(new CompactComboBox(12, parent))
    , m_state(new CompactComboBox(12, parent))
{
    m_search->setObjectName(QStringLiteral("runSearch"));
    m_search->setPlaceholderText(tr("Filter runs and workflows… (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Filter runs and workflows"));
    m_repository->setObjectName(QStringLiteral("repositoryFilter"));
    m_repository->setAccessibleName(tr("Repository filter"));
    m_branch->setObjectName(QStringLiteral("branchFilter"));
    m_branch->setAccessibleName(tr("Branch filter"));
    m_workflow->setObjectName(QStringLiteral("workflowFilter"));
    m_workflow->setAccessibleName(tr("Workflow filter"));
    m_state->setObjectName(QStringLiteral("statusFilter"));
    m_state->setAccessibleName(tr("Status filter"));
    m_state->addItem(tr("All statuses"), -1);
    for (int s = 0; s < kRunStateCount; ++s)
        m_state->addItem(runStateIcon(RunState(s)), runStateText(RunState(s)), s);
    m_search->setMinimumWidth(200); // the filter stays a field to type in, never "Fi…"
    updateChoices({}, {}, {});

    connect(m_search, &QLineEdit::textChanged, this, &DashboardFilters::setSearchText);
    connect(m_repository, &QComboBox::currentIndexChanged, this,
            [this]() { setRepository(m_repository->currentData().toString()); });
    connect(m_branch, &QComboBox::currentIndexChanged, this,
            [this]() { setBranch(m_branch->currentData().toString()); });
    connect(m_workflow, &QComboBox::currentIndexChanged, this,
            [this]() { setWorkflow(m_workflow->currentData().toString()); });
    connect(m_state, &QComboBox::currentIndexChanged, this,
            [this]() { setState(m_state->currentData().toInt()); });
}

QList<QComboBox *> DashboardFilters::choices() const
{
    return {m_repository, m_workflow, m_branch, m_state};
}

void DashboardFilters::setRepository(const QString &repo)
{
    if (select(m_repository, repo))
        return;
    m_runProxy->setRepository(repo);
    m_workflowProxy->setRepository(repo);
}

void DashboardFilters::setBranch(const QString &branch)
{
    if (select(m_branch, branch))
        return;
    m_runProxy->setBranch(branch);
}

void DashboardFilters::setWorkflow(const QString &name)
{
    if (select(m_workflow, name))
        return;
    m_runProxy->setWorkflow(name);
    m_workflowProxy->setWorkflow(name);
}

void DashboardFilters::setState(int state)
{
    if (select(m_state, state))
        return;
    m_runProxy->setState(state);
}

void DashboardFilters::setSearchText(const QString &text)
{
    if (m_search->text() != text) {
        m_search->setText(text); // comes back here through textChanged
        return;
    }
    m_runProxy->setText(text);
    m_workflowProxy->setText(text);
}

QString DashboardFilters::repository() const
{
    return m_repository->currentData().toString();
}

QString DashboardFilters::branch() const
{
    return m_branch->currentData().toString();
}

QString DashboardFilters::workflow() const
{
    return m_workflow->currentData().toString();
}

int DashboardFilters::state() const
{
    return m_state->currentData().toInt();
}

void DashboardFilters::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void DashboardFilters::updateChoices(const QStringList &repositories, const QList<DashboardRun> &runs,
                                     const QList<DashboardWorkflow> &workflows)
{
    QStringList branches;
    for (const DashboardRun &run : runs)
        branches.append(run.run.headBranch);
    if (!refill(m_repository, tr("All repositories"), repositories))
        setRepository({});
    if (!refill(m_branch, tr("All branches"), branches))
        setBranch({});
    QStringList workflowNames;
    for (const DashboardWorkflow &workflow : workflows)
        workflowNames.append(workflow.workflow.name);
    if (!refill(m_workflow, tr("All workflows"), workflowNames))
        setWorkflow({});
}

} // namespace exeserver
