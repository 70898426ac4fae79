#pragma once

#include "github/githubtypes.h"

#include <QDialog>
#include <QSyntaxHighlighter>

class QLabel;
class QPlainTextEdit;
class QTreeWidget;

namespace exeserver {

class GitHubClient;

// Colours a GitHub Actions workflow file: comments, keys, strings, ${{ expressions }} and list dashes,
// in colours for the palette (light or dark). Line by line; YAML's block scalars are left plain.
class WorkflowYamlHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit WorkflowYamlHighlighter(QTextDocument *document);

protected:
    void highlightBlock(const QString &text) override;

private:
    QTextCharFormat m_comment;
    QTextCharFormat m_key;
    QTextCharFormat m_string;
    QTextCharFormat m_expression;
    QTextCharFormat m_dash;
};

// A workflow's YAML from the default branch (contents API), read-only and coloured, with the inputs
// "Run workflow" asks for. Opened from the Active Workflows menu; non-modal.
class WorkflowFileDialog : public QDialog
{
    Q_OBJECT
public:
    WorkflowFileDialog(GitHubClient &client, QString repo, Workflow workflow, QWidget *parent = nullptr);

    QPlainTextEdit *text() const { return m_text; }
    QTreeWidget *inputs() const { return m_inputs; }
    bool isLoaded() const { return m_loaded; }

Q_SIGNALS:
    void loaded(bool ok);

private:
    void showFile(const QByteArray &yaml);

    QString m_repo;
    Workflow m_workflow;
    bool m_loaded = false;
    QLabel *m_header;
    QPlainTextEdit *m_text;
    QLabel *m_inputsTitle;
    QTreeWidget *m_inputs;
};

} // namespace exeserver
