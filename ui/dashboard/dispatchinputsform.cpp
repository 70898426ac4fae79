#include "dashboard/dispatchinputsform.h"

#include "widgets/themecolors.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QToolButton>

#include <limits>

namespace exeserver {

namespace {

QString fieldName(const QString &inputName)
{
    return QStringLiteral("input_") + inputName;
}

QString templateName(const QString &inputName)
{
    return QStringLiteral("template_") + inputName;
}

QString toggleName(const QString &inputName)
{
    return QStringLiteral("templateToggle_") + inputName;
}

bool isDecimal(const QString &number)
{
    return number.contains(QLatin1Char('.')) || number.contains(QLatin1Char('e'), Qt::CaseInsensitive);
}

} // namespace

DispatchInputsForm::DispatchInputsForm(QWidget *parent)
    : QWidget(parent)
    , m_form(new QFormLayout(this))
{
    setObjectName(QStringLiteral("DispatchInputsForm"));
    m_form->setContentsMargins(0, 0, 0, 0);
}

void DispatchInputsForm::setTemplatesAllowed(bool allowed)
{
    m_templatesAllowed = allowed;
}

void DispatchInputsForm::addLeadingRow(const QString &label, QWidget *widget)
{
    m_form->insertRow(m_leadingRows++, label, widget);
}

void DispatchInputsForm::setInputs(const QList<DispatchInput> &inputs)
{
    m_filling = true;
    while (m_form->rowCount() > m_leadingRows)
        m_form->removeRow(m_leadingRows);
    m_inputs = inputs;
    m_edited.clear();
    for (const DispatchInput &input : std::as_const(m_inputs)) {
        QWidget *widget = createField(input);
        widget->setObjectName(fieldName(input.name));
        widget->setAccessibleName(input.description.isEmpty() ? input.name : input.description);
        widget->setToolTip(input.description);
        const QString label = input.required ? QStringLiteral("%1 *").arg(input.name) : input.name;
        const bool toggles = m_templatesAllowed && (input.type == DispatchInput::Type::Boolean ||
                                                    input.type == DispatchInput::Type::Number);
        m_form->addRow(label, toggles ? wrapWithTemplateToggle(input, widget) : widget);
        if (!input.description.isEmpty()) {
            auto *hint = new QLabel(input.description, this);
            hint->setWordWrap(true);
            hint->setObjectName(QStringLiteral("inputHint"));
            // Muted but readable: a disabled label's grey is about 1.6:1 on a light window.
            setThemedStyleSheet(hint, []() { return toneColorCss(Tone::Muted); });
            m_form->addRow(QString(), hint);
        }
    }
    m_filling = false;
}

QWidget *DispatchInputsForm::createField(const DispatchInput &input)
{
    const QString name = input.name;
    switch (input.type) {
    case DispatchInput::Type::Boolean: {
        auto *box = new QCheckBox(this);
        box->setChecked(input.defaultValue == QLatin1String("true"));
        connect(box, &QCheckBox::toggled, this, [this, name]() { fieldEdited(name); });
        return box;
    }
    case DispatchInput::Type::Choice:
    case DispatchInput::Type::Environment: {
        auto *combo = new QComboBox(this);
        combo->addItems(input.options);
        // Environments are not listed by the client: the user may type one; a trigger may use a template.
        combo->setEditable(input.type == DispatchInput::Type::Environment || m_templatesAllowed);
        combo->setInsertPolicy(QComboBox::NoInsert);
        const int index = combo->findText(input.defaultValue);
        if (index >= 0)
            combo->setCurrentIndex(index);
        else if (combo->isEditable())
            combo->setEditText(input.defaultValue);
        connect(combo, &QComboBox::currentTextChanged, this, [this, name]() { fieldEdited(name); });
        return combo;
    }
    case DispatchInput::Type::Number: {
        if (isDecimal(input.defaultValue)) {
            auto *spin = new QDoubleSpinBox(this);
            spin->setRange(-std::numeric_limits<double>::max(), std::numeric_limits<double>::max());
            spin->setDecimals(6);
            spin->setValue(input.defaultValue.toDouble());
            connect(spin, &QDoubleSpinBox::valueChanged, this, [this, name]() { fieldEdited(name); });
            return spin;
        }
        auto *spin = new QSpinBox(this);
        spin->setRange(std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
        spin->setValue(input.defaultValue.toInt());
        connect(spin, &QSpinBox::valueChanged, this, [this, name]() { fieldEdited(name); });
        return spin;
    }
    case DispatchInput::Type::String:
        break;
    }
    auto *edit = new QLineEdit(input.defaultValue, this);
    connect(edit, &QLineEdit::textChanged, this, [this, name]() { fieldEdited(name); });
    return edit;
}

QWidget *DispatchInputsForm::wrapWithTemplateToggle(const DispatchInput &input, QWidget *field)
{
    const QString name = input.name;
    auto *row = new QWidget(this);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *templateEdit = new QLineEdit(row);
    templateEdit->setObjectName(templateName(name));
    templateEdit->setPlaceholderText(QStringLiteral("{{ event.… }}"));
    templateEdit->setAccessibleName(tr("Template for %1").arg(name));
    templateEdit->hide();
    auto *toggle = new QToolButton(row);
    toggle->setObjectName(toggleName(name));
    toggle->setText(QStringLiteral("{{ }}"));
    toggle->setCheckable(true);
    toggle->setToolTip(tr("Take the value from the event with a template instead"));
    field->setParent(row);
    layout->addWidget(field, 1);
    layout->addWidget(templateEdit, 1);
    layout->addWidget(toggle);
    connect(toggle, &QToolButton::toggled, this, [this, name, field, templateEdit](bool on) {
        field->setVisible(!on);
        templateEdit->setVisible(on);
        fieldEdited(name);
    });
    connect(templateEdit, &QLineEdit::textChanged, this, [this, name]() { fieldEdited(name); });
    return row;
}

void DispatchInputsForm::fieldEdited(const QString &inputName)
{
    if (m_filling)
        return;
    m_edited.insert(inputName);
    Q_EMIT changed();
}

QWidget *DispatchInputsForm::field(const QString &inputName) const
{
    return findChild<QWidget *>(fieldName(inputName));
}

QWidget *DispatchInputsForm::templateField(const QString &inputName) const
{
    return findChild<QLineEdit *>(templateName(inputName));
}

bool DispatchInputsForm::isTemplateMode(const QString &inputName) const
{
    auto *toggle = findChild<QToolButton *>(toggleName(inputName));
    return toggle && toggle->isChecked();
}

void DispatchInputsForm::setTemplateMode(const QString &inputName, bool on)
{
    if (auto *toggle = findChild<QToolButton *>(toggleName(inputName)))
        toggle->setChecked(on);
}

QString DispatchInputsForm::valueOf(const DispatchInput &input) const
{
    if (isTemplateMode(input.name))
        return static_cast<QLineEdit *>(templateField(input.name))->text();
    QWidget *widget = field(input.name);
    if (auto *box = qobject_cast<QCheckBox *>(widget))
        return box->isChecked() ? QStringLiteral("true") : QStringLiteral("false");
    if (auto *combo = qobject_cast<QComboBox *>(widget))
        return combo->currentText();
    if (auto *spin = qobject_cast<QSpinBox *>(widget))
        return QString::number(spin->value());
    if (auto *spin = qobject_cast<QDoubleSpinBox *>(widget))
        return QString::number(spin->value());
    if (auto *edit = qobject_cast<QLineEdit *>(widget))
        return edit->text();
    return {};
}

QJsonObject DispatchInputsForm::values() const
{
    QJsonObject out;
    for (const DispatchInput &input : m_inputs)
        out.insert(input.name, valueOf(input));
    return out;
}

QJsonObject DispatchInputsForm::editedValues() const
{
    QJsonObject out;
    for (const DispatchInput &input : m_inputs) {
        if (m_edited.contains(input.name))
            out.insert(input.name, valueOf(input));
    }
    return out;
}

void DispatchInputsForm::setValues(const QJsonObject &values)
{
    m_filling = true;
    for (const DispatchInput &input : std::as_const(m_inputs)) {
        if (!values.contains(input.name))
            continue;
        setValue(input, values.value(input.name).toString());
        m_edited.insert(input.name);
    }
    m_filling = false;
}

void DispatchInputsForm::setValue(const DispatchInput &input, const QString &value)
{
    QWidget *widget = field(input.name);
    bool held = true;
    if (auto *box = qobject_cast<QCheckBox *>(widget)) {
        held = value == QLatin1String("true") || value == QLatin1String("false");
        box->setChecked(value == QLatin1String("true"));
    } else if (auto *combo = qobject_cast<QComboBox *>(widget)) {
        const int index = combo->findText(value);
        if (index >= 0)
            combo->setCurrentIndex(index);
        else if (combo->isEditable())
            combo->setEditText(value);
        else
            held = false;
    } else if (auto *spin = qobject_cast<QSpinBox *>(widget)) {
        const int number = value.toInt(&held);
        if (held)
            spin->setValue(number);
    } else if (auto *spin = qobject_cast<QDoubleSpinBox *>(widget)) {
        const double number = value.toDouble(&held);
        if (held)
            spin->setValue(number);
    } else if (auto *edit = qobject_cast<QLineEdit *>(widget)) {
        edit->setText(value);
    }
    if (auto *templateEdit = qobject_cast<QLineEdit *>(templateField(input.name))) {
        templateEdit->setText(held ? QString() : value);
        setTemplateMode(input.name, !held);
    }
}

QStringList DispatchInputsForm::missingRequired() const
{
    QStringList missing;
    for (const DispatchInput &input : m_inputs) {
        if (input.required && input.type != DispatchInput::Type::Boolean &&
            valueOf(input).trimmed().isEmpty())
            missing.append(input.name);
    }
    return missing;
}

} // namespace exeserver
