#pragma once

#include <QJsonObject>
#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QStackedWidget;

namespace exeserver {

class DispatchInputsForm;
class GitHubClient;

// The trigger editor's "dispatch a workflow" action: repository, a workflow chosen from that repository's
// list, ref, and the inputs in the typed DispatchInputsForm read from the workflow file — when the action or
// the trigger names one repository (not a glob) and GitHub answers. Otherwise the inputs are name=value lines
// and a note says why. Works on the file format's `workflow:` body; inputs left at the workflow's defaults
// are not written, and inputs the workflow does not declare are kept.
class WorkflowActionPage : public QWidget
{
    Q_OBJECT
public:
    explicit WorkflowActionPage(QWidget *parent = nullptr);

    void setGitHubClient(GitHubClient *client);
    // The trigger's repositories: the event's repository is one of them.
    void setTriggerRepositories(const QStringList &repositories);
    void setAction(const QJsonObject &body); // shows it and reads its workflow's inputs
    void deactivate();                       // another action shows: late answers are dropped
    QJsonObject body() const { return m_body; }

    QComboBox *workflowChooser() const { return m_workflow; }
    DispatchInputsForm *inputsForm() const { return m_form; }
    bool isFormShown() const; // false: the name=value lines
    bool isLoading() const { return m_loading; }
    QString note() const;

Q_SIGNALS:
    void edited();

private:
    QString lookupRepository(QString &why) const;
    // The lookup repository, or empty with the lines and why shown.
    QString repositoryOrLines();
    void loadWorkflows();
    void loadInputs();
    void showLines(const QString &why);
    QJsonObject bodyFromWidgets() const;
    void onEdited();

    QPointer<GitHubClient> m_github;
    QStringList m_triggerRepositories;
    QJsonObject m_body;
    bool m_active = false;
    bool m_filling = false;
    bool m_loading = false;
    quint64 m_load = 0;           // answers for an earlier request are dropped
    QString m_workflowsListedFor; // the repository the chooser's list is from

    QLineEdit *m_repository;
    QComboBox *m_workflow;
    QLineEdit *m_ref;
    QLabel *m_note;
    QStackedWidget *m_inputPages;
    QPlainTextEdit *m_lines;
    DispatchInputsForm *m_form;
};

} // namespace exeserver
