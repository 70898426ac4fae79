#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace exeserver {

class Settings;

// First-run page: which GitHub token to create, where ExeServer looks for it, and what it found.
class WelcomePage : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomePage(const Settings &settings, QWidget *parent = nullptr);
    void refresh();
    // Enables "Enter a token…" once the window can open Settings.
    void setSettingsAvailable(bool available);
    QString stateText() const;
    // Without a keychain a token typed into Settings cannot be kept: the page says how to set it instead.
    void setKeychainAvailable(bool available, const QString &reason = {});
    QString keychainText() const; // empty while a keychain is there

Q_SIGNALS:
    void settingsRequested();

private:
    const Settings &m_settings;
    QLabel *m_state = nullptr;
    QLabel *m_keychain = nullptr;
    QLabel *m_pasteHint = nullptr;
    QPushButton *m_enterToken = nullptr;
};

} // namespace exeserver
