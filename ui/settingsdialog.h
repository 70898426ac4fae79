#pragma once

#include <QDialog>
#include <QHash>
#include <QStringList>

#include <memory>

class QCheckBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QNetworkAccessManager;
class QPushButton;
class QWidget;

namespace exeserver {

class GitHubClient;
class SecretStore;
class Settings;

// Settings… : every setting a desktop user changes, on tabs. Plain values go to the settings file through
// Settings (which refuses to overwrite a file it could not read), secrets to the keychain through
// SecretStore and never to the file. A value the environment or the command line sets is shown read-only
// with a note, because it wins over anything saved here. "Test connection" asks GitHub who the token is.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(Settings &settings, SecretStore &secrets, QNetworkAccessManager &network,
                   QWidget *parent = nullptr);
    ~SettingsDialog() override;

    // The editor of a setting key (a line edit, or a check box for true/false settings); tests type here.
    QLineEdit *lineEdit(const QString &key) const { return m_edits.value(key); }
    QCheckBox *checkBox(const QString &key) const { return m_checks.value(key); }
    // "Set by GITHUB_TOKEN in the environment …", empty when the value is the dialog's to change.
    QString overrideNote(const QString &key) const;

    // GET /user with the token and API URL as currently entered; the answer lands in connectionText().
    void testConnection();
    bool isTesting() const { return m_testClient != nullptr && m_testing; }
    QString connectionText() const;

    // Writes what changed; closes the dialog when everything was stored, else shows why not.
    void save();
    bool isSaving() const { return m_saving; }
    QString errorText() const;
    // Without a keychain: what the dialog says about secrets (empty while a keychain is there).
    QString keychainNote() const;

    // Local API: makes a new token, keeps it in the keychain and shows it this once (the old one stops
    // working at the next start).
    void rotateApiToken();
    QString shownApiToken() const;

Q_SIGNALS:
    void connectionTested(bool ok);
    // After a successful save; `tokenChanged` when a new GitHub token went to the keychain.
    void saved(bool tokenChanged);
    void saveFailed(const QString &message);

private:
    QWidget *gitHubTab();
    QWidget *eventsTab();
    QWidget *assistantTab();
    QWidget *desktopTab();
    QWidget *apiTokenRow();
    void addField(QFormLayout *form, const QString &key, const QString &label, const QString &hint = {});
    void addCheck(QFormLayout *form, const QString &key, const QString &label);
    void storeNextSecret(QStringList keys, bool tokenChanged);
    void finishSave(bool tokenChanged);
    void fail(const QString &message);
    void showKeychainState();
    void writePlainValues(bool tokenChanged);

    Settings &m_settings;
    SecretStore &m_secrets;
    QNetworkAccessManager &m_network;
    QHash<QString, QLineEdit *> m_edits;
    QHash<QString, QCheckBox *> m_checks;
    QHash<QString, QString> m_notes;
    QLineEdit *m_dataDir = nullptr;
    QLabel *m_connection = nullptr;
    QPushButton *m_testButton = nullptr;
    QPushButton *m_saveButton = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_keychain = nullptr;
    QLabel *m_apiTokenState = nullptr;
    QLineEdit *m_apiTokenShown = nullptr;
    std::unique_ptr<GitHubClient> m_testClient;
    bool m_testing = false;
    bool m_saving = false;
};

} // namespace exeserver
