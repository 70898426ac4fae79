#include "logs/actionlogmodel.h"

#include "events/eventsummary.h"
#include "store/eventstore.h"
#include "widgets/themecolors.h"

#include <QBrush>
#include <QColor>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <algorithm>

namespace exeserver {

ActionLogModel::ActionLogModel(EventStore &store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{
    refresh();
}

void ActionLogModel::refresh()
{
    beginResetModel();
    m_rows.clear();
    m_eventWords.clear();
    m_more = true;
    m_error.clear();
    endResetModel();
    fetchMore({});
}

bool ActionLogModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_more;
}

void ActionLogModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || !m_more)
        return;
    ActionQuery query;
    query.limit = kPageSize;
    query.beforeSeq = m_rows.isEmpty() ? 0 : m_rows.constLast().seq;
    const Result<QList<ActionRecord>> page = m_store.actions(query);
    if (!page) {
        m_error = page.error().message;
        m_more = false;
        return;
    }
    m_more = page->size() == kPageSize;
    if (page->isEmpty())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page->size() - 1));
    m_rows.append(*page);
    endInsertRows();
}

int ActionLogModel::loadThrough(qint64 seq)
{
    // In few queries: each reads as many rows as the store hands out at once, stopping at `seq`.
    constexpr int kBatch = 10000;
    while (m_more && (m_rows.isEmpty() || m_rows.constLast().seq > seq)) {
        ActionQuery query;
        query.limit = kBatch;
        query.beforeSeq = m_rows.isEmpty() ? 0 : m_rows.constLast().seq;
        query.fromSeq = seq;
        const Result<QList<ActionRecord>> page = m_store.actions(query);
        if (!page) {
            m_error = page.error().message;
            m_more = false;
            return -1;
        }
        if (!page->isEmpty()) {
            beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page->size() - 1));
            m_rows.append(*page);
            endInsertRows();
        }
        if (page->size() < kBatch)
            break; // nothing left between here and `seq`; older rows stay for fetchMore
    }
    // Newest first: seqs fall down the rows.
    const auto found =
        std::lower_bound(m_rows.cbegin(), m_rows.cend(), seq,
                         [](const ActionRecord &row, qint64 wanted) { return row.seq > wanted; });
    return found != m_rows.cend() && found->seq == seq ? int(found - m_rows.cbegin()) : -1;
}

const ActionRecord *ActionLogModel::actionAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

bool ActionLogModel::canRetry(const ActionRecord &action)
{
    return action.status == ActionStatus::Failure || action.status == ActionStatus::Interrupted;
}

QString ActionLogModel::duration(const ActionRecord &action)
{
    if (!action.startedAt.isValid() || !action.finishedAt.isValid())
        return {};
    const qint64 ms = action.startedAt.msecsTo(action.finishedAt);
    if (ms < 1000)
        return tr("%1 ms").arg(ms);
    if (ms < 60000)
        return tr("%1 s").arg(QLocale().toString(double(ms) / 1000.0, 'f', 1));
    return tr("%1 min %2 s").arg(ms / 60000).arg((ms % 60000) / 1000);
}

QString ActionLogModel::kindLabel(ActionKind kind)
{
    switch (kind) {
    case ActionKind::CodeFile:
        return tr("Code file");
    case ActionKind::Dispatch:
        return tr("Workflow dispatch");
    case ActionKind::Comment:
        return tr("Comment");
    case ActionKind::Rerun:
        return tr("Re-run");
    case ActionKind::Cancel:
        return tr("Cancel run");
    case ActionKind::Reaction:
        return tr("Reaction");
    case ActionKind::EnableWorkflow:
        return tr("Enable workflow");
    case ActionKind::DisableWorkflow:
        return tr("Disable workflow");
    case ActionKind::Notify:
        return tr("Notification");
    case ActionKind::DeleteArtifact:
        return tr("Delete artifact");
    case ActionKind::ReviewDeployment:
        return tr("Review deployment");
    }
    return toString(kind);
}

namespace {

// TriggerEngine ends a code file's kept output with this line when the whole run log is on disk.
const QLatin1String kLogLinePrefix("\n[full log: ");

qsizetype logLineAt(const QString &output)
{
    const qsizetype at = output.lastIndexOf(kLogLinePrefix);
    return at >= 0 && output.endsWith(QLatin1Char(']')) && output.indexOf(QLatin1Char('\n'), at + 1) < 0 ? at
                                                                                                         : -1;
}

// The number people know an event by: the pull request's, the issue's, the discussion's.
int eventNumber(const QJsonObject &payload)
{
    if (payload.value(QLatin1String("number")).isDouble())
        return payload.value(QLatin1String("number")).toInt();
    for (const QLatin1String key :
         {QLatin1String("pull_request"), QLatin1String("issue"), QLatin1String("discussion")}) {
        const QJsonValue number = payload.value(key).toObject().value(QLatin1String("number"));
        if (number.isDouble())
            return number.toInt();
    }
    return 0;
}

} // namespace

QString ActionLogModel::outputText(const ActionRecord &action)
{
    const qsizetype at = logLineAt(action.output);
    return at < 0 ? action.output : action.output.left(at);
}

QString ActionLogModel::logFile(const ActionRecord &action)
{
    const qsizetype at = logLineAt(action.output);
    return at < 0 ? QString() : action.output.mid(at + kLogLinePrefix.size()).chopped(1);
}

QString ActionLogModel::eventWords(const QString &eventId) const
{
    if (eventId.isEmpty())
        return {};
    if (const auto cached = m_eventWords.constFind(eventId); cached != m_eventWords.cend())
        return *cached;
    const Result<std::optional<Event>> event = m_store.event(eventId);
    QString words;
    if (!event || !*event) {
        words = tr("an event no longer stored");
    } else {
        const Event &e = **event;
        const QJsonObject payload = QJsonDocument::fromJson(e.payload).object();
        QStringList parts{e.action.isEmpty() ? e.type : QStringLiteral("%1.%2").arg(e.type, e.action)};
        const int number = eventNumber(payload);
        if (!e.repository.isEmpty())
            parts.append(number > 0 ? QStringLiteral("%1 #%2").arg(e.repository).arg(number) : e.repository);
        const QString summary = eventSummary(e.type, payload);
        if (!summary.isEmpty())
            parts.append(summary);
        words = parts.join(QStringLiteral(" · "));
    }
    m_eventWords.insert(eventId, words);
    return words;
}

int ActionLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ActionLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ActionLogModel::data(const QModelIndex &index, int role) const
{
    const ActionRecord *action = index.isValid() ? actionAt(index.row()) : nullptr;
    if (!action)
        return {};
    if (role == Qt::ForegroundRole && index.column() == StatusColumn) {
        if (action->status == ActionStatus::Failure)
            return QBrush(toneText(Tone::Failure));
        if (action->status == ActionStatus::Interrupted)
            return QBrush(toneText(Tone::Warning));
        if (action->status == ActionStatus::Success)
            return QBrush(toneText(Tone::Success));
        return {};
    }
    if (role == Qt::ToolTipRole && index.column() == KindColumn)
        return tr("Recorded as %1").arg(toString(action->kind)); // the word the CLI and the store use
    if (role == Qt::ToolTipRole && index.column() == EventColumn && !action->eventId.isEmpty())
        return tr("%1\nDelivery %2").arg(eventWords(action->eventId), action->eventId);
    if (role == Qt::ToolTipRole && index.column() == OutputColumn) {
        QString tip = action->error.isEmpty() ? outputText(*action)
                                              : action->error + QLatin1Char('\n') + outputText(*action);
        if (const QString log = logFile(*action); !log.isEmpty())
            tip += QLatin1Char('\n') + tr("Full log: %1").arg(log);
        return tip;
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case TimeColumn:
        return QLocale().toString(action->requestedAt.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case KindColumn:
        return kindLabel(action->kind);
    case TargetColumn:
        return action->target;
    case TriggerColumn:
        return action->triggerId.isEmpty() ? tr("(manual)") : action->triggerId;
    case EventColumn:
        return eventWords(action->eventId);
    case StatusColumn:
        return toString(action->status);
    case DurationColumn:
        return duration(*action);
    case ResultColumn:
        if (action->exitCode)
            return tr("exit %1").arg(*action->exitCode);
        if (action->httpStatus)
            return tr("HTTP %1").arg(*action->httpStatus);
        return {};
    case OutputColumn: {
        // One line of it: the error when there is one, else the last line of output.
        const QString text = action->error.isEmpty() ? outputText(*action).trimmed() : action->error;
        return text.section(QLatin1Char('\n'), -1).left(200);
    }
    default:
        return {};
    }
}

QVariant ActionLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || orientation != Qt::Horizontal)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Requested");
    case KindColumn:
        return tr("Action");
    case TargetColumn:
        return tr("Target");
    case TriggerColumn:
        return tr("Trigger");
    case EventColumn:
        return tr("Event");
    case StatusColumn:
        return tr("Status");
    case DurationColumn:
        return tr("Duration");
    case ResultColumn:
        return tr("Result");
    case OutputColumn:
        return tr("Output");
    default:
        return {};
    }
}

} // namespace exeserver
