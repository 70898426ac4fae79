#pragma once

#include "triggereditor/triggerdraft.h"
#include "triggers/trigger.h"
#include "util/result.h"

#include <QJsonObject>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QToolButton;
class QTreeWidget;

namespace exeserver {

class CodefileRunner;
class ConditionsBuilder;
class TriggerLimitsPage;
class CoverageLine;
class EventStore;
class GitHubClient;
class RunActionForm;
class WorkflowActionPage;

// One trigger as a form: name, enabled, repositories (globs, or picked from the dashboard's selection),
// the webhook event and its actions (GitHub's list, from the generated catalog), conditions, and the
// actions it runs in order (code file with "Run now with a sample event", workflow dispatch, comment,
// notification, reaction, re-run failed jobs, cancel; see WorkflowActionPage), the ignore rules, debounce
// and rate limit (TriggerLimitsPage). Works on the file format's JSON, so what the form does not show
// (a nested any/not group's inner structure, edited as JSON text) is kept as it was. "Test against a past
// event" is the dry run of `exeserver-cli triggers test`. Saving validates and emits saved(); the owner
// stores it.
class TriggerEditor : public QWidget
{
    Q_OBJECT
public:
    explicit TriggerEditor(EventStore *store, QWidget *parent = nullptr);
    ~TriggerEditor() override;

    void setRepositoryChoices(const QStringList &repositories);
    // Lists workflows and reads their inputs for the workflow action; null: name=value lines only.
    void setGitHubClient(GitHubClient *client);
    void setTrigger(const Trigger &trigger);
    void setDraft(const TriggerDraft &draft, const QString &name);
    // A trigger not in the store yet: unsaved (and so modified) until save() accepts it.
    void setNewTrigger(const Trigger &trigger);
    void revert(); // back to what is stored
    void clear();  // nothing to edit

    // The form as the file format has it, and as a validated trigger.
    QJsonObject toJson() const;
    Result<Trigger> currentTrigger() const;
    bool hasTrigger() const { return m_hasTrigger; }
    QString originalName() const { return m_originalName; }
    bool isModified() const;
    // Why saving is refused now, or empty.
    QString validationMessage() const;
    bool save(); // false (and the message shown) when invalid

    // Parts, for the owner and tests.
    ConditionsBuilder *conditions() const { return m_conditions; }
    TriggerLimitsPage *limits() const { return m_limits; }
    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *repositoriesEdit() const { return m_repositories; }
    QComboBox *eventBox() const { return m_event; }
    // How the edited trigger's events arrive, with "Set up webhook" (ui/coverageline.h).
    CoverageLine *coverageLine() const { return m_coverage; }
    QStringList checkedActions() const;
    void setActionChecked(const QString &action, bool checked);
    QStringList runSummaries() const;
    void selectRunAction(int index);
    void moveRunAction(int from, int to);
    void addRunAction(const QJsonObject &action); // {"notify": {...}} etc.
    QPushButton *saveButton() const { return m_save; }
    QPushButton *revertButton() const { return m_revert; }
    QString messageText() const;

    // Dry run against a stored event; the lines shown.
    void testAgainstEvent(const QString &eventId);
    QStringList dryRunLines() const;
    QStringList pastEventIds() const; // the picker's choices, newest first
    // "Run now with a sample event" for the selected code file action; output shows when it ends.
    void runSelectedCodefile();
    QString codefileOutput() const;
    WorkflowActionPage *workflowPage() const;
    bool isCodefileRunning() const { return m_codefileRun != 0; }

Q_SIGNALS:
    void saved(const exeserver::Trigger &trigger, const QString &previousName);
    void modifiedChanged(bool modified);

private:
    void load(const QJsonObject &json);
    void startNew(const QJsonObject &json);
    void onEventChanged();
    void refreshPastEvents();
    void onEdited();
    void showRunAction();
    void storeRunAction();
    QJsonObject runActionFromPage() const;

    EventStore *m_store;
    CodefileRunner *m_runner;
    QJsonObject m_original; // as loaded: keeps what the form does not edit
    QJsonObject m_savedJson;
    QString m_originalName;
    bool m_hasTrigger = false;
    bool m_loading = false;
    bool m_wasModified = false;
    quint64 m_codefileRun = 0;

    QLineEdit *m_name;
    QCheckBox *m_enabled;
    QLineEdit *m_repositories;
    QToolButton *m_pickRepository;
    QComboBox *m_event;
    CoverageLine *m_coverage;
    QListWidget *m_actions;
    ConditionsBuilder *m_conditions;
    QListWidget *m_run;
    RunActionForm *m_runForm; // the selected action's page
    TriggerLimitsPage *m_limits;
    QLabel *m_message;
    QPushButton *m_save;
    QPushButton *m_revert;
    QComboBox *m_pastEvent;
    QTreeWidget *m_dryRun;
    QPlainTextEdit *m_yaml; // the trigger as the file format writes it, read-only: an extra view
    void showYaml();
};

} // namespace exeserver
