#include "dashboard/rundetailsdialog.h"

#include "dashboard/dashboardmodels.h"
#include "dashboard/rundetailsartifacts.h"
#include "dashboard/rundetailsreview.h"
#include "dashboard/runstatus.h"
#include "github/githubclient.h"
#include "store/recordedaction.h"
#include "widgets/confirm.h"
#include "widgets/logview.h"
#include "widgets/themecolors.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace exeserver {

namespace {

QString durationOf(const QDateTime &start, const QDateTime &end)
{
    if (!start.isValid())
        return {};
    return formatDuration(start.secsTo(end.isValid() ? end : QDateTime::currentDateTimeUtc()));
}

void decorate(QTreeWidgetItem *item, RunState state)
{
    item->setIcon(1, runStateIcon(state));
    item->setText(1, runStateText(state));
    item->setForeground(1, runStateColor(state));
}

QString runLabel(const WorkflowRun &run)
{
    // A run just dispatched is known by its id only until GitHub numbers it.
    return run.runNumber > 0 ? QStringLiteral("#%1").arg(run.runNumber) : RunDetailsDialog::tr("(new run)");
}

bool sameJobs(const QList<Job> &a, const QList<Job> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i)
        if (a[i].toJson() != b[i].toJson())
            return false;
    return true;
}

// What a failed log download means for the user. Logs come from GitHub's log storage (another host than
// the API, reached through a redirect), so the API's generic advice (check the repository name, the API
// URL) does not fit here.
QString logProblem(const Error &error)
{
    if (error.httpStatus == 404 || error.httpStatus == 410)
        return RunDetailsDialog::tr(
            "GitHub has no log for this job. A log is published a few seconds after its job ends and "
            "deleted after the repository's log retention period (90 days unless changed).");
    if (error.httpStatus == 401 || error.httpStatus == 403)
        return RunDetailsDialog::tr("GitHub refused the log (%1). Reading logs needs the Actions read "
                                    "permission (fine-grained token) or the repo scope (classic token).")
            .arg(error.httpStatus);
    if (error.httpStatus == 0) {
        // The connection's own advice names the API URL; the log's host is a different one.
        const QString reason = error.message.section(QStringLiteral(". Check "), 0, 0);
        return RunDetailsDialog::tr("Could not download the log: %1. Logs are served by GitHub's log "
                                    "storage, another host than the API: a proxy or firewall must let it "
                                    "through too. Press F5 to try again.")
            .arg(reason);
    }
    return RunDetailsDialog::tr("Could not download the log: %1").arg(error.message);
}

} // namespace

RunDetailsDialog::RunDetailsDialog(GitHubClient &client, EventStore *store, QString repo, WorkflowRun run,
                                   QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_store(store)
    , m_repo(std::move(repo))
    , m_run(std::move(run))
    , m_openUrl([](const QUrl &url) { QDesktopServices::openUrl(url); })
    , m_header(new QLabel(this))
    , m_message(new QLabel(this))
    , m_tree(new QTreeWidget(this))
    , m_artifacts(new RunArtifactsPanel(client, store, m_repo, m_run.id, this))
    , m_tabs(new QTabWidget(this))
    , m_log(new LogView(this))
    , m_logNotice(new QLabel(this))
    , m_search(new QLineEdit(this))
    , m_rerun(new QPushButton(tr("&Re-run"), this))
    , m_rerunFailed(new QPushButton(tr("Re-run &failed jobs"), this))
    , m_cancel(new QPushButton(tr("&Cancel run"), this))
    , m_rerunJob(new QPushButton(tr("Re-run &job"), this))
    , m_debug(new QCheckBox(tr("with &debug logging"), this))
    , m_attempts(new QComboBox(this))
    , m_review(new DeploymentReviewBar(client, store, m_repo, m_run.id, this))
    , m_open(new QPushButton(tr("&Open on GitHub"), this))
    , m_poll(new QTimer(this))
{
    m_poll->setInterval(m_pollMs);
    connect(m_poll, &QTimer::timeout, this, &RunDetailsDialog::reload);
    setObjectName(QStringLiteral("RunDetailsDialog"));
    resize(1000, 640);

    m_header->setObjectName(QStringLiteral("runHeader"));
    m_header->setTextFormat(Qt::RichText);
    m_message->setObjectName(QStringLiteral("actionMessage"));
    m_message->setWordWrap(true);
    m_message->hide();
    m_rerun->setObjectName(QStringLiteral("rerunButton"));
    m_rerunFailed->setObjectName(QStringLiteral("rerunFailedButton"));
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_open->setObjectName(QStringLiteral("openButton"));
    // Enter in the log search must not press an action button.
    m_rerunJob->setObjectName(QStringLiteral("rerunJobButton"));
    m_rerunJob->setToolTip(tr("Re-run the selected job and the jobs that need it"));
    m_debug->setObjectName(QStringLiteral("debugLogging"));
    m_debug->setToolTip(tr("Re-runs log with ACTIONS_STEP_DEBUG and ACTIONS_RUNNER_DEBUG on"));
    m_attempts->setObjectName(QStringLiteral("attemptChooser"));
    m_attempts->setAccessibleName(tr("Attempt"));
    m_attempts->hide();
    connect(m_attempts, &QComboBox::activated, this,
            [this](int index) { showAttempt(m_attempts->itemData(index).toInt()); });
    connect(m_review, &DeploymentReviewBar::reviewed, this, [this](bool, bool ok) {
        Q_EMIT actionFinished(ActionKind::ReviewDeployment, ok);
        reload();
    });
    for (QPushButton *button : {m_rerun, m_rerunFailed, m_rerunJob, m_cancel, m_open})
        button->setAutoDefault(false);

    m_tree->setObjectName(QStringLiteral("jobTree"));
    m_tree->setAccessibleName(tr("Jobs and steps"));
    m_tree->setHeaderLabels({tr("Job / step"), tr("Status"), tr("Duration")});
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setStretchLastSection(false);
    m_tree->setColumnWidth(1, 110);
    m_tree->setColumnWidth(2, 70);
    m_search->setObjectName(QStringLiteral("logSearch"));
    m_search->setPlaceholderText(tr("Search the log (Enter: next match)"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search the log"));
    m_logNotice->setObjectName(QStringLiteral("logNotice"));
    m_logNotice->setWordWrap(true);
    m_logNotice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_logNotice->hide();

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_rerun);
    buttons->addWidget(m_rerunFailed);
    buttons->addWidget(m_rerunJob);
    buttons->addWidget(m_debug);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_attempts);
    buttons->addStretch(1);
    buttons->addWidget(m_open);

    auto *logPane = new QWidget(this);
    auto *logLayout = new QVBoxLayout(logPane);
    logLayout->setContentsMargins(0, 0, 0, 0);
    logLayout->addWidget(m_search);
    logLayout->addWidget(m_logNotice);
    logLayout->addWidget(m_log, 1);

    m_tabs->setObjectName(QStringLiteral("runSideTabs"));
    m_tabs->addTab(m_tree, tr("&Jobs"));
    m_tabs->addTab(m_artifacts, tr("&Artifacts"));
    connect(m_artifacts, &RunArtifactsPanel::artifactsLoaded, this, [this](int count) {
        m_tabs->setTabText(1, count > 0 ? tr("&Artifacts (%1)").arg(count) : tr("&Artifacts"));
    });
    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_tabs);
    splitter->addWidget(logPane);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({400, 600});

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    layout->addLayout(buttons);
    layout->addWidget(m_review);
    layout->addWidget(m_message);
    layout->addWidget(splitter, 1);

    connect(m_rerun, &QPushButton::clicked, this, &RunDetailsDialog::rerun);
    connect(m_rerunFailed, &QPushButton::clicked, this, &RunDetailsDialog::rerunFailed);
    connect(m_cancel, &QPushButton::clicked, this, &RunDetailsDialog::cancelRun);
    connect(m_rerunJob, &QPushButton::clicked, this, &RunDetailsDialog::rerunJob);
    connect(m_open, &QPushButton::clicked, this, &RunDetailsDialog::openOnGitHub);
    connect(m_search, &QLineEdit::returnPressed, this, [this]() {
        if (!m_log->findText(m_search->text()))
            setMessage(tr("\"%1\" is not in this log.").arg(m_search->text()), false);
    });
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        while (item && item->parent())
            item = item->parent();
        if (item)
            showJobLog(item->data(0, Qt::UserRole).toLongLong());
        m_rerunJob->setEnabled(m_attempt == 0 && item &&
                               !isRunning(runStateOf(m_run.status, m_run.conclusion)));
    });

    addShortcuts();
    updateHeader();
    reload();
}

void RunDetailsDialog::addShortcuts()
{
    const auto shortcut = [this](QPushButton *button, const QKeySequence &keys) {
        auto *action = new QAction(button->text().remove(QLatin1Char('&')), this);
        action->setShortcut(keys);
        addAction(action);
        connect(action, &QAction::triggered, button, [button]() {
            if (button->isEnabled())
                button->click();
        });
        button->setToolTip(tr("%1 (%2)").arg(action->text(), keys.toString(QKeySequence::NativeText)));
    };
    shortcut(m_rerun, QKeySequence(Qt::CTRL | Qt::Key_R));
    shortcut(m_rerunFailed, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    shortcut(m_cancel, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X));
    auto *refresh = new QAction(tr("Refresh"), this);
    refresh->setShortcut(QKeySequence::Refresh);
    addAction(refresh);
    connect(refresh, &QAction::triggered, this, [this]() {
        m_logRetriesLeft = std::max(m_logRetriesLeft, 1);
        reload();
    });
    // Ctrl+L: to the log of the selected job, to read or search it with the keyboard.
    auto *toLog = new QAction(tr("View log"), this);
    toLog->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    addAction(toLog);
    connect(toLog, &QAction::triggered, this, [this]() { m_log->setFocus(Qt::ShortcutFocusReason); });
    auto *find = new QAction(tr("Search the log"), this);
    find->setShortcut(QKeySequence::Find);
    addAction(find);
    connect(find, &QAction::triggered, this, [this]() {
        m_search->setFocus(Qt::ShortcutFocusReason);
        m_search->selectAll();
    });
}

void RunDetailsDialog::updateHeader()
{
    fillAttempts();
    const WorkflowRun &shown = m_attempt > 0 ? m_attemptRun : m_run;
    const RunState shownState = runStateOf(shown.status, shown.conclusion);
    const RunState state = runStateOf(m_run.status, m_run.conclusion);
    setWindowTitle(tr("%1 %2 — %3").arg(m_run.name, runLabel(m_run), m_repo));
    m_header->setText(tr("<b>%1</b> %2 · <span style='color:%3'>%4</span><br>%5 · branch <b>%6</b> · "
                         "%7 by %8")
                          .arg(m_run.name.toHtmlEscaped(), runLabel(m_run))
                          .arg(runStateColor(shownState).name(),
                               m_attempt > 0 ? tr("attempt %1 of %2: %3")
                                                   .arg(m_attempt)
                                                   .arg(m_run.runAttempt)
                                                   .arg(runStateText(shownState))
                                             : runStateText(shownState),
                               m_repo.toHtmlEscaped(), m_run.headBranch.toHtmlEscaped(),
                               m_run.event.toHtmlEscaped(), m_run.actor.toHtmlEscaped()));
    const bool running = isRunning(state);
    m_cancel->setEnabled(running);
    m_rerun->setEnabled(!running);
    m_rerunFailed->setEnabled(state == RunState::Failure || state == RunState::Cancelled);
    m_rerunJob->setEnabled(!running && m_attempt == 0 && selectedJob() != 0);
    if (m_run.status == QLatin1String("waiting"))
        m_review->reload();
    else
        m_review->hide();
    m_open->setEnabled(!m_run.htmlUrl.isEmpty());
    updatePolling();
}

// Polls while the run is active, and a little after it while a finished job's log is still awaited.
void RunDetailsDialog::updatePolling()
{
    m_poll->setInterval(pollInterval());
    const bool wanted = isRunning(runStateOf(m_run.status, m_run.conclusion)) || m_logRetriesLeft > 0;
    if (wanted && !m_poll->isActive())
        m_poll->start();
    else if (!wanted)
        m_poll->stop();
}

void RunDetailsDialog::setPollInterval(int ms)
{
    m_pollMs = ms;
    m_poll->setInterval(pollInterval());
}

int RunDetailsDialog::pollInterval() const
{
    return std::max(m_pollMs, m_client.connection().pollIntervalSecs() * 1000);
}

bool RunDetailsDialog::isPolling() const
{
    return m_poll->isActive();
}

QString RunDetailsDialog::logNotice() const
{
    return m_logNotice->isVisible() ? m_logNotice->text() : QString();
}

void RunDetailsDialog::reload()
{
    if (m_reloading > 0) {
        m_reloadAgain = true; // after this round, so an action's effect is never missed
        return;
    }
    QPointer<RunDetailsDialog> self(this);
    const auto roundDone = [self]() {
        --self->m_pending;
        if (--self->m_reloading == 0 && self->m_reloadAgain) {
            self->m_reloadAgain = false;
            self->reload();
        }
    };
    m_pending += 2;
    m_reloading = 2;
    m_artifacts->reload();
    m_client.getRun(m_repo, m_run.id, [self, roundDone](Result<WorkflowRun> result) {
        if (!self)
            return;
        if (result) {
            self->m_run = *result;
            self->updateHeader();
        }
        roundDone();
    });
    const int attempt = m_attempt;
    if (attempt > 0) {
        ++m_pending;
        m_client.getRunAttempt(m_repo, m_run.id, attempt, [self, attempt](Result<WorkflowRun> result) {
            if (!self)
                return;
            --self->m_pending;
            if (result && self->m_attempt == attempt) {
                self->m_attemptRun = *result;
                self->updateHeader();
            }
        });
    }
    const auto jobsDone = [self, roundDone, attempt](Result<QList<Job>> result) {
        if (!self)
            return;
        if (result) {
            if (self->m_attempt == attempt)
                self->jobsArrived(*result);
        } else {
            self->setMessage(tr("Could not load the jobs: %1").arg(result.error().message), true);
        }
        roundDone();
    };
    if (attempt > 0)
        m_client.listAttemptJobs(m_repo, m_run.id, attempt, jobsDone);
    else
        m_client.listJobs(m_repo, m_run.id, jobsDone);
}

void RunDetailsDialog::fillAttempts()
{
    // Newest first; only worth showing once there was a re-run.
    if (m_attempts->count() != m_run.runAttempt) {
        const QSignalBlocker block(m_attempts);
        m_attempts->clear();
        for (int n = m_run.runAttempt; n >= 1; --n)
            m_attempts->addItem(n == m_run.runAttempt ? tr("Attempt %1 (latest)").arg(n)
                                                      : tr("Attempt %1").arg(n),
                                n == m_run.runAttempt ? 0 : n);
    }
    const QSignalBlocker block(m_attempts);
    m_attempts->setCurrentIndex(std::max(0, m_attempts->findData(m_attempt)));
    m_attempts->setVisible(m_run.runAttempt > 1);
}

void RunDetailsDialog::showAttempt(int attempt)
{
    if (attempt == m_run.runAttempt)
        attempt = 0;
    if (attempt == m_attempt)
        return;
    m_attempt = attempt;
    m_jobs.clear();
    m_logJob = 0;
    m_logComplete = false;
    m_tree->clear();
    m_log->setPlainText({});
    updateHeader();
    reload();
}

qint64 RunDetailsDialog::selectedJob() const
{
    QTreeWidgetItem *item = m_tree->currentItem();
    while (item && item->parent())
        item = item->parent();
    return item ? item->data(0, Qt::UserRole).toLongLong() : 0;
}

void RunDetailsDialog::setDebugLogging(bool on)
{
    m_debug->setChecked(on);
}

void RunDetailsDialog::jobsArrived(const QList<Job> &jobs)
{
    // Unchanged jobs (GitHub's 304s) leave the tree alone: the user's folding and scrolling stay.
    if (m_jobs.isEmpty() || !sameJobs(jobs, m_jobs)) {
        m_jobs = jobs;
        fillJobs();
    }
    // A re-run starts the job again: its log so far is no longer the whole log.
    for (const Job &job : std::as_const(m_jobs))
        if (job.id == m_logJob && isRunning(runStateOf(job.status, job.conclusion)))
            m_logComplete = false;
    if (m_logJob != 0 && !m_logComplete)
        fetchLog();
    updatePolling();
    Q_EMIT jobsLoaded();
}

void RunDetailsDialog::fillJobs()
{
    const qint64 keep = m_logJob;
    m_tree->clear();
    QTreeWidgetItem *toSelect = nullptr;
    for (const Job &job : std::as_const(m_jobs)) {
        auto *item = new QTreeWidgetItem(m_tree);
        item->setText(0, job.name);
        item->setData(0, Qt::UserRole, job.id);
        decorate(item, runStateOf(job.status, job.conclusion));
        item->setText(2, durationOf(job.startedAt, job.completedAt));
        QFont bold = item->font(0);
        bold.setBold(true);
        item->setFont(0, bold);
        for (const Step &step : job.steps) {
            auto *child = new QTreeWidgetItem(item);
            child->setText(0, QStringLiteral("%1. %2").arg(step.number).arg(step.name));
            decorate(child, runStateOf(step.status, step.conclusion));
            child->setText(2, durationOf(step.startedAt, step.completedAt));
        }
        item->setExpanded(true);
        if (!toSelect || job.id == keep ||
            (keep == 0 && runStateOf(job.status, job.conclusion) == RunState::Failure))
            toSelect = item;
    }
    if (toSelect)
        m_tree->setCurrentItem(toSelect);
}

void RunDetailsDialog::showJobLog(qint64 jobId)
{
    if (jobId == 0)
        return;
    if (jobId == m_logJob) {
        if (!m_logComplete)
            fetchLog();
        return;
    }
    m_logJob = jobId;
    m_logComplete = false;
    m_logRetriesLeft = 0;
    m_log->setPlainText({});
    fetchLog();
}

// GitHub serves a job's log once the job has finished; until then the window says so and asks again
// when a poll shows the job finished.
void RunDetailsDialog::fetchLog()
{
    const auto job =
        std::find_if(m_jobs.cbegin(), m_jobs.cend(), [this](const Job &j) { return j.id == m_logJob; });
    if (job == m_jobs.cend() || m_logInFlight)
        return;
    const RunState state = runStateOf(job->status, job->conclusion);
    const int every = pollInterval() / 1000;
    if (state == RunState::Queued || state == RunState::Waiting) {
        setLogNotice(tr("This job has not started yet. Its log appears here when the job has finished "
                        "(checked every %n s).",
                        nullptr, every),
                     false);
        return;
    }
    if (isRunning(state)) {
        setLogNotice(tr("This job is still running. GitHub publishes a job's log when the job has "
                        "finished; it appears here then (checked every %n s).",
                        nullptr, every),
                     false);
        return;
    }
    if (m_log->toPlainText().isEmpty())
        setLogNotice(tr("Loading the log…"), false);
    m_logInFlight = true;
    ++m_pending;
    QPointer<RunDetailsDialog> self(this);
    const qint64 jobId = m_logJob;
    m_client.jobLogs(m_repo, jobId, [self, jobId](Result<QByteArray> result) {
        if (!self)
            return;
        --self->m_pending;
        self->m_logInFlight = false;
        self->logArrived(jobId, std::move(result));
    });
}

void RunDetailsDialog::logArrived(qint64 jobId, Result<QByteArray> result)
{
    if (m_logJob != jobId) {
        fetchLog(); // another job was picked meanwhile
        return;
    }
    if (!result) {
        const bool notYet = result.error().httpStatus == 404 || result.error().httpStatus == 410;
        if (notYet && m_logRetriesLeft == 0 && m_log->toPlainText().isEmpty())
            m_logRetriesLeft = 6; // a log just finished is published within seconds
        else if (m_logRetriesLeft > 0)
            --m_logRetriesLeft;
        QString text = logProblem(result.error());
        if (notYet && m_logRetriesLeft > 0)
            text += QLatin1Char(' ') + tr("Asking again in %n s.", nullptr, pollInterval() / 1000);
        setLogNotice(text, !notYet || m_logRetriesLeft == 0);
        updatePolling();
        return;
    }
    m_logRetriesLeft = 0;
    m_logComplete = true;
    setLogNotice({}, false);
    m_log->setLog(*result);
    updatePolling();
    Q_EMIT logLoaded(jobId);
}

void RunDetailsDialog::setLogNotice(const QString &text, bool error)
{
    m_logNotice->setText(text);
    m_logNotice->setStyleSheet(
        QStringLiteral("QLabel { %1 }").arg(swatchCss(toneSwatch(error ? Tone::Failure : Tone::Info))));
    m_logNotice->setVisible(!text.isEmpty());
}

void RunDetailsDialog::setMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(
        QStringLiteral("QLabel { %1 }").arg(swatchCss(toneSwatch(error ? Tone::Failure : Tone::Info))));
    m_message->setVisible(!text.isEmpty());
}

void RunDetailsDialog::perform(ActionKind kind, const QString &question, const QString &doing, Call call)
{
    if (!Confirm::ask(this, windowTitle(), question))
        return;
    setMessage(tr("%1…").arg(doing), false);
    QPointer<RunDetailsDialog> self(this);
    const Status started = runRecordedAction(
        m_store, kind, QStringLiteral("%1/actions/runs/%2").arg(m_repo).arg(m_run.id), call,
        [self, kind, doing](Status status) {
            if (!self)
                return;
            if (status) {
                self->setMessage(tr("%1: done.").arg(doing), false);
                self->reload();
            } else {
                self->setMessage(tr("%1 failed: %2").arg(doing, status.error().message), true);
            }
            Q_EMIT self->actionFinished(kind, status.ok());
        });
    if (!started)
        setMessage(tr("Not done: the action log could not be written (%1).").arg(started.error().message),
                   true);
}

void RunDetailsDialog::rerun()
{
    perform(ActionKind::Rerun, tr("Re-run every job of run %1 in %2?").arg(runLabel(m_run), m_repo),
            tr("Re-running run %1").arg(runLabel(m_run)), [this, debug = m_debug->isChecked()](auto done) {
                m_client.rerunRun(m_repo, m_run.id, false, done, debug);
            });
}

void RunDetailsDialog::rerunFailed()
{
    perform(ActionKind::Rerun, tr("Re-run the failed jobs of run %1 in %2?").arg(runLabel(m_run), m_repo),
            tr("Re-running the failed jobs of run %1").arg(runLabel(m_run)),
            [this, debug = m_debug->isChecked()](auto done) {
                m_client.rerunRun(m_repo, m_run.id, true, done, debug);
            });
}

void RunDetailsDialog::rerunJob()
{
    const qint64 jobId = selectedJob();
    const auto job =
        std::find_if(m_jobs.cbegin(), m_jobs.cend(), [jobId](const Job &j) { return j.id == jobId; });
    if (job == m_jobs.cend())
        return;
    const bool debug = m_debug->isChecked();
    perform(ActionKind::Rerun,
            tr("Re-run the job %1 of run %2 in %3%4?")
                .arg(job->name, runLabel(m_run), m_repo, debug ? tr(" with debug logging") : QString()),
            tr("Re-running the job %1").arg(job->name),
            [this, jobId, debug](auto done) { m_client.rerunJob(m_repo, jobId, debug, done); });
}

void RunDetailsDialog::cancelRun()
{
    perform(ActionKind::Cancel, tr("Cancel run %1 in %2?").arg(runLabel(m_run), m_repo),
            tr("Cancelling run %1").arg(runLabel(m_run)),
            [this](auto done) { m_client.cancelRun(m_repo, m_run.id, false, done); });
}

void RunDetailsDialog::openOnGitHub()
{
    const QUrl url(m_run.htmlUrl);
    if (!url.isValid() ||
        !Confirm::ask(this, windowTitle(), tr("Open %1 in the browser?").arg(url.toString())))
        return;
    m_openUrl(url);
}

} // namespace exeserver
