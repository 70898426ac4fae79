#pragma once

#include <QWidget>

class QLabel;

namespace exeserver {

class Settings;

// First-run page: which GitHub token to create, where ExeServer looks for it, and what it found.
class WelcomePage : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomePage(const Settings &settings, QWidget *parent = nullptr);
    void refresh();

private:
    const Settings &m_settings;
    QLabel *m_state = nullptr;
};

} // namespace exeserver
