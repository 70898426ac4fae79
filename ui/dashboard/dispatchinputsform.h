#pragma once

#include "github/githubtypes.h"

#include <QJsonObject>
#include <QSet>
#include <QWidget>

class QFormLayout;

namespace exeserver {

// The typed form for a workflow's `workflow_dispatch` inputs: string → line edit, choice → combo box,
// boolean → check box, number → spin box, environment → editable combo, each starting at the file's default.
// With templates allowed (the trigger editor), a choice is editable and a boolean or number field has a
// "{{ }}" toggle that swaps it for a line edit, so a value such as {{ event.pull_request.head.ref }} fits.
class DispatchInputsForm : public QWidget
{
    Q_OBJECT
public:
    explicit DispatchInputsForm(QWidget *parent = nullptr);

    void setTemplatesAllowed(bool allowed); // before setInputs
    // A row above the inputs that setInputs() keeps (the dialog's ref), so the labels line up.
    void addLeadingRow(const QString &label, QWidget *widget);
    void setInputs(const QList<DispatchInput> &inputs);
    const QList<DispatchInput> &inputs() const { return m_inputs; }
    QFormLayout *formLayout() const { return m_form; }

    // Every input as sent: all values strings, booleans "true"/"false".
    QJsonObject values() const;
    // Only the inputs given to setValues() or edited since: the rest stay at the workflow's defaults.
    QJsonObject editedValues() const;
    // Values for inputs the form does not know are ignored; a value a field cannot hold becomes a template.
    void setValues(const QJsonObject &values);
    // Required inputs (other than booleans) left empty.
    QStringList missingRequired() const;

    QWidget *field(const QString &inputName) const;
    // The line edit a boolean or number input shows in template mode (null without templates).
    QWidget *templateField(const QString &inputName) const;
    void setTemplateMode(const QString &inputName, bool on);
    bool isTemplateMode(const QString &inputName) const;

Q_SIGNALS:
    void changed();

private:
    QWidget *createField(const DispatchInput &input);
    QWidget *wrapWithTemplateToggle(const DispatchInput &input, QWidget *field);
    QString valueOf(const DispatchInput &input) const;
    void setValue(const DispatchInput &input, const QString &value);
    void fieldEdited(const QString &inputName);

    QFormLayout *m_form;
    QList<DispatchInput> m_inputs;
    QSet<QString> m_edited;
    int m_leadingRows = 0;
    bool m_templatesAllowed = false;
    bool m_filling = false;
};

} // namespace exeserver
