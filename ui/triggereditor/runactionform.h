#pragma once

#include <QJsonObject>
#include <QStackedWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace exeserver {

class WorkflowActionPage;

// The form of one run action, a page per kind (code file, workflow dispatch, comment, notification,
// reaction, re-run failed jobs and cancel); a kind without a page is shown as the JSON it is kept as.
// It reads an action's file-format JSON into its page and writes the page back over that JSON, so fields
// the page does not show are kept.
class RunActionForm : public QStackedWidget
{
    Q_OBJECT
public:
    explicit RunActionForm(QWidget *parent = nullptr);

    // Fills the page for `action` ({kind: {fields}}; empty: the "add an action" hint). Not an edit.
    void showAction(const QJsonObject &action, const QStringList &triggerRepositories);
    // `action` with the shown page's fields written over it.
    QJsonObject actionFromPage(const QJsonObject &action) const;
    // One line for the run list: "Run check.sh (step lint)", "React 👀 eyes", ...
    static QString summary(const QJsonObject &action);

    WorkflowActionPage *workflowPage() const { return m_workflowPage; }
    void setCodefileOutput(const QString &text);
    QString codefileOutput() const;

Q_SIGNALS:
    void edited();               // the user changed a field of the shown action
    void runCodefileRequested(); // "Run now with a sample event"

private:
    QWidget *createCodefilePage();
    QWidget *createCommentPage();
    QWidget *createNotifyPage();
    QWidget *createReactionPage();
    QWidget *createRunTargetPage();
    void onFieldEdited();

    bool m_filling = false;
    // code file page
    QLineEdit *m_codePath;
    QLineEdit *m_codeId; // `id:`, the name `{{ steps.ID.outputs.NAME }}` uses
    QPlainTextEdit *m_codeArgs;
    QPlainTextEdit *m_codeOutput;
    WorkflowActionPage *m_workflowPage;
    // comment page
    QLineEdit *m_commentPreset;
    QPlainTextEdit *m_commentBody;
    // notify page
    QLineEdit *m_notifyTitle;
    QPlainTextEdit *m_notifyBody;
    // reaction page; re-run failed and cancel page
    QComboBox *m_reaction;
    QLineEdit *m_runTarget;
    QLabel *m_otherAction;
};

} // namespace exeserver
