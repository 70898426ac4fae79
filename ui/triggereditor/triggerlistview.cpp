#include "triggereditor/triggerlistview.h"

#include "hooks/coverageline.h"
#include "store/eventstore.h"
#include "triggereditor/triggereditor.h"
#include "triggers/triggerengine.h"
#include "triggers/triggerfile.h"
#include "triggers/triggerimport.h"
#include "widgets/emptyhint.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTableWidget>
#include <QTimer>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

namespace exeserver {

// One change to the stored triggers: `before` replaced by `after` (either may be absent: add, delete).
class TriggerChange : public QUndoCommand
{
public:
    TriggerChange(TriggerListView *view, const QString &text, std::optional<Trigger> before,
                  std::optional<Trigger> after)
        : QUndoCommand(text)
        , m_view(view)
        , m_before(std::move(before))
        , m_after(std::move(after))
    {
    }
    void redo() override { apply(m_before, m_after); }
    void undo() override { apply(m_after, m_before); }

private:
    void apply(const std::optional<Trigger> &from, const std::optional<Trigger> &to)
    {
        EventStore &store = m_view->m_store;
        if (from && (!to || to->name != from->name))
            store.removeTrigger(from->name);
        if (to)
            store.saveTrigger(toStoredTrigger(*to));
        m_view->reload();
    }

    TriggerListView *m_view;
    std::optional<Trigger> m_before;
    std::optional<Trigger> m_after;
};

TriggerListView::TriggerListView(EventStore &store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_editor(new TriggerEditor(&store, this))
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_undo(new QUndoStack(this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("TriggerListView"));
    m_table->setObjectName(QStringLiteral("triggerTable"));
    setEmptyHint(m_table, tr("No triggers yet. Add one, or select an event in the Event log and create "
                             "one from it."));
    m_table->setAccessibleName(tr("Triggers"));
    m_table->setHorizontalHeaderLabels({tr("On"), tr("Name"), tr("Repositories"), tr("Event"),
                                        tr("Last fired"), tr("Succeeded"), tr("Failed")});
    m_table->horizontalHeaderItem(SuccessColumn)->setToolTip(tr("Actions that succeeded"));
    m_table->horizontalHeaderItem(FailureColumn)->setToolTip(tr("Actions that failed or were interrupted"));
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_table->setColumnWidth(RepositoriesColumn, 130);
    m_table->setColumnWidth(EventColumn, 110);
    // Dates and counts are never elided: those columns take their content's width.
    for (const int column :
         {int(EnabledColumn), int(LastFiredColumn), int(SuccessColumn), int(FailureColumn)})
        m_table->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    m_status->setObjectName(QStringLiteral("triggerListStatus"));
    m_status->setWordWrap(true);

    const auto button = [this](const QString &text, const QString &name) {
        auto *b = new QPushButton(text, this);
        b->setObjectName(name);
        return b;
    };
    QPushButton *add = button(tr("Add"), QStringLiteral("addTrigger"));
    QPushButton *duplicate = button(tr("Duplicate"), QStringLiteral("duplicateTrigger"));
    QPushButton *remove = button(tr("Delete"), QStringLiteral("deleteTrigger"));
    QPushButton *undo = button(tr("Undo"), QStringLiteral("undoTrigger"));
    QPushButton *redo = button(tr("Redo"), QStringLiteral("redoTrigger"));
    QPushButton *import = button(tr("Import…"), QStringLiteral("importTriggers"));
    QPushButton *exportButton = button(tr("Export…"), QStringLiteral("exportTriggers"));
    // Two rows: one of seven buttons would set the dock's minimum width beside the editor.
    auto *buttons = new QVBoxLayout;
    auto *editRow = new QHBoxLayout;
    for (QPushButton *b : {add, duplicate, remove})
        editRow->addWidget(b);
    editRow->addStretch(1);
    auto *historyRow = new QHBoxLayout;
    for (QPushButton *b : {undo, redo})
        historyRow->addWidget(b);
    historyRow->addStretch(1);
    historyRow->addWidget(import);
    historyRow->addWidget(exportButton);
    buttons->addLayout(editRow);
    buttons->addLayout(historyRow);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(buttons);
    leftLayout->addWidget(m_table, 1);
    leftLayout->addWidget(m_status);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(m_editor);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(add, &QPushButton::clicked, this, &TriggerListView::addTrigger);
    connect(duplicate, &QPushButton::clicked, this, &TriggerListView::duplicateSelected);
    connect(remove, &QPushButton::clicked, this, &TriggerListView::deleteSelected);
    connect(undo, &QPushButton::clicked, m_undo, &QUndoStack::undo);
    connect(redo, &QPushButton::clicked, m_undo, &QUndoStack::redo);
    connect(m_undo, &QUndoStack::canUndoChanged, undo, &QPushButton::setEnabled);
    connect(m_undo, &QUndoStack::canRedoChanged, redo, &QPushButton::setEnabled);
    connect(m_undo, &QUndoStack::undoTextChanged, undo,
            [undo](const QString &text) { undo->setToolTip(tr("Undo %1").arg(text)); });
    undo->setEnabled(false);
    redo->setEnabled(false);
    connect(import, &QPushButton::clicked, this, [this]() {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import triggers"), QString(),
                                                          tr("Trigger files (*.yml *.yaml *.json)"));
        if (!path.isEmpty())
            importFile(path);
    });
    connect(exportButton, &QPushButton::clicked, this, [this]() {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export triggers"), QStringLiteral("triggers.yml"), tr("Trigger files (*.yml *.yaml)"));
        if (!path.isEmpty())
            exportFile(path);
    });
    connect(m_table, &QTableWidget::currentCellChanged, this, &TriggerListView::onCurrentChanged);
    connect(m_table, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *item) {
        if (m_reloading || item->column() != EnabledColumn)
            return;
        setTriggerEnabled(m_table->item(item->row(), NameColumn)->text(), item->checkState() == Qt::Checked);
    });
    connect(m_editor, &TriggerEditor::saved, this, &TriggerListView::onSaved);
    reload();
}

void TriggerListView::setRepositoryChoices(const QStringList &repositories)
{
    m_editor->setRepositoryChoices(repositories);
}

void TriggerListView::setGitHubClient(GitHubClient *client)
{
    m_editor->setGitHubClient(client);
}

void TriggerListView::showStatus(const QString &text)
{
    m_status->setText(text);
}

QString TriggerListView::statusText() const
{
    return m_status->text();
}

QStringList TriggerListView::triggerNames() const
{
    QStringList names;
    for (const Trigger &trigger : m_triggers)
        names.append(trigger.name);
    return names;
}

std::optional<Trigger> TriggerListView::stored(const QString &name) const
{
    for (const Trigger &trigger : m_triggers) {
        if (trigger.name == name)
            return trigger;
    }
    return std::nullopt;
}

void TriggerListView::scheduleReload()
{
    if (m_reloadScheduled)
        return;
    m_reloadScheduled = true;
    QTimer::singleShot(0, this, [this]() {
        if (m_reloadScheduled)
            reload();
    });
}

void TriggerListView::reload()
{
    m_reloadScheduled = false; // a reload now also answers a scheduled one
    m_reloading = true;
    m_triggers.clear();
    QStringList broken;
    const Result<QList<StoredTrigger>> rows = m_store.triggers();
    if (rows) {
        for (const StoredTrigger &row : *rows) {
            Result<Trigger> trigger = fromStoredTrigger(row);
            if (trigger)
                m_triggers.append(*trigger);
            else
                broken.append(row.name);
        }
    }
    const Result<QHash<QString, TriggerActivity>> activity = m_store.triggerActivity();
    m_table->setRowCount(int(m_triggers.size()));
    int currentRow = -1;
    for (int row = 0; row < m_triggers.size(); ++row) {
        const Trigger &trigger = m_triggers[row];
        const TriggerActivity done = activity ? activity->value(trigger.name) : TriggerActivity{};
        auto *enabled = new QTableWidgetItem;
        enabled->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        enabled->setCheckState(trigger.enabled ? Qt::Checked : Qt::Unchecked);
        enabled->setToolTip(trigger.enabled ? tr("Enabled: fires on matching events") : tr("Disabled"));
        m_table->setItem(row, EnabledColumn, enabled);
        m_table->setItem(row, NameColumn, new QTableWidgetItem(trigger.name));
        QStringList repositories;
        for (const GlobPattern &pattern : trigger.repositories)
            repositories.append(pattern.pattern());
        m_table->setItem(row, RepositoriesColumn,
                         new QTableWidgetItem(
                             repositories.isEmpty() ? tr("(all)") : repositories.join(QStringLiteral(", "))));
        QString event =
            trigger.event.isEmpty() || trigger.event == QLatin1String("*") ? tr("any event") : trigger.event;
        if (!trigger.actions.isEmpty())
            event += QStringLiteral(": ") + trigger.actions.join(QStringLiteral(", "));
        auto *eventItem = new QTableWidgetItem(event);
        bool deaf = false;
        eventItem->setToolTip(m_editor->coverageLine()->describe(trigger, &deaf));
        if (deaf && trigger.enabled)
            eventItem->setIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning));
        m_table->setItem(row, EventColumn, eventItem);
        m_table->setItem(row, LastFiredColumn,
                         new QTableWidgetItem(done.lastFiredAt.isValid()
                                                  ? QLocale().toString(done.lastFiredAt.toLocalTime(),
                                                                       QStringLiteral("yyyy-MM-dd HH:mm"))
                                                  : tr("never")));
        m_table->setItem(row, SuccessColumn, new QTableWidgetItem(QString::number(done.successes)));
        m_table->setItem(row, FailureColumn, new QTableWidgetItem(QString::number(done.failures)));
        if (trigger.name == m_current)
            currentRow = row;
    }
    m_table->resizeRowsToContents(); // an event with several actions wraps instead of ending in "…"
    if (currentRow >= 0)
        m_table->setCurrentCell(currentRow, NameColumn);
    else
        m_table->setCurrentCell(-1, -1);
    m_reloading = false;
    if (!broken.isEmpty())
        showStatus(
            tr("Not shown, their stored definitions do not load: %1").arg(broken.join(QStringLiteral(", "))));
    // The editor follows the stored trigger unless it holds unsaved edits.
    if (!m_editor->isModified()) {
        const std::optional<Trigger> current = stored(m_current);
        if (current)
            m_editor->setTrigger(*current);
        else if (m_editor->originalName() == m_current || m_current.isEmpty())
            m_editor->clear();
    }
    Q_EMIT reloaded();
}

bool TriggerListView::confirmLeave()
{
    if (!m_editor->isModified())
        return true;
    UnsavedAnswer answer = UnsavedAnswer::Cancel;
    if (m_prompt) {
        answer = m_prompt();
    } else {
        const std::unique_ptr<QMessageBox> box = unsavedChangesBox(this, m_editor->nameEdit()->text());
        const int button = box->exec();
        answer = button == QMessageBox::Save      ? UnsavedAnswer::Save
                 : button == QMessageBox::Discard ? UnsavedAnswer::Discard
                                                  : UnsavedAnswer::Cancel;
    }
    if (answer == UnsavedAnswer::Save)
        return m_editor->save();
    if (answer == UnsavedAnswer::Discard) {
        const std::optional<Trigger> current = stored(m_current);
        if (current)
            m_editor->setTrigger(*current);
        else
            m_editor->clear();
        return true;
    }
    return false;
}

std::unique_ptr<QMessageBox> TriggerListView::unsavedChangesBox(QWidget *parent, const QString &name)
{
    auto box =
        std::make_unique<QMessageBox>(QMessageBox::Question, tr("Unsaved trigger"),
                                      tr("The trigger \"%1\" has unsaved changes. Save them?").arg(name),
                                      QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, parent);
    // Enter keeps editing: neither writing the store nor throwing edits away happens by a reflex.
    box->setDefaultButton(QMessageBox::Cancel);
    box->setEscapeButton(QMessageBox::Cancel);
    return box;
}

void TriggerListView::onCurrentChanged()
{
    if (m_reloading)
        return;
    const int row = m_table->currentRow();
    const QString name =
        row >= 0 && m_table->item(row, NameColumn) ? m_table->item(row, NameColumn)->text() : QString();
    if (name == m_current)
        return;
    if (!confirmLeave()) {
        // Stay on the edited trigger.
        m_reloading = true;
        for (int r = 0; r < m_table->rowCount(); ++r) {
            if (m_table->item(r, NameColumn)->text() == m_current)
                m_table->setCurrentCell(r, NameColumn);
        }
        m_reloading = false;
        return;
    }
    m_current = name;
    const std::optional<Trigger> trigger = stored(name);
    if (trigger)
        m_editor->setTrigger(*trigger);
    else
        m_editor->clear();
}

bool TriggerListView::selectTrigger(const QString &name)
{
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (m_table->item(row, NameColumn)->text() == name) {
            m_table->setCurrentCell(row, NameColumn);
            return m_current == name;
        }
    }
    return false;
}

QString TriggerListView::uniqueName(const QString &base) const
{
    const QStringList names = triggerNames();
    if (!names.contains(base))
        return base;
    for (int n = 2;; ++n) {
        const QString candidate = QStringLiteral("%1-%2").arg(base).arg(n);
        if (!names.contains(candidate))
            return candidate;
    }
}

void TriggerListView::change(const QString &text, const std::optional<Trigger> &before,
                             const std::optional<Trigger> &after)
{
    m_undo->push(new TriggerChange(this, text, before, after));
}

void TriggerListView::addTrigger()
{
    if (!confirmLeave())
        return;
    Trigger trigger;
    trigger.name = uniqueName(QStringLiteral("new-trigger"));
    trigger.event = QStringLiteral("pull_request");
    trigger.enabled = false; // nothing runs before it is finished
    NotifyAction notify;
    notify.title = QStringLiteral("{{ event.repository.full_name }}: {{ event.action }}");
    trigger.run = {notify};
    leaveSelection();
    m_editor->setNewTrigger(trigger);
    showStatus(tr("New trigger %1 — not saved yet; Save stores it (disabled until you enable it)")
                   .arg(trigger.name));
}

void TriggerListView::leaveSelection()
{
    m_reloading = true;
    m_table->setCurrentCell(-1, -1);
    m_reloading = false;
    m_current.clear();
}

void TriggerListView::duplicateSelected()
{
    const std::optional<Trigger> current = stored(m_current);
    if (!current || !confirmLeave())
        return;
    Trigger copy = *current;
    copy.name = uniqueName(current->name + QStringLiteral("-copy"));
    m_current = copy.name;
    change(tr("duplicate %1").arg(current->name), std::nullopt, copy);
}

void TriggerListView::deleteSelected()
{
    const std::optional<Trigger> current = stored(m_current);
    if (!current)
        return;
    m_editor->clear(); // its edits go with it; undo brings the stored trigger back
    change(tr("delete %1").arg(current->name), current, std::nullopt);
    showStatus(tr("Deleted %1 — Undo brings it back").arg(current->name));
}

void TriggerListView::setTriggerEnabled(const QString &name, bool enabled)
{
    const std::optional<Trigger> current = stored(name);
    if (!current || current->enabled == enabled)
        return;
    Trigger after = *current;
    after.enabled = enabled;
    change(enabled ? tr("enable %1").arg(name) : tr("disable %1").arg(name), current, after);
    if (enabled)
        showStatus(m_editor->coverageLine()->describe(after)); // how its events will arrive, or that none do
}

void TriggerListView::onSaved(const Trigger &trigger, const QString &previousName)
{
    const std::optional<Trigger> before = stored(previousName);
    if (trigger.name != previousName && stored(trigger.name)) {
        // Saving under another trigger's name replaces it; undo restores both.
        m_undo->beginMacro(tr("save %1").arg(trigger.name));
        change(QString(), stored(trigger.name), std::nullopt);
        m_current = trigger.name;
        change(QString(), before, trigger);
        m_undo->endMacro();
    } else {
        m_current = trigger.name;
        change(tr("save %1").arg(trigger.name), before, trigger);
    }
    showStatus(tr("Saved %1").arg(trigger.name));
}

Status TriggerListView::importFile(const QString &path)
{
    const Result<QList<Trigger>> loaded = TriggerFile::load(path);
    if (!loaded) {
        showStatus(tr("Cannot import: %1").arg(loaded.error().message));
        return loaded.error();
    }
    // Someone else's file: triggers that would run code here wait, disabled, for the user to check them.
    const TriggerImport reviewed = TriggerImport::review(*loaded, /*trustCode=*/false);
    m_undo->beginMacro(tr("import %1").arg(path));
    for (const Trigger &trigger : reviewed.triggers)
        change(QString(), stored(trigger.name), trigger);
    m_undo->endMacro();
    QString status = reviewed.triggers.size() == 1 ? tr("Imported 1 trigger")
                                                   : tr("Imported %1 triggers").arg(reviewed.triggers.size());
    if (!reviewed.held.isEmpty())
        status += tr(". Disabled until you check and enable them, because they run code on this machine: %1")
                      .arg(reviewed.held.join(QStringLiteral("; ")));
    // Triggers nothing would ever fire are named now, not discovered when they stay silent.
    QStringList deafLines;
    for (const Trigger &trigger : reviewed.triggers) {
        bool deaf = false;
        const QString line = m_editor->coverageLine()->describe(trigger, &deaf);
        if (deaf)
            deafLines.append(trigger.name + QStringLiteral(" (") + line + QLatin1Char(')'));
    }
    if (!deafLines.isEmpty())
        status += tr(". Nothing delivers the events of: %1").arg(deafLines.join(QStringLiteral("; ")));
    showStatus(status);
    return success();
}

Status TriggerListView::exportFile(const QString &path) const
{
    return TriggerFile::save(path, m_triggers);
}

void TriggerListView::createFromDraft(const TriggerDraft &draft)
{
    if (!confirmLeave())
        return;
    leaveSelection();
    QString base = draft.type.isEmpty() ? QStringLiteral("trigger") : draft.type;
    if (!draft.action.isEmpty())
        base += QLatin1Char('-') + draft.action;
    m_editor->setDraft(draft, uniqueName(base));
    // The event in words; its delivery id means nothing to people.
    QString event =
        draft.action.isEmpty() ? draft.type : QStringLiteral("%1.%2").arg(draft.type, draft.action);
    if (!draft.repository.isEmpty())
        event = tr("%1 event in %2").arg(event, draft.repository);
    else
        event = tr("%1 event").arg(event);
    showStatus(tr("New trigger from a %1 — not saved yet").arg(event));
}

} // namespace exeserver
