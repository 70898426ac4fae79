#include "dashboard/presetcommentsdialog.h"

#include "github/githubclient.h"
#include "store/recordedaction.h"
#include "widgets/confirm.h"
#include "widgets/themecolors.h"

#include <QAbstractButton>
#include <QButtonGroup>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace exeserver {

namespace {

constexpr int EntryRole = Qt::UserRole + 1;

QString labelOf(const QString &repo, const PullRequest &pr)
{
    return QStringLiteral("%1 #%2 — %3").arg(repo).arg(pr.number).arg(pr.title);
}

// The mark beside a pull request: failing reads as failure, pending as warning, no or unknown checks muted.
Tone checksTone(const QString &state)
{
    if (state == u"failing")
        return Tone::Failure;
    if (state == u"pending")
        return Tone::Warning;
    if (state == u"passing")
        return Tone::Success;
    return Tone::Muted;
}

bool usesArgs(const QString &body)
{
    static const QRegularExpression args(QStringLiteral("\\{\\{\\s*args\\s*\\}\\}"));
    return args.match(body).hasMatch();
}

} // namespace

PresetCommentsDialog::PresetCommentsDialog(GitHubClient &client, EventStore *store,
                                           const QString &presetDirectory, const QStringList &repositories,
                                           QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_store(store)
    , m_presets(presetDirectory)
    , m_repositories(repositories)
    , m_search(new QLineEdit(this))
    , m_model(new QStandardItemModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_list(new QListView(this))
    , m_presetRow(new QHBoxLayout)
    , m_presetButtons(new QButtonGroup(this))
    , m_args(new QLineEdit(this))
    , m_preview(new QPlainTextEdit(this))
    , m_message(new QLabel(this))
    , m_newName(new QLineEdit(this))
    , m_newBody(new QLineEdit(this))
    , m_addButton(new QPushButton(tr("Save preset"), this))
    , m_deleteButton(new QPushButton(tr("Delete preset"), this))
    , m_postButton(new QPushButton(tr("Post"), this))
{
    setWindowTitle(tr("Pre-set comment"));
    resize(640, 560);

    m_search->setPlaceholderText(tr("Search pull requests by title or number"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search pull requests"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_list->setModel(m_proxy);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setAccessibleName(tr("Open pull requests"));
    m_list->setObjectName(QStringLiteral("pullRequests"));

    m_presetButtons->setExclusive(true);
    m_args->setPlaceholderText(tr("Question for the preset's {{ args }} (e.g. /ask)"));
    m_args->setAccessibleName(tr("Question"));
    m_args->setEnabled(false);
    m_preview->setReadOnly(true);
    m_preview->setAccessibleName(tr("Preview of the comment"));
    m_preview->setPlaceholderText(
        tr("Choose a pull request and a preset: the comment to be posted shows here."));
    m_preview->setMaximumHeight(90);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setVisible(false);

    m_newName->setPlaceholderText(tr("name (letters, digits, - and _)"));
    m_newName->setAccessibleName(tr("New preset name"));
    m_newBody->setPlaceholderText(tr("comment text; {{ args }} is the question"));
    m_newBody->setAccessibleName(tr("New preset text"));
    m_addButton->setAutoDefault(false);
    m_addButton->setObjectName(QStringLiteral("savePreset"));
    m_addButton->setAccessibleName(tr("Save the preset"));
    m_deleteButton->setAutoDefault(false);
    m_deleteButton->setObjectName(QStringLiteral("deletePreset"));
    m_deleteButton->setAccessibleName(tr("Delete the chosen preset"));
    m_deleteButton->setEnabled(false);
    auto *addBox = new QGroupBox(tr("Your presets — choose one to edit it, or give a new name"), this);
    auto *addLayout = new QHBoxLayout(addBox);
    addLayout->addWidget(m_newName, 1);
    addLayout->addWidget(m_newBody, 2);
    addLayout->addWidget(m_addButton);
    addLayout->addWidget(m_deleteButton);

    m_postButton->setAutoDefault(false);
    m_postButton->setEnabled(false);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_postButton, QDialogButtonBox::AcceptRole);
    buttons->button(QDialogButtonBox::Close)->setAutoDefault(false);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Pull request:"), this));
    layout->addWidget(m_search);
    layout->addWidget(m_list, 1);
    layout->addWidget(new QLabel(tr("Preset:"), this));
    layout->addLayout(m_presetRow);
    layout->addWidget(m_args);
    layout->addWidget(new QLabel(tr("Preview:"), this));
    layout->addWidget(m_preview);
    layout->addWidget(m_message);
    layout->addWidget(addBox);
    layout->addWidget(buttons);

    connect(m_search, &QLineEdit::textChanged, this, &PresetCommentsDialog::setSearchText);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &PresetCommentsDialog::updatePreview);
    connect(m_args, &QLineEdit::textChanged, this, &PresetCommentsDialog::updatePreview);
    connect(m_presetButtons, &QButtonGroup::buttonClicked, this,
            [this](QAbstractButton *button) { choosePreset(button->property("preset").toString()); });
    connect(m_addButton, &QPushButton::clicked, this,
            [this]() { savePreset(m_newName->text().trimmed(), m_newBody->text()); });
    connect(m_deleteButton, &QPushButton::clicked, this, [this]() { deletePreset(m_preset); });
    connect(m_postButton, &QPushButton::clicked, this, &PresetCommentsDialog::post);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    onPaletteChange(this, [this]() { recolourChecks(); });
    reloadPresets();
    load();
}

void PresetCommentsDialog::load()
{
    if (m_repositories.isEmpty()) {
        setMessage(tr("Pick repositories in the dashboard first."), true);
        return;
    }
    m_pending = int(m_repositories.size());
    QPointer<PresetCommentsDialog> self(this);
    for (const QString &repo : m_repositories) {
        m_client.listPullRequests(
            repo, QStringLiteral("open"), [self, repo](Result<QList<PullRequest>> result) {
                if (!self)
                    return;
                if (result) {
                    for (const PullRequest &pr : result.value()) {
                        self->m_entries.append({repo, pr, {}});
                        auto *item = new QStandardItem(labelOf(repo, pr));
                        item->setData(int(self->m_entries.size() - 1), EntryRole);
                        item->setToolTip(pr.htmlUrl);
                        self->m_model->appendRow(item);
                        self->loadChecks(int(self->m_entries.size() - 1));
                    }
                } else {
                    self->m_loadErrors.append(QStringLiteral("%1: %2").arg(repo, result.error().message));
                }
                if (--self->m_pending > 0)
                    return;
                if (!self->m_loadErrors.isEmpty())
                    self->setMessage(tr("Could not list pull requests: %1")
                                         .arg(self->m_loadErrors.join(QLatin1String("; "))),
                                     true);
                else if (self->m_entries.isEmpty())
                    self->setMessage(tr("No open pull requests in the selected repositories."), false);
                if (self->m_proxy->rowCount() > 0 && !self->m_list->currentIndex().isValid())
                    self->m_list->setCurrentIndex(self->m_proxy->index(0, 0));
                self->updatePreview();
                Q_EMIT self->pullRequestsLoaded();
            });
    }
}

void PresetCommentsDialog::loadChecks(int entry)
{
    const Entry &e = m_entries.at(entry);
    ++m_checksPending;
    showChecks(entry, QString(), tr("checks…"));
    QPointer<PresetCommentsDialog> self(this);
    m_client.checksFor(e.repo, e.pr.headSha, [self, entry](Result<ChecksSummary> result) {
        if (!self)
            return;
        --self->m_checksPending;
        // A token without checks:read leaves the state unknown rather than hiding the pull request.
        if (result)
            self->showChecks(entry, result->state(), tr("checks: %1").arg(result->describe()));
        else
            self->showChecks(entry, QStringLiteral("unknown"), tr("checks unknown"));
        if (!result)
            self->m_model->item(entry)->setToolTip(
                tr("%1\nChecks could not be read: %2")
                    .arg(self->m_entries.at(entry).pr.htmlUrl, result.error().message));
    });
}

// Rows are appended in m_entries order and never removed, so the entry index is the source row.
void PresetCommentsDialog::showChecks(int entry, const QString &state, const QString &words)
{
    Entry &e = m_entries[entry];
    e.checks = state;
    QStandardItem *item = m_model->item(entry);
    item->setText(QStringLiteral("%1   · %2").arg(labelOf(e.repo, e.pr), words));
    item->setData(state, Qt::AccessibleDescriptionRole);
    item->setData(state.isEmpty() ? QVariant() : QVariant(toneText(checksTone(state), palette())),
                  Qt::DecorationRole);
}

void PresetCommentsDialog::recolourChecks()
{
    for (int row = 0; row < m_entries.size(); ++row) {
        const QString &state = m_entries.at(row).checks;
        if (!state.isEmpty())
            m_model->item(row)->setData(toneText(checksTone(state), palette()), Qt::DecorationRole);
    }
}

QString PresetCommentsDialog::checksState(const QString &repo, int number) const
{
    for (const Entry &entry : m_entries) {
        if (entry.repo == repo && entry.pr.number == number)
            return entry.checks;
    }
    return {};
}

void PresetCommentsDialog::reloadPresets()
{
    for (QAbstractButton *button : m_presetButtons->buttons()) {
        m_presetButtons->removeButton(button);
        delete button;
    }
    const Result<QList<CommentPreset>> presets = m_presets.list();
    QList<CommentPreset> all = presets ? presets.value() : PresetStore::builtIns();
    if (!presets)
        setMessage(tr("Your presets could not be read: %1").arg(presets.error().message), true);
    for (const CommentPreset &preset : all) {
        auto *button =
            new QPushButton(preset.builtIn ? QStringLiteral("/%1").arg(preset.name) : preset.name, this);
        button->setCheckable(true);
        button->setAutoDefault(false);
        button->setProperty("preset", preset.name);
        button->setToolTip(preset.description.isEmpty() ? preset.body : preset.description);
        button->setAccessibleName(tr("Preset %1").arg(preset.name));
        button->setChecked(preset.name == m_preset);
        m_presetButtons->addButton(button);
        m_presetRow->addWidget(button);
    }
}

QStringList PresetCommentsDialog::pullRequestLabels() const
{
    QStringList labels;
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        labels.append(m_proxy->index(row, 0).data().toString());
    return labels;
}

void PresetCommentsDialog::setSearchText(const QString &text)
{
    if (m_search->text() != text)
        m_search->setText(text); // comes back here through textChanged
    m_proxy->setFilterFixedString(text.trimmed());
    if (!m_list->currentIndex().isValid() && m_proxy->rowCount() > 0)
        m_list->setCurrentIndex(m_proxy->index(0, 0));
    updatePreview();
}

bool PresetCommentsDialog::selectPullRequest(const QString &repo, int number)
{
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex index = m_proxy->index(row, 0);
        const Entry &entry = m_entries.at(index.data(EntryRole).toInt());
        if (entry.repo == repo && entry.pr.number == number) {
            m_list->setCurrentIndex(index);
            updatePreview();
            return true;
        }
    }
    return false;
}

QStringList PresetCommentsDialog::presetNames() const
{
    QStringList names;
    for (QAbstractButton *button : m_presetButtons->buttons())
        names.append(button->property("preset").toString());
    return names;
}

bool PresetCommentsDialog::choosePreset(const QString &name)
{
    QAbstractButton *found = nullptr;
    for (QAbstractButton *button : m_presetButtons->buttons()) {
        if (button->property("preset").toString() == name)
            found = button;
    }
    if (!found)
        return false;
    found->setChecked(true);
    m_preset = name;
    const std::optional<CommentPreset> preset = m_presets.find(name);
    m_args->setEnabled(preset && usesArgs(preset->body));
    updateEditor();
    updatePreview();
    return true;
}

void PresetCommentsDialog::updateEditor()
{
    const std::optional<CommentPreset> preset = m_presets.find(m_preset);
    const bool own = preset && !preset->builtIn;
    if (own) {
        m_newName->setText(preset->name);
        m_newBody->setText(preset->body);
    }
    m_deleteButton->setEnabled(own);
    m_deleteButton->setToolTip(own ? QString() : tr("PR-Agent's built-in presets are read-only"));
}

bool PresetCommentsDialog::canDeleteCurrentPreset() const
{
    return m_deleteButton->isEnabled();
}

Status PresetCommentsDialog::savePreset(const QString &name, const QString &body)
{
    const std::optional<CommentPreset> existing = m_presets.find(name);
    if (!existing || existing->builtIn || name != m_preset)
        return addPreset(name, body); // new, or a refusal the store explains
    const Status replaced = m_presets.add(name, body, existing->description, true);
    if (!replaced) {
        setMessage(tr("The preset was not saved: %1").arg(replaced.error().message), true);
        return replaced;
    }
    reloadPresets();
    updateEditor();
    updatePreview();
    setMessage(tr("Preset \"%1\" saved.").arg(name), false);
    return replaced;
}

Status PresetCommentsDialog::deletePreset(const QString &name)
{
    const std::optional<CommentPreset> preset = m_presets.find(name);
    if (preset && !preset->builtIn &&
        !Confirm::ask(this, tr("Delete preset"), tr("Delete your preset \"%1\"?").arg(name)))
        return Error{QStringLiteral("cancelled"), tr("Not deleted.")};
    const Status removed = m_presets.remove(name);
    if (!removed) {
        setMessage(tr("The preset was not deleted: %1").arg(removed.error().message), true);
        return removed;
    }
    if (m_preset == name)
        m_preset.clear();
    m_newName->clear();
    m_newBody->clear();
    reloadPresets();
    updateEditor();
    updatePreview();
    setMessage(tr("Preset \"%1\" deleted.").arg(name), false);
    return removed;
}

void PresetCommentsDialog::setArgs(const QString &args)
{
    m_args->setText(args);
}

QString PresetCommentsDialog::previewText() const
{
    return m_preview->toPlainText();
}

QString PresetCommentsDialog::messageText() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

bool PresetCommentsDialog::isPostEnabled() const
{
    return m_postButton->isEnabled();
}

const PresetCommentsDialog::Entry *PresetCommentsDialog::currentEntry() const
{
    const QModelIndex index = m_list->currentIndex();
    if (!index.isValid())
        return nullptr;
    const int at = index.data(EntryRole).toInt();
    return at >= 0 && at < m_entries.size() ? &m_entries.at(at) : nullptr;
}

void PresetCommentsDialog::updatePreview()
{
    m_rendered.clear();
    const Entry *entry = currentEntry();
    if (m_preset.isEmpty()) {
        m_preview->setPlainText({});
        m_postButton->setEnabled(false);
        return;
    }
    QJsonObject context;
    context.insert(QLatin1StringView("repository"),
                   QJsonObject{{QStringLiteral("full_name"), entry ? entry->repo : QString()}});
    if (entry) {
        context.insert(QLatin1StringView("pull_request"), entry->pr.toJson());
        context.insert(QLatin1StringView("number"), entry->pr.number);
    }
    CommentAction action;
    action.preset = m_preset;
    action.args = m_args->text();
    const Result<QString> rendered = m_presets.renderComment(action, context);
    if (!rendered) {
        m_preview->setPlainText({});
        setMessage(rendered.error().message, true);
    } else {
        m_rendered = rendered.value();
        m_preview->setPlainText(m_rendered);
    }
    const bool needsArgs = m_args->isEnabled() && m_args->text().trimmed().isEmpty();
    m_postButton->setEnabled(entry && !m_rendered.trimmed().isEmpty() && !needsArgs && !m_posting);
}

void PresetCommentsDialog::setMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setToolTip(text); // a long path does not wrap
    setThemedStyleSheet(m_message, [error]() { return error ? toneColorCss(Tone::Failure) : QString(); });
    m_message->setVisible(!text.isEmpty());
}

Status PresetCommentsDialog::addPreset(const QString &name, const QString &body)
{
    const Status added = m_presets.add(name, body);
    if (!added) {
        setMessage(tr("The preset was not saved: %1").arg(added.error().message), true);
        return added;
    }
    m_newName->clear();
    m_newBody->clear();
    reloadPresets();
    setMessage(tr("Preset \"%1\" saved.").arg(name), false);
    return added;
}

void PresetCommentsDialog::post()
{
    updatePreview();
    const Entry *entry = currentEntry();
    if (!entry || m_rendered.trimmed().isEmpty() || m_posting)
        return;
    const QString repo = entry->repo;
    const int number = entry->pr.number;
    const QString body = m_rendered;
    const QString target = QStringLiteral("%1#%2").arg(repo).arg(number);
    if (!Confirm::ask(this, tr("Post comment"), tr("Post this comment on %1?\n\n%2").arg(target, body)))
        return;
    m_posting = true;
    m_postButton->setEnabled(false);
    setMessage(tr("Posting…"), false);
    QPointer<PresetCommentsDialog> self(this);
    GitHubClient *client = &m_client;
    const Status started = runRecordedAction(
        m_store, ActionKind::Comment, target,
        [client, repo, number, body](auto done) {
            client->createIssueComment(repo, number, body, [done](Result<Comment> result) {
                done(result ? success() : Status(result.error()));
            });
        },
        [self, target](Status status) {
            if (!self)
                return;
            self->m_posting = false;
            if (status)
                self->setMessage(tr("Posted on %1.").arg(target), false);
            else
                self->setMessage(tr("GitHub refused the comment: %1").arg(status.error().message), true);
            self->updatePreview();
            Q_EMIT self->posted(bool(status), status ? QString() : status.error().message);
        });
    if (!started) {
        m_posting = false;
        setMessage(
            tr("The action log cannot be written, so nothing was posted: %1").arg(started.error().message),
            true);
        updatePreview();
        Q_EMIT posted(false, started.error().message);
    }
}

} // namespace exeserver
