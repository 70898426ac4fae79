#include "widgets/confirm.h"

#include <QMessageBox>

namespace exeserver {

namespace {
std::optional<bool> g_nextAnswer;
int g_asked = 0;
QString g_lastQuestion;
} // namespace

bool Confirm::ask(QWidget *parent, const QString &title, const QString &question)
{
    ++g_asked;
    g_lastQuestion = question;
    if (g_nextAnswer) {
        const bool answer = *g_nextAnswer;
        g_nextAnswer.reset();
        return answer;
    }
    return QMessageBox::question(parent, title, question, QMessageBox::Yes | QMessageBox::No,
                                 QMessageBox::No) == QMessageBox::Yes;
}

void Confirm::setNextAnswer(std::optional<bool> answer)
{
    g_nextAnswer = answer;
}

int Confirm::askedCount()
{
    return g_asked;
}

QString Confirm::lastQuestion()
{
    return g_lastQuestion;
}

} // namespace exeserver
