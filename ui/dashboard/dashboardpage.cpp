#include "dashboard/dashboardpage.h"

#include "dashboard/cihealthwatcher.h"
#include "dashboard/dashboardfilters.h"
#include "dashboard/dashboardworkflowfile.h"
#include "dashboard/dispatchdialog.h"
#include "dashboard/errorbanner.h"
#include "dashboard/presetcommentsdialog.h"
#include "dashboard/repositorypicker.h"
#include "dashboard/rundetailsdialog.h"
#include "github/githubclient.h"
#include "store/recordedaction.h"
#include "widgets/confirm.h"
#include "widgets/sectiontitle.h"
#include "widgets/themecolors.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace exeserver {

namespace {

const QString kReposKey = QStringLiteral("dashboard/repositories");
const QString kRunColumnsKey = QStringLiteral("dashboard/runColumns");
const QString kWorkflowColumnsKey = QStringLiteral("dashboard/workflowColumns");
constexpr int kDefaultSelection = 10; // first start: this many repositories, most recently pushed first

QTableView *makeTable(QWidget *parent, const QString &name, const QString &accessibleName)
{
    auto *table = new QTableView(parent);
    table->setObjectName(name);
    table->setAccessibleName(accessibleName);
    table->setSortingEnabled(true);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(24);
    table->horizontalHeader()->setHighlightSections(false);
    table->setIconSize(QSize(16, 16));
    return table;
}

// A section's title, with room above and below.
QLabel *spacedSectionTitle(const QString &text, QWidget *parent)
{
    QLabel *label = sectionTitle(text, parent);
    label->setContentsMargins(0, 4, 0, 2);
    return label;
}

bool findRunRow(const QList<DashboardRun> &runs, qint64 id)
{
    return std::any_of(runs.cbegin(), runs.cend(),
                       [id](const DashboardRun &run) { return run.run.id == id; });
}

} // namespace

DashboardPage::DashboardPage(GitHubClient &client, EventStore *store, const QString &stateFile,
                             QWidget *parent, std::future<DashboardSnapshot> readAhead)
    : QWidget(parent)
    , m_client(client)
    , m_store(store)
    , m_state(new QSettings(stateFile, QSettings::IniFormat, this))
    , m_picker(new RepositoryPicker(this))
    , m_runs(new RunTableModel(this))
    , m_workflows(new WorkflowTableModel(this))
    , m_runProxy(new DashboardFilterProxy(this))
    , m_workflowProxy(new DashboardFilterProxy(this))
    , m_runTable(makeTable(this, QStringLiteral("runTable"), tr("Recent workflow runs")))
    , m_workflowTable(makeTable(this, QStringLiteral("workflowTable"), tr("Active workflows")))
    , m_banner(new ErrorBanner(this))
    , m_refreshButton(new QPushButton(tr("&Refresh"), this))
    , m_presetButton(new QPushButton(tr("Pre-set comment…"), this))
    , m_autoRefresh(new QCheckBox(tr("&Auto-refresh"), this))
    , m_runsTitle(spacedSectionTitle(tr("Recent workflow runs"), this))
    , m_runsActivity(new QLabel(this))
    , m_loadMore(new QPushButton(tr("Load &more runs"), this))
    , m_filters(new DashboardFilters(m_runProxy, m_workflowProxy, this))
    , m_timer(new QTimer(this))
    , m_watcher(new CiHealthWatcher(client, m_state, this))
{
    setObjectName(QStringLiteral("DashboardPage"));

    // Error banner: visible, never silent; Retry does a full reload.
    m_banner->hide();
    connect(m_banner, &ErrorBanner::retryRequested, this, [this]() {
        loadRepositories();
        refresh();
    });

    // Toolbar: refresh and filters.
    m_refreshButton->setObjectName(QStringLiteral("refreshButton"));
    m_refreshButton->setToolTip(tr("Refresh now (F5)"));
    m_refreshButton->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    m_autoRefresh->setObjectName(QStringLiteral("autoRefresh"));
    m_autoRefresh->setChecked(true);
    m_autoRefresh->setToolTip(tr("Refresh every minute, every few seconds while runs are in progress"));
    // Two rows, so the dashboard fits beside a dock on a 1024-pixel screen.
    auto *toolbar = new QVBoxLayout;
    auto *actionsRow = new QHBoxLayout;
    actionsRow->addWidget(m_refreshButton);
    actionsRow->addWidget(m_autoRefresh);
    actionsRow->addSpacing(12);
    actionsRow->addWidget(m_filters->searchField(), 1);
    actionsRow->addWidget(m_presetButton);
    auto *filterRow = new QHBoxLayout;
    for (QComboBox *combo : m_filters->choices())
        filterRow->addWidget(combo, 1);
    toolbar->addLayout(actionsRow);
    toolbar->addLayout(filterRow);
    m_presetButton->setObjectName(QStringLiteral("presetCommentButton"));
    m_presetButton->setToolTip(
        tr("Post a pre-set comment (PR-Agent /review, /describe, …) on a pull request"));
    m_presetButton->setAccessibleName(tr("Pre-set comment"));
    connect(m_presetButton, &QPushButton::clicked, this, &DashboardPage::openPresetComments);

    auto *refreshAction = new QAction(tr("Refresh"), this);
    refreshAction->setShortcut(QKeySequence::Refresh);
    refreshAction->setShortcutContext(Qt::WindowShortcut);
    addAction(refreshAction);
    connect(refreshAction, &QAction::triggered, this, &DashboardPage::refresh);
    auto *findAction = new QAction(tr("Filter"), this);
    findAction->setObjectName(QStringLiteral("filterAction"));
    findAction->setShortcut(QKeySequence::Find); // Ctrl+F
    findAction->setShortcutContext(Qt::WindowShortcut);
    addAction(findAction);
    connect(findAction, &QAction::triggered, m_filters, &DashboardFilters::focusSearch);
    connect(m_refreshButton, &QPushButton::clicked, this, &DashboardPage::refresh);
    connect(m_autoRefresh, &QCheckBox::toggled, this, &DashboardPage::scheduleAutoRefresh);

    // Tables.
    m_workflowProxy->setSourceModel(m_workflows);
    m_workflowTable->setModel(m_workflowProxy);
    m_workflowTable->sortByColumn(WorkflowTableModel::Repository, Qt::AscendingOrder);
    m_runProxy->setSourceModel(m_runs);
    m_runTable->setModel(m_runProxy);
    m_runTable->sortByColumn(RunTableModel::Started, Qt::DescendingOrder);
    m_runTable->setToolTip(tr("Double-click a run, or press Enter, for its jobs, steps and logs"));
    const int runWidths[] = {110, 160, 100, 100, 130, 80, 50, 75, 70};
    for (int c = 0; c < RunTableModel::ColumnCount; ++c)
        m_runTable->setColumnWidth(c, runWidths[c]);
    m_workflowTable->setItemDelegateForColumn(WorkflowTableModel::Recent, new SparklineDelegate(this));
    const int workflowWidths[] = {170, 130, 120, 90, 110, 90, 100};
    for (int c = 0; c < WorkflowTableModel::ColumnCount; ++c)
        m_workflowTable->setColumnWidth(c, workflowWidths[c]);
    // Stretched last section only after the widths: with it on, every setColumnWidth lays out the whole
    // header again (≈ 1 ms for the 16 columns before the first frame); the result is the same.
    for (QTableView *table : {m_workflowTable, m_runTable}) {
        table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
        table->horizontalHeader()->setStretchLastSection(true);
    }
    m_runTable->horizontalHeader()->restoreState(m_state->value(kRunColumnsKey).toByteArray());
    m_workflowTable->horizontalHeader()->restoreState(m_state->value(kWorkflowColumnsKey).toByteArray());
    // Dates are read whole or not at all: their columns never get narrower than the longest date.
    keepDatesWhole(-1);
    for (QTableView *table : {m_runTable, m_workflowTable})
        connect(table->horizontalHeader(), &QHeaderView::sectionResized, this,
                [this](int logicalIndex) { keepDatesWhole(logicalIndex); });
    m_workflowTable->setContextMenuPolicy(Qt::CustomContextMenu);
    m_workflowTable->setToolTip(tr("Right-click a workflow to enable or disable it"));
    connect(m_workflowTable, &QTableView::customContextMenuRequested, this, &DashboardPage::showWorkflowMenu);
    connect(m_runTable, &QTableView::doubleClicked, this,
            [this](const QModelIndex &index) { openRun(index.row()); });
    // Enter on a run opens its jobs and logs, as a double-click does.
    auto *openAction = new QAction(tr("View run"), m_runTable);
    openAction->setObjectName(QStringLiteral("viewRunAction"));
    openAction->setShortcuts({QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)});
    openAction->setShortcutContext(Qt::WidgetShortcut);
    m_runTable->addAction(openAction);
    connect(openAction, &QAction::triggered, this, [this]() {
        if (m_runTable->currentIndex().isValid())
            openRun(m_runTable->currentIndex().row());
    });

    auto *workflowsPane = new QWidget(this);
    auto *workflowsLayout = new QVBoxLayout(workflowsPane);
    workflowsLayout->setContentsMargins(0, 0, 0, 0);
    workflowsLayout->addWidget(spacedSectionTitle(tr("Active workflows"), workflowsPane));
    workflowsLayout->addWidget(m_workflowTable, 1);
    auto *runsPane = new QWidget(this);
    auto *runsLayout = new QVBoxLayout(runsPane);
    runsLayout->setContentsMargins(0, 0, 0, 0);
    // Load more sits on the title's line: a row of its own would make the window taller than a laptop's.
    auto *titleRow = new QHBoxLayout;
    titleRow->addWidget(m_runsTitle);
    m_runsActivity->setObjectName(QStringLiteral("runsActivity"));
    m_runsActivity->setTextFormat(Qt::PlainText);
    m_runsActivity->setContentsMargins(0, 4, 0, 2);
    titleRow->addWidget(m_runsActivity, 1);
    titleRow->addWidget(m_loadMore);
    runsLayout->addLayout(titleRow);
    runsLayout->addWidget(m_runTable, 1);
    m_loadMore->setObjectName(QStringLiteral("loadMoreRuns"));
    m_loadMore->setToolTip(tr("Older runs from GitHub, with the branch, workflow and status filters applied "
                              "on GitHub's side"));
    m_loadMore->setEnabled(false);
    connect(m_loadMore, &QPushButton::clicked, this, &DashboardPage::loadMoreRuns);

    auto *tables = new QSplitter(Qt::Vertical, this);
    tables->addWidget(workflowsPane);
    tables->addWidget(runsPane);
    tables->setStretchFactor(0, 2);
    tables->setStretchFactor(1, 3);
    auto *split = new QSplitter(this);
    split->addWidget(m_picker);
    split->addWidget(tables);
    split->setStretchFactor(1, 1);
    split->setSizes({210, 890});

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addLayout(toolbar);
    layout->addWidget(split, 1);

    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &DashboardPage::refresh);
    connect(&m_client.connection(), &GitHubConnection::rateLimitChanged, this, &DashboardPage::updateStatus);

    if (m_state->contains(kReposKey))
        m_picker->setSelected(m_state->value(kReposKey).toStringList());
    connect(m_picker, &RepositoryPicker::selectionChanged, this, &DashboardPage::onRepositoriesSelected);

    m_snapshotPath = DashboardSnapshot::pathBeside(stateFile);
    loadSnapshot(std::move(readAhead));
}

void DashboardPage::start()
{
    loadRepositories();
    refresh();
}

void DashboardPage::loadSnapshot(std::future<DashboardSnapshot> readAhead)
{
    const DashboardSnapshot snapshot = DashboardSnapshot::take(std::move(readAhead), m_snapshotPath);
    if (snapshot.fileSize < 0)
        return;
    const QStringList selected = m_picker->selected();
    QList<DashboardRun> runs;
    for (const DashboardRun &run : snapshot.runs) {
        if (selected.contains(run.repo))
            runs.append(run);
    }
    // Recent runs come from the runs just read (snapshots that still list them per workflow are read the
    // same way): parsing every run once instead of twice is most of the snapshot's cost before the frame.
    const QHash<QString, QHash<qint64, QList<WorkflowRun>>> recentRuns = recentRunsByWorkflow(runs);
    QList<DashboardWorkflow> workflows;
    for (const DashboardSnapshot::Row &row : snapshot.workflows) {
        if (selected.contains(row.repo))
            workflows.append({row.repo, row.workflow, recentRuns.value(row.repo).value(row.workflow.id)});
    }
    m_snapshotTime = snapshot.savedAt;
    m_runs->setRuns(runs);
    m_workflows->setWorkflows(workflows);
    updateFilterChoices();
}

void DashboardPage::saveSnapshot() const
{
    DashboardSnapshot::write(m_snapshotPath, m_runs->runs(), m_workflows->workflows());
}

DashboardPage::~DashboardPage()
{
    saveState();
}

void DashboardPage::saveState()
{
    m_state->setValue(kRunColumnsKey, m_runTable->horizontalHeader()->saveState());
    m_state->setValue(kWorkflowColumnsKey, m_workflowTable->horizontalHeader()->saveState());
    m_state->sync();
}

void DashboardPage::loadRepositories()
{
    QPointer<DashboardPage> self(this);
    m_client.listRepositories([self](Result<QList<Repository>> result) {
        if (!self)
            return;
        if (!result) {
            self->showError(tr("Could not list your repositories: %1").arg(result.error().message));
            return;
        }
        QList<Repository> repos = *result;
        std::stable_sort(repos.begin(), repos.end(), [](const Repository &a, const Repository &b) {
            return a.fullName.compare(b.fullName, Qt::CaseInsensitive) < 0;
        });
        self->m_repositories = repos;
        const bool firstStart = !self->m_state->contains(kReposKey);
        self->m_picker->setRepositories(repos);
        if (firstStart) {
            QList<Repository> recent = repos;
            std::stable_sort(recent.begin(), recent.end(), [](const Repository &a, const Repository &b) {
                return a.pushedAt > b.pushedAt;
            });
            QStringList pick;
            for (const Repository &repo : std::as_const(recent)) {
                if (pick.size() < kDefaultSelection && !repo.archived)
                    pick.append(repo.fullName);
            }
            self->m_picker->setSelected(pick);
            self->onRepositoriesSelected(self->m_picker->selected());
        }
        Q_EMIT self->repositoriesLoaded();
    });
}

void DashboardPage::onRepositoriesSelected(const QStringList &selected)
{
    m_moreRuns.clear();
    m_moreNext.clear();
    m_moreKey.clear();
    m_state->setValue(kReposKey, selected);
    m_state->sync();
    refresh();
}

void DashboardPage::refresh()
{
    if (m_pending > 0) {
        m_again = true; // one more round when this one ends, with the newest selection
        return;
    }
    m_timer->stop();
    m_errors.clear();
    m_failedRepos.clear();
    m_nextRuns.clear();
    m_nextWorkflows.clear();
    const QStringList repos = m_picker->selected();
    m_refreshButton->setEnabled(false);
    m_refreshButton->setText(tr("Refreshing…"));
    QPointer<DashboardPage> page(this);
    m_pending += int(m_watcher->watched().size());
    m_watcher->fetch(m_repositories, [page]() {
        if (page && --page->m_pending == 0)
            page->finishRefresh();
    });
    if (repos.isEmpty()) {
        ++m_pending;
        QTimer::singleShot(0, this, [this]() {
            if (--m_pending == 0)
                finishRefresh();
        });
        return;
    }
    QPointer<DashboardPage> self(this);
    const auto failed = [self](const QString &repo, const Error &error) {
        if (!self->m_failedRepos.contains(repo))
            self->m_failedRepos.append(repo);
        self->m_errors.append(error);
    };
    for (const QString &repo : repos) {
        m_pending += 2;
        m_client.listWorkflows(repo, [self, repo, failed](Result<QList<Workflow>> result) {
            if (!self)
                return;
            if (result)
                self->m_nextWorkflows.insert(repo, *result);
            else
                failed(repo, result.error());
            if (--self->m_pending == 0)
                self->finishRefresh();
        });
        RunFilter filter;
        filter.limit = 30;
        m_client.listRunsPage(repo, filter, {}, [self, repo, failed](Result<RunsPage> result) {
            if (!self)
                return;
            if (result) {
                for (const WorkflowRun &run : std::as_const(result->runs))
                    self->m_nextRuns.append({repo, run});
                if (self->m_moreKey.isEmpty() && !self->m_moreNext.contains(repo))
                    self->m_moreNext.insert(repo, result->next);
            } else {
                failed(repo, result.error());
            }
            if (--self->m_pending == 0)
                self->finishRefresh();
        });
    }
}

RunFilter DashboardPage::serverFilter(const QString &repo) const
{
    RunFilter filter;
    filter.limit = 30;
    filter.branch = m_filters->branch();
    static const char *const statuses[] = {"queued",  "waiting",   "in_progress", "success",
                                           "failure", "cancelled", "skipped",     "neutral"};
    const int state = m_filters->state();
    if (state >= 0 && state < kRunStateCount)
        filter.status = QString::fromLatin1(statuses[state]);
    const QString workflow = m_filters->workflow();
    if (!workflow.isEmpty())
        for (const DashboardWorkflow &entry : m_workflows->workflows())
            if (entry.repo == repo && entry.workflow.name == workflow)
                filter.workflow = QString::number(entry.workflow.id);
    return filter;
}

QString DashboardPage::serverFilterKey() const
{
    const RunFilter filter = serverFilter({});
    const QString workflow = m_filters->workflow();
    if (filter.branch.isEmpty() && filter.status.isEmpty() && workflow.isEmpty())
        return {};
    return QStringList{filter.branch, filter.status, workflow}.join(QLatin1Char('\x1f'));
}

void DashboardPage::loadMoreRuns()
{
    if (m_moreLoading > 0)
        return;
    const QString key = serverFilterKey();
    const bool fresh = key != m_moreKey; // other filters: their listing starts at its first page
    if (fresh) {
        m_moreKey = key;
        m_moreNext.clear();
    }
    QStringList repos = m_picker->selected();
    if (const QString only = m_filters->repository(); !only.isEmpty())
        repos = {only};
    QPointer<DashboardPage> self(this);
    for (const QString &repo : std::as_const(repos)) {
        const QUrl next = m_moreNext.value(repo);
        if (!fresh && !next.isValid())
            continue; // that repository has no older runs
        RunFilter filter = serverFilter(repo);
        if (!m_filters->workflow().isEmpty() && filter.workflow.isEmpty())
            continue; // the workflow is not in this repository
        ++m_moreLoading;
        m_client.listRunsPage(repo, filter, fresh ? QUrl() : next, [self, repo](Result<RunsPage> page) {
            if (!self)
                return;
            --self->m_moreLoading;
            if (page)
                self->morePageArrived(repo, *page);
            else
                self->showError(tr("Could not load more runs of %1.").arg(repo), page.error().message);
            self->m_loadMore->setEnabled(self->m_moreLoading == 0);
        });
    }
    m_loadMore->setEnabled(m_moreLoading == 0);
}

void DashboardPage::morePageArrived(const QString &repo, const RunsPage &page)
{
    m_moreNext.insert(repo, page.next);
    QList<DashboardRun> runs = m_runs->runs();
    for (const WorkflowRun &run : page.runs) {
        if (findRunRow(runs, run.id))
            continue;
        runs.append({repo, run});
        m_moreRuns.append({repo, run});
    }
    std::stable_sort(runs.begin(), runs.end(), [](const DashboardRun &a, const DashboardRun &b) {
        return a.run.createdAt > b.run.createdAt;
    });
    m_runs->setRuns(runs);
    updateFilterChoices();
}

void DashboardPage::keepDatesWhole(int logicalIndex)
{
    const int needed = m_runTable->fontMetrics().horizontalAdvance(QStringLiteral("2026-12-31 23:59")) +
                       2 * style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_runTable) + 12;
    const QList<QPair<QTableView *, int>> dateColumns{{m_runTable, RunTableModel::Started},
                                                      {m_workflowTable, WorkflowTableModel::LastRunTime}};
    for (const auto &[table, column] : dateColumns) {
        if (logicalIndex >= 0 && logicalIndex != column)
            continue;
        QHeaderView *header = table->horizontalHeader();
        if (!header->isSectionHidden(column) && header->sectionSize(column) < needed)
            header->resizeSection(column, needed);
    }
}

QStringList DashboardPage::watchedWorkflows() const
{
    return m_watcher->watched();
}

CiHealth DashboardPage::ciHealth() const
{
    return m_watcher->health();
}

void DashboardPage::updateHealth()
{
    m_workflows->setWatched(m_watcher->update(m_repositories, m_workflows->workflows()));
    Q_EMIT ciHealthChanged(m_watcher->health());
}

void DashboardPage::setWorkflowWatched(int proxyRow, bool watched)
{
    const QModelIndex source = m_workflowProxy->mapToSource(m_workflowProxy->index(proxyRow, 0));
    if (!source.isValid())
        return;
    const DashboardWorkflow &entry = m_workflows->workflows().at(source.row());
    const QString key = WatchedWorkflow::keyOf(entry.repo, entry.workflow.id);
    if (!m_watcher->setWatched(key, watched))
        return;
    updateHealth();
    refresh();
}

void DashboardPage::finishRefresh()
{
    // The round's lists are taken, not copied: the models keep the rows, and nothing holds a second copy
    // until the next refresh. A repository that failed keeps the rows it had, so a blip does not empty
    // the tables.
    QList<DashboardRun> runs = std::exchange(m_nextRuns, {});
    const QHash<QString, QList<Workflow>> nextWorkflows = std::exchange(m_nextWorkflows, {});
    for (const DashboardRun &old : m_runs->runs()) {
        if (m_failedRepos.contains(old.repo))
            runs.append(old);
    }
    // Runs Load more brought stay, unless the refresh has a newer copy of them.
    for (const DashboardRun &more : std::as_const(m_moreRuns))
        if (!findRunRow(runs, more.run.id))
            runs.append(more);
    std::stable_sort(runs.begin(), runs.end(), [](const DashboardRun &a, const DashboardRun &b) {
        return a.run.createdAt > b.run.createdAt;
    });

    const QHash<QString, QHash<qint64, QList<WorkflowRun>>> recentRuns = recentRunsByWorkflow(runs);
    QList<DashboardWorkflow> workflows;
    for (const QString &repo : m_picker->selected()) {
        if (m_failedRepos.contains(repo)) {
            for (const DashboardWorkflow &old : m_workflows->workflows()) {
                if (old.repo == repo)
                    workflows.append(old);
            }
            continue;
        }
        for (const Workflow &workflow : nextWorkflows.value(repo)) {
            workflows.append({repo, workflow, recentRuns.value(repo).value(workflow.id)});
        }
    }
    // Models are reset on every refresh; keep the selected run selected (auto-refresh must not lose it).
    const QModelIndex current = m_runTable->currentIndex();
    const qint64 selectedRun = current.isValid() ? current.data(role::RunId).toLongLong() : 0;
    const int currentColumn = current.isValid() ? current.column() : 0;
    m_runs->setRuns(runs);
    m_workflows->setWorkflows(workflows);
    if (selectedRun != 0) {
        for (int row = 0; row < m_runProxy->rowCount(); ++row) {
            const QModelIndex index = m_runProxy->index(row, currentColumn);
            if (index.data(role::RunId).toLongLong() == selectedRun) {
                m_runTable->setCurrentIndex(index);
                break;
            }
        }
    }
    updateFilterChoices();

    const int running = int(std::count_if(runs.cbegin(), runs.cend(),
                                          [](const DashboardRun &run) { return isRunning(run.state()); }));
    m_runsActivity->setText(running > 0 ? tr("— %n in progress or queued", "", running) : QString());
    if (m_errors.isEmpty()) {
        hideError();
        m_lastUpdated = QDateTime::currentDateTime();
        saveSnapshot();
    } else {
        m_banner->showRefreshErrors(m_errors, m_failedRepos);
        updateStatus();
    }
    updateHealth();
    m_loadMore->setEnabled(m_moreLoading == 0);
    ++m_refreshCount;
    m_refreshButton->setEnabled(true);
    m_refreshButton->setText(tr("&Refresh"));
    updateStatus();
    Q_EMIT refreshed();
    if (m_again) {
        m_again = false;
        refresh();
        return;
    }
    scheduleAutoRefresh();
}

void DashboardPage::scheduleAutoRefresh()
{
    m_timer->stop();
    if (!m_autoRefresh->isChecked() || m_pending > 0)
        return;
    // An error backs off to the idle interval rather than hammering an unreachable server.
    const bool busy = m_runs->hasRunningRuns() && m_errors.isEmpty();
    // Never sooner than GitHub's X-Poll-Interval, when it sends one, however busy the runs are.
    const int floorMs = m_client.connection().pollIntervalSecs() * 1000;
    m_timer->start(std::max(busy ? m_busyIntervalMs : m_idleIntervalMs, floorMs));
}

int DashboardPage::autoRefreshInterval() const
{
    return m_timer->isActive() ? m_timer->interval() : 0;
}

void DashboardPage::setAutoRefreshIntervals(int idleMs, int busyMs)
{
    m_idleIntervalMs = idleMs;
    m_busyIntervalMs = busyMs;
    if (m_timer->isActive())
        scheduleAutoRefresh();
}

void DashboardPage::showError(const QString &text, const QString &details)
{
    m_banner->showMessage(text, details);
    updateStatus();
}

void DashboardPage::hideError()
{
    m_banner->clearMessage();
}

bool DashboardPage::isBannerVisible() const
{
    return !m_banner->isHidden();
}

QString DashboardPage::bannerText() const
{
    return m_banner->text();
}

QString DashboardPage::statusText() const
{
    QStringList parts;
    if (m_lastUpdated.isValid())
        parts.append(tr("Updated %1").arg(m_lastUpdated.toString(QStringLiteral("HH:mm:ss"))));
    else if (m_snapshotTime.isValid())
        parts.append(tr("Showing data saved %1, updating…")
                         .arg(m_snapshotTime.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
    else
        parts.append(tr("Not updated yet"));
    if (isBannerVisible())
        parts.append(tr("offline or failing — see the banner"));
    const RateLimitState limit = m_client.rateLimit();
    if (limit.isKnown())
        parts.append(tr("rate limit: %1").arg(limit.describe(QDateTime::currentDateTimeUtc())));
    return parts.join(QStringLiteral(" · "));
}

void DashboardPage::updateStatus()
{
    Q_EMIT statusChanged(statusText());
}

void DashboardPage::updateFilterChoices()
{
    m_filters->updateChoices(m_picker->selected(), m_runs->runs(), m_workflows->workflows());
}

void DashboardPage::setRepositoryFilter(const QString &repo)
{
    m_filters->setRepository(repo);
}

void DashboardPage::setBranchFilter(const QString &branch)
{
    m_filters->setBranch(branch);
}

void DashboardPage::setWorkflowFilter(const QString &name)
{
    m_filters->setWorkflow(name);
}

void DashboardPage::setStateFilter(int state)
{
    m_filters->setState(state);
}

void DashboardPage::setSearchText(const QString &text)
{
    m_filters->setSearchText(text);
}

void DashboardPage::showWorkflowMenu(const QPoint &pos)
{
    const QModelIndex index = m_workflowTable->indexAt(pos);
    if (!index.isValid())
        return;
    const QModelIndex source = m_workflowProxy->mapToSource(index);
    const DashboardWorkflow &entry = m_workflows->workflows().at(source.row());
    QMenu menu(this);
    const bool active = entry.workflow.isActive();
    QAction *run = menu.addAction(tr("&Run workflow…"));
    run->setEnabled(active);
    QAction *file = menu.addAction(tr("&View workflow file…"));
    QAction *toggle = menu.addAction(active ? tr("&Disable workflow") : tr("&Enable workflow"));
    menu.addSeparator();
    QAction *watch = menu.addAction(tr("&Watch in the tray"));
    watch->setCheckable(true);
    watch->setChecked(m_workflows->isWatched(source.row()));
    watch->setToolTip(tr("The tray icon shows whether its latest run on the default branch passed"));
    QAction *chosen = menu.exec(m_workflowTable->viewport()->mapToGlobal(pos));
    if (chosen == toggle)
        setWorkflowEnabled(index.row(), !active);
    else if (chosen == file)
        openWorkflowFile(index.row());
    else if (chosen == watch)
        setWorkflowWatched(index.row(), watch->isChecked());
    else if (chosen == run)
        openDispatch(index.row());
}

void DashboardPage::setWorkflowEnabled(int proxyRow, bool enabled)
{
    const QModelIndex source = m_workflowProxy->mapToSource(m_workflowProxy->index(proxyRow, 0));
    if (!source.isValid())
        return;
    const DashboardWorkflow entry = m_workflows->workflows().at(source.row());
    const QString file = entry.workflow.fileName();
    const QString question = enabled ? tr("Enable the workflow \"%1\" (%2) in %3?")
                                     : tr("Disable the workflow \"%1\" (%2) in %3? It will not run until "
                                          "enabled again.");
    if (!Confirm::ask(this, tr("ExeServer"), question.arg(entry.workflow.name, file, entry.repo)))
        return;
    QPointer<DashboardPage> self(this);
    const QString repo = entry.repo;
    const Status started = runRecordedAction(
        m_store, enabled ? ActionKind::EnableWorkflow : ActionKind::DisableWorkflow,
        QStringLiteral("%1:%2").arg(repo, file),
        [this, repo, file, enabled](auto done) { m_client.setWorkflowEnabled(repo, file, enabled, done); },
        [self, enabled, file, repo](Status status) {
            if (!self)
                return;
            if (!status)
                self->showError(
                    tr("Could not %1 %2 in %3: %4")
                        .arg(enabled ? tr("enable") : tr("disable"), file, repo, status.error().message));
            else
                self->refresh();
            Q_EMIT self->workflowActionFinished(status.ok());
        });
    if (!started)
        showError(tr("Not done: the action log could not be written (%1).").arg(started.error().message));
}

PresetCommentsDialog *DashboardPage::openPresetComments()
{
    const QString presetDir = QFileInfo(m_state->fileName()).absolutePath();
    auto *dialog = new PresetCommentsDialog(m_client, m_store, presetDir, m_picker->selected(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

DispatchDialog *DashboardPage::openDispatch(int proxyRow)
{
    const QModelIndex source = m_workflowProxy->mapToSource(m_workflowProxy->index(proxyRow, 0));
    if (!source.isValid())
        return nullptr;
    const DashboardWorkflow entry = m_workflows->workflows().at(source.row());
    QStringList refs;
    for (const Repository &repo : std::as_const(m_repositories)) {
        if (repo.fullName == entry.repo && !repo.defaultBranch.isEmpty())
            refs.append(repo.defaultBranch);
    }
    for (const DashboardRun &run : m_runs->runs()) {
        if (run.repo == entry.repo && !run.run.headBranch.isEmpty() && !refs.contains(run.run.headBranch))
            refs.append(run.run.headBranch);
    }
    auto *dialog = new DispatchDialog(m_client, m_store, entry.repo, entry.workflow, refs, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const Workflow workflow = entry.workflow;
    connect(dialog, &DispatchDialog::dispatched, this,
            [this, workflow](const QString &repo, const QString &ref, const DispatchResult &result) {
                addDispatchedRun(repo, workflow, ref, result);
            });
    dialog->show();
    return dialog;
}

void DashboardPage::addDispatchedRun(const QString &repo, const Workflow &workflow, const QString &ref,
                                     const DispatchResult &result)
{
    if (result.runId != 0 && !findRunRow(m_runs->runs(), result.runId)) {
        WorkflowRun run;
        run.id = result.runId;
        run.workflowId = workflow.id;
        run.name = workflow.name;
        run.displayTitle = workflow.name;
        run.status = QStringLiteral("queued");
        run.headBranch = ref;
        run.event = QStringLiteral("workflow_dispatch");
        run.htmlUrl = result.htmlUrl;
        run.url = result.runUrl;
        run.createdAt = QDateTime::currentDateTimeUtc();
        QList<DashboardRun> runs = m_runs->runs();
        runs.prepend({repo, run});
        m_runs->setRuns(runs);
        updateFilterChoices();
    }
    refresh();
}

WorkflowFileDialog *DashboardPage::openWorkflowFile(int proxyRow)
{
    const QModelIndex source = m_workflowProxy->mapToSource(m_workflowProxy->index(proxyRow, 0));
    if (!source.isValid())
        return nullptr;
    const DashboardWorkflow &entry = m_workflows->workflows().at(source.row());
    auto *dialog = new WorkflowFileDialog(m_client, entry.repo, entry.workflow, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

RunDetailsDialog *DashboardPage::openRun(int proxyRow)
{
    const QModelIndex source = m_runProxy->mapToSource(m_runProxy->index(proxyRow, 0));
    const DashboardRun *entry = m_runs->runAt(source.row());
    if (!entry)
        return nullptr;
    auto *dialog = new RunDetailsDialog(m_client, m_store, entry->repo, entry->run, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &RunDetailsDialog::actionFinished, this, &DashboardPage::refresh);
    dialog->show();
    Q_EMIT runDetailsOpened(dialog);
    return dialog;
}

RunDetailsDialog *DashboardPage::openRunById(const QString &repo, qint64 runId)
{
    for (int row = 0; row < m_runProxy->rowCount(); ++row) {
        const QModelIndex index = m_runProxy->index(row, 0);
        if (index.data(role::RunId).toLongLong() == runId &&
            m_runs->runAt(m_runProxy->mapToSource(index).row())->repo == repo)
            return openRun(row);
    }
    // Hidden by a filter: open it all the same.
    for (const DashboardRun &entry : m_runs->runs()) {
        if (entry.repo != repo || entry.run.id != runId)
            continue;
        auto *dialog = new RunDetailsDialog(m_client, m_store, entry.repo, entry.run, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &RunDetailsDialog::actionFinished, this, &DashboardPage::refresh);
        dialog->show();
        Q_EMIT runDetailsOpened(dialog);
        return dialog;
    }
    return nullptr;
}

} // namespace exeserver
