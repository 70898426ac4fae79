#pragma once

#include "github/githubtypes.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;

namespace exeserver {

class DispatchInputsForm;
class EventStore;
class GitHubClient;

// "Run workflow": a form built from the workflow file's `workflow_dispatch` inputs on the chosen ref
// (string → line edit, choice → combo box, boolean → check box, number → spin box, environment → editable
// combo), with the file's defaults. Submitting is the confirmation; the dispatch is written to the action
// log (kind Dispatch, target "owner/repo:file@ref") before it is sent, and the dialog then says it started
// and where the run shows (it stays open until closed).
class DispatchDialog : public QDialog
{
    Q_OBJECT
public:
    DispatchDialog(GitHubClient &client, EventStore *store, QString repo, Workflow workflow,
                   const QStringList &refs, QWidget *parent = nullptr);

    bool isLoading() const { return m_loading; }
    const QList<DispatchInput> &inputs() const;
    QString ref() const;
    void setRef(const QString &ref); // reloads the inputs from that ref
    QJsonObject inputValues() const; // as sent: every value a string, booleans "true"/"false"
    QWidget *field(const QString &inputName) const;
    // The ref combo's choices: the default branch first, then the repository's branches once listed.
    QStringList refChoices() const;
    bool areBranchesLoaded() const { return m_branchesLoaded; }

public Q_SLOTS:
    void loadInputs();
    void dispatch();

Q_SIGNALS:
    void inputsLoaded();
    void branchesLoaded();
    void dispatched(const QString &repo, const QString &ref, const exeserver::DispatchResult &result);
    void dispatchFailed(const QString &message);

private:
    void loadBranches();
    void updateRunButton();
    void setMessage(const QString &text, bool error);

    GitHubClient &m_client;
    EventStore *m_store;
    QString m_repo;
    Workflow m_workflow;
    bool m_loading = false;
    bool m_sending = false;
    bool m_branchesLoaded = false;

    QComboBox *m_ref;
    DispatchInputsForm *m_inputsForm;
    QLabel *m_message;
    QDialogButtonBox *m_buttons;
};

} // namespace exeserver
