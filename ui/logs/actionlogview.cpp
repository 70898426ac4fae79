#include "logs/actionlogview.h"

#include "logs/actionlogmodel.h"
#include "store/eventstore.h"
#include "triggers/triggerengine.h"
#include "widgets/emptyhint.h"
#include "widgets/logtable.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImage>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTextDocument>
#include <QTextEdit>
#include <QToolButton>
#include <QVBoxLayout>

namespace exeserver {

namespace {

// A step summary is Markdown a script wrote: its text and links are shown, but no image or file it names
// is ever loaded (QTextDocument would otherwise read local files).
class SummaryDocument : public QTextDocument
{
public:
    using QTextDocument::QTextDocument;

protected:
    QVariant loadResource(int, const QUrl &) override { return QImage(); }
};

} // namespace

ActionLogView::ActionLogView(EventStore &store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_model(new ActionLogModel(store, this))
    , m_table(new QTableView(this))
    , m_output(new QPlainTextEdit(this))
    , m_summary(new QTextEdit(this))
    , m_details(new QSplitter(Qt::Horizontal, this))
    , m_detailsToggle(new QToolButton(this))
    , m_detailsText(new QLabel(this))
    , m_retry(new QPushButton(tr("Retry"), this))
    , m_refresh(new QPushButton(tr("Refresh"), this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("ActionLogView"));
    m_table->setObjectName(QStringLiteral("actionTable"));
    setEmptyHint(m_table, tr("No actions yet. What triggers run, and what you start from the dashboard, "
                             "is recorded here."));
    m_table->setAccessibleName(tr("Actions"));
    m_table->setModel(m_model);
    setUpLogTable(*m_table);
    // Dates and kinds whole; the event's words are the widest column, their tail elided.
    const QFontMetrics metrics = m_table->fontMetrics();
    const int padding = 3 * metrics.averageCharWidth();
    m_table->setColumnWidth(ActionLogModel::TimeColumn,
                            metrics.horizontalAdvance(QStringLiteral("2026-12-31 23:59:59")) + padding);
    m_table->setColumnWidth(ActionLogModel::KindColumn,
                            metrics.horizontalAdvance(ActionLogModel::kindLabel(ActionKind::Dispatch)) +
                                padding);
    m_table->setColumnWidth(ActionLogModel::TargetColumn, 180);
    m_table->setColumnWidth(ActionLogModel::TriggerColumn, 100);
    m_table->setColumnWidth(ActionLogModel::EventColumn, 330);
    m_table->setColumnWidth(ActionLogModel::StatusColumn, 85);
    m_table->setColumnWidth(ActionLogModel::DurationColumn, 75);
    m_table->setColumnWidth(ActionLogModel::ResultColumn, 75);

    m_output->setObjectName(QStringLiteral("actionOutput"));
    m_output->setAccessibleName(tr("Output of the selected action"));
    m_output->setReadOnly(true);
    m_output->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_output->setPlaceholderText(tr("The selected action's output"));
    m_summary->setObjectName(QStringLiteral("actionSummary"));
    m_summary->setDocument(new SummaryDocument(m_summary));
    m_summary->setReadOnly(true);
    m_summary->hide();
    m_detailsToggle->setObjectName(QStringLiteral("actionDetailsButton"));
    m_detailsToggle->setText(tr("Details"));
    m_detailsToggle->setToolTip(tr("The action's id, its event's delivery id and its full log file"));
    m_detailsToggle->setCheckable(true);
    m_detailsToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_detailsToggle->setArrowType(Qt::RightArrow);
    m_detailsToggle->setAutoRaise(true);
    m_detailsText->setObjectName(QStringLiteral("actionDetails"));
    m_detailsText->setAccessibleName(tr("Details of the selected action"));
    m_detailsText->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_detailsText->setWordWrap(true);
    m_detailsText->hide();
    connect(m_detailsToggle, &QToolButton::toggled, this, [this](bool shown) {
        m_detailsToggle->setArrowType(shown ? Qt::DownArrow : Qt::RightArrow);
        m_detailsText->setVisible(shown);
    });
    m_retry->setObjectName(QStringLiteral("retryButton"));
    m_refresh->setObjectName(QStringLiteral("refreshButton"));
    m_status->setObjectName(QStringLiteral("actionLogStatus"));

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    m_details->addWidget(m_output);
    m_details->addWidget(m_summary);
    auto *lower = new QWidget(this);
    auto *lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    lowerLayout->addWidget(m_details, 1);
    lowerLayout->addWidget(m_detailsToggle, 0, Qt::AlignLeft);
    lowerLayout->addWidget(m_detailsText);
    splitter->addWidget(lower);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_refresh);
    buttons->addWidget(m_retry);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter, 1);
    layout->addLayout(buttons);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ActionLogView::showSelected);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ActionLogView::showSelected);
    connect(m_retry, &QPushButton::clicked, this, &ActionLogView::retrySelected);
    connect(m_refresh, &QPushButton::clicked, this, &ActionLogView::refresh);
    showSelected();
}

void ActionLogView::setEngine(TriggerEngine *engine)
{
    if (m_engine)
        disconnect(m_engine, nullptr, this, nullptr);
    m_engine = engine;
    if (engine) {
        connect(engine, &TriggerEngine::actionStarted, this, &ActionLogView::refresh);
        connect(engine, &TriggerEngine::actionFinished, this, &ActionLogView::refresh);
    }
    showSelected();
}

QString ActionLogView::statusText() const
{
    if (!m_model->lastError().isEmpty())
        return tr("Cannot read the action log: %1").arg(m_model->lastError());
    return m_message;
}

QString ActionLogView::detailsText() const
{
    return m_detailsText->text();
}

QString ActionLogView::outputText() const
{
    return m_output->toPlainText();
}

void ActionLogView::refresh()
{
    // Keep the selected action selected across the reload.
    const ActionRecord *current = m_model->actionAt(m_table->currentIndex().row());
    const qint64 selectedSeq = current ? current->seq : 0;
    m_model->refresh();
    if (selectedSeq > 0) { // however far down it was
        const int row = m_model->loadThrough(selectedSeq);
        if (row >= 0)
            m_table->selectRow(row);
    }
    m_status->setText(statusText());
}

bool ActionLogView::selectAction(const QString &actionId)
{
    m_model->refresh();
    const Result<std::optional<ActionRecord>> action = m_store.action(actionId);
    const int row = action && *action ? m_model->loadThrough((*action)->seq) : -1;
    if (row < 0) {
        m_message = !action ? tr("Cannot look the action up: %1").arg(action.error().message)
                            : tr("That action is no longer in the action log.");
        m_status->setText(statusText());
        return false;
    }
    m_table->selectRow(row);
    m_table->scrollTo(m_model->index(row, 0), QAbstractItemView::PositionAtCenter);
    return true;
}

void ActionLogView::showSelected()
{
    const ActionRecord *action = m_model->actionAt(m_table->currentIndex().row());
    QString text;
    if (action) {
        if (!action->error.isEmpty())
            text = action->error + QStringLiteral("\n\n");
        text += ActionLogModel::outputText(*action);
        if (!action->outputs.isEmpty())
            text += QStringLiteral("\n\n") + tr("Outputs (GITHUB_OUTPUT):");
        for (auto it = action->outputs.constBegin(); it != action->outputs.constEnd(); ++it)
            text += QStringLiteral("\n  %1 = %2").arg(it.key(), it.value().toString());
    }
    m_output->setPlainText(text);
    QStringList details;
    if (action) {
        details.append(tr("Action id: %1").arg(action->id));
        if (!action->eventId.isEmpty())
            details.append(tr("Event delivery: %1").arg(action->eventId));
        if (const QString log = ActionLogModel::logFile(*action); !log.isEmpty())
            details.append(tr("Full log: %1").arg(log));
    }
    m_detailsText->setText(details.join(QLatin1Char('\n')));
    m_detailsToggle->setEnabled(action != nullptr);
    const QString summary = action ? action->summary : QString();
    m_summary->setMarkdown(summary);
    const bool hadSummary = m_summary->isVisibleTo(this);
    m_summary->setVisible(!summary.trimmed().isEmpty());
    if (!hadSummary && m_summary->isVisibleTo(this)) // a pane shown in a splitter starts with no width
        m_details->setSizes({m_details->width() / 2, m_details->width() / 2});
    const bool retryable = action && ActionLogModel::canRetry(*action);
    m_retry->setEnabled(retryable && m_engine);
    m_retry->setToolTip(!m_engine   ? tr("Triggers are not running in this window")
                        : retryable ? tr("Runs this action again as a new action")
                                    : tr("Only failed or interrupted actions can be retried"));
    m_status->setText(statusText());
}

void ActionLogView::retrySelected()
{
    const ActionRecord *action = m_model->actionAt(m_table->currentIndex().row());
    if (!action || !m_engine || !ActionLogModel::canRetry(*action))
        return;
    const QString original = action->id;
    const ActionKind kind = action->kind; // `action` may not outlive the retry's new row
    const Result<QString> retried = m_engine->retry(original);
    // The new action's id means nothing to people; where it shows does.
    m_message =
        retried
            ? tr("Retrying %1: the new attempt is the top row").arg(ActionLogModel::kindLabel(kind).toLower())
            : tr("Cannot retry: %1").arg(retried.error().message);
    refresh();
    m_status->setText(statusText());
}

} // namespace exeserver
