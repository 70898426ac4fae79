#pragma once

#include "triggereditor/triggerdraft.h"
#include "triggers/trigger.h"
#include "util/result.h"

#include <QWidget>

#include <functional>
#include <memory>

class QLabel;
class QMessageBox;
class QTableWidget;
class QUndoStack;

namespace exeserver {

class EventStore;
class GitHubClient;
class TriggerEditor;

// The triggers in the store beside the editor: each with an enable switch, its repositories and event,
// when it last fired and how many of its actions succeeded and failed; add, duplicate, delete, enable and
// save go through an undo stack; import and export use the YAML trigger file format. The trigger engine
// reads the store on every event, so a saved change applies from the next event on.
class TriggerListView : public QWidget
{
    Q_OBJECT
public:
    enum Column
    {
        EnabledColumn,
        NameColumn,
        RepositoriesColumn,
        EventColumn,
        LastFiredColumn,
        SuccessColumn,
        FailureColumn,
        ColumnCount
    };
    enum class UnsavedAnswer
    {
        Save,
        Discard,
        Cancel
    };

    explicit TriggerListView(EventStore &store, QWidget *parent = nullptr);

    TriggerEditor *editor() const { return m_editor; }
    QTableWidget *table() const { return m_table; }
    QUndoStack *undoStack() const { return m_undo; }
    QStringList triggerNames() const;
    QString statusText() const;

    void setRepositoryChoices(const QStringList &repositories);
    void setGitHubClient(GitHubClient *client); // the editor's workflow chooser and inputs form
    // Tests answer the unsaved-changes question in advance; default: a message box.
    void setUnsavedPrompt(std::function<UnsavedAnswer()> prompt) { m_prompt = std::move(prompt); }
    // Before leaving the edited trigger: true when it is saved, discarded, or unchanged.
    bool confirmLeave();
    // The question confirmLeave() asks when no prompt is set; its default button is the safe one.
    static std::unique_ptr<QMessageBox> unsavedChangesBox(QWidget *parent, const QString &name);

    bool selectTrigger(const QString &name); // false when the user kept editing
    void addTrigger();                       // opens an unsaved draft; Save stores it
    void duplicateSelected();
    void deleteSelected();
    void setTriggerEnabled(const QString &name, bool enabled);
    Status importFile(const QString &path);
    Status exportFile(const QString &path) const;
    void createFromDraft(const TriggerDraft &draft);

public Q_SLOTS:
    void reload();
    // Reloads once in the next event-loop turn however often it is called before then: each finished
    // action asks for one (its counts changed), and a reload queries the activity of every trigger.
    void scheduleReload();

Q_SIGNALS:
    void reloaded();

private:
    friend class TriggerChange;
    std::optional<Trigger> stored(const QString &name) const;
    void change(const QString &text, const std::optional<Trigger> &before,
                const std::optional<Trigger> &after);
    void onSaved(const Trigger &trigger, const QString &previousName);
    void onCurrentChanged();
    void leaveSelection(); // no row current: the editor holds a trigger not in the store
    QString uniqueName(const QString &base) const;
    void showStatus(const QString &text);

    EventStore &m_store;
    TriggerEditor *m_editor;
    QTableWidget *m_table;
    QUndoStack *m_undo;
    QLabel *m_status;
    QList<Trigger> m_triggers;
    QString m_current; // the trigger in the editor
    bool m_reloading = false;
    bool m_reloadScheduled = false;
    std::function<UnsavedAnswer()> m_prompt;
};

} // namespace exeserver
