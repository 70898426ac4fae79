#pragma once

#include <QString>

#include <optional>

class QWidget;

namespace exeserver {

// Asks the user to confirm an action. Tests answer in advance with setNextAnswer (KeePassXC's
// MessageBox::setNextAnswer), so no modal box ever opens in a test.
class Confirm
{
public:
    static bool ask(QWidget *parent, const QString &title, const QString &question);
    // The answer the next ask() returns without showing anything; reset after one use.
    static void setNextAnswer(std::optional<bool> answer);
    static int askedCount(); // how many times ask() was called (tests)
    static QString lastQuestion();
};

} // namespace exeserver
