#include "catch.h"
#include "fakegithubserver.h"
#include "testutil.h"
#include "widgetpng.h"

#include "config/secretstore.h"
#include "config/settings.h"
#include "dashboard/dashboardmodels.h"
#include "dashboard/dashboardpage.h"
#include "github/githubclient.h"
#include "mainwindow.h"
#include "settingsdialog.h"
#include "welcomepage.h"

#include <QAction>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace exeserver;
using exeserver::test::FakeGitHubServer;

namespace {

const QString kToken = QStringLiteral("ghp_settingsdialogtoken0123456789");
const QString kWebhookSecret = QStringLiteral("whsec-dialog-5566");
const QString kLlmKey = QStringLiteral("sk-dialog-llm-key-7788");

struct SettingsDesk
{
    QTemporaryDir dir;
    QProcessEnvironment env;
    std::unique_ptr<Settings> settings;
    SecretStore secrets{std::make_unique<MemorySecretBackend>()};
    QNetworkAccessManager network;

    explicit SettingsDesk(const QList<std::pair<QString, QString>> &variables = {})
    {
        REQUIRE(dir.isValid());
        env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
        for (const auto &[name, value] : variables)
            env.insert(name, value);
        settings = std::make_unique<Settings>(env);
    }

    QString iniText() const
    {
        QFile file(settings->settingsFilePath());
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    }
};

void showAndSavePng(QWidget &widget, const QString &name)
{
    widget.show();
    REQUIRE(QTest::qWaitForWindowExposed(&widget));
    test::savePng(widget, name);
}

void showTab(SettingsDialog &dialog, int index)
{
    auto *tabs = dialog.findChild<QTabWidget *>();
    REQUIRE(tabs);
    tabs->setCurrentIndex(index);
}

bool saveAndWait(SettingsDialog &dialog)
{
    QSignalSpy saved(&dialog, &SettingsDialog::saved);
    QSignalSpy failed(&dialog, &SettingsDialog::saveFailed);
    dialog.save();
    REQUIRE(QTest::qWaitFor([&]() { return !saved.isEmpty() || !failed.isEmpty(); }, 5000));
    return !saved.isEmpty();
}

} // namespace

TEST_CASE("Settings dialog: values round-trip and secrets go to the keychain, never the INI file", "[ui]")
{
    SettingsDesk desk;
    {
        SettingsDialog dialog(*desk.settings, desk.secrets, desk.network);
        dialog.lineEdit(setting::GitHubToken)->setText(kToken);
        dialog.lineEdit(setting::GitHubApiUrl)->setText(QStringLiteral("https://ghe.example.com/api/v3"));
        dialog.lineEdit(setting::WebhookPort)->setText(QStringLiteral("3210"));
        dialog.lineEdit(setting::WebhookSecret)->setText(kWebhookSecret);
        dialog.lineEdit(setting::LlmModel)->setText(QStringLiteral("llama3.1:8b"));
        dialog.lineEdit(setting::OpenAiApiKey)->setText(kLlmKey);
        dialog.checkBox(setting::NotifyAllFailedRuns)->setChecked(true);
        dialog.checkBox(setting::StartMinimised)->setChecked(true);
        CHECK(dialog.lineEdit(setting::GitHubToken)->echoMode() == QLineEdit::Password);
        showTab(dialog, 0);
        showAndSavePng(dialog, QStringLiteral("settings-github.png"));
        showTab(dialog, 1);
        showAndSavePng(dialog, QStringLiteral("settings-events.png"));
        showTab(dialog, 3);
        showAndSavePng(dialog, QStringLiteral("settings-desktop.png"));

        QSignalSpy saved(&dialog, &SettingsDialog::saved);
        REQUIRE(saveAndWait(dialog));
        CHECK(saved.first().first().toBool()); // the token changed
        CHECK(desk.settings->value(setting::GitHubToken).source == SettingSource::Keychain);
        CHECK(desk.settings->gitHubToken() == kToken);
    }

    const QString ini = desk.iniText();
    CHECK(ini.contains(QStringLiteral("ghe.example.com")));
    CHECK(ini.contains(QStringLiteral("3210")));
    CHECK_FALSE(ini.contains(kToken));
    CHECK_FALSE(ini.contains(kWebhookSecret));
    CHECK_FALSE(ini.contains(kLlmKey));
    CHECK_FALSE(ini.contains(QStringLiteral("token")));

    // A fresh start reads the plain values from the file and the secrets from the keychain.
    Settings restarted(desk.env);
    CHECK(restarted.get(setting::GitHubApiUrl) == QStringLiteral("https://ghe.example.com/api/v3"));
    CHECK(restarted.get(setting::WebhookPort) == QStringLiteral("3210"));
    CHECK(restarted.get(setting::LlmModel) == QStringLiteral("llama3.1:8b"));
    CHECK(restarted.get(setting::NotifyAllFailedRuns) == QStringLiteral("true"));
    CHECK(restarted.get(setting::StartMinimised) == QStringLiteral("true"));
    CHECK(restarted.gitHubToken().isEmpty());
    bool loaded = false;
    desk.secrets.loadInto(restarted, [&]() { loaded = true; });
    REQUIRE(QTest::qWaitFor([&]() { return loaded; }, 5000));
    CHECK(restarted.gitHubToken() == kToken);
    CHECK(restarted.get(setting::WebhookSecret) == kWebhookSecret);
    CHECK(restarted.get(setting::OpenAiApiKey) == kLlmKey);

    // Reopened: the secret is not shown back, only that the keychain has it.
    SettingsDialog again(restarted, desk.secrets, desk.network);
    CHECK(again.lineEdit(setting::GitHubToken)->text().isEmpty());
    CHECK(again.lineEdit(setting::GitHubToken)->placeholderText().contains(QStringLiteral("keychain")));
    CHECK(again.lineEdit(setting::LlmModel)->text() == QStringLiteral("llama3.1:8b"));
    CHECK(again.checkBox(setting::StartMinimised)->isChecked());
}

TEST_CASE("Settings dialog: values from the environment are read-only and say the environment wins", "[ui]")
{
    SettingsDesk desk({{QStringLiteral("GITHUB_API_URL"), QStringLiteral("https://env.example.com/api/v3")},
                       {QStringLiteral("GH_TOKEN"), kToken}});
    SettingsDialog dialog(*desk.settings, desk.secrets, desk.network);
    QLineEdit *api = dialog.lineEdit(setting::GitHubApiUrl);
    CHECK(api->isReadOnly());
    CHECK(api->text() == QStringLiteral("https://env.example.com/api/v3"));
    CHECK(dialog.overrideNote(setting::GitHubApiUrl).contains(QStringLiteral("GITHUB_API_URL")));
    CHECK(dialog.overrideNote(setting::GitHubApiUrl).contains(QStringLiteral("wins")));
    auto *note = dialog.findChild<QLabel *>(setting::GitHubApiUrl + QStringLiteral(".note"));
    REQUIRE(note);
    CHECK(note->text() == dialog.overrideNote(setting::GitHubApiUrl));

    // The token from the environment is shown masked, never in full.
    QLineEdit *token = dialog.lineEdit(setting::GitHubToken);
    CHECK(token->isReadOnly());
    CHECK_FALSE(token->text().contains(kToken));
    CHECK(dialog.overrideNote(setting::GitHubToken).contains(QStringLiteral("GH_TOKEN")));
    CHECK(dialog.overrideNote(setting::DataDir).contains(QStringLiteral("EXESERVER_DATA_DIR")));
    CHECK(dialog.overrideNote(setting::LlmModel).isEmpty());
    showAndSavePng(dialog, QStringLiteral("settings-environment.png"));

    REQUIRE(saveAndWait(dialog));
    CHECK_FALSE(desk.iniText().contains(QStringLiteral("env.example.com")));
}

TEST_CASE("Settings dialog: Test connection shows the login and the token's scopes", "[ui]")
{
    FakeGitHubServer server;
    REQUIRE(server.start());
    SettingsDesk desk;
    SettingsDialog dialog(*desk.settings, desk.secrets, desk.network);
    dialog.lineEdit(setting::GitHubApiUrl)->setText(server.baseUrl().toString());
    dialog.lineEdit(setting::GitHubToken)->setText(QString::fromLatin1(FakeGitHubServer::DefaultToken));

    QSignalSpy tested(&dialog, &SettingsDialog::connectionTested);
    auto *button = dialog.findChild<QPushButton *>();
    for (QPushButton *candidate : dialog.findChildren<QPushButton *>()) {
        if (candidate->text().remove(QLatin1Char('&')) == QStringLiteral("Test connection"))
            button = candidate;
    }
    REQUIRE(button);
    QTest::mouseClick(button, Qt::LeftButton);
    REQUIRE(QTest::qWaitFor([&]() { return !tested.isEmpty(); }, 10000));
    CHECK(tested.first().first().toBool());
    CHECK(dialog.connectionText().contains(QStringLiteral("Connected as octocat")));
    CHECK(dialog.connectionText().contains(QStringLiteral("repo, workflow, notifications, read:org")));
    CHECK_FALSE(dialog.connectionText().contains(QStringLiteral("Missing")));
    REQUIRE_FALSE(server.requests().isEmpty());
    CHECK(server.requests().last().path == QStringLiteral("/user"));
    showAndSavePng(dialog, QStringLiteral("settings-test-connection.png"));

    // A classic token without `workflow` is told what it lacks.
    server.setOAuthScopes(QStringLiteral("repo"));
    tested.clear();
    dialog.testConnection();
    REQUIRE(QTest::qWaitFor([&]() { return !tested.isEmpty(); }, 10000));
    CHECK(dialog.connectionText().contains(QStringLiteral("Missing for ExeServer: workflow")));

    // Fine-grained tokens send no scopes header: said plainly, not shown as "no permissions".
    server.setOAuthScopes(QString());
    tested.clear();
    dialog.testConnection();
    REQUIRE(QTest::qWaitFor([&]() { return !tested.isEmpty(); }, 10000));
    CHECK(tested.first().first().toBool());
    CHECK(dialog.connectionText().contains(QStringLiteral("fine-grained")));
    CHECK(dialog.connectionText().contains(QStringLiteral("Actions read/write")));
}

TEST_CASE("Settings dialog: a rejected token and an unreachable server give clear errors", "[ui]")
{
    FakeGitHubServer server;
    REQUIRE(server.start());
    SettingsDesk desk;
    SettingsDialog dialog(*desk.settings, desk.secrets, desk.network);
    dialog.lineEdit(setting::GitHubApiUrl)->setText(server.baseUrl().toString());
    dialog.lineEdit(setting::GitHubToken)->setText(QStringLiteral("ghp_notthetoken000000000000000000"));

    QSignalSpy tested(&dialog, &SettingsDialog::connectionTested);
    dialog.testConnection();
    REQUIRE(QTest::qWaitFor([&]() { return !tested.isEmpty(); }, 10000));
    CHECK_FALSE(tested.first().first().toBool());
    CHECK(dialog.connectionText().contains(QStringLiteral("Connection failed")));
    CHECK(dialog.connectionText().contains(QStringLiteral("401")));
    CHECK(dialog.connectionText().contains(QStringLiteral("invalid or has expired")));
    CHECK_FALSE(dialog.connectionText().contains(QStringLiteral("ghp_notthetoken")));
    showAndSavePng(dialog, QStringLiteral("settings-test-401.png"));

    const QUrl gone = server.baseUrl();
    server.stop();
    dialog.lineEdit(setting::GitHubApiUrl)->setText(gone.toString());
    tested.clear();
    dialog.testConnection();
    REQUIRE(QTest::qWaitFor([&]() { return !tested.isEmpty(); }, 20000));
    CHECK_FALSE(tested.first().first().toBool());
    CHECK(dialog.connectionText().contains(QStringLiteral("Could not reach GitHub")));
}

TEST_CASE("Settings dialog: a malformed settings file is not overwritten and the error is shown", "[ui]")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    QFile broken(QDir(dir.path()).filePath(QStringLiteral("exeserver.ini")));
    REQUIRE(broken.open(QIODevice::WriteOnly));
    broken.write("[github]\nthis line is broken\n");
    broken.close();
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    Settings settings(env);
    SecretStore secrets(std::make_unique<MemorySecretBackend>());
    QNetworkAccessManager network;

    SettingsDialog dialog(settings, secrets, network);
    CHECK(dialog.errorText().contains(QStringLiteral("malformed")));
    dialog.lineEdit(setting::LlmModel)->setText(QStringLiteral("another-model"));
    CHECK_FALSE(saveAndWait(dialog));
    CHECK(dialog.errorText().contains(QStringLiteral("Fix or remove it")));
    CHECK(dialog.isVisible() == false); // never shown in this test; the point is it did not accept
    CHECK(dialog.result() != QDialog::Accepted);
    REQUIRE(broken.open(QIODevice::ReadOnly));
    CHECK(broken.readAll() == QByteArray("[github]\nthis line is broken\n"));
    showAndSavePng(dialog, QStringLiteral("settings-malformed.png"));
}

TEST_CASE("Settings dialog: without a keychain a secret is refused with the variable to set", "[ui]")
{
    QTemporaryDir dir;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    Settings settings(env);
    SecretStore secrets(std::make_unique<MemorySecretBackend>(false));
    QNetworkAccessManager network;
    SettingsDialog dialog(settings, secrets, network);
    dialog.lineEdit(setting::GitHubToken)->setText(kToken);
    CHECK_FALSE(saveAndWait(dialog));
    CHECK(dialog.errorText().contains(QStringLiteral("GITHUB_TOKEN")));
    CHECK_FALSE(dialog.errorText().contains(kToken));
    CHECK(settings.gitHubToken().isEmpty());
}

TEST_CASE("Settings dialog: a keychain that refuses a secret leaves every setting as it was", "[ui]")
{
    QTemporaryDir dir;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    Settings settings(env);
    SecretStore secrets(std::make_unique<MemorySecretBackend>(false)); // found out only on writing
    QNetworkAccessManager network;
    SettingsDialog dialog(settings, secrets, network);
    const QString model = settings.get(setting::LlmModel);
    dialog.lineEdit(setting::LlmModel)->setText(QStringLiteral("another-model"));
    dialog.lineEdit(setting::GitHubToken)->setText(kToken);
    CHECK_FALSE(saveAndWait(dialog));
    CHECK(settings.get(setting::LlmModel) == model); // not half saved
    CHECK(Settings(env).get(setting::LlmModel) == model);
    CHECK(settings.gitHubToken().isEmpty());
}

TEST_CASE("Settings dialog: without a keychain it says so before Save and shows the variables to set", "[ui]")
{
    QTemporaryDir dir;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    Settings settings(env);
    SecretStore secrets(std::make_unique<MemorySecretBackend>(false));
    bool loaded = false;
    secrets.loadInto(settings, [&]() { loaded = true; }); // as at start: the keychain is read first
    REQUIRE(QTest::qWaitFor([&]() { return loaded; }, 5000));
    REQUIRE_FALSE(secrets.isAvailable());
    QNetworkAccessManager network;
    SettingsDialog dialog(settings, secrets, network);
    const QString note = dialog.keychainNote();
    INFO(note.toStdString());
    CHECK(note.startsWith(QStringLiteral("No keychain")));
    CHECK(note.contains(QStringLiteral("export GITHUB_TOKEN=")));
    CHECK(note.contains(QStringLiteral("GITHUB_WEBHOOK_SECRET")));
    CHECK_FALSE(dialog.lineEdit(setting::GitHubToken)->isEnabled());
    CHECK(dialog.lineEdit(setting::GitHubToken)->placeholderText().contains(QStringLiteral("GITHUB_TOKEN")));
    // The plain settings still save.
    dialog.lineEdit(setting::LlmModel)->setText(QStringLiteral("another-model"));
    CHECK(saveAndWait(dialog));
    CHECK(Settings(env).get(setting::LlmModel) == QStringLiteral("another-model"));
    dialog.show();
    showAndSavePng(dialog, QStringLiteral("settings-no-keychain.png"));
}

TEST_CASE("Settings dialog: a chosen data folder is used from the next start", "[ui]")
{
    QTemporaryDir chosen;
    QProcessEnvironment env; // no EXESERVER_DATA_DIR: the folder is the dialog's to change
    Settings settings(env);
    SecretStore secrets(std::make_unique<MemorySecretBackend>());
    QNetworkAccessManager network;
    SettingsDialog dialog(settings, secrets, network);
    auto *dataDir = dialog.findChild<QLineEdit *>(setting::DataDir);
    REQUIRE(dataDir);
    CHECK_FALSE(dataDir->isReadOnly());
    auto *note = dialog.findChild<QLabel *>(QStringLiteral("data_dir.note"));
    REQUIRE(note);
    CHECK(note->text().contains(QStringLiteral("next start")));
    const QString before = settings.dataDir();
    dataDir->setText(chosen.path());
    REQUIRE(saveAndWait(dialog));
    CHECK(settings.dataDir() == before); // this run keeps its folder
    Settings next(env);
    CHECK(next.dataDir() == QDir::cleanPath(chosen.path()));
    CHECK(next.value(setting::DataDir).source == SettingSource::SettingsFile);
    REQUIRE(Settings::chooseDataDirForNextStart(QString()).ok());
    CHECK(Settings(env).dataDir() == before);
}

TEST_CASE("First run: Enter a token opens Settings and a saved token brings up the dashboard", "[ui]")
{
    FakeGitHubServer server;
    REQUIRE(server.start());
    QTemporaryDir dir;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    env.insert(QStringLiteral("GITHUB_API_URL"), server.baseUrl().toString());
    Settings settings(env);
    SecretStore secrets(std::make_unique<MemorySecretBackend>());
    QNetworkAccessManager network;
    std::unique_ptr<GitHubClient> client;

    MainWindow window(settings);
    // What app/gui/main.cpp does when credentials arrive: a client once there is a token.
    QObject::connect(&window, &MainWindow::settingsSaved, &window, [&]() {
        if (client || settings.gitHubToken().isEmpty())
            return;
        client = std::make_unique<GitHubClient>(GitHubClient::optionsFrom(settings, &network));
        window.attachGitHub(client.get(), nullptr);
    });
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));

    auto *welcome = qobject_cast<WelcomePage *>(window.centralWidget());
    REQUIRE(welcome);
    auto *enter = welcome->findChild<QPushButton *>(QStringLiteral("enterToken"));
    REQUIRE(enter);
    CHECK_FALSE(enter->isEnabled()); // no keychain wired yet
    window.setSettingsServices(&secrets, &network);
    CHECK(enter->isEnabled());
    CHECK(welcome->stateText().contains(QStringLiteral("No token found")));
    REQUIRE(window.grab().toImage().save(QDir(test::outputDir()).filePath(QStringLiteral("welcome.png"))));

    QTest::mouseClick(enter, Qt::LeftButton);
    auto *dialog = window.findChild<SettingsDialog *>();
    REQUIRE(dialog);
    CHECK(dialog->isVisible());
    dialog->lineEdit(setting::GitHubToken)->setText(QString::fromLatin1(FakeGitHubServer::DefaultToken));
    dialog->save();
    REQUIRE(QTest::qWaitFor([&]() { return window.dashboard() != nullptr; }, 5000));
    CHECK(window.centralWidget() == window.dashboard());
    CHECK(window.tokenStatusText().contains(QStringLiteral("keychain")));
    // The first refresh runs before the repository list arrives; the one after it fills the tables.
    REQUIRE(QTest::qWaitFor([&]() { return window.dashboard()->runModel()->rowCount() > 0; }, 15000));
}

TEST_CASE("Settings dialog: File → Settings… is Ctrl+comma and every field has an accessible name", "[ui]")
{
    SettingsDesk desk;
    MainWindow window(*desk.settings);
    auto *action = window.findChild<QAction *>(QStringLiteral("settingsAction"));
    REQUIRE(action);
    CHECK(action->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_Comma));
    CHECK_FALSE(action->isEnabled());
    window.setSettingsServices(&desk.secrets, &desk.network);
    REQUIRE(action->isEnabled());
    action->trigger();
    auto *dialog = window.findChild<SettingsDialog *>();
    REQUIRE(dialog);
    QStringList unnamed;
    for (QWidget *widget : dialog->findChildren<QWidget *>()) {
        if (!qobject_cast<QLineEdit *>(widget) && !qobject_cast<QAbstractButton *>(widget))
            continue;
        auto *button = qobject_cast<QAbstractButton *>(widget);
        QString name =
            widget->accessibleName().isEmpty() && button ? button->text() : widget->accessibleName();
        if (name.remove(QLatin1Char('&')).trimmed().isEmpty() && !widget->inherits("QTabBar") &&
            !widget->parentWidget()->inherits("QTabBar"))
            unnamed.append(QString::fromLatin1(widget->metaObject()->className()) + QLatin1Char(' ') +
                           widget->objectName());
    }
    INFO(unnamed.join(QStringLiteral(", ")).toStdString());
    CHECK(unnamed.isEmpty());
    dialog->reject();
}

TEST_CASE("Settings dialog: a new token applies at once, the dashboard refreshes with it", "[ui]")
{
    const QString oldToken = QString::fromLatin1(FakeGitHubServer::DefaultToken);
    const QString newToken = QStringLiteral("ghp_replacedWhileRunning0123456789abcd");
    FakeGitHubServer server;
    REQUIRE(server.start());
    QTemporaryDir dir;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    env.insert(QStringLiteral("GITHUB_API_URL"), server.baseUrl().toString());
    Settings settings(env);
    settings.provideSecret(setting::GitHubToken, oldToken, SettingSource::Keychain);
    SecretStore secrets(std::make_unique<MemorySecretBackend>());
    QNetworkAccessManager network;
    GitHubClient client(GitHubClient::optionsFrom(settings, &network));

    MainWindow window(settings);
    window.setSettingsServices(&secrets, &network);
    window.attachGitHub(&client, nullptr);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    DashboardPage *page = window.dashboard();
    REQUIRE(page);
    page->setAutoRefreshIntervals(3600000, 3600000); // only the refreshes this test asks for
    REQUIRE(
        QTest::qWaitFor([&]() { return page->runModel()->rowCount() > 0 && !page->isRefreshing(); }, 15000));

    // The old token is revoked on GitHub and a new one pasted into Settings.
    server.setToken(newToken);
    const qsizetype before = server.requests().size();
    const int refreshes = page->refreshCount();
    SettingsDialog *dialog = window.openSettings();
    REQUIRE(dialog);
    dialog->lineEdit(setting::GitHubToken)->setText(newToken);
    REQUIRE(saveAndWait(*dialog));
    CHECK(client.token() == newToken);
    REQUIRE(
        QTest::qWaitFor([&]() { return page->refreshCount() > refreshes && !page->isRefreshing(); }, 15000));
    REQUIRE(
        QTest::qWaitFor([&]() { return !server.requestsTo(QStringLiteral("/user/repos")).isEmpty(); }, 5000));
    const QList<test::RecordedRequest> after = server.requests().mid(before);
    REQUIRE_FALSE(after.isEmpty());
    for (const test::RecordedRequest &request : after) {
        INFO(request.path.toStdString());
        CHECK(request.header("Authorization") == "Bearer " + newToken.toUtf8());
        CHECK(request.status != 401);
    }
    CHECK(page->runModel()->rowCount() > 0);
    CHECK(window.statusBar()->currentMessage() == QStringLiteral("The new token is in use."));
    CHECK(window.tokenStatusText().contains(QStringLiteral("keychain")));
}

TEST_CASE("Settings dialog: Local API on/off and port are saved; a new token is kept in the keychain and "
          "shown once",
          "[ui][api]")
{
    SettingsDesk desk;
    SettingsDialog dialog(*desk.settings, desk.secrets, desk.network);
    REQUIRE(dialog.checkBox(setting::ApiEnabled));
    CHECK_FALSE(dialog.checkBox(setting::ApiEnabled)->isChecked());
    CHECK(dialog.lineEdit(setting::ApiPort)->text() == QStringLiteral("8711"));
    CHECK(dialog.findChild<QLabel *>(QStringLiteral("apiTokenState"))->text() == QStringLiteral("None yet"));
    CHECK(dialog.shownApiToken().isEmpty());

    dialog.rotateApiToken();
    REQUIRE(QTest::qWaitFor([&]() { return !dialog.shownApiToken().isEmpty(); }, 5000));
    const QString first = dialog.shownApiToken();
    CHECK(first.startsWith(QStringLiteral("exs_")));
    CHECK(desk.settings->value(setting::ApiToken).source == SettingSource::Keychain);
    CHECK(desk.settings->get(setting::ApiToken) == first);
    dialog.rotateApiToken();
    REQUIRE(QTest::qWaitFor([&]() { return dialog.shownApiToken() != first; }, 5000));
    CHECK(desk.settings->get(setting::ApiToken) == dialog.shownApiToken());

    dialog.checkBox(setting::ApiEnabled)->setChecked(true);
    dialog.lineEdit(setting::ApiPort)->setText(QStringLiteral("9123"));
    showTab(dialog, 1);
    test::savePng(dialog, QStringLiteral("settings-local-api.png"));
    const QString shown = dialog.shownApiToken();
    REQUIRE(saveAndWait(dialog));
    CHECK_FALSE(desk.iniText().contains(shown));

    Settings restarted(desk.env);
    CHECK(restarted.get(setting::ApiEnabled) == QStringLiteral("true"));
    CHECK(restarted.get(setting::ApiPort) == QStringLiteral("9123"));
    bool loaded = false;
    desk.secrets.loadInto(restarted, [&]() { loaded = true; });
    REQUIRE(QTest::qWaitFor([&]() { return loaded; }, 5000));
    CHECK(restarted.get(setting::ApiToken) == shown);
    // Reopened, the token is not shown again: only where it is kept.
    SettingsDialog again(restarted, desk.secrets, desk.network);
    CHECK(again.shownApiToken().isEmpty());
    CHECK(again.findChild<QLabel *>(QStringLiteral("apiTokenState"))
              ->text()
              .contains(QStringLiteral("keychain")));
}
