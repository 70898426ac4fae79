#include "catch.h"
#include "storetestutil.h"
#include "testutil.h"
#include "widgetpng.h"

#include "dashboard/dispatchinputsform.h"
#include "githubtesting.h"
#include "logs/eventlogview.h"
#include "palettes.h"
#include "store/eventstore.h"
#include "triggereditor/conditionsbuilder.h"
#include "triggereditor/triggereditor.h"
#include "triggereditor/triggerlimitspage.h"
#include "triggereditor/triggerlistview.h"
#include "triggereditor/webhookcatalog.h"
#include "triggereditor/workflowactionpage.h"
#include "triggers/actionkinds.h"
#include "triggers/triggerengine.h"
#include "triggers/triggerfile.h"
#include "widgets/jsontreemodel.h"
#include "widgets/themecolors.h"
#include "workbenchdocks.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>
#include <QUndoStack>

using namespace exeserver;

namespace {

// Every part of the file format the form shows, and some it only keeps (ignore, debounce, rate limit, a
// nested group, a reaction).
const char *const kTriggers = R"(
triggers:
  - name: review-bot
    enabled: true
    event: pull_request
    repositories: [acme/service-*, acme/api]
    actions: [opened, synchronize]
    conditions:
      all:
        - {field: pull_request.title, op: regex, value: "^(feat|fix):"}
        - {field: pull_request.base.ref, op: in, value: [main, release]}
        - {field: pull_request.draft, op: equals, value: false}
        - any:
            - {field: sender.login, op: glob, value: "dev*"}
            - {field: pull_request.additions, op: lt, value: 500}
    ignore:
      bots: true
      labels: [wip]
    debounce: 30
    rate_limit: {max: 5, per: 60}
    run:
      - codefile: {path: /opt/review.sh, args: ["{{ event.number }}"], timeout: 120}
      - workflow: {workflow: ci.yml, ref: main, inputs: {reason: review}}
      - comment: {preset: describe}
      - notify: {title: "Reviewed {{ event.number }}"}
      - reaction: {content: rocket}
  - name: pushes
    enabled: false
    event: push
    run:
      - notify: {title: pushed}
)";

struct TriggerDesk
{
    QTemporaryDir dir;
    EventStore store;

    TriggerDesk()
    {
        REQUIRE(dir.isValid());
        REQUIRE(store.open(dir.filePath(QStringLiteral("exeserver.db"))).ok());
        const Result<QList<Trigger>> triggers = TriggerFile::parse(kTriggers);
        INFO((triggers ? QString() : triggers.error().message).toStdString());
        REQUIRE(triggers.ok());
        for (const Trigger &trigger : *triggers)
            REQUIRE(store.saveTrigger(toStoredTrigger(trigger)).ok());
    }

    QByteArray storedYaml(const QString &name)
    {
        const auto rows = store.triggers();
        REQUIRE(rows.ok());
        for (const StoredTrigger &row : *rows) {
            if (row.name == name) {
                const Result<Trigger> trigger = fromStoredTrigger(row);
                REQUIRE(trigger.ok());
                return TriggerFile::toYaml({*trigger});
            }
        }
        return {};
    }
};

QByteArray yamlOf(const QString &name)
{
    const Result<QList<Trigger>> triggers = TriggerFile::parse(kTriggers);
    REQUIRE(triggers.ok());
    for (const Trigger &trigger : *triggers) {
        if (trigger.name == name)
            return TriggerFile::toYaml({trigger});
    }
    return {};
}

} // namespace

TEST_CASE("an edited trigger round-trips through YAML unchanged", "[ui][triggereditor]")
{
    TriggerDesk desk;
    TriggerListView view(desk.store);
    view.resize(1300, 760);
    view.show();
    REQUIRE(view.triggerNames() == QStringList{QStringLiteral("pushes"), QStringLiteral("review-bot")});
    REQUIRE(view.selectTrigger(QStringLiteral("review-bot")));
    TriggerEditor *editor = view.editor();
    CHECK(editor->nameEdit()->text() == QStringLiteral("review-bot"));
    CHECK(editor->repositoriesEdit()->text() == QStringLiteral("acme/service-*, acme/api"));
    CHECK(editor->eventBox()->currentText() == QStringLiteral("pull_request"));
    CHECK(editor->checkedActions() == QStringList{QStringLiteral("opened"), QStringLiteral("synchronize")});
    CHECK(editor->conditions()->rowCount() == 6); // three leaves, the any group and its two leaves
    CHECK(editor->conditions()->rowText(1, ConditionsBuilder::ValueColumn) ==
          QStringLiteral("[\"main\",\"release\"]"));
    CHECK(editor->runSummaries().size() == 5);
    CHECK_FALSE(editor->isModified());

    // Loaded and saved without a change: the same YAML.
    const Result<Trigger> unchanged = editor->currentTrigger();
    REQUIRE(unchanged.ok());
    CHECK(TriggerFile::toYaml({*unchanged}) == yamlOf(QStringLiteral("review-bot")));

    // One edit in the form, saved: the stored YAML differs by exactly that edit.
    editor->conditions()->setRowText(0, ConditionsBuilder::ValueColumn, QStringLiteral("^(feat|fix|docs):"));
    CHECK(editor->isModified());
    REQUIRE(editor->saveButton()->isEnabled());
    QTest::mouseClick(editor->saveButton(), Qt::LeftButton);
    CHECK_FALSE(editor->isModified());
    QByteArray expected = yamlOf(QStringLiteral("review-bot"));
    expected.replace("^(feat|fix):", "^(feat|fix|docs):");
    CHECK(desk.storedYaml(QStringLiteral("review-bot")) == expected);

    // Export and import use the same format.
    const QString file = desk.dir.filePath(QStringLiteral("exported.yml"));
    REQUIRE(view.exportFile(file).ok());
    const Result<QList<Trigger>> exported = TriggerFile::load(file);
    REQUIRE(exported.ok());
    CHECK(exported->size() == 2);

    // The YAML tab shows what is saved, as the file format writes it.
    auto *tabs = editor->findChild<QTabWidget *>(QStringLiteral("editorTabs"));
    tabs->setCurrentWidget(editor->findChild<QPlainTextEdit *>(QStringLiteral("triggerYaml")));
    CHECK(editor->findChild<QPlainTextEdit *>(QStringLiteral("triggerYaml"))->toPlainText().toUtf8() ==
          expected);
    CHECK(editor->findChild<QPlainTextEdit *>(QStringLiteral("triggerYaml"))->isReadOnly());
    tabs->setCurrentIndex(0);

    editor->moveRunAction(3, 0); // notify first
    CHECK(editor->runSummaries().first() == QStringLiteral("Notify: Reviewed {{ event.number }}"));
    test::savePng(view, QStringLiteral("trigger-editor.png"));
}

TEST_CASE("a bad regex blocks saving with its message", "[ui][triggereditor]")
{
    TriggerDesk desk;
    TriggerListView view(desk.store);
    view.resize(1300, 760);
    view.show();
    REQUIRE(view.selectTrigger(QStringLiteral("review-bot")));
    TriggerEditor *editor = view.editor();
    ConditionsBuilder *conditions = editor->conditions();
    conditions->setRowText(0, ConditionsBuilder::ValueColumn, QStringLiteral("^(feat|fix"));
    const QString error = conditions->rowError(0);
    CHECK_FALSE(error.isEmpty());
    CHECK(conditions->rowText(0, ConditionsBuilder::CheckColumn) == error);
    CHECK_FALSE(editor->saveButton()->isEnabled());
    CHECK(editor->messageText().startsWith(QStringLiteral("Cannot save: Condition 1: ")));
    CHECK(editor->messageText().contains(error));
    CHECK_FALSE(editor->save());
    CHECK(desk.storedYaml(QStringLiteral("review-bot")) == yamlOf(QStringLiteral("review-bot")));
    test::savePng(view, QStringLiteral("trigger-editor-bad-regex.png"));

    // Fixed, it saves.
    conditions->setRowText(0, ConditionsBuilder::ValueColumn, QStringLiteral("^(feat|fix)"));
    CHECK(conditions->rowError(0).isEmpty());
    CHECK(editor->saveButton()->isEnabled());
}

TEST_CASE("test against a past event shows each condition and what would run", "[ui][triggereditor]")
{
    TriggerDesk desk;
    REQUIRE(desk.store.addEvent(test::sampleEvent(7)).ok());  // acme/service-0, dev2, widget1
    REQUIRE(desk.store.addEvent(test::sampleEvent(12)).ok()); // acme/service-5, dev2, widget0
    TriggerListView view(desk.store);
    view.resize(1300, 760);
    view.show();
    view.addTrigger();
    TriggerEditor *editor = view.editor();
    REQUIRE(editor->hasTrigger());
    editor->repositoriesEdit()->setText(QStringLiteral("acme/service-0"));
    editor->setActionChecked(QStringLiteral("opened"), true);
    ConditionsBuilder *conditions = editor->conditions();
    conditions->setMatchAny(true);
    conditions->addLeaf(QStringLiteral("pull_request.title"), QStringLiteral("contains"),
                        QStringLiteral("widget1"));
    conditions->addLeaf(QStringLiteral("sender.login"), QStringLiteral("equals"), QStringLiteral("dev9"));
    CHECK(editor->pastEventIds() == QStringList{QStringLiteral("delivery-12"), QStringLiteral("delivery-7")});

    editor->testAgainstEvent(QStringLiteral("delivery-7"));
    const QStringList lines = editor->dryRunLines();
    INFO(lines.join(QLatin1Char('\n')).toStdString());
    CHECK(lines.contains(QStringLiteral("event | pass | pull_request")));
    CHECK(lines.contains(QStringLiteral("action | pass | opened")));
    CHECK(lines.contains(QStringLiteral("repository | pass | acme/service-0")));
    CHECK(lines.contains(QStringLiteral("any | pass | ")));
    CHECK(lines.contains(QStringLiteral(
        "  pull_request.title contains widget1 | pass | saw [\"Change number 7 fixes widget1\"]")));
    CHECK(lines.contains(QStringLiteral("  sender.login equals dev9 | FAIL | saw [\"dev2\"]")));
    CHECK(lines.contains(QStringLiteral("result | match | Would run (nothing was run):")));
    CHECK(lines.contains(QStringLiteral("  notify |  | {\"title\":\"acme/service-0: opened\"}")));
    editor->findChild<QTabWidget *>(QStringLiteral("editorTabs"))->setCurrentIndex(2);
    test::savePng(view, QStringLiteral("trigger-editor-dry-run.png"));

    // Another repository: the repository gate fails and nothing would run.
    editor->testAgainstEvent(QStringLiteral("delivery-12"));
    const QStringList other = editor->dryRunLines();
    INFO(other.join(QLatin1Char('\n')).toStdString());
    CHECK(other.contains(QStringLiteral("repository | FAIL | acme/service-5")));
    CHECK(other.filter(QStringLiteral("result | no match |")).size() == 1);
    CHECK(other.filter(QStringLiteral("Nothing would run.")).size() == 1);

    // Pass and fail follow a live switch to a dark palette.
    test::PaletteScope scope(test::lightPalette());
    editor->testAgainstEvent(QStringLiteral("delivery-12"));
    auto *dryRun = editor->findChild<QTreeWidget *>(QStringLiteral("dryRun"));
    REQUIRE(dryRun);
    const QList<QTreeWidgetItem *> failed =
        dryRun->findItems(QStringLiteral("FAIL"), Qt::MatchExactly | Qt::MatchRecursive, 1);
    REQUIRE_FALSE(failed.isEmpty());
    CHECK(failed.first()->foreground(1).color().name() ==
          toneText(Tone::Failure, test::lightPalette()).name());
    QApplication::setPalette(test::darkPalette());
    QTest::qWait(50);
    CHECK(failed.first()->foreground(1).color().name() ==
          toneText(Tone::Failure, test::darkPalette()).name());
}

TEST_CASE("create trigger from this event fills the form", "[ui][triggereditor]")
{
    TriggerDesk desk;
    REQUIRE(desk.store.addEvent(test::sampleEvent(7)).ok());
    QMainWindow window;
    WorkbenchDocks docks(&window, desk.store);
    window.resize(1300, 900);
    window.show();
    EventLogView *log = docks.eventLog();
    log->table()->selectRow(0);
    JsonTreeModel *payload = log->payloadModel();
    log->payloadTree()->selectionModel()->select(payload->indexOfPath(QStringLiteral("sender.login")),
                                                 QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QTest::mouseClick(log->findChild<QPushButton *>(QStringLiteral("createTriggerButton")), Qt::LeftButton);

    CHECK(docks.triggersDock()->isVisible());
    TriggerEditor *editor = docks.triggers()->editor();
    CHECK(editor->hasTrigger());
    CHECK(editor->nameEdit()->text() == QStringLiteral("pull_request-opened"));
    CHECK(editor->repositoriesEdit()->text() == QStringLiteral("acme/service-0"));
    CHECK(editor->eventBox()->currentText() == QStringLiteral("pull_request"));
    CHECK(editor->checkedActions() == QStringList{QStringLiteral("opened")});
    REQUIRE(editor->conditions()->rowCount() == 1);
    CHECK(editor->conditions()->rowText(0, ConditionsBuilder::FieldColumn) == QStringLiteral("sender.login"));
    CHECK(editor->conditions()->rowText(0, ConditionsBuilder::OpColumn) == QStringLiteral("equals"));
    CHECK(editor->conditions()->rowText(0, ConditionsBuilder::ValueColumn) == QStringLiteral("dev2"));
    CHECK(editor->isModified()); // a new trigger is unsaved until saved
    CHECK(docks.triggers()->statusText() ==
          QStringLiteral("New trigger from a pull_request.opened event in acme/service-0 — not saved yet"));
    CHECK(editor->pastEventIds().contains(QStringLiteral("delivery-7")));
    test::savePng(window, QStringLiteral("trigger-from-event.png"));

    // Saved, it is in the store and the list, and the engine would load it.
    editor->addRunAction(
        {{QStringLiteral("notify"), QJsonObject{{QStringLiteral("title"), QStringLiteral("hi")}}}});
    REQUIRE(editor->save());
    CHECK(docks.triggers()->triggerNames().contains(QStringLiteral("pull_request-opened")));
}

TEST_CASE("an imported trigger that runs code starts disabled", "[ui][triggereditor]")
{
    TriggerDesk desk;
    TriggerListView view(desk.store);
    view.show();
    const QString file = desk.dir.filePath(QStringLiteral("shared.yml"));
    QFile out(file);
    REQUIRE(out.open(QIODevice::WriteOnly));
    out.write(R"(
triggers:
  - name: deploy-hook
    event: push
    run: [{codefile: {path: /opt/shared/deploy.sh, pass_token: true}}]
  - name: tell-me
    event: push
    run: [{notify: {title: pushed}}]
)");
    out.close();
    REQUIRE(view.importFile(file).ok());
    CHECK(desk.storedYaml(QStringLiteral("deploy-hook")).contains("enabled: false"));
    CHECK_FALSE(desk.storedYaml(QStringLiteral("tell-me")).contains("enabled: false"));
    CHECK(view.statusText().contains(
        QStringLiteral("deploy-hook runs /opt/shared/deploy.sh with your GitHub token")));
}

TEST_CASE("trigger list adds duplicates deletes with undo and switches enabled", "[ui][triggereditor]")
{
    TriggerDesk desk;
    TriggerListView view(desk.store);
    view.show();
    REQUIRE(view.selectTrigger(QStringLiteral("review-bot")));
    view.duplicateSelected();
    CHECK(view.triggerNames().contains(QStringLiteral("review-bot-copy")));
    CHECK(desk.storedYaml(QStringLiteral("review-bot-copy")).contains("acme/service-*"));
    REQUIRE(view.selectTrigger(QStringLiteral("review-bot")));
    view.deleteSelected();
    CHECK_FALSE(view.triggerNames().contains(QStringLiteral("review-bot")));
    CHECK(desk.storedYaml(QStringLiteral("review-bot")).isEmpty());
    view.undoStack()->undo();
    CHECK(view.triggerNames().contains(QStringLiteral("review-bot")));
    CHECK(desk.storedYaml(QStringLiteral("review-bot")) == yamlOf(QStringLiteral("review-bot")));

    // The enable switch in the list.
    QTableWidget *table = view.table();
    int row = int(view.triggerNames().indexOf(QStringLiteral("pushes")));
    REQUIRE(row >= 0);
    table->item(row, TriggerListView::EnabledColumn)->setCheckState(Qt::Checked);
    CHECK(desk.storedYaml(QStringLiteral("pushes")).contains("enabled: true"));
    view.undoStack()->undo();
    CHECK(desk.storedYaml(QStringLiteral("pushes")).contains("enabled: false"));

    // Activity counts come from the action log.
    const auto ok =
        desk.store.beginAction({ActionKind::Notify, QStringLiteral("x"), {}, QStringLiteral("pushes"), true});
    REQUIRE(ok.ok());
    REQUIRE(desk.store.finishAction(*ok, {}).ok());
    view.reload();
    row = int(view.triggerNames().indexOf(QStringLiteral("pushes")));
    CHECK(table->item(row, TriggerListView::SuccessColumn)->text() == QStringLiteral("1"));
    CHECK(table->item(row, TriggerListView::FailureColumn)->text() == QStringLiteral("0"));
    CHECK(table->item(row, TriggerListView::LastFiredColumn)->text() != QStringLiteral("never"));
}

TEST_CASE("unsaved trigger edits are never lost silently", "[ui][triggereditor]")
{
    TriggerDesk desk;
    TriggerListView view(desk.store);
    view.show();
    REQUIRE(view.selectTrigger(QStringLiteral("review-bot")));
    view.editor()->nameEdit()->setText(QStringLiteral("review-bot-2"));
    int asked = 0;
    view.setUnsavedPrompt([&]() {
        ++asked;
        return TriggerListView::UnsavedAnswer::Cancel;
    });
    CHECK_FALSE(view.selectTrigger(QStringLiteral("pushes")));
    CHECK(asked == 1);
    CHECK(view.editor()->nameEdit()->text() == QStringLiteral("review-bot-2"));

    view.setUnsavedPrompt([&]() {
        ++asked;
        return TriggerListView::UnsavedAnswer::Save;
    });
    CHECK(view.selectTrigger(QStringLiteral("pushes")));
    CHECK(asked == 2);
    CHECK(view.triggerNames().contains(QStringLiteral("review-bot-2")));
    CHECK_FALSE(view.triggerNames().contains(QStringLiteral("review-bot")));
    CHECK(view.editor()->nameEdit()->text() == QStringLiteral("pushes"));
}

TEST_CASE("the event list and sample payloads come from the generated webhook catalog", "[ui][triggereditor]")
{
    const WebhookCatalog &catalog = WebhookCatalog::instance();
    CHECK(catalog.eventNames().size() > 40);
    CHECK(catalog.actions(QStringLiteral("pull_request")).contains(QStringLiteral("synchronize")));
    CHECK(catalog.actions(QStringLiteral("workflow_run")).contains(QStringLiteral("completed")));
    CHECK(
        catalog.fieldPaths(QStringLiteral("pull_request")).contains(QStringLiteral("pull_request.base.ref")));
    CHECK(catalog.fieldPaths(QStringLiteral("pull_request"))
              .contains(QStringLiteral("pull_request.labels[*].name")));
}

TEST_CASE("run now runs the code file with a sample event and shows its output", "[ui][triggereditor]")
{
    TriggerDesk desk;
    const QString script = desk.dir.filePath(QStringLiteral("hello.sh"));
    {
        QFile file(script);
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write("#!/bin/sh\necho \"event $GITHUB_EVENT_NAME for $1\"\nexit 4\n");
    }
    QFile::setPermissions(script, QFile::permissions(script) | QFileDevice::ExeOwner);
    TriggerListView view(desk.store);
    view.show();
    view.addTrigger();
    TriggerEditor *editor = view.editor();
    editor->addRunAction({{QStringLiteral("codefile"),
                           QJsonObject{{QStringLiteral("path"), script},
                                       {QStringLiteral("args"),
                                        QJsonArray{QStringLiteral("{{ event.repository.full_name }}")}},
                                       {QStringLiteral("timeout"), 30}}}});
    editor->runSelectedCodefile();
    REQUIRE(QTest::qWaitFor([&]() { return !editor->isCodefileRunning(); }, 20000));
    const QString output = editor->codefileOutput();
    INFO(output.toStdString());
    CHECK(output.contains(QStringLiteral("event pull_request for ")));
    CHECK(output.contains(QStringLiteral("exit code 4")));
}

namespace {

// A workflow with one input of each kind the trigger editor's form shows.
const QByteArray kDeployWorkflow = "name: Deploy\non:\n  workflow_dispatch:\n    inputs:\n"
                                   "      environment:\n        type: choice\n        default: staging\n"
                                   "        options: [staging, production]\n"
                                   "      dry_run:\n        type: boolean\n        default: false\n"
                                   "      branch:\n        description: 'Branch to deploy'\n"
                                   "        type: string\n"
                                   "      replicas:\n        type: number\n        default: 2\n"
                                   "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
                                   "      - run: ./deploy\n";

const char *const kDeployer = R"(
triggers:
  - name: deployer
    event: pull_request
    repositories: [octocat/Hello-World]
    run:
      - workflow: {workflow: deploy.yml, ref: main, inputs: {branch: "{{ event.pull_request.head.ref }}", environment: production}}
      - notify: {title: deploying}
)";

struct WorkflowDesk : TriggerDesk
{
    test::GitHubHarness github;

    WorkflowDesk()
    {
        github.server.setFileContent(QStringLiteral("octocat/Hello-World"),
                                     QStringLiteral(".github/workflows/deploy.yml"), kDeployWorkflow);
        const Result<QList<Trigger>> triggers = TriggerFile::parse(kDeployer);
        REQUIRE(triggers.ok());
        REQUIRE(store.saveTrigger(toStoredTrigger(triggers->first())).ok());
    }

    // The view on this desk's GitHub, showing the trigger's Run tab (where its widgets are visible).
    TriggerEditor *openRunTab(TriggerListView &view, const QString &trigger)
    {
        view.setGitHubClient(github.client.get());
        view.resize(1300, 760);
        view.show();
        REQUIRE(view.selectTrigger(trigger));
        auto *tabs = view.editor()->findChild<QTabWidget *>(QStringLiteral("editorTabs"));
        REQUIRE(tabs);
        tabs->setCurrentIndex(1);
        return view.editor();
    }
};

void waitForWorkflowPage(TriggerEditor &editor)
{
    REQUIRE(QTest::qWaitFor([&]() { return !editor.workflowPage()->isLoading(); }, 10000));
}

QByteArray deployerYaml(const QByteArray &run)
{
    QByteArray text = kDeployer;
    text.replace(
        QByteArray(R"(inputs: {branch: "{{ event.pull_request.head.ref }}", environment: production})"), run);
    const Result<QList<Trigger>> triggers = TriggerFile::parse(text);
    REQUIRE(triggers.ok());
    return TriggerFile::toYaml({triggers->first()});
}

} // namespace

TEST_CASE("the workflow action chooses a workflow and shows its typed dispatch inputs", "[ui][triggereditor]")
{
    WorkflowDesk desk;
    TriggerListView view(desk.store);
    TriggerEditor *editor = desk.openRunTab(view, QStringLiteral("deployer"));
    editor->selectRunAction(0);
    waitForWorkflowPage(*editor);
    INFO(editor->workflowPage()->note().toStdString());
    REQUIRE(editor->workflowPage()->isFormShown());

    // The chooser lists the repository's workflows, the stored one chosen.
    QComboBox *chooser = editor->workflowPage()->workflowChooser();
    CHECK(chooser->currentText() == QStringLiteral("deploy.yml"));
    CHECK(chooser->findText(QStringLiteral("ci.yml")) >= 0);
    CHECK(chooser->findText(QStringLiteral("deploy.yml")) >= 0);

    DispatchInputsForm *form = editor->workflowPage()->inputsForm();
    auto *environment = qobject_cast<QComboBox *>(form->field(QStringLiteral("environment")));
    auto *dryRun = qobject_cast<QCheckBox *>(form->field(QStringLiteral("dry_run")));
    auto *branch = qobject_cast<QLineEdit *>(form->field(QStringLiteral("branch")));
    auto *replicas = qobject_cast<QSpinBox *>(form->field(QStringLiteral("replicas")));
    REQUIRE(environment);
    REQUIRE(dryRun);
    REQUIRE(branch);
    REQUIRE(replicas);
    CHECK(environment->count() == 2);
    CHECK(environment->currentText() == QStringLiteral("production"));
    CHECK_FALSE(dryRun->isChecked());
    CHECK(branch->text() == QStringLiteral("{{ event.pull_request.head.ref }}"));
    CHECK(replicas->value() == 2);
    CHECK_FALSE(editor->isModified());
    QTest::qWait(30);
    test::savePng(view, QStringLiteral("trigger-editor-workflow.png"));

    // Viewing wrote nothing: the template and the inputs left at their defaults stay as they were.
    const Result<QList<Trigger>> original = TriggerFile::parse(kDeployer);
    REQUIRE(original.ok());
    const Result<Trigger> unchanged = editor->currentTrigger();
    REQUIRE(unchanged.ok());
    CHECK(TriggerFile::toYaml({*unchanged}) == TriggerFile::toYaml({original->first()}));

    // Edited in the form and saved: the trigger file has the typed values as strings.
    QTest::mouseClick(dryRun, Qt::LeftButton, {}, QPoint(8, dryRun->height() / 2)); // on its box
    environment->setCurrentIndex(environment->findText(QStringLiteral("staging")));
    CHECK(editor->isModified());
    QTest::mouseClick(editor->saveButton(), Qt::LeftButton);
    CHECK_FALSE(editor->isModified());
    CHECK(desk.storedYaml(QStringLiteral("deployer")) ==
          deployerYaml(R"(inputs: {branch: "{{ event.pull_request.head.ref }}", dry_run: "true", )"
                       R"(environment: staging})"));

    // A boolean may take its value from the event: the template toggle swaps the check box for a line.
    form->setTemplateMode(QStringLiteral("dry_run"), true);
    auto *dryRunTemplate = qobject_cast<QLineEdit *>(form->templateField(QStringLiteral("dry_run")));
    REQUIRE(dryRunTemplate);
    CHECK(dryRunTemplate->isVisible());
    CHECK_FALSE(dryRun->isVisible());
    dryRunTemplate->setText(QStringLiteral("{{ event.pull_request.draft }}"));
    QTest::mouseClick(editor->saveButton(), Qt::LeftButton);
    const QByteArray templated =
        deployerYaml(R"(inputs: {branch: "{{ event.pull_request.head.ref }}", )"
                     R"(dry_run: "{{ event.pull_request.draft }}", environment: staging})");
    CHECK(desk.storedYaml(QStringLiteral("deployer")) == templated);

    // Shown again, the template comes back in template mode, and the trigger is unchanged.
    editor->selectRunAction(1);
    editor->selectRunAction(0);
    waitForWorkflowPage(*editor);
    REQUIRE(editor->workflowPage()->isFormShown());
    CHECK(form->isTemplateMode(QStringLiteral("dry_run")));
    CHECK(qobject_cast<QLineEdit *>(form->templateField(QStringLiteral("dry_run")))->text() ==
          QStringLiteral("{{ event.pull_request.draft }}"));
    CHECK_FALSE(editor->isModified());
    const Result<Trigger> reloaded = editor->currentTrigger();
    REQUIRE(reloaded.ok());
    CHECK(TriggerFile::toYaml({*reloaded}) == templated);
}

TEST_CASE("the workflow action falls back to name=value lines for a glob repository", "[ui][triggereditor]")
{
    WorkflowDesk desk;
    TriggerListView view(desk.store);
    TriggerEditor *editor = desk.openRunTab(view, QStringLiteral("review-bot")); // acme/service-*, acme/api
    editor->repositoriesEdit()->setText(QStringLiteral("octocat/*"));
    editor->selectRunAction(1); // workflow: {workflow: ci.yml, ref: main, inputs: {reason: review}}
    waitForWorkflowPage(*editor);
    CHECK_FALSE(editor->workflowPage()->isFormShown());
    CHECK(editor->workflowPage()->note().contains(QStringLiteral("octocat/* is a pattern")));
    auto *lines = editor->findChild<QPlainTextEdit *>(QStringLiteral("workflowInputLines"));
    REQUIRE(lines);
    CHECK(lines->isVisible());
    CHECK(lines->toPlainText() == QStringLiteral("reason=review"));
    QTest::qWait(30);
    test::savePng(view, QStringLiteral("trigger-editor-workflow-fallback.png"));

    // Without a GitHub connection the lines say so too.
    TriggerDesk plain;
    TriggerListView offline(plain.store);
    REQUIRE(offline.selectTrigger(QStringLiteral("review-bot")));
    offline.editor()->selectRunAction(1);
    CHECK_FALSE(offline.editor()->workflowPage()->isFormShown());
    CHECK(offline.editor()->workflowPage()->note().contains(QStringLiteral("No GitHub connection")));
}

TEST_CASE("trigger list reloads once for a burst of finished actions", "[ui][triggereditor]")
{
    TriggerDesk desk;
    TriggerListView view(desk.store);
    QSignalSpy reloaded(&view, &TriggerListView::reloaded);
    // Ten actions of review-bot finish in one go, as a busy trigger's do.
    for (int i = 0; i < 10; ++i) {
        const auto id = desk.store.beginAction(
            {ActionKind::Notify, QStringLiteral("note %1").arg(i), {}, QStringLiteral("review-bot"), true});
        REQUIRE(id.ok());
        REQUIRE(desk.store.finishAction(*id, ActionOutcome{}).ok());
        view.scheduleReload();
    }
    CHECK(reloaded.isEmpty()); // not while the actions are still being reported
    REQUIRE(QTest::qWaitFor([&]() { return !reloaded.isEmpty(); }, 2000));
    QTest::qWait(20);
    CHECK(reloaded.size() == 1);
    const QList<QTableWidgetItem *> rows =
        view.table()->findItems(QStringLiteral("review-bot"), Qt::MatchExactly);
    REQUIRE(rows.size() == 1);
    CHECK(view.table()->item(rows.first()->row(), TriggerListView::SuccessColumn)->text() ==
          QStringLiteral("10"));
}

namespace {

// A trigger on another event, with an action review-bot's event does not have.
const char *const kWorkflowRunTrigger = R"(
triggers:
  - name: ci-finished
    event: workflow_run
    actions: [completed]
    run:
      - notify: {title: "CI finished"}
)";

void addWorkflowRunTrigger(TriggerDesk &desk)
{
    const Result<QList<Trigger>> triggers = TriggerFile::parse(kWorkflowRunTrigger);
    REQUIRE(triggers.ok());
    REQUIRE(desk.store.saveTrigger(toStoredTrigger(triggers->first())).ok());
}

// Counts the unsaved-changes questions and answers Cancel, so a wrong question shows as a failed switch.
struct CountingPrompt
{
    int asked = 0;
    void install(TriggerListView &view)
    {
        view.setUnsavedPrompt([this]() {
            ++asked;
            return TriggerListView::UnsavedAnswer::Cancel;
        });
    }
};

} // namespace

TEST_CASE("selecting one trigger after another shows only that trigger's actions", "[ui][triggereditor]")
{
    TriggerDesk desk;
    addWorkflowRunTrigger(desk);
    TriggerListView view(desk.store);
    view.show();
    CountingPrompt prompt;
    prompt.install(view);
    TriggerEditor *editor = view.editor();

    REQUIRE(view.selectTrigger(QStringLiteral("review-bot")));
    CHECK(editor->checkedActions() == QStringList{QStringLiteral("opened"), QStringLiteral("synchronize")});
    REQUIRE(view.selectTrigger(QStringLiteral("ci-finished")));
    CHECK(editor->checkedActions() == QStringList{QStringLiteral("completed")});
    CHECK_FALSE(editor->isModified());
    CHECK(editor->messageText().isEmpty());
    CHECK_FALSE(editor->saveButton()->isEnabled());
    REQUIRE(view.selectTrigger(QStringLiteral("review-bot")));
    CHECK(editor->checkedActions() == QStringList{QStringLiteral("opened"), QStringLiteral("synchronize")});
    REQUIRE(view.selectTrigger(QStringLiteral("pushes")));
    CHECK(editor->checkedActions().isEmpty());
    CHECK(prompt.asked == 0); // nothing was edited, so nothing was asked
    const Result<Trigger> pushes = editor->currentTrigger();
    REQUIRE(pushes.ok());
    CHECK(pushes->actions.isEmpty());
    CHECK(desk.storedYaml(QStringLiteral("ci-finished")).contains("actions: [completed]"));
}

TEST_CASE("changing the event keeps only the ticks that are actions of the new event", "[ui][triggereditor]")
{
    TriggerDesk desk;
    addWorkflowRunTrigger(desk);
    TriggerListView view(desk.store);
    view.show();
    REQUIRE(view.selectTrigger(QStringLiteral("ci-finished")));
    TriggerEditor *editor = view.editor();
    editor->eventBox()->setCurrentText(QStringLiteral("pull_request"));
    CHECK(editor->checkedActions().isEmpty());
    editor->setActionChecked(QStringLiteral("opened"), true);
    editor->eventBox()->setCurrentText(QStringLiteral("issues"));
    CHECK(editor->checkedActions() == QStringList{QStringLiteral("opened")}); // issues have `opened` too
}

TEST_CASE("modified means differs from the stored trigger and Revert restores it", "[ui][triggereditor]")
{
    TriggerDesk desk;
    addWorkflowRunTrigger(desk);
    TriggerListView view(desk.store);
    view.show();
    TriggerEditor *editor = view.editor();
    REQUIRE(view.selectTrigger(QStringLiteral("ci-finished"))); // another event's actions shown first
    REQUIRE(view.selectTrigger(QStringLiteral("review-bot")));
    CHECK_FALSE(editor->isModified());

    // An edit and its undoing by hand: back to what is stored, so not modified.
    editor->setActionChecked(QStringLiteral("closed"), true);
    CHECK(editor->isModified());
    CHECK(editor->messageText() == QStringLiteral("Unsaved changes"));
    editor->setActionChecked(QStringLiteral("closed"), false);
    CHECK_FALSE(editor->isModified());
    CHECK(editor->messageText().isEmpty());

    // Revert after edits in several parts of the form.
    auto *revertButton = editor->findChild<QPushButton *>(QStringLiteral("revertTrigger"));
    REQUIRE(revertButton);
    editor->nameEdit()->setText(QStringLiteral("renamed"));
    editor->setActionChecked(QStringLiteral("opened"), false);
    editor->conditions()->setRowText(0, ConditionsBuilder::ValueColumn, QStringLiteral("^docs:"));
    CHECK(editor->isModified());
    REQUIRE(revertButton->isEnabled());
    QTest::mouseClick(revertButton, Qt::LeftButton);
    CHECK_FALSE(editor->isModified());
    CHECK(editor->messageText().isEmpty());
    CHECK_FALSE(revertButton->isEnabled());
    CHECK(editor->nameEdit()->text() == QStringLiteral("review-bot"));
    CHECK(editor->checkedActions() == QStringList{QStringLiteral("opened"), QStringLiteral("synchronize")});
    const Result<Trigger> reverted = editor->currentTrigger();
    REQUIRE(reverted.ok());
    CHECK(TriggerFile::toYaml({*reverted}) == yamlOf(QStringLiteral("review-bot")));

    // Reverted, leaving asks nothing.
    CountingPrompt prompt;
    prompt.install(view);
    REQUIRE(view.selectTrigger(QStringLiteral("ci-finished")));
    CHECK(prompt.asked == 0);
}

TEST_CASE("the unsaved-changes question defaults to keep editing, not Save", "[ui][triggereditor]")
{
    const std::unique_ptr<QMessageBox> box =
        TriggerListView::unsavedChangesBox(nullptr, QStringLiteral("review-bot"));
    REQUIRE(box->button(QMessageBox::Save));
    CHECK(box->defaultButton() == box->button(QMessageBox::Cancel));
    CHECK(box->escapeButton() == box->button(QMessageBox::Cancel));
    CHECK(box->text().contains(QStringLiteral("review-bot")));
}

TEST_CASE("create trigger from this event ticks only that event's action", "[ui][triggereditor]")
{
    TriggerDesk desk;
    addWorkflowRunTrigger(desk);
    REQUIRE(desk.store.addEvent(test::sampleEvent(7)).ok()); // pull_request.opened
    QMainWindow window;
    WorkbenchDocks docks(&window, desk.store);
    window.resize(1280, 720);
    window.show();
    TriggerListView *list = docks.triggers();
    REQUIRE(list->selectTrigger(QStringLiteral("ci-finished"))); // `completed` ticked in the editor
    EventLogView *log = docks.eventLog();
    log->table()->selectRow(0);
    QTest::mouseClick(log->findChild<QPushButton *>(QStringLiteral("createTriggerButton")), Qt::LeftButton);
    TriggerEditor *editor = list->editor();
    CHECK(editor->eventBox()->currentText() == QStringLiteral("pull_request"));
    CHECK(editor->checkedActions() == QStringList{QStringLiteral("opened")});
    const Result<Trigger> draft = editor->currentTrigger();
    REQUIRE(draft.ok());
    CHECK(draft->actions == QStringList{QStringLiteral("opened")});
    CHECK(desk.storedYaml(QStringLiteral("ci-finished")).contains("actions: [completed]"));
}

TEST_CASE("Add opens a draft that is stored only when saved and valid", "[ui][triggereditor]")
{
    TriggerDesk desk;
    TriggerListView view(desk.store);
    view.show();
    const QStringList before = view.triggerNames();
    view.addTrigger();
    TriggerEditor *editor = view.editor();
    CHECK(editor->hasTrigger());
    CHECK(editor->isModified());
    CHECK(editor->nameEdit()->text() == QStringLiteral("new-trigger"));
    CHECK(view.triggerNames() == before); // nothing stored yet
    CHECK(desk.storedYaml(QStringLiteral("new-trigger")).isEmpty());
    CHECK(view.undoStack()->count() == 0);

    // Invalid: Save refuses and stores nothing.
    editor->nameEdit()->clear();
    CHECK_FALSE(editor->saveButton()->isEnabled());
    CHECK_FALSE(editor->save());
    CHECK(editor->messageText().startsWith(QStringLiteral("Cannot save")));
    CHECK(view.triggerNames() == before);

    // Valid and saved: stored, disabled, and selected in the list.
    editor->nameEdit()->setText(QStringLiteral("label-check"));
    REQUIRE(editor->saveButton()->isEnabled());
    QTest::mouseClick(editor->saveButton(), Qt::LeftButton);
    CHECK(view.triggerNames().contains(QStringLiteral("label-check")));
    CHECK(desk.storedYaml(QStringLiteral("label-check")).contains("enabled: false"));
    CHECK_FALSE(editor->isModified());

    // A draft left with Discard leaves nothing behind.
    view.addTrigger();
    view.setUnsavedPrompt([]() { return TriggerListView::UnsavedAnswer::Discard; });
    REQUIRE(view.selectTrigger(QStringLiteral("pushes")));
    CHECK_FALSE(view.triggerNames().contains(QStringLiteral("new-trigger")));
}

TEST_CASE("ignore rules, debounce, rate limit, reactions and run actions are edited in the form",
          "[ui][triggereditor]")
{
    TriggerDesk desk;
    TriggerListView view(desk.store);
    view.resize(1300, 760);
    view.show();
    REQUIRE(view.selectTrigger(QStringLiteral("review-bot")));
    TriggerEditor *editor = view.editor();
    TriggerLimitsPage *limits = editor->limits();
    CHECK(limits->ignoreBots()->isChecked());
    CHECK(limits->ignoreLabels()->text() == QStringLiteral("wip"));
    CHECK(limits->debounce()->value() == 30);
    CHECK(limits->rateMax()->value() == 5);
    CHECK(limits->ratePer()->value() == 60);
    CHECK(editor->runSummaries().at(4) == QStringLiteral("React 🚀 rocket"));
    CHECK_FALSE(editor->isModified());

    limits->debounce()->setValue(45);
    limits->ignoreLabels()->setText(QStringLiteral("wip, blocked"));
    limits->ignoreSenders()->setText(QStringLiteral("dependabot*"));
    limits->ignoreTitles()->setPlainText(QStringLiteral("^WIP\n^(draft|tmp), do not run"));
    limits->rateMax()->setValue(2);
    limits->ratePer()->setValue(300);
    CHECK(editor->isModified());
    editor->selectRunAction(4);
    auto *reaction = editor->findChild<QComboBox *>(QStringLiteral("reactionContent"));
    REQUIRE(reaction);
    CHECK(reaction->currentData().toString() == QStringLiteral("rocket"));
    reaction->setCurrentIndex(reaction->findData(QStringLiteral("eyes")));
    Q_EMIT reaction->activated(reaction->currentIndex());
    CHECK(editor->runSummaries().at(4) == QStringLiteral("React 👀 eyes"));
    editor->addRunAction(
        {{QStringLiteral("rerun_failed"),
          QJsonObject{{QStringLiteral("run"), QStringLiteral("{{ event.workflow_run.id }}")}}}});
    editor->addRunAction({{QStringLiteral("cancel"), QJsonObject()}});
    CHECK(editor->runSummaries().at(5) ==
          QStringLiteral("Re-run the failed jobs of run {{ event.workflow_run.id }}"));
    CHECK(editor->runSummaries().at(6) == QStringLiteral("Cancel the event's run"));
    REQUIRE(editor->save());

    const Result<QList<Trigger>> stored = TriggerFile::parse(desk.storedYaml(QStringLiteral("review-bot")));
    REQUIRE(stored.ok());
    const Trigger &trigger = stored->first();
    CHECK(trigger.debounceSeconds == 45);
    CHECK(trigger.rateLimit.max == 2);
    CHECK(trigger.rateLimit.perSeconds == 300);
    CHECK(trigger.ignore.bots);
    CHECK(trigger.ignore.labels == QStringList{QStringLiteral("wip"), QStringLiteral("blocked")});
    REQUIRE(trigger.ignore.senders.size() == 1);
    CHECK(trigger.ignore.senders.first().pattern() == QStringLiteral("dependabot*"));
    REQUIRE(trigger.ignore.titles.size() == 2);
    CHECK(trigger.ignore.titles.at(1).pattern() == QStringLiteral("^(draft|tmp), do not run"));
    REQUIRE(trigger.run.size() == 7);
    CHECK(std::get<ReactionAction>(trigger.run.at(4)).content == QStringLiteral("eyes"));
    CHECK(std::get<RerunFailedAction>(trigger.run.at(5)).run ==
          QStringLiteral("{{ event.workflow_run.id }}"));
    CHECK(std::holds_alternative<CancelRunAction>(trigger.run.at(6)));

    // Turned off, they leave the file.
    limits->debounce()->setValue(0);
    limits->rateMax()->setValue(0);
    REQUIRE(editor->save());
    const QByteArray yaml = desk.storedYaml(QStringLiteral("review-bot"));
    CHECK_FALSE(yaml.contains("debounce"));
    CHECK_FALSE(yaml.contains("rate_limit"));
    editor->findChild<QTabWidget *>(QStringLiteral("editorTabs"))->setCurrentWidget(limits);
    test::savePng(view, QStringLiteral("trigger-editor-limits.png"));
}

TEST_CASE("the Add menu offers every action kind of the action table and adds it with its starter fields",
          "[ui][triggereditor]")
{
    TriggerDesk desk;
    TriggerListView view(desk.store);
    REQUIRE(view.selectTrigger(QStringLiteral("review-bot")));
    TriggerEditor *editor = view.editor();
    auto *add = editor->findChild<QToolButton *>(QStringLiteral("addRunAction"));
    REQUIRE(add);
    REQUIRE(add->menu());
    const QList<QAction *> entries = add->menu()->actions();
    REQUIRE(entries.size() == actionkinds::all().size());
    const int before = int(editor->runSummaries().size());
    for (qsizetype i = 0; i < entries.size(); ++i) {
        CHECK(entries[i]->text() == QString::fromUtf8(actionkinds::all()[i].label));
        entries[i]->trigger();
    }
    REQUIRE(editor->runSummaries().size() == before + entries.size());
    CHECK(editor->runSummaries().at(before) == QStringLiteral("Run (no file chosen)"));
    CHECK(editor->runSummaries().last() == QStringLiteral("React 👀 eyes"));
}

TEST_CASE("nested any and not groups are built in the window and saved exactly", "[ui][triggereditor]")
{
    TriggerDesk desk;
    TriggerListView view(desk.store);
    view.resize(1300, 760);
    view.show();
    view.addTrigger();
    TriggerEditor *editor = view.editor();
    editor->nameEdit()->setText(QStringLiteral("nested"));
    editor->setActionChecked(QStringLiteral("opened"), true);
    ConditionsBuilder *conditions = editor->conditions();
    conditions->addLeaf(QStringLiteral("pull_request.base.ref"), QStringLiteral("equals"),
                        QStringLiteral("main"));
    const int any = conditions->addGroup(ConditionsBuilder::Group::Any);
    conditions->addLeaf(QStringLiteral("sender.login"), QStringLiteral("glob"), QStringLiteral("dev*"), any);
    const int notGroup = conditions->addGroup(ConditionsBuilder::Group::Not, any);
    CHECK(conditions->rowError(notGroup) ==
          QStringLiteral("an empty group: add a condition to it or remove it"));
    CHECK_FALSE(editor->saveButton()->isEnabled());
    conditions->addLeaf(QStringLiteral("pull_request.draft"), QStringLiteral("equals"), true, notGroup);
    const int label = conditions->addGroup(ConditionsBuilder::Group::Not);
    conditions->addLeaf(QStringLiteral("pull_request.labels[*].name"), QStringLiteral("in"),
                        QJsonArray{QStringLiteral("wip"), QStringLiteral("blocked")}, label);
    // The button adds into the selected group.
    conditions->tree()->setCurrentItem(conditions->tree()->topLevelItem(1));
    QTest::mouseClick(conditions->findChild<QPushButton *>(QStringLiteral("addCondition")), Qt::LeftButton);
    CHECK(conditions->rowCount() == 8);
    CHECK(conditions->depth(5) == 1);
    conditions->setRowText(5, ConditionsBuilder::FieldColumn, QStringLiteral("pull_request.additions"));
    conditions->setRowText(5, ConditionsBuilder::OpColumn, QStringLiteral("<"));
    conditions->setRowText(5, ConditionsBuilder::ValueColumn, QStringLiteral("500"));
    INFO(conditions->firstError().toStdString());
    REQUIRE(conditions->firstError().isEmpty());
    editor->addRunAction(
        {{QStringLiteral("notify"), QJsonObject{{QStringLiteral("title"), QStringLiteral("n")}}}});
    editor->findChild<QTabWidget *>(QStringLiteral("editorTabs"))->setCurrentWidget(conditions);
    test::savePng(view, QStringLiteral("trigger-editor-nested-groups.png"));
    REQUIRE(editor->save());

    const QJsonObject expected = QJsonDocument::fromJson(R"({"all": [
        {"field": "pull_request.base.ref", "op": "equals", "value": "main"},
        {"any": [
            {"field": "sender.login", "op": "glob", "value": "dev*"},
            {"not": {"field": "pull_request.draft", "op": "equals", "value": true}},
            {"field": "pull_request.additions", "op": "<", "value": 500}]},
        {"not": {"field": "pull_request.labels[*].name", "op": "in", "value": ["wip", "blocked"]}}]})")
                                     .object();
    const Result<QList<Trigger>> stored = TriggerFile::parse(desk.storedYaml(QStringLiteral("nested")));
    REQUIRE(stored.ok());
    REQUIRE(stored->first().conditions.has_value());
    INFO(QJsonDocument(stored->first().conditions->toJson()).toJson().toStdString());
    CHECK(stored->first().conditions->toJson() == expected);

    // Loaded again in a fresh window: the same tree, and not modified.
    TriggerListView again(desk.store);
    again.show();
    REQUIRE(again.selectTrigger(QStringLiteral("nested")));
    ConditionsBuilder *loaded = again.editor()->conditions();
    CHECK(loaded->rowCount() == 8);
    CHECK(loaded->isGroup(1));
    CHECK(loaded->groupKind(1) == ConditionsBuilder::Group::Any);
    CHECK(loaded->groupKind(3) == ConditionsBuilder::Group::Not);
    CHECK(loaded->depth(4) == 2);
    CHECK(loaded->rowText(4, ConditionsBuilder::FieldColumn) == QStringLiteral("pull_request.draft"));
    INFO(QJsonDocument(loaded->conditions().value_or(QJsonObject())).toJson().toStdString());
    CHECK(loaded->conditions() == expected);
    CHECK_FALSE(again.editor()->isModified());

    // Changing a group's kind is an edit like any other.
    loaded->setGroupKind(1, ConditionsBuilder::Group::All);
    CHECK(again.editor()->isModified());
    loaded->setGroupKind(1, ConditionsBuilder::Group::Any);
    CHECK_FALSE(again.editor()->isModified());
    // Removing a group removes its children.
    loaded->removeRow(1);
    CHECK(loaded->rowCount() == 3);
    CHECK(again.editor()->isModified());
}

TEST_CASE("a stored nested trigger loads as groups and is not modified", "[ui][triggereditor]")
{
    TriggerDesk desk;
    const Result<QList<Trigger>> deep = TriggerFile::parse(R"(
triggers:
  - name: deep
    event: pull_request
    conditions:
      not:
        any:
          - {field: pull_request.additions, op: gt, value: 1000}
          - all:
              - {field: sender.login, op: "==", value: bot}
              - not: {field: pull_request.title, op: exists}
    run:
      - notify: {title: deep}
)");
    REQUIRE(deep.ok());
    REQUIRE(desk.store.saveTrigger(toStoredTrigger(deep->first())).ok());
    TriggerListView view(desk.store);
    view.show();
    REQUIRE(view.selectTrigger(QStringLiteral("deep")));
    TriggerEditor *editor = view.editor();
    ConditionsBuilder *conditions = editor->conditions();
    CHECK(conditions->rowCount() == 7);
    CHECK(conditions->groupKind(0) == ConditionsBuilder::Group::Not);
    CHECK(conditions->groupKind(1) == ConditionsBuilder::Group::Any);
    CHECK(conditions->groupKind(3) == ConditionsBuilder::Group::All);
    CHECK(conditions->groupKind(5) == ConditionsBuilder::Group::Not);
    CHECK(conditions->depth(6) == 4);
    CHECK(conditions->firstError().isEmpty());
    CHECK_FALSE(editor->isModified());
    const Result<Trigger> unchanged = editor->currentTrigger();
    REQUIRE(unchanged.ok());
    CHECK(TriggerFile::toYaml({*unchanged}) == TriggerFile::toYaml({deep->first()}));
}

TEST_CASE("the field path completer's list is wide enough for its longest path", "[ui][triggereditor]")
{
    TriggerDesk desk;
    TriggerListView view(desk.store);
    view.resize(1300, 760);
    view.show();
    REQUIRE(view.selectTrigger(QStringLiteral("review-bot")));
    ConditionsBuilder *conditions = view.editor()->conditions();
    view.editor()->findChild<QTabWidget *>(QStringLiteral("editorTabs"))->setCurrentWidget(conditions);
    auto *field = qobject_cast<QLineEdit *>(
        conditions->tree()->itemWidget(conditions->tree()->topLevelItem(0), ConditionsBuilder::FieldColumn));
    REQUIRE(field);
    const QStringList paths = WebhookCatalog::instance().fieldPaths(QStringLiteral("pull_request"));
    REQUIRE_FALSE(paths.isEmpty());
    QString longest;
    for (const QString &path : paths)
        longest = path.size() > longest.size() ? path : longest;
    const int needed = field->fontMetrics().horizontalAdvance(longest);
    REQUIRE(field->width() < needed); // the case the popup has to be wider than its field for
    field->setFocus();
    field->completer()->setCompletionPrefix(QStringLiteral("pull_request"));
    field->completer()->complete();
    QAbstractItemView *popup = field->completer()->popup();
    REQUIRE(QTest::qWaitFor([popup]() { return popup->isVisible(); }));
    CHECK(popup->width() >= needed);
    CHECK(conditions->fieldPopupWidth() >= needed);
}

TEST_CASE("a code file's step id is edited in the form and later actions can use its outputs",
          "[ui][triggereditor]")
{
    TriggerDesk desk;
    TriggerListView view(desk.store);
    view.resize(1300, 760);
    view.show();
    REQUIRE(view.selectTrigger(QStringLiteral("review-bot")));
    TriggerEditor *editor = view.editor();
    editor->selectRunAction(0);
    auto *id = editor->findChild<QLineEdit *>(QStringLiteral("codefileId"));
    REQUIRE(id);
    CHECK(id->text().isEmpty());
    CHECK_FALSE(id->accessibleName().isEmpty());

    // A bad id is refused with the file format's message.
    QTest::keyClicks(id, QStringLiteral("1review"));
    CHECK_FALSE(editor->saveButton()->isEnabled());
    CHECK(editor->messageText().contains(QStringLiteral("is not a step id")));
    id->selectAll();
    QTest::keyClicks(id, QStringLiteral("review"));
    CHECK(editor->runSummaries().first() == QStringLiteral("Run /opt/review.sh (step review)"));
    editor->addRunAction(
        {{QStringLiteral("notify"),
          QJsonObject{{QStringLiteral("title"), QStringLiteral("{{ steps.review.outputs.verdict }}")}}}});
    INFO(editor->messageText().toStdString());
    REQUIRE(editor->save());
    const Result<QList<Trigger>> stored = TriggerFile::parse(desk.storedYaml(QStringLiteral("review-bot")));
    REQUIRE(stored.ok());
    CHECK(std::get<CodefileAction>(stored->first().run.at(0)).id == QStringLiteral("review"));

    // Loaded again, the id is shown; cleared, it leaves the file.
    TriggerListView again(desk.store);
    again.resize(1300, 760);
    again.show();
    REQUIRE(again.selectTrigger(QStringLiteral("review-bot")));
    again.editor()->selectRunAction(0);
    auto *loaded = again.editor()->findChild<QLineEdit *>(QStringLiteral("codefileId"));
    CHECK(loaded->text() == QStringLiteral("review"));
    CHECK_FALSE(again.editor()->isModified());
    again.editor()->findChild<QTabWidget *>(QStringLiteral("editorTabs"))->setCurrentIndex(1);
    test::savePng(again, QStringLiteral("trigger-editor-codefile-id.png"));
}

TEST_CASE("a dispatch input's description is readable, not drawn disabled", "[ui][triggereditor]")
{
    DispatchInputsForm form;
    DispatchInput input;
    input.name = QStringLiteral("environment");
    input.description = QStringLiteral("Where to deploy");
    form.setInputs({input});
    form.show();
    auto *hint = form.findChild<QLabel *>(QStringLiteral("inputHint"));
    REQUIRE(hint);
    CHECK(hint->isEnabled());
    CHECK(contrastRatio(hint->palette().color(hint->foregroundRole()),
                        form.palette().color(QPalette::Window)) >= kMinimumContrast);
}
