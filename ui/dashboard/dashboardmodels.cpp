#include "dashboard/dashboardmodels.h"

#include "widgets/themecolors.h"

#include <QApplication>
#include <QDateTime>
#include <QLocale>
#include <QPainter>
#include <QTimer>

#include <algorithm>
#include <optional>

namespace exeserver {

namespace {

QString formatTime(const QDateTime &time)
{
    if (!time.isValid())
        return {};
    const QDateTime local = time.toLocalTime();
    if (local.date() == QDate::currentDate())
        return local.toString(QStringLiteral("HH:mm:ss"));
    return local.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QDateTime startOf(const WorkflowRun &run)
{
    return run.runStartedAt.isValid() ? run.runStartedAt : run.createdAt;
}

qint64 durationSecs(const DashboardRun &entry)
{
    const QDateTime start = startOf(entry.run);
    if (!start.isValid())
        return -1;
    const QDateTime end = isRunning(entry.state()) ? QDateTime::currentDateTimeUtc() : entry.run.updatedAt;
    return end.isValid() ? start.secsTo(end) : -1;
}

QString workflowStateText(const QString &state)
{
    if (state == QLatin1String("active"))
        return QStringLiteral("Active");
    if (state == QLatin1String("disabled_manually"))
        return QStringLiteral("Disabled");
    if (state == QLatin1String("disabled_inactivity"))
        return QStringLiteral("Disabled (inactive)");
    if (state == QLatin1String("disabled_fork"))
        return QStringLiteral("Disabled (fork)");
    return state;
}

} // namespace

QString formatDuration(qint64 seconds)
{
    if (seconds < 0)
        return {};
    if (seconds < 60)
        return QStringLiteral("%1s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1m %2s").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1h %2m").arg(seconds / 3600).arg((seconds % 3600) / 60, 2, 10, QLatin1Char('0'));
}

// --- RunTableModel

RunTableModel::RunTableModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_animation(new QTimer(this))
{
    m_animation->setInterval(120);
    connect(m_animation, &QTimer::timeout, this, &RunTableModel::advanceAnimation);
}

void RunTableModel::setRuns(QList<DashboardRun> runs)
{
    beginResetModel();
    m_runs = std::move(runs);
    endResetModel();
    if (hasRunningRuns())
        m_animation->start();
    else
        m_animation->stop();
}

const DashboardRun *RunTableModel::runAt(int row) const
{
    return row >= 0 && row < m_runs.size() ? &m_runs.at(row) : nullptr;
}

bool RunTableModel::hasRunningRuns() const
{
    return std::any_of(m_runs.cbegin(), m_runs.cend(),
                       [](const DashboardRun &run) { return isRunning(run.state()); });
}

void RunTableModel::advanceAnimation()
{
    m_frame = (m_frame + 1) % kSpinnerFrames;
    for (int row = 0; row < m_runs.size(); ++row) {
        if (m_runs.at(row).state() == RunState::InProgress)
            Q_EMIT dataChanged(index(row, Status), index(row, Status), {Qt::DecorationRole});
    }
}

int RunTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RunTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunTableModel::data(const QModelIndex &index, int role) const
{
    const DashboardRun *entry = runAt(index.row());
    if (!entry)
        return {};
    const WorkflowRun &run = entry->run;
    const RunState state = entry->state();
    switch (role) {
    case role::Repository:
        return entry->repo;
    case role::Branch:
        return run.headBranch;
    case role::WorkflowName:
        return run.name;
    case role::State:
        return int(state);
    case role::RunId:
        return run.id;
    default:
        break;
    }
    const int column = index.column();
    if (role == Qt::DisplayRole || role == role::Sort) {
        switch (column) {
        case Status:
            return role == role::Sort ? QVariant(int(state)) : QVariant(runStateText(state));
        case Repository:
            return entry->repo;
        case Workflow:
            return run.name;
        case Branch:
            return run.headBranch;
        case Event:
            return run.event;
        case Actor:
            return run.actor;
        case RunNumber:
            return role == role::Sort ? QVariant(run.runNumber)
                                      : QVariant(QStringLiteral("#%1").arg(run.runNumber));
        case Started:
            return role == role::Sort ? QVariant(startOf(run)) : QVariant(formatTime(startOf(run)));
        case Duration:
            return role == role::Sort ? QVariant(durationSecs(*entry))
                                      : QVariant(formatDuration(durationSecs(*entry)));
        default:
            return {};
        }
    }
    if (column == Status) {
        if (role == Qt::DecorationRole)
            return runStateIcon(state, m_frame);
        if (role == Qt::ForegroundRole)
            return runStateColor(state);
        if (role == Qt::AccessibleTextRole)
            return QStringLiteral("Run status: %1").arg(runStateText(state));
    }
    if (role == Qt::ToolTipRole)
        return QStringLiteral("%1 · %2 #%3 — %4")
            .arg(entry->repo, run.name)
            .arg(run.runNumber)
            .arg(run.displayTitle);
    if (role == Qt::TextAlignmentRole && (column == RunNumber || column == Duration))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = {"Status", "Repository", "Workflow", "Branch",  "Event",
                                        "Actor",  "Run",        "Started",  "Duration"};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

// --- WorkflowTableModel

WorkflowTableModel::WorkflowTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void WorkflowTableModel::setWorkflows(QList<DashboardWorkflow> workflows)
{
    beginResetModel();
    m_workflows = std::move(workflows);
    endResetModel();
}

void WorkflowTableModel::setWatched(QHash<QString, CiHealthState> watched)
{
    m_watched = std::move(watched);
    if (!m_workflows.isEmpty())
        Q_EMIT dataChanged(index(0, Name), index(int(m_workflows.size()) - 1, Name));
}

bool WorkflowTableModel::isWatched(int row) const
{
    const DashboardWorkflow &entry = m_workflows.value(row);
    return m_watched.contains(WatchedWorkflow::keyOf(entry.repo, entry.workflow.id));
}

int WorkflowTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_workflows.size());
}

int WorkflowTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WorkflowTableModel::data(const QModelIndex &index, int role) const
{
    if (index.row() < 0 || index.row() >= m_workflows.size())
        return {};
    const DashboardWorkflow &entry = m_workflows.at(index.row());
    const WorkflowRun *lastRun = entry.lastRun();
    // A plain value and a flag rather than std::optional: GCC 12 at -O2 warns (falsely) that the optional's
    // payload may be used uninitialised.
    const bool hasLast = lastRun != nullptr;
    const RunState lastState = hasLast ? runStateOf(lastRun->status, lastRun->conclusion) : RunState{};
    switch (role) {
    case role::Repository:
        return entry.repo;
    case role::Branch:
        return QString();
    case role::WorkflowName:
        return entry.workflow.name;
    case role::State:
        return hasLast ? int(lastState) : -1;
    default:
        break;
    }
    const int column = index.column();
    if (role == Qt::DisplayRole || role == role::Sort) {
        switch (column) {
        case Repository:
            return entry.repo;
        case Name:
            return entry.workflow.name;
        case File:
            return entry.workflow.fileName();
        case State:
            return workflowStateText(entry.workflow.state);
        case LastRun:
            if (role == role::Sort)
                return hasLast ? int(lastState) : -1;
            return hasLast ? runStateText(lastState) : tr("No runs");
        case LastRunTime:
            if (!lastRun)
                return role == role::Sort ? QVariant(QDateTime()) : QVariant(QString());
            return role == role::Sort ? QVariant(startOf(*lastRun)) : QVariant(formatTime(startOf(*lastRun)));
        case Recent:
            if (role == role::Sort) {
                return int(
                    std::count_if(entry.recent.cbegin(), entry.recent.cend(), [](const WorkflowRun &run) {
                        return runStateOf(run.status, run.conclusion) == RunState::Failure;
                    }));
            }
            return {};
        default:
            return {};
        }
    }
    if (column == LastRun && hasLast) {
        if (role == Qt::DecorationRole)
            return runStateIcon(lastState);
        if (role == Qt::ForegroundRole)
            return runStateColor(lastState);
    }
    if (column == Recent && role == role::History) {
        QVariantList history;
        for (auto it = entry.recent.crbegin(); it != entry.recent.crend(); ++it) {
            const RunState state = runStateOf(it->status, it->conclusion);
            const QDateTime start = startOf(*it);
            const QDateTime end = isRunning(state) ? QDateTime::currentDateTimeUtc() : it->updatedAt;
            const qint64 secs = start.isValid() && end.isValid() ? start.secsTo(end) : 0;
            history.append(QVariant(QVariantList{int(state), secs})); // one pair, not two items
        }
        return history;
    }
    if (column == Recent && (role == Qt::ToolTipRole || role == Qt::AccessibleTextRole)) {
        QStringList words;
        for (const WorkflowRun &run : entry.recent)
            words.append(runStateText(runStateOf(run.status, run.conclusion)));
        return words.isEmpty() ? tr("No recent runs")
                               : tr("Recent runs, newest first: %1").arg(words.join(QStringLiteral(", ")));
    }
    if (column == State && role == Qt::ForegroundRole && !entry.workflow.isActive())
        return toneText(Tone::Muted);
    if (column == Name && (role == Qt::DecorationRole || role == Qt::ToolTipRole)) {
        const auto watched = m_watched.constFind(WatchedWorkflow::keyOf(entry.repo, entry.workflow.id));
        if (watched != m_watched.cend())
            return role == Qt::DecorationRole
                       ? QVariant(ciHealthBadge(*watched))
                       : QVariant(
                             tr("Watched in the tray: %1 on the default branch").arg(ciHealthText(*watched)));
    }
    if (role == Qt::ToolTipRole)
        return entry.workflow.path;
    return {};
}

QVariant WorkflowTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = {"Repository", "Workflow",    "File",       "State",
                                        "Last run",   "Last run at", "Recent runs"};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

// --- SparklineDelegate

void SparklineDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                              const QModelIndex &index) const
{
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, widget);

    const QVariantList history = index.data(role::History).toList();
    if (history.isEmpty())
        return;
    qint64 longest = 1;
    for (const QVariant &entry : history)
        longest = std::max(longest, entry.toList().value(1).toLongLong());
    const QRect area = option.rect.adjusted(4, 3, -4, -3);
    const int slot = 9;
    const int barWidth = 6;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, false);
    int x = area.left();
    for (const QVariant &entry : history) {
        const QVariantList pair = entry.toList();
        const auto state = RunState(pair.value(0).toInt());
        const qint64 secs = pair.value(1).toLongLong();
        // Almost half the height at least, so the shortest run still shows its colour and shape.
        const int height = int(area.height() * (0.45 + 0.55 * double(secs) / double(longest)));
        const QRect bar(x, area.bottom() - height + 1, barWidth, height);
        const QColor color = runStateColor(state);
        if (state == RunState::Failure || isRunning(state)) {
            painter->setPen(QPen(color, 1));
            painter->setBrush(Qt::NoBrush);
            painter->drawRect(bar.adjusted(0, 0, -1, -1));
            if (state == RunState::Failure)
                painter->drawLine(bar.bottomLeft(), bar.topRight());
        } else {
            painter->fillRect(bar, color);
        }
        x += slot;
        if (x + barWidth > area.right())
            break;
    }
    painter->restore();
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    return QSize(DashboardWorkflow::kRecentRuns * 9 + 8,
                 QStyledItemDelegate::sizeHint(option, index).height());
}

// --- DashboardFilterProxy

DashboardFilterProxy::DashboardFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(role::Sort);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void DashboardFilterProxy::setRepository(const QString &repo)
{
    m_repository = repo;
    invalidateFilter();
}

void DashboardFilterProxy::setBranch(const QString &branch)
{
    m_branch = branch;
    invalidateFilter();
}

void DashboardFilterProxy::setWorkflow(const QString &name)
{
    m_workflow = name;
    invalidateFilter();
}

void DashboardFilterProxy::setState(int state)
{
    m_state = state;
    invalidateFilter();
}

void DashboardFilterProxy::setText(const QString &text)
{
    m_text = text.trimmed();
    invalidateFilter();
}

bool DashboardFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *model = sourceModel();
    const QModelIndex first = model->index(sourceRow, 0, sourceParent);
    if (!m_repository.isEmpty() && first.data(role::Repository).toString() != m_repository)
        return false;
    if (!m_branch.isEmpty() && first.data(role::Branch).toString() != m_branch)
        return false;
    if (!m_workflow.isEmpty() && first.data(role::WorkflowName).toString() != m_workflow)
        return false;
    if (m_state >= 0 && first.data(role::State).toInt() != m_state)
        return false;
    if (m_text.isEmpty())
        return true;
    for (int column = 0; column < model->columnCount(sourceParent); ++column) {
        if (model->index(sourceRow, column, sourceParent)
                .data()
                .toString()
                .contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace exeserver
