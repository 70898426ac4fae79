#include "dashboard/dashboardworkflowfile.h"

#include "dashboard/runstatus.h"
#include "github/githubclient.h"
#include "github/workflowinputs.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPointer>
#include <QRegularExpression>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace exeserver {

namespace {

QTextCharFormat makeFormat(const QColor &colour, bool bold = false, bool italic = false)
{
    QTextCharFormat f;
    f.setForeground(colour);
    if (bold)
        f.setFontWeight(QFont::DemiBold);
    f.setFontItalic(italic);
    return f;
}

} // namespace

WorkflowYamlHighlighter::WorkflowYamlHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document)
{
    // GitHub's own code colours, light and dark (Primer's prettylights), each readable on its background.
    const bool dark = isDarkPalette();
    m_comment = makeFormat(dark ? QColor(0x8b, 0x94, 0x9e) : QColor(0x6e, 0x77, 0x81), false, true);
    m_key = makeFormat(dark ? QColor(0x7e, 0xe7, 0x87) : QColor(0x11, 0x63, 0x29), true);
    m_string = makeFormat(dark ? QColor(0xa5, 0xd6, 0xff) : QColor(0x0a, 0x30, 0x69));
    m_expression = makeFormat(dark ? QColor(0xd2, 0xa8, 0xff) : QColor(0x82, 0x50, 0xdf));
    m_dash = makeFormat(dark ? QColor(0xff, 0xa6, 0x57) : QColor(0x95, 0x38, 0x00), true);
}

void WorkflowYamlHighlighter::highlightBlock(const QString &text)
{
    static const QRegularExpression key(QStringLiteral(R"(^(\s*(?:-\s+)?)([A-Za-z0-9_.\-"']+)\s*:(?=\s|$))"));
    static const QRegularExpression dash(QStringLiteral(R"(^\s*(-)(?=\s|$))"));
    static const QRegularExpression quoted(QStringLiteral(R"('[^']*'|"(?:[^"\\]|\\.)*")"));
    static const QRegularExpression expression(QStringLiteral(R"(\$\{\{.*?\}\})"));
    // A # starts a comment at the line's start or after a space, and not inside quotes.
    static const QRegularExpression comment(QStringLiteral(R"((^|\s)#.*$)"));

    if (const auto m = dash.match(text); m.hasMatch())
        setFormat(int(m.capturedStart(1)), 1, m_dash);
    if (const auto m = key.match(text); m.hasMatch())
        setFormat(int(m.capturedStart(2)), int(m.capturedLength(2)), m_key);
    for (auto it = quoted.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        setFormat(int(m.capturedStart()), int(m.capturedLength()), m_string);
    }
    for (auto it = expression.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        setFormat(int(m.capturedStart()), int(m.capturedLength()), m_expression);
    }
    for (auto it = comment.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        const int start = int(m.capturedStart()) + int(m.capturedLength(1));
        if (format(start) == m_string)
            continue; // a # inside a string
        setFormat(start, int(text.size()) - start, m_comment);
        break;
    }
}

WorkflowFileDialog::WorkflowFileDialog(GitHubClient &client, QString repo, Workflow workflow, QWidget *parent)
    : QDialog(parent)
    , m_repo(std::move(repo))
    , m_workflow(std::move(workflow))
    , m_header(new QLabel(this))
    , m_text(new QPlainTextEdit(this))
    , m_inputsTitle(new QLabel(this))
    , m_inputs(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("WorkflowFileDialog"));
    setWindowTitle(tr("%1 — %2").arg(m_workflow.path, m_repo));
    resize(860, 620);
    m_header->setTextFormat(Qt::RichText);
    m_header->setText(tr("<b>%1</b> · %2 · read-only, from the default branch")
                          .arg(m_workflow.name.toHtmlEscaped(), m_workflow.path.toHtmlEscaped()));
    m_text->setObjectName(QStringLiteral("workflowText"));
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setAccessibleName(tr("Workflow file"));
    m_text->setPlainText(tr("Loading %1…").arg(m_workflow.path));
    new WorkflowYamlHighlighter(m_text->document());
    m_inputsTitle->setText(tr("<b>Dispatch inputs</b>"));
    m_inputs->setObjectName(QStringLiteral("workflowInputs"));
    m_inputs->setRootIsDecorated(false);
    m_inputs->setHeaderLabels({tr("Input"), tr("Type"), tr("Required"), tr("Default"), tr("Description")});
    m_inputs->header()->setStretchLastSection(true);
    for (int column = 0; column < 4; ++column) // names, types and defaults are read whole
        m_inputs->header()->setSectionResizeMode(column, QHeaderView::ResizeToContents);

    auto *inputsPane = new QWidget(this);
    auto *inputsLayout = new QVBoxLayout(inputsPane);
    inputsLayout->setContentsMargins(0, 0, 0, 0);
    inputsLayout->addWidget(m_inputsTitle);
    inputsLayout->addWidget(m_inputs, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_text);
    split->addWidget(inputsPane);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    layout->addWidget(split, 1);

    QPointer<WorkflowFileDialog> self(this);
    client.getFileContent(m_repo, m_workflow.path, {}, [self](Result<QByteArray> yaml) {
        if (!self)
            return;
        if (!yaml) {
            self->m_text->setPlainText(tr("Could not read the workflow file: %1").arg(yaml.error().message));
            Q_EMIT self->loaded(false);
            return;
        }
        self->showFile(*yaml);
    });
}

void WorkflowFileDialog::showFile(const QByteArray &yaml)
{
    m_text->setPlainText(QString::fromUtf8(yaml));
    m_loaded = true;
    const Result<QList<DispatchInput>> inputs = parseDispatchInputs(yaml, m_workflow.path);
    m_inputs->clear();
    if (!inputs) {
        m_inputsTitle->setText(
            inputs.error().kind == QLatin1String("not_dispatchable")
                ? tr("<b>Dispatch inputs</b> — this workflow cannot be run by hand "
                     "(no workflow_dispatch trigger)")
                : tr("<b>Dispatch inputs</b> — %1").arg(inputs.error().message.toHtmlEscaped()));
    } else {
        m_inputsTitle->setText(inputs->isEmpty()
                                   ? tr("<b>Dispatch inputs</b> — none: Run workflow asks only for "
                                        "the branch")
                                   : tr("<b>Dispatch inputs</b>"));
        for (const DispatchInput &input : *inputs) {
            auto *item = new QTreeWidgetItem(m_inputs);
            item->setText(0, input.name);
            item->setText(1, DispatchInput::typeName(input.type) +
                                 (input.options.isEmpty() ? QString()
                                                          : QStringLiteral(" (%1)").arg(
                                                                input.options.join(QStringLiteral(", ")))));
            item->setText(2, input.required ? tr("yes") : tr("no"));
            item->setText(3, input.hasDefault ? input.defaultValue : QString());
            item->setText(4, input.description);
        }
    }
    Q_EMIT loaded(true);
}

} // namespace exeserver
