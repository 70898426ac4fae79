#include "triggereditor/triggereditor.h"

#include "hooks/coverageline.h"
#include "store/eventstore.h"
#include "triggereditor/conditionsbuilder.h"
#include "triggereditor/runactionform.h"
#include "triggereditor/triggerlimitspage.h"
#include "triggereditor/webhookcatalog.h"
#include "triggereditor/workflowactionpage.h"
#include "triggers/actionkinds.h"
#include "triggers/codefilerunner.h"
#include "triggers/eventcontext.h"
#include "triggers/templateengine.h"
#include "triggers/triggerdryrun.h"
#include "triggers/triggerfile.h"
#include "widgets/emptyhint.h"
#include "widgets/themecolors.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QTabWidget>
#include <QToolButton>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>
#include <QVBoxLayout>

namespace exeserver {

namespace {

QString kindOf(const QJsonObject &action)
{
    return action.isEmpty() ? QString() : action.constBegin().key();
}

QStringList splitList(const QString &text)
{
    QStringList items;
    for (const QString &item : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!item.trimmed().isEmpty())
            items.append(item.trimmed());
    }
    return items;
}

// The trigger as the store would keep it, so "modified" compares meaning, not how the form spelled it
// (a default left out, a group written bare). Text that does not parse is compared as it is.
QJsonObject canonical(const QJsonObject &json)
{
    const Result<Trigger> trigger = TriggerFile::fromJsonObject(json);
    return trigger ? TriggerFile::toJsonObject(*trigger) : json;
}

// Pass and fail in the palette's tones; run again when the palette changes.
void colorDryRunResult(QTreeWidgetItem *item)
{
    const QString result = item->text(1);
    if (result == QLatin1String("FAIL"))
        item->setForeground(1, toneText(Tone::Failure));
    else if (result == QLatin1String("pass"))
        item->setForeground(1, toneText(Tone::Success));
}

QString jsonText(const QJsonValue &value)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}

} // namespace

TriggerEditor::TriggerEditor(EventStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_runner(new CodefileRunner(this))
    , m_name(new QLineEdit(this))
    , m_enabled(new QCheckBox(tr("Enabled"), this))
    , m_repositories(new QLineEdit(this))
    , m_pickRepository(new QToolButton(this))
    , m_event(new QComboBox(this))
    , m_actions(new QListWidget(this))
    , m_conditions(new ConditionsBuilder(this))
    , m_run(new QListWidget(this))
    , m_runForm(new RunActionForm(this))
    , m_limits(new TriggerLimitsPage(this))
    , m_message(new QLabel(this))
    , m_save(new QPushButton(tr("Save"), this))
    , m_revert(new QPushButton(tr("Revert"), this))
    , m_pastEvent(new QComboBox(this))
    , m_dryRun(new QTreeWidget(this))
    , m_yaml(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("TriggerEditor"));
    // Names for screen readers; the form's labels are not tied to their fields.
    const QList<QPair<QWidget *, QString>> names{{m_name, tr("Trigger name")},
                                                 {m_repositories, tr("Repositories")},
                                                 {m_event, tr("Event")},
                                                 {m_actions, tr("Event actions (none ticked: any)")},
                                                 {m_run, tr("Actions to run, in order")},
                                                 {m_pastEvent, tr("Past event to test against")},
                                                 {m_dryRun, tr("Dry run result")}};
    for (const auto &[widget, name] : names)
        widget->setAccessibleName(name);
    m_name->setObjectName(QStringLiteral("triggerName"));
    m_repositories->setObjectName(QStringLiteral("triggerRepositories"));
    m_repositories->setPlaceholderText(tr("owner/name, owner/* — empty: every repository"));
    m_pickRepository->setText(tr("From dashboard"));
    m_pickRepository->setPopupMode(QToolButton::InstantPopup);
    m_pickRepository->setMenu(new QMenu(m_pickRepository));
    m_event->setObjectName(QStringLiteral("triggerEvent"));
    m_event->setEditable(true);
    m_event->addItem(QStringLiteral("*"));
    m_event->addItems(WebhookCatalog::instance().eventNames());
    m_event->setMaxVisibleItems(20);
    m_actions->setObjectName(QStringLiteral("triggerActions"));
    m_actions->setFlow(QListView::LeftToRight);
    m_actions->setWrapping(true);
    m_actions->setMaximumHeight(72);
    m_actions->setToolTip(tr("None checked: any action"));

    auto *repositoryRow = new QHBoxLayout;
    repositoryRow->addWidget(m_repositories, 1);
    repositoryRow->addWidget(m_pickRepository);
    auto *nameRow = new QHBoxLayout;
    nameRow->addWidget(m_name, 1);
    nameRow->addWidget(m_enabled);
    auto *form = new QFormLayout;
    form->addRow(tr("Name"), nameRow);
    form->addRow(tr("Repositories"), repositoryRow);
    form->addRow(tr("Event"), m_event);
    m_coverage = new CoverageLine(this);
    form->addRow(QString(), m_coverage);
    const auto updateCoverage = [this]() {
        m_coverage->setTrigger(m_event->currentText(), splitList(m_repositories->text()));
    };
    connect(m_event, &QComboBox::currentTextChanged, m_coverage, updateCoverage);
    connect(m_repositories, &QLineEdit::textChanged, m_coverage, updateCoverage);
    form->addRow(tr("Actions"), m_actions);

    // Run actions: the ordered list and the selected one's form.
    m_run->setObjectName(QStringLiteral("runList"));
    auto *addAction = new QToolButton(this);
    addAction->setText(tr("Add"));
    addAction->setObjectName(QStringLiteral("addRunAction"));
    addAction->setPopupMode(QToolButton::InstantPopup);
    auto *addMenu = new QMenu(addAction);
    for (const TriggerActionKind &kind : actionkinds::all()) {
        const QJsonObject action{{kind.kind, kind.starter}};
        addMenu->addAction(QCoreApplication::translate("TriggerActionKind", kind.label), this,
                           [this, action]() { addRunAction(action); });
    }
    addAction->setMenu(addMenu);
    auto *up = new QPushButton(tr("Move up"), this);
    up->setObjectName(QStringLiteral("moveUp"));
    auto *down = new QPushButton(tr("Move down"), this);
    down->setObjectName(QStringLiteral("moveDown"));
    auto *remove = new QPushButton(tr("Remove"), this);
    auto *runButtons = new QVBoxLayout;
    runButtons->addWidget(addAction);
    runButtons->addWidget(up);
    runButtons->addWidget(down);
    runButtons->addWidget(remove);
    runButtons->addStretch(1);

    auto *runTab = new QWidget(this);
    auto *runLayout = new QHBoxLayout(runTab);
    auto *runLeft = new QHBoxLayout;
    runLeft->addWidget(m_run, 1);
    runLeft->addLayout(runButtons);
    runLayout->addLayout(runLeft, 2);
    runLayout->addWidget(m_runForm, 3);

    // The dry run.
    auto *testTab = new QWidget(this);
    auto *testLayout = new QVBoxLayout(testTab);
    auto *testRow = new QHBoxLayout;
    m_pastEvent->setObjectName(QStringLiteral("pastEvent"));
    auto *test = new QPushButton(tr("Test"), this);
    test->setObjectName(QStringLiteral("testButton"));
    testRow->addWidget(new QLabel(tr("Past event"), this));
    testRow->addWidget(m_pastEvent, 1);
    testRow->addWidget(test);
    m_dryRun->setObjectName(QStringLiteral("dryRun"));
    setEmptyHint(m_dryRun,
                 tr("Choose a past event and press Test: each check, and what would run, shows here."));
    m_dryRun->setHeaderLabels({tr("Check"), tr("Result"), tr("Details")});
    m_dryRun->setColumnWidth(0, 260);
    m_dryRun->setColumnWidth(1, 70);
    testLayout->addLayout(testRow);
    testLayout->addWidget(m_dryRun, 1);

    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("editorTabs"));
    tabs->addTab(m_conditions, tr("Conditions"));
    tabs->addTab(runTab, tr("Run"));
    tabs->addTab(m_limits, tr("Ignore and limits"));
    tabs->addTab(testTab, tr("Test against a past event"));
    m_yaml->setObjectName(QStringLiteral("triggerYaml"));
    m_yaml->setAccessibleName(tr("The trigger as YAML, read-only"));
    m_yaml->setReadOnly(true);
    m_yaml->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    tabs->addTab(m_yaml, tr("YAML"));
    connect(tabs, &QTabWidget::currentChanged, this, [this]() { showYaml(); });
    onPaletteChange(m_dryRun, [this]() {
        for (QTreeWidgetItemIterator it(m_dryRun); *it; ++it)
            colorDryRunResult(*it);
    });

    m_message->setObjectName(QStringLiteral("editorMessage"));
    m_message->setWordWrap(true);
    m_save->setObjectName(QStringLiteral("saveTrigger"));
    m_revert->setObjectName(QStringLiteral("revertTrigger"));
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_message, 1);
    bottom->addWidget(m_revert);
    bottom->addWidget(m_save);

    // The form scrolls when the dock is small; Save and Revert stay in view below it.
    auto *body = new QWidget(this);
    auto *bodyLayout = new QVBoxLayout(body);
    bodyLayout->setContentsMargins(0, 0, 0, 0);
    bodyLayout->addLayout(form);
    bodyLayout->addWidget(tabs, 1);
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("editorScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(body);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(scroll, 1);
    layout->addLayout(bottom);

    for (QLineEdit *edit : {m_name, m_repositories})
        connect(edit, &QLineEdit::textChanged, this, &TriggerEditor::onEdited);
    connect(m_enabled, &QCheckBox::toggled, this, &TriggerEditor::onEdited);
    connect(m_event, &QComboBox::currentTextChanged, this, &TriggerEditor::onEventChanged);
    connect(m_actions, &QListWidget::itemChanged, this, &TriggerEditor::onEdited);
    connect(m_conditions, &ConditionsBuilder::changed, this, &TriggerEditor::onEdited);
    connect(m_run, &QListWidget::currentRowChanged, this, &TriggerEditor::showRunAction);
    connect(m_limits, &TriggerLimitsPage::edited, this, &TriggerEditor::onEdited);
    connect(m_runForm, &RunActionForm::edited, this, &TriggerEditor::storeRunAction);
    connect(m_repositories, &QLineEdit::editingFinished, this, [this]() {
        m_runForm->workflowPage()->setTriggerRepositories(splitList(m_repositories->text()));
    });
    connect(m_runForm, &RunActionForm::runCodefileRequested, this, &TriggerEditor::runSelectedCodefile);
    connect(up, &QPushButton::clicked, this,
            [this]() { moveRunAction(m_run->currentRow(), m_run->currentRow() - 1); });
    connect(down, &QPushButton::clicked, this,
            [this]() { moveRunAction(m_run->currentRow(), m_run->currentRow() + 1); });
    connect(remove, &QPushButton::clicked, this, [this]() {
        delete m_run->takeItem(m_run->currentRow());
        onEdited();
    });
    connect(test, &QPushButton::clicked, this,
            [this]() { testAgainstEvent(m_pastEvent->currentData().toString()); });
    connect(m_save, &QPushButton::clicked, this, &TriggerEditor::save);
    connect(m_revert, &QPushButton::clicked, this, &TriggerEditor::revert);
    connect(m_runner, &CodefileRunner::finished, this, [this](quint64 id, const CodefileResult &result) {
        if (id != m_codefileRun)
            return;
        m_codefileRun = 0;
        QString text = result.output;
        if (!result.started)
            text += tr("Did not start: %1").arg(result.error.message);
        else
            text += tr("\n— exit code %1 after %2 ms%3")
                        .arg(result.exitCode)
                        .arg(result.durationMs)
                        .arg(result.timedOut ? tr(" (timed out)") : QString());
        m_runForm->setCodefileOutput(text);
    });
    clear();
}

TriggerEditor::~TriggerEditor() = default;

void TriggerEditor::setRepositoryChoices(const QStringList &repositories)
{
    QMenu *menu = m_pickRepository->menu();
    menu->clear();
    for (const QString &repository : repositories) {
        menu->addAction(repository, this, [this, repository]() {
            QStringList current = splitList(m_repositories->text());
            if (!current.contains(repository))
                current.append(repository);
            m_repositories->setText(current.join(QStringLiteral(", ")));
        });
    }
    m_pickRepository->setEnabled(!repositories.isEmpty());
}

void TriggerEditor::setGitHubClient(GitHubClient *client)
{
    m_runForm->workflowPage()->setGitHubClient(client);
}

void TriggerEditor::clear()
{
    m_hasTrigger = false;
    m_originalName.clear();
    load(QJsonObject{{QStringLiteral("name"), QString()}, {QStringLiteral("event"), QStringLiteral("*")}});
    m_hasTrigger = false;
    setEnabled(false);
}

void TriggerEditor::setTrigger(const Trigger &trigger)
{
    m_hasTrigger = true;
    m_originalName = trigger.name;
    setEnabled(true);
    load(TriggerFile::toJsonObject(trigger));
}

void TriggerEditor::setDraft(const TriggerDraft &draft, const QString &name)
{
    QJsonObject json{{QStringLiteral("name"), name},
                     {QStringLiteral("enabled"), false}, // enabled once it does what it should
                     {QStringLiteral("event"), draft.type.isEmpty() ? QStringLiteral("*") : draft.type},
                     {QStringLiteral("run"), QJsonArray()}};
    if (!draft.repository.isEmpty())
        json.insert(QStringLiteral("repositories"), QJsonArray{draft.repository});
    if (!draft.action.isEmpty())
        json.insert(QStringLiteral("actions"), QJsonArray{draft.action});
    if (!draft.fields.isEmpty()) {
        QJsonArray leaves;
        for (const TriggerDraft::Field &field : draft.fields)
            leaves.append(QJsonObject{{QStringLiteral("field"), field.path},
                                      {QStringLiteral("op"), QStringLiteral("equals")},
                                      {QStringLiteral("value"), field.value}});
        json.insert(QStringLiteral("conditions"), QJsonObject{{QStringLiteral("all"), leaves}});
    }
    startNew(json);
    const int index = m_pastEvent->findData(draft.eventId);
    if (index >= 0)
        m_pastEvent->setCurrentIndex(index);
}

void TriggerEditor::setNewTrigger(const Trigger &trigger)
{
    startNew(TriggerFile::toJsonObject(trigger));
}

void TriggerEditor::startNew(const QJsonObject &json)
{
    m_hasTrigger = true;
    m_originalName.clear(); // a new trigger: in the store only once saved
    setEnabled(true);
    load(json);
    m_savedJson = QJsonObject(); // never saved: modified until it is
    onEdited();
}

void TriggerEditor::revert()
{
    if (!m_savedJson.isEmpty())
        load(m_savedJson);
}

void TriggerEditor::load(const QJsonObject &json)
{
    m_loading = true;
    m_original = json;
    m_savedJson = canonical(json);
    m_name->setText(json.value(QLatin1String("name")).toString());
    m_enabled->setChecked(json.value(QLatin1String("enabled")).toBool(true));
    QStringList repositories;
    for (const QJsonValue &value : json.value(QLatin1String("repositories")).toArray())
        repositories.append(value.toString());
    m_repositories->setText(repositories.join(QStringLiteral(", ")));
    const QString event = json.value(QLatin1String("event")).toString(QStringLiteral("*"));
    if (m_event->findText(event) < 0)
        m_event->addItem(event);
    // The form is rebuilt from this trigger alone: nothing ticked for the previous one carries over.
    m_actions->clear();
    m_event->setCurrentText(event);
    onEventChanged();
    for (const QJsonValue &value : json.value(QLatin1String("actions")).toArray())
        setActionChecked(value.toString(), true);
    m_conditions->setConditions(
        json.contains(QLatin1String("conditions"))
            ? std::optional<QJsonObject>(json.value(QLatin1String("conditions")).toObject())
            : std::nullopt);
    m_limits->load(json);
    m_run->clear();
    for (const QJsonValue &value : json.value(QLatin1String("run")).toArray()) {
        auto *item = new QListWidgetItem(RunActionForm::summary(value.toObject()), m_run);
        item->setData(Qt::UserRole, value.toObject());
    }
    m_run->setCurrentRow(m_run->count() > 0 ? 0 : -1);
    showRunAction();
    m_runForm->setCodefileOutput({});
    m_dryRun->clear();
    m_loading = false;
    onEdited();
}

void TriggerEditor::onEventChanged()
{
    const QString event = m_event->currentText();
    const QStringList actions = WebhookCatalog::instance().actions(event);
    // Another event keeps only the ticks that are its actions too: `completed` means nothing to a
    // pull_request. A file's actions GitHub added after the catalog are kept by load(), not here.
    // An event not in the catalog (or half typed) keeps them all.
    QStringList checked;
    for (const QString &action : checkedActions()) {
        if (actions.isEmpty() || actions.contains(action))
            checked.append(action);
    }
    const bool loading = m_loading;
    m_loading = true;
    m_actions->clear();
    for (const QString &action : actions.isEmpty() ? checked : actions) {
        auto *item = new QListWidgetItem(action, m_actions);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(checked.contains(action) ? Qt::Checked : Qt::Unchecked);
    }
    m_actions->setEnabled(m_actions->count() > 0);
    m_event->setToolTip(WebhookCatalog::instance().description(event));
    m_conditions->setFieldPaths(WebhookCatalog::instance().fieldPaths(event));
    m_loading = loading;
    refreshPastEvents();
    onEdited();
}

void TriggerEditor::refreshPastEvents()
{
    const QString current = m_pastEvent->currentData().toString();
    m_pastEvent->clear();
    if (!m_store)
        return;
    EventQuery query;
    const QString event = m_event->currentText();
    if (event != QLatin1String("*"))
        query.type = event;
    query.limit = 50;
    const Result<EventPage> page = m_store->events(query);
    if (!page)
        return;
    for (const Event &stored : page->events) {
        m_pastEvent->addItem(
            QStringLiteral("%1  %2%3  %4")
                .arg(stored.occurredAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                     stored.type, stored.action.isEmpty() ? QString() : QLatin1Char('.') + stored.action,
                     stored.repository),
            stored.id);
    }
    const int index = m_pastEvent->findData(current);
    if (index >= 0)
        m_pastEvent->setCurrentIndex(index);
}

QStringList TriggerEditor::pastEventIds() const
{
    QStringList ids;
    for (int i = 0; i < m_pastEvent->count(); ++i)
        ids.append(m_pastEvent->itemData(i).toString());
    return ids;
}

QStringList TriggerEditor::checkedActions() const
{
    QStringList checked;
    for (int i = 0; i < m_actions->count(); ++i) {
        if (m_actions->item(i)->checkState() == Qt::Checked)
            checked.append(m_actions->item(i)->text());
    }
    return checked;
}

void TriggerEditor::setActionChecked(const QString &action, bool checked)
{
    const QList<QListWidgetItem *> found = m_actions->findItems(action, Qt::MatchExactly);
    QListWidgetItem *item = found.isEmpty() ? nullptr : found.first();
    if (!item) {
        item = new QListWidgetItem(action, m_actions);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        m_actions->setEnabled(true);
    }
    item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
}

void TriggerEditor::addRunAction(const QJsonObject &action)
{
    auto *item = new QListWidgetItem(RunActionForm::summary(action), m_run);
    item->setData(Qt::UserRole, action);
    m_run->setCurrentItem(item);
    onEdited();
}

QStringList TriggerEditor::runSummaries() const
{
    QStringList out;
    for (int i = 0; i < m_run->count(); ++i)
        out.append(m_run->item(i)->text());
    return out;
}

void TriggerEditor::selectRunAction(int index)
{
    m_run->setCurrentRow(index);
}

void TriggerEditor::moveRunAction(int from, int to)
{
    if (from < 0 || to < 0 || from >= m_run->count() || to >= m_run->count() || from == to)
        return;
    QListWidgetItem *item = m_run->takeItem(from);
    m_run->insertItem(to, item);
    m_run->setCurrentRow(to);
    onEdited();
}

void TriggerEditor::showRunAction()
{
    QListWidgetItem *item = m_run->currentItem();
    const bool loading = m_loading;
    m_loading = true; // filling the page is not an edit
    m_runForm->showAction(item ? item->data(Qt::UserRole).toJsonObject() : QJsonObject(),
                          splitList(m_repositories->text()));
    m_loading = loading;
}

QJsonObject TriggerEditor::runActionFromPage() const
{
    QListWidgetItem *item = m_run->currentItem();
    return m_runForm->actionFromPage(item ? item->data(Qt::UserRole).toJsonObject() : QJsonObject());
}

void TriggerEditor::storeRunAction()
{
    if (m_loading)
        return;
    QListWidgetItem *item = m_run->currentItem();
    if (!item)
        return;
    const QJsonObject action = runActionFromPage();
    item->setData(Qt::UserRole, action);
    item->setText(RunActionForm::summary(action));
    onEdited();
}

QJsonObject TriggerEditor::toJson() const
{
    QJsonObject json = m_original;
    json.insert(QStringLiteral("name"), m_name->text().trimmed());
    json.insert(QStringLiteral("enabled"), m_enabled->isChecked());
    const QString event = m_event->currentText().trimmed();
    json.insert(QStringLiteral("event"), event.isEmpty() ? QStringLiteral("*") : event);
    const QStringList repositories = splitList(m_repositories->text());
    if (repositories.isEmpty())
        json.remove(QStringLiteral("repositories"));
    else
        json.insert(QStringLiteral("repositories"), QJsonArray::fromStringList(repositories));
    const QStringList actions = checkedActions();
    if (actions.isEmpty())
        json.remove(QStringLiteral("actions"));
    else
        json.insert(QStringLiteral("actions"), QJsonArray::fromStringList(actions));
    if (const auto conditions = m_conditions->conditions())
        json.insert(QStringLiteral("conditions"), *conditions);
    else
        json.remove(QStringLiteral("conditions"));
    m_limits->apply(json);
    QJsonArray run;
    for (int i = 0; i < m_run->count(); ++i)
        run.append(m_run->item(i)->data(Qt::UserRole).toJsonObject());
    json.insert(QStringLiteral("run"), run);
    return json;
}

Result<Trigger> TriggerEditor::currentTrigger() const
{
    return TriggerFile::fromJsonObject(toJson());
}

bool TriggerEditor::isModified() const
{
    return m_hasTrigger && (m_savedJson.isEmpty() || canonical(toJson()) != m_savedJson);
}

QString TriggerEditor::validationMessage() const
{
    if (!m_hasTrigger)
        return {};
    if (m_name->text().trimmed().isEmpty())
        return tr("A trigger needs a name.");
    const QString conditionError = m_conditions->firstError();
    if (!conditionError.isEmpty())
        return conditionError;
    const Result<Trigger> trigger = currentTrigger();
    return trigger ? QString() : trigger.error().message;
}

QString TriggerEditor::messageText() const
{
    return m_message->text();
}

// Built only while its tab is shown: typing in the form does not write YAML for nothing.
void TriggerEditor::showYaml()
{
    if (!m_yaml->isVisible())
        return;
    const Result<Trigger> trigger = currentTrigger();
    m_yaml->setPlainText(trigger ? QString::fromUtf8(TriggerFile::toYaml({*trigger}))
                                 : tr("# Not a valid trigger yet: %1").arg(trigger.error().message));
}

void TriggerEditor::onEdited()
{
    if (m_loading)
        return;
    showYaml();
    const QString problem = validationMessage();
    const bool modified = isModified();
    m_save->setEnabled(m_hasTrigger && problem.isEmpty() && modified);
    m_revert->setEnabled(modified && !m_savedJson.isEmpty());
    if (!problem.isEmpty()) {
        m_message->setText(tr("Cannot save: %1").arg(problem));
        setThemedStyleSheet(m_message, []() { return toneColorCss(Tone::Failure); });
    } else {
        m_message->setText(modified ? tr("Unsaved changes") : QString());
        setThemedStyleSheet(m_message, []() { return QString(); });
    }
    if (modified != m_wasModified) {
        m_wasModified = modified;
        Q_EMIT modifiedChanged(modified);
    }
}

bool TriggerEditor::save()
{
    const QString problem = validationMessage();
    const Result<Trigger> trigger = currentTrigger();
    if (!problem.isEmpty() || !trigger) {
        m_message->setText(tr("Cannot save: %1").arg(problem.isEmpty() ? trigger.error().message : problem));
        setThemedStyleSheet(m_message, []() { return toneColorCss(Tone::Failure); });
        return false;
    }
    const QString previous = m_originalName;
    Q_EMIT saved(*trigger, previous);
    // What was saved is the trigger as the file format keeps it.
    m_originalName = trigger->name;
    m_original = toJson();
    m_savedJson = canonical(m_original);
    onEdited();
    m_message->setText(tr("Saved; the running triggers use it from the next event."));
    return true;
}

void TriggerEditor::testAgainstEvent(const QString &eventId)
{
    m_dryRun->clear();
    if (const int index = m_pastEvent->findData(eventId); index >= 0)
        m_pastEvent->setCurrentIndex(index);
    const auto add = [this](QTreeWidgetItem *parent, const QString &check, const QString &result,
                            const QString &details) {
        auto *item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(m_dryRun);
        item->setText(0, check);
        item->setText(1, result);
        item->setText(2, details);
        colorDryRunResult(item);
        return item;
    };
    const Result<Trigger> trigger = currentTrigger();
    if (!trigger) {
        add(nullptr, tr("trigger"), QStringLiteral("FAIL"), trigger.error().message);
        return;
    }
    if (!m_store || eventId.isEmpty()) {
        add(nullptr, tr("event"), QStringLiteral("FAIL"), tr("Choose a stored event."));
        return;
    }
    const Result<std::optional<Event>> event = m_store->event(eventId);
    if (!event || !*event) {
        add(nullptr, tr("event"), QStringLiteral("FAIL"),
            event ? tr("No stored event %1.").arg(eventId) : event.error().message);
        return;
    }
    const TriggerDryRun dry = TriggerDryRun::run(*trigger, **event);
    for (const MatchStep &step : dry.result.steps)
        add(nullptr, step.check, step.passed ? QStringLiteral("pass") : QStringLiteral("FAIL"), step.detail);
    QList<QTreeWidgetItem *> parents;
    for (const ConditionTrace &node : dry.result.conditions) {
        QString check = node.node;
        if (!node.field.isEmpty())
            check = QStringLiteral("%1 %2").arg(node.field, node.node);
        if (!node.expected.isUndefined() && !node.expected.isNull())
            check += QLatin1Char(' ') + TemplateEngine::valueText(node.expected);
        QString details;
        if (!node.seen.isEmpty())
            details =
                tr("saw %1").arg(QString::fromUtf8(QJsonDocument(node.seen).toJson(QJsonDocument::Compact)));
        if (!node.note.isEmpty())
            details += (details.isEmpty() ? QString() : QStringLiteral("  ")) + QLatin1Char('[') + node.note +
                       QLatin1Char(']');
        while (parents.size() > node.depth)
            parents.removeLast();
        QTreeWidgetItem *item = add(parents.isEmpty() ? nullptr : parents.last(), check,
                                    node.matched ? QStringLiteral("pass") : QStringLiteral("FAIL"), details);
        parents.append(item);
    }
    if (!dry.result.matched) {
        add(nullptr, tr("result"), tr("no match"), tr("%1. Nothing would run.").arg(dry.result.reason));
    } else {
        QTreeWidgetItem *result = add(nullptr, tr("result"), tr("match"), tr("Would run (nothing was run):"));
        for (const TriggerDryRun::Action &action : dry.wouldRun)
            add(result, action.kind, QString(),
                jsonText(action.rendered.value(action.kind)) +
                    (action.warnings.isEmpty()
                         ? QString()
                         : tr("  (warnings: %1)").arg(action.warnings.join(QStringLiteral("; ")))));
    }
    m_dryRun->expandAll();
}

QStringList TriggerEditor::dryRunLines() const
{
    QStringList out;
    std::function<void(QTreeWidgetItem *, int)> walk = [&](QTreeWidgetItem *item, int depth) {
        out.append(
            QStringLiteral("%1%2 | %3 | %4")
                .arg(QString(depth * 2, QLatin1Char(' ')), item->text(0), item->text(1), item->text(2)));
        for (int i = 0; i < item->childCount(); ++i)
            walk(item->child(i), depth + 1);
    };
    for (int i = 0; i < m_dryRun->topLevelItemCount(); ++i)
        walk(m_dryRun->topLevelItem(i), 0);
    return out;
}

void TriggerEditor::runSelectedCodefile()
{
    const QJsonObject action = runActionFromPage();
    if (kindOf(action) != QLatin1String("codefile") || m_codefileRun != 0)
        return;
    Trigger one;
    one.name = m_name->text();
    one.event = m_event->currentText();
    QJsonObject json = toJson();
    json.insert(QStringLiteral("run"), QJsonArray{action});
    json.remove(QStringLiteral("conditions")); // the sample event need not match
    const Result<Trigger> parsed = TriggerFile::fromJsonObject(json);
    if (!parsed || parsed->run.isEmpty()) {
        m_runForm->setCodefileOutput(parsed ? tr("No code file.") : parsed.error().message);
        return;
    }
    const QString type =
        m_event->currentText() == QLatin1String("*") ? QStringLiteral("push") : m_event->currentText();
    CodefileRequest request;
    request.triggerName = parsed->name;
    request.event =
        EventContext::fromPayload(type, WebhookCatalog::instance().sample(type), QStringLiteral("sample"));
    const QJsonObject context = TemplateEngine::context(request.event, parsed->name, std::nullopt);
    request.action =
        std::get<CodefileAction>(TemplateEngine::renderAction(parsed->run.first(), context, nullptr));
    m_runForm->setCodefileOutput(
        tr("Running %1 with GitHub's sample %2 event…").arg(request.action.path, type));
    m_codefileRun = m_runner->submit(request);
}

WorkflowActionPage *TriggerEditor::workflowPage() const
{
    return m_runForm->workflowPage();
}

QString TriggerEditor::codefileOutput() const
{
    return m_runForm->codefileOutput();
}

} // namespace exeserver
