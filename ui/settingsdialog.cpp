#include "settingsdialog.h"

#include "api/apitoken.h"
#include "config/secretredactor.h"
#include "config/secretstore.h"
#include "config/settings.h"
#include "github/githubclient.h"
#include "widgets/themecolors.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

namespace exeserver {

namespace {

bool isOverridden(const SettingValue &value)
{
    return value.source == SettingSource::Environment || value.source == SettingSource::CommandLine;
}

QString scopesText(const AuthenticatedUser &user)
{
    if (!user.scopesReported)
        return SettingsDialog::tr(
            "GitHub sent no scopes header, so this is a fine-grained token (or a GitHub App token): its "
            "permissions are set per repository on GitHub and cannot be listed here. ExeServer needs "
            "Actions read/write, Contents read, Pull requests read/write and Metadata read.");
    QStringList scopes;
    for (const QString &scope : user.scopes.split(QLatin1Char(','), Qt::SkipEmptyParts))
        scopes.append(scope.trimmed());
    if (scopes.isEmpty())
        return SettingsDialog::tr("Classic token with no scopes: it can only read public data. ExeServer "
                                  "needs the scopes repo and workflow.");
    QStringList missing;
    for (const QString &needed : {QStringLiteral("repo"), QStringLiteral("workflow")}) {
        if (!scopes.contains(needed))
            missing.append(needed);
    }
    QString text = SettingsDialog::tr("Classic token, scopes: %1.").arg(scopes.join(QStringLiteral(", ")));
    if (!missing.isEmpty())
        text += QLatin1Char(' ') +
                SettingsDialog::tr("Missing for ExeServer: %1.").arg(missing.join(QStringLiteral(", ")));
    return text;
}

} // namespace

SettingsDialog::SettingsDialog(Settings &settings, SecretStore &secrets, QNetworkAccessManager &network,
                               QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_secrets(secrets)
    , m_network(network)
{
    setWindowTitle(tr("Settings"));
    setObjectName(QStringLiteral("SettingsDialog"));

    auto *tabs = new QTabWidget(this);
    tabs->setAccessibleName(tr("Settings pages"));
    tabs->addTab(gitHubTab(), tr("&GitHub"));
    tabs->addTab(eventsTab(), tr("&Events and sync"));
    tabs->addTab(assistantTab(), tr("&Assistant"));
    tabs->addTab(desktopTab(), tr("&Desktop"));

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("settingsError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setAccessibleName(tr("Settings problem"));
    setThemedStyleSheet(m_error,
                        []() { return QStringLiteral("QLabel { %1 }").arg(toneColorCss(Tone::Failure)); });
    if (const auto fileError = settings.fileError())
        m_error->setText(fileError->message + QLatin1Char(' ') +
                         tr("Changes to plain settings cannot be saved until the file is fixed or removed."));
    m_error->setVisible(!m_error->text().isEmpty());

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_saveButton = buttons->button(QDialogButtonBox::Save);
    m_saveButton->setAccessibleName(tr("Save settings"));
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    m_keychain = new QLabel(this);
    m_keychain->setObjectName(QStringLiteral("keychainNote"));
    m_keychain->setWordWrap(true);
    m_keychain->setTextFormat(Qt::PlainText);
    m_keychain->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_keychain->setAccessibleName(tr("Keychain"));
    setThemedStyleSheet(m_keychain, []() {
        return QStringLiteral("QLabel { %1 }").arg(swatchCss(toneSwatch(Tone::Warning)));
    });
    connect(&m_secrets, &SecretStore::backendUnavailable, this, &SettingsDialog::showKeychainState);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_keychain);
    layout->addWidget(tabs);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    showKeychainState();
    resize(680, 520);
}

void SettingsDialog::showKeychainState()
{
    // Known at start (the secrets were read from it): said before Save, not after a failed one.
    const bool available = m_secrets.isAvailable();
    QStringList variables;
    for (auto it = m_edits.constBegin(); it != m_edits.constEnd(); ++it) {
        const SettingDefinition *def = Settings::definition(it.key());
        if (!def || !def->secret)
            continue;
        if (!def->environment.isEmpty())
            variables.append(def->environment.first());
        if (!available && !it.value()->isReadOnly()) {
            it.value()->setEnabled(false);
            it.value()->setPlaceholderText(
                tr("No keychain: set %1 in the environment").arg(variables.value(variables.size() - 1)));
        }
    }
    m_keychain->setVisible(!available);
    if (available)
        return m_keychain->clear();
    variables.removeAll(QStringLiteral("GITHUB_TOKEN")); // the example
    variables.sort();
    const QString reason = m_secrets.unavailableReason();
    m_keychain->setText(
        tr("No keychain is available here%1, so this dialog cannot keep tokens and keys. Set them in the "
           "environment before starting ExeServer, for example:\n    export GITHUB_TOKEN=ghp_…\n"
           "Also read from the environment: %2. The other settings are saved as usual.")
            .arg(reason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(reason),
                 variables.join(QStringLiteral(", "))));
}

QString SettingsDialog::keychainNote() const
{
    return m_keychain->isVisible() || !m_keychain->text().isEmpty() ? m_keychain->text() : QString();
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::addField(QFormLayout *form, const QString &key, const QString &label,
                              const QString &hint)
{
    const SettingDefinition *def = Settings::definition(key);
    const SettingValue value = m_settings.value(key);
    auto *edit = new QLineEdit;
    edit->setObjectName(key);
    edit->setAccessibleName(label);
    edit->setToolTip(def ? def->description : QString());
    const bool secret = def && def->secret;
    if (secret) {
        edit->setEchoMode(QLineEdit::Password);
        switch (value.source) {
        case SettingSource::Keychain:
            edit->setPlaceholderText(tr("Stored in the keychain — type to replace"));
            break;
        case SettingSource::GhCli:
            edit->setPlaceholderText(tr("Taken from the gh CLI — type one to keep in the keychain"));
            break;
        default:
            edit->setPlaceholderText(tr("Not set — kept in the keychain, never in the settings file"));
        }
    } else {
        edit->setText(value.value);
        if (!hint.isEmpty())
            edit->setPlaceholderText(hint);
    }

    QWidget *field = edit;
    if (isOverridden(value)) {
        edit->setReadOnly(true);
        if (secret) {
            edit->setEchoMode(QLineEdit::Normal);
            edit->setText(SecretRedactor::mask(value.value));
        }
        const QString note =
            value.source == SettingSource::Environment
                ? tr("Set by %1 in the environment, which wins over what is saved here.").arg(value.origin)
                : tr("Set by %1 on the command line, which wins over what is saved here.").arg(value.origin);
        m_notes.insert(key, note);
        auto *box = new QWidget;
        auto *column = new QVBoxLayout(box);
        column->setContentsMargins(0, 0, 0, 0);
        column->setSpacing(2);
        column->addWidget(edit);
        auto *noteLabel = new QLabel(note);
        noteLabel->setObjectName(key + QStringLiteral(".note"));
        noteLabel->setWordWrap(true);
        QFont small = noteLabel->font();
        small.setItalic(true);
        noteLabel->setFont(small);
        column->addWidget(noteLabel);
        field = box;
    }
    m_edits.insert(key, edit);
    form->addRow(label, field);
}

void SettingsDialog::addCheck(QFormLayout *form, const QString &key, const QString &label)
{
    const SettingValue value = m_settings.value(key);
    auto *check = new QCheckBox(label);
    check->setObjectName(key);
    check->setAccessibleName(label);
    check->setChecked(value.value == QLatin1String("true"));
    m_checks.insert(key, check);
    form->addRow(QString(), check);
}

QWidget *SettingsDialog::gitHubTab()
{
    auto *page = new QWidget;
    auto *form = new QFormLayout(page);
    addField(form, setting::GitHubToken, tr("Personal access &token"));
    addField(form, setting::GitHubApiUrl, tr("&API URL"),
             tr("https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server"));

    m_testButton = new QPushButton(tr("Test &connection"));
    m_testButton->setAccessibleName(tr("Test the GitHub connection"));
    connect(m_testButton, &QPushButton::clicked, this, &SettingsDialog::testConnection);
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_testButton);
    testRow->addStretch(1);
    form->addRow(QString(), testRow);
    m_connection = new QLabel;
    m_connection->setObjectName(QStringLiteral("connectionResult"));
    m_connection->setAccessibleName(tr("Connection test result"));
    m_connection->setWordWrap(true);
    m_connection->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(QString(), m_connection);
    return page;
}

QWidget *SettingsDialog::eventsTab()
{
    auto *page = new QWidget;
    auto *form = new QFormLayout(page);
    // The receiver, relay, poller and sync are started once; they read these at the next start.
    form->addRow(new QLabel(tr("Changes on this page take effect at the next start.")));
    addField(form, setting::WebhookPort, tr("Webhook &port"), tr("empty: no receiver; 0: any free port"));
    addField(form, setting::WebhookBind, tr("Webhook &bind address"));
    addField(form, setting::WebhookSecret, tr("Webhook &secret"));
    addField(form, setting::RelayUrl, tr("&Relay URL"), tr("https://smee.io/… channel"));
    addField(form, setting::SupabaseUrl, tr("S&upabase URL"));
    addField(form, setting::SupabaseAnonKey, tr("Supabase anon &key"));
    addField(form, setting::DatabaseUrl, tr("Postgre&SQL URL"), tr("postgresql://user:password@host/db"));
    form->addRow(new QLabel(tr("<b>Local API</b> — /api/v1/ for your own scripts")));
    addCheck(form, setting::ApiEnabled, tr("Serve the local API"));
    addField(form, setting::ApiPort, tr("API p&ort"));
    addField(form, setting::ApiBind, tr("API bind address"),
             tr("127.0.0.1; any other address needs the token"));
    form->addRow(tr("API token"), apiTokenRow());
    return page;
}

// The token is never shown again once made: the row says where it is kept and makes a new one on request.
QWidget *SettingsDialog::apiTokenRow()
{
    auto *row = new QWidget;
    auto *column = new QVBoxLayout(row);
    column->setContentsMargins(0, 0, 0, 0);
    auto *line = new QHBoxLayout;
    const SettingValue token = m_settings.value(setting::ApiToken);
    m_apiTokenState = new QLabel(token.value.isEmpty() ? tr("None yet") : tr("Set (%1)").arg(token.origin));
    m_apiTokenState->setObjectName(QStringLiteral("apiTokenState"));
    auto *rotate = new QPushButton(token.value.isEmpty() ? tr("Make token") : tr("New token"));
    rotate->setObjectName(QStringLiteral("rotateApiToken"));
    rotate->setAccessibleName(tr("Make a new API token"));
    rotate->setEnabled(token.source != SettingSource::Environment);
    connect(rotate, &QPushButton::clicked, this, &SettingsDialog::rotateApiToken);
    line->addWidget(m_apiTokenState, 1);
    line->addWidget(rotate);
    column->addLayout(line);
    m_apiTokenShown = new QLineEdit;
    m_apiTokenShown->setObjectName(QStringLiteral("apiTokenShown"));
    m_apiTokenShown->setAccessibleName(tr("New API token"));
    m_apiTokenShown->setReadOnly(true);
    m_apiTokenShown->hide();
    column->addWidget(m_apiTokenShown);
    return row;
}

void SettingsDialog::rotateApiToken()
{
    QPointer<SettingsDialog> self(this);
    apitoken::rotate(m_settings, m_secrets, [self](Result<QString> token) {
        if (!self)
            return;
        if (!token) {
            self->m_apiTokenState->setText(token.error().message);
            return;
        }
        self->m_apiTokenShown->setText(*token);
        self->m_apiTokenShown->show();
        self->m_apiTokenShown->selectAll();
        if (auto *button = self->findChild<QPushButton *>(QStringLiteral("rotateApiToken")))
            button->setText(tr("New token"));
        self->m_apiTokenState->setText(
            tr("Copy it now: it is not shown again. The API uses it from the next start."));
    });
}

QString SettingsDialog::shownApiToken() const
{
    return m_apiTokenShown->isVisible() || !m_apiTokenShown->text().isEmpty() ? m_apiTokenShown->text()
                                                                              : QString();
}

QWidget *SettingsDialog::assistantTab()
{
    auto *page = new QWidget;
    auto *form = new QFormLayout(page);
    addField(form, setting::OpenAiBaseUrl, tr("LLM &base URL"));
    addField(form, setting::LlmModel, tr("LLM &model"));
    addField(form, setting::OpenAiApiKey, tr("LLM API &key"));
    return page;
}

QWidget *SettingsDialog::desktopTab()
{
    auto *page = new QWidget;
    auto *form = new QFormLayout(page);
    form->addRow(new QLabel(tr("<b>Notify me when</b>")));
    addCheck(form, setting::NotifyMyFailedRuns, tr("a run I started fails"));
    addCheck(form, setting::NotifyAllFailedRuns, tr("any run in the selected repositories fails"));
    addCheck(form, setting::NotifyTriggerFailures, tr("a trigger cannot run or its action fails"));
    addCheck(form, setting::NotifyTriggerMessages, tr("a trigger sends a notification"));
    addCheck(form, setting::StartMinimised, tr("Start minimised to the system tray"));

    const SettingValue dataDir = m_settings.value(setting::DataDir);
    m_dataDir = new QLineEdit(QDir::toNativeSeparators(dataDir.value));
    m_dataDir->setObjectName(setting::DataDir);
    m_dataDir->setAccessibleName(tr("Data folder"));
    auto *row = new QWidget;
    auto *rowLayout = new QHBoxLayout(row);
    rowLayout->setContentsMargins(0, 0, 0, 0);
    rowLayout->addWidget(m_dataDir, 1);
    auto *browse = new QPushButton(tr("Bro&wse…"));
    browse->setAccessibleName(tr("Choose the data folder"));
    rowLayout->addWidget(browse);
    connect(browse, &QPushButton::clicked, this, [this]() {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Data folder"), m_dataDir->text());
        if (!dir.isEmpty())
            m_dataDir->setText(QDir::toNativeSeparators(dir));
    });
    QString note = tr("Database, logs and settings file. A change takes effect at the next start.");
    if (dataDir.source == SettingSource::Environment || dataDir.source == SettingSource::CommandLine) {
        m_dataDir->setReadOnly(true);
        browse->setEnabled(false);
        note = tr("Set by %1, which wins over what is saved here.").arg(dataDir.origin);
        m_notes.insert(setting::DataDir, note);
    }
    auto *box = new QWidget;
    auto *column = new QVBoxLayout(box);
    column->setContentsMargins(0, 0, 0, 0);
    column->addWidget(row);
    auto *noteLabel = new QLabel(note);
    noteLabel->setObjectName(QStringLiteral("data_dir.note"));
    noteLabel->setWordWrap(true);
    column->addWidget(noteLabel);
    form->addRow(tr("&Data folder"), box);
    return page;
}

QString SettingsDialog::overrideNote(const QString &key) const
{
    return m_notes.value(key);
}

QString SettingsDialog::connectionText() const
{
    return m_connection->text();
}

QString SettingsDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void SettingsDialog::testConnection()
{
    QLineEdit *tokenEdit = m_edits.value(setting::GitHubToken);
    const QString typed = tokenEdit->isReadOnly() ? QString() : tokenEdit->text().trimmed();
    const QString token = typed.isEmpty() ? m_settings.gitHubToken() : typed;
    QString apiUrl = m_edits.value(setting::GitHubApiUrl)->text().trimmed();
    while (apiUrl.endsWith(QLatin1Char('/')))
        apiUrl.chop(1);
    const QUrl url(apiUrl);
    if (token.isEmpty()) {
        m_connection->setText(tr("Enter a token first."));
        Q_EMIT connectionTested(false);
        return;
    }
    if (!url.isValid() || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http"))) {
        m_connection->setText(tr("The API URL is not a valid http(s) URL."));
        Q_EMIT connectionTested(false);
        return;
    }

    GitHubClient::Options options;
    options.connection.apiUrl = url;
    options.connection.token = token;
    options.connection.network = &m_network;
    options.connection.transferTimeoutMs = 15000;
    options.connection.maxRetries = 0; // a test answers now, not after a round of retries
    options.connection.maxRateLimitWaitSecs = 0;
    m_testClient = std::make_unique<GitHubClient>(options);
    m_testing = true;
    m_testButton->setEnabled(false);
    m_connection->setText(tr("Asking %1 who this token belongs to…").arg(url.host()));

    QPointer<SettingsDialog> self(this);
    m_testClient->currentUser([self](Result<AuthenticatedUser> result) {
        if (!self)
            return;
        self->m_testing = false;
        self->m_testButton->setEnabled(true);
        if (!result) {
            self->m_connection->setText(tr("Connection failed: %1").arg(result.error().message));
            Q_EMIT self->connectionTested(false);
            return;
        }
        const User &user = result->user;
        const QString who = user.name.isEmpty() || user.name == user.login
                                ? user.login
                                : QStringLiteral("%1 (%2)").arg(user.login, user.name);
        self->m_connection->setText(tr("Connected as %1.").arg(who) + QLatin1Char(' ') + scopesText(*result));
        Q_EMIT self->connectionTested(true);
    });
}

void SettingsDialog::fail(const QString &message)
{
    m_saving = false;
    m_saveButton->setEnabled(true);
    m_error->setText(message);
    m_error->show();
    Q_EMIT saveFailed(message);
}

void SettingsDialog::save()
{
    if (m_saving)
        return;
    m_saving = true;
    m_saveButton->setEnabled(false);
    m_error->hide();

    // All or nothing: what cannot be written (a settings file we must not overwrite, secrets without a
    // keychain) stops the save before anything is written; secrets go first, then the plain values.
    QStringList secretsToStore;
    bool plainChanged = false;
    for (auto it = m_edits.constBegin(); it != m_edits.constEnd(); ++it) {
        if (it.value()->isReadOnly() || !it.value()->isEnabled())
            continue;
        const SettingDefinition *def = Settings::definition(it.key());
        const QString text = it.value()->text().trimmed();
        if (def && def->secret) {
            if (!text.isEmpty())
                secretsToStore.append(it.key());
        } else if (text != m_settings.get(it.key())) {
            plainChanged = true;
        }
    }
    if (plainChanged && m_settings.fileError())
        return fail(tr("%1 Fix or remove it first; nothing was saved.").arg(m_settings.fileError()->message));
    if (!secretsToStore.isEmpty() && !m_secrets.isAvailable())
        return fail(tr("Nothing was saved: without a keychain, tokens and keys are read from the "
                       "environment only."));
    // Same order every time, so a failure names a predictable first secret.
    secretsToStore.sort();
    storeNextSecret(secretsToStore, false);
}

void SettingsDialog::writePlainValues(bool tokenChanged)
{
    for (auto it = m_edits.constBegin(); it != m_edits.constEnd(); ++it) {
        const SettingDefinition *def = Settings::definition(it.key());
        if (it.value()->isReadOnly() || (def && def->secret))
            continue;
        const QString text = it.value()->text().trimmed();
        if (text == m_settings.get(it.key()))
            continue;
        if (const Status written = m_settings.setFileValue(it.key(), text); !written)
            return fail(written.error().message);
    }
    for (auto it = m_checks.constBegin(); it != m_checks.constEnd(); ++it) {
        const QString value = it.value()->isChecked() ? QStringLiteral("true") : QStringLiteral("false");
        if (value == m_settings.get(it.key()))
            continue;
        if (const Status written = m_settings.setFileValue(it.key(), value); !written)
            return fail(written.error().message);
    }
    const QString chosenDir = QDir::cleanPath(QDir::fromNativeSeparators(m_dataDir->text().trimmed()));
    if (!m_dataDir->isReadOnly() && !chosenDir.isEmpty() && chosenDir != m_settings.dataDir()) {
        if (const Status chosen = Settings::chooseDataDirForNextStart(chosenDir); !chosen)
            return fail(chosen.error().message);
    }
    finishSave(tokenChanged);
}

void SettingsDialog::storeNextSecret(QStringList keys, bool tokenChanged)
{
    if (keys.isEmpty())
        return writePlainValues(tokenChanged);
    const QString key = keys.takeFirst();
    const QString value = m_edits.value(key)->text().trimmed();
    QPointer<SettingsDialog> self(this);
    m_secrets.store(key, value, [self, key, value, keys, tokenChanged](Status stored) {
        if (!self)
            return;
        if (!stored) {
            const SettingDefinition *def = Settings::definition(key);
            const QString variable = def && !def->environment.isEmpty() ? def->environment.first() : key;
            return self->fail(tr("Could not keep %1 in the keychain: %2 Set %3 in the environment instead.")
                                  .arg(def ? def->description : key, stored.error().message, variable));
        }
        self->m_settings.provideSecret(key, value, SettingSource::Keychain);
        self->m_edits.value(key)->clear();
        self->m_edits.value(key)->setPlaceholderText(tr("Stored in the keychain — type to replace"));
        self->storeNextSecret(keys, tokenChanged || key == setting::GitHubToken);
    });
}

void SettingsDialog::finishSave(bool tokenChanged)
{
    m_saving = false;
    m_saveButton->setEnabled(true);
    Q_EMIT saved(tokenChanged);
    accept();
}

} // namespace exeserver
