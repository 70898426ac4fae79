#pragma once

#include <QJsonObject>
#include <QWidget>

class QCheckBox;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace exeserver {

// The trigger editor's "Ignore and limits" tab: the ignore rules (bots, senders, titles, labels, branches,
// target branches), the debounce and the rate limit, read from and written to the trigger file format's
// JSON (`ignore`, `debounce`, `rate_limit`; absent when empty or off).
class TriggerLimitsPage : public QWidget
{
    Q_OBJECT
public:
    explicit TriggerLimitsPage(QWidget *parent = nullptr);

    void load(const QJsonObject &trigger); // fills the fields; emits nothing
    void apply(QJsonObject &trigger) const;

    QCheckBox *ignoreBots() const { return m_bots; }
    QLineEdit *ignoreSenders() const { return m_senders; }
    QPlainTextEdit *ignoreTitles() const { return m_titles; }
    QLineEdit *ignoreLabels() const { return m_labels; }
    QLineEdit *ignoreBranches() const { return m_branches; }
    QLineEdit *ignoreTargetBranches() const { return m_targetBranches; }
    QSpinBox *debounce() const { return m_debounce; }
    QSpinBox *rateMax() const { return m_rateMax; }
    QSpinBox *ratePer() const { return m_ratePer; }

Q_SIGNALS:
    void edited();

private:
    QCheckBox *m_bots;
    QLineEdit *m_senders;
    QPlainTextEdit *m_titles;
    QLineEdit *m_labels;
    QLineEdit *m_branches;
    QLineEdit *m_targetBranches;
    QSpinBox *m_debounce;
    QSpinBox *m_rateMax;
    QSpinBox *m_ratePer;
    bool m_loading = false;
};

} // namespace exeserver
