#include "triggereditor/runactionform.h"

#include "triggereditor/workflowactionpage.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>

namespace exeserver {

namespace {

// The pages in the order they are added to the stack.
enum RunPage
{
    CodefilePage,
    WorkflowPage,
    CommentPage,
    NotifyPage,
    ReactionPage,
    RunTargetPage,
    OtherPage
};

// GitHub's reactions, as the file format names them and as people see them.
const QList<QPair<QString, QString>> kReactions{{QStringLiteral("eyes"), QStringLiteral("👀 eyes")},
                                                {QStringLiteral("+1"), QStringLiteral("👍 +1")},
                                                {QStringLiteral("-1"), QStringLiteral("👎 -1")},
                                                {QStringLiteral("laugh"), QStringLiteral("😄 laugh")},
                                                {QStringLiteral("confused"), QStringLiteral("😕 confused")},
                                                {QStringLiteral("heart"), QStringLiteral("❤️ heart")},
                                                {QStringLiteral("hooray"), QStringLiteral("🎉 hooray")},
                                                {QStringLiteral("rocket"), QStringLiteral("🚀 rocket")}};

QString kindOf(const QJsonObject &action)
{
    return action.isEmpty() ? QString() : action.constBegin().key();
}

QStringList lines(const QString &text)
{
    QStringList out;
    for (const QString &line : text.split(QLatin1Char('\n'))) {
        if (!line.trimmed().isEmpty())
            out.append(line.trimmed());
    }
    return out;
}

void putText(QJsonObject &object, const char *key, const QString &value)
{
    if (value.isEmpty())
        object.remove(QLatin1String(key));
    else
        object.insert(QLatin1String(key), value);
}

// A reaction is written `reaction: eyes` or `reaction: {content: eyes}`.
QString reactionContent(const QJsonObject &action)
{
    const QJsonValue value = action.value(QLatin1String("reaction"));
    return value.isString()
               ? value.toString()
               : value.toObject().value(QLatin1String("content")).toString(QStringLiteral("eyes"));
}

bool targetsRun(const QString &kind)
{
    return kind == QLatin1String("rerun_failed") || kind == QLatin1String("cancel");
}

} // namespace

RunActionForm::RunActionForm(QWidget *parent)
    : QStackedWidget(parent)
    , m_codePath(new QLineEdit(this))
    , m_codeId(new QLineEdit(this))
    , m_codeArgs(new QPlainTextEdit(this))
    , m_codeOutput(new QPlainTextEdit(this))
    , m_workflowPage(new WorkflowActionPage(this))
    , m_commentPreset(new QLineEdit(this))
    , m_commentBody(new QPlainTextEdit(this))
    , m_notifyTitle(new QLineEdit(this))
    , m_notifyBody(new QPlainTextEdit(this))
    , m_reaction(new QComboBox(this))
    , m_runTarget(new QLineEdit(this))
    , m_otherAction(new QLabel(this))
{
    setObjectName(QStringLiteral("runActionForm"));
    // Names for screen readers; the form's labels are not tied to their fields.
    const QList<QPair<QWidget *, QString>> names{{m_codePath, tr("Code file")},
                                                 {m_codeId, tr("Step id for later actions")},
                                                 {m_codeArgs, tr("Code file arguments")},
                                                 {m_codeOutput, tr("Code file output")},
                                                 {m_commentPreset, tr("Pre-set comment")},
                                                 {m_commentBody, tr("Comment body")},
                                                 {m_notifyTitle, tr("Notification title")},
                                                 {m_notifyBody, tr("Notification body")},
                                                 {m_reaction, tr("Reaction")},
                                                 {m_runTarget, tr("Workflow run")}};
    for (const auto &[widget, name] : names)
        widget->setAccessibleName(name);
    m_otherAction->setWordWrap(true);
    addWidget(createCodefilePage());
    addWidget(m_workflowPage);
    addWidget(createCommentPage());
    addWidget(createNotifyPage());
    addWidget(createReactionPage());
    addWidget(createRunTargetPage());
    addWidget(m_otherAction);

    for (QLineEdit *edit : {m_codePath, m_codeId, m_commentPreset, m_notifyTitle, m_runTarget})
        connect(edit, &QLineEdit::textEdited, this, &RunActionForm::onFieldEdited);
    connect(m_reaction, &QComboBox::activated, this, &RunActionForm::onFieldEdited);
    for (QPlainTextEdit *edit : {m_codeArgs, m_commentBody, m_notifyBody})
        connect(edit, &QPlainTextEdit::textChanged, this, &RunActionForm::onFieldEdited);
    connect(m_workflowPage, &WorkflowActionPage::edited, this, &RunActionForm::onFieldEdited);
}

QWidget *RunActionForm::createCodefilePage()
{
    auto *page = new QWidget(this);
    auto *form = new QFormLayout(page);
    auto *browse = new QPushButton(tr("Choose…"), this);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_codePath, 1);
    pathRow->addWidget(browse);
    auto *runNow = new QPushButton(tr("Run now with a sample event"), this);
    runNow->setObjectName(QStringLiteral("runNow"));
    m_codeArgs->setPlaceholderText(tr("One argument per line; {{ event.number }} templates allowed"));
    m_codeArgs->setMaximumHeight(60);
    m_codeOutput->setObjectName(QStringLiteral("codefileOutput"));
    m_codeOutput->setReadOnly(true);
    m_codeOutput->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_codeId->setObjectName(QStringLiteral("codefileId"));
    m_codeId->setPlaceholderText(tr("optional; later actions read {{ steps.ID.outputs.NAME }}"));
    m_codeId->setToolTip(tr("Name this step so later actions can use what it wrote to GITHUB_OUTPUT"));
    form->addRow(tr("Code file"), pathRow);
    form->addRow(tr("Step id"), m_codeId);
    form->addRow(tr("Arguments"), m_codeArgs);
    form->addRow(QString(), runNow);
    form->addRow(tr("Output"), m_codeOutput);
    connect(browse, &QPushButton::clicked, this, [this]() {
        const QString file = QFileDialog::getOpenFileName(this, tr("Code file to run"), m_codePath->text());
        if (!file.isEmpty()) {
            m_codePath->setText(file);
            onFieldEdited();
        }
    });
    connect(runNow, &QPushButton::clicked, this, &RunActionForm::runCodefileRequested);
    return page;
}

QWidget *RunActionForm::createCommentPage()
{
    auto *page = new QWidget(this);
    auto *form = new QFormLayout(page);
    m_commentPreset->setPlaceholderText(tr("a pre-set comment's name, or write a body"));
    form->addRow(tr("Pre-set"), m_commentPreset);
    form->addRow(tr("Body"), m_commentBody);
    return page;
}

QWidget *RunActionForm::createNotifyPage()
{
    auto *page = new QWidget(this);
    auto *form = new QFormLayout(page);
    form->addRow(tr("Title"), m_notifyTitle);
    form->addRow(tr("Body"), m_notifyBody);
    return page;
}

QWidget *RunActionForm::createReactionPage()
{
    auto *page = new QWidget(this);
    auto *form = new QFormLayout(page);
    m_reaction->setObjectName(QStringLiteral("reactionContent"));
    for (const auto &[content, label] : kReactions)
        m_reaction->addItem(label, content);
    form->addRow(tr("Reaction"), m_reaction);
    return page;
}

QWidget *RunActionForm::createRunTargetPage()
{
    auto *page = new QWidget(this);
    auto *form = new QFormLayout(page);
    m_runTarget->setObjectName(QStringLiteral("runTarget"));
    m_runTarget->setPlaceholderText(tr("empty: the event's workflow run; or {{ event.workflow_run.id }}"));
    form->addRow(tr("Workflow run"), m_runTarget);
    return page;
}

void RunActionForm::onFieldEdited()
{
    if (!m_filling)
        Q_EMIT edited();
}

QString RunActionForm::summary(const QJsonObject &action)
{
    const QString kind = kindOf(action);
    const QJsonObject body = action.value(kind).toObject();
    if (kind == QLatin1String("codefile")) {
        const QString run =
            tr("Run %1").arg(body.value(QLatin1String("path")).toString(tr("(no file chosen)")));
        const QString id = body.value(QLatin1String("id")).toString();
        return id.isEmpty() ? run : tr("%1 (step %2)").arg(run, id);
    }
    if (kind == QLatin1String("workflow"))
        return tr("Dispatch %1").arg(body.value(QLatin1String("workflow")).toString());
    if (kind == QLatin1String("comment")) {
        const QString preset = body.value(QLatin1String("preset")).toString();
        return preset.isEmpty() ? tr("Comment: %1").arg(body.value(QLatin1String("body")).toString().left(40))
                                : tr("Comment with pre-set %1").arg(preset);
    }
    if (kind == QLatin1String("notify"))
        return tr("Notify: %1").arg(body.value(QLatin1String("title")).toString());
    if (kind == QLatin1String("reaction")) {
        const QString content = reactionContent(action);
        for (const auto &[name, label] : kReactions) {
            if (name == content)
                return tr("React %1").arg(label);
        }
        return tr("React %1").arg(content);
    }
    if (targetsRun(kind)) {
        const QString run = body.value(QLatin1String("run")).toString();
        const QString target = run.isEmpty() ? tr("the event's run") : tr("run %1").arg(run);
        return kind == QLatin1String("cancel") ? tr("Cancel %1").arg(target)
                                               : tr("Re-run the failed jobs of %1").arg(target);
    }
    return QStringLiteral("%1 %2").arg(kind,
                                       QString::fromUtf8(QJsonDocument(body).toJson(QJsonDocument::Compact)));
}

void RunActionForm::showAction(const QJsonObject &action, const QStringList &triggerRepositories)
{
    const QString kind = kindOf(action);
    const QJsonObject body = action.value(kind).toObject();
    const bool filling = m_filling;
    m_filling = true; // filling the page is not an edit
    m_workflowPage->deactivate();
    if (kind == QLatin1String("codefile")) {
        m_codePath->setText(body.value(QLatin1String("path")).toString());
        m_codeId->setText(body.value(QLatin1String("id")).toString());
        QStringList args;
        for (const QJsonValue &arg : body.value(QLatin1String("args")).toArray())
            args.append(arg.toString());
        m_codeArgs->setPlainText(args.join(QLatin1Char('\n')));
        setCurrentIndex(CodefilePage);
    } else if (kind == QLatin1String("workflow")) {
        setCurrentIndex(WorkflowPage);
        m_workflowPage->setTriggerRepositories(triggerRepositories);
        m_workflowPage->setAction(body);
    } else if (kind == QLatin1String("comment")) {
        m_commentPreset->setText(body.value(QLatin1String("preset")).toString());
        m_commentBody->setPlainText(body.value(QLatin1String("body")).toString());
        setCurrentIndex(CommentPage);
    } else if (kind == QLatin1String("notify")) {
        m_notifyTitle->setText(body.value(QLatin1String("title")).toString());
        m_notifyBody->setPlainText(body.value(QLatin1String("body")).toString());
        setCurrentIndex(NotifyPage);
    } else if (kind == QLatin1String("reaction")) {
        m_reaction->setCurrentIndex(std::max(0, m_reaction->findData(reactionContent(action))));
        setCurrentIndex(ReactionPage);
    } else if (targetsRun(kind)) {
        m_runTarget->setText(body.value(QLatin1String("run")).toString());
        setCurrentIndex(RunTargetPage);
    } else {
        m_otherAction->setText(kind.isEmpty()
                                   ? tr("Add an action: what the trigger does when it fires.")
                                   : tr("%1 — kept as written in the trigger file:\n%2")
                                         .arg(kind, QString::fromUtf8(QJsonDocument(body).toJson())));
        setCurrentIndex(OtherPage);
    }
    m_filling = filling;
}

QJsonObject RunActionForm::actionFromPage(const QJsonObject &action) const
{
    const QString kind = kindOf(action);
    QJsonObject body = action.value(kind).toObject();
    if (kind == QLatin1String("codefile")) {
        putText(body, "path", m_codePath->text().trimmed());
        putText(body, "id", m_codeId->text().trimmed());
        const QStringList args = lines(m_codeArgs->toPlainText());
        if (args.isEmpty())
            body.remove(QLatin1String("args"));
        else
            body.insert(QLatin1String("args"), QJsonArray::fromStringList(args));
    } else if (kind == QLatin1String("workflow")) {
        body = m_workflowPage->body();
    } else if (kind == QLatin1String("comment")) {
        putText(body, "preset", m_commentPreset->text().trimmed());
        putText(body, "body", m_commentBody->toPlainText());
    } else if (kind == QLatin1String("notify")) {
        putText(body, "title", m_notifyTitle->text());
        putText(body, "body", m_notifyBody->toPlainText());
    } else if (kind == QLatin1String("reaction")) {
        body = QJsonObject{{QStringLiteral("content"), m_reaction->currentData().toString()}};
    } else if (targetsRun(kind)) {
        putText(body, "run", m_runTarget->text().trimmed());
    } else {
        return action;
    }
    return QJsonObject{{kind, body}};
}

void RunActionForm::setCodefileOutput(const QString &text)
{
    m_codeOutput->setPlainText(text);
}

QString RunActionForm::codefileOutput() const
{
    return m_codeOutput->toPlainText();
}

} // namespace exeserver
