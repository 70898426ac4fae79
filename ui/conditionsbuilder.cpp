#include "conditionsbuilder.h"

#include "themecolors.h"
#include "triggers/condition.h"

#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStringListModel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace exeserver {

namespace {

const QStringList &opNames()
{
    static const QStringList names = [] {
        QStringList list;
        for (int op = int(Condition::Op::Equals); op <= int(Condition::Op::CommentCommand); ++op)
            list.append(Condition::opName(Condition::Op(op)));
        return list;
    }();
    return names;
}

QString valueToText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isUndefined())
        return {};
    const QByteArray json = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.mid(1, json.size() - 2));
}

QString compactJson(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

} // namespace

ConditionsBuilder::ConditionsBuilder(QWidget *parent)
    : QWidget(parent)
    , m_mode(new QComboBox(this))
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_paths(new QStringListModel(this))
{
    m_mode->setObjectName(QStringLiteral("conditionMode"));
    m_mode->setAccessibleName(tr("Which conditions must match"));
    m_mode->addItem(tr("All of these must match"), QStringLiteral("all"));
    m_mode->addItem(tr("Any of these may match"), QStringLiteral("any"));
    m_table->setObjectName(QStringLiteral("conditionTable"));
    m_table->setAccessibleName(tr("Conditions"));
    m_table->setHorizontalHeaderLabels({tr("Field"), tr("Operator"), tr("Value"), tr("Check")});
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(FieldColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(ValueColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(CheckColumn, QHeaderView::Stretch);
    m_table->setColumnWidth(OpColumn, 130);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);

    auto *add = new QPushButton(tr("Add condition"), this);
    add->setObjectName(QStringLiteral("addCondition"));
    auto *remove = new QPushButton(tr("Remove"), this);
    remove->setObjectName(QStringLiteral("removeCondition"));
    auto *top = new QHBoxLayout;
    top->addWidget(m_mode);
    top->addStretch(1);
    top->addWidget(add);
    top->addWidget(remove);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);

    connect(m_mode, &QComboBox::currentIndexChanged, this, [this]() {
        if (!m_loading)
            Q_EMIT changed();
    });
    connect(add, &QPushButton::clicked, this, [this]() {
        addLeaf(QString(), QStringLiteral("equals"), QJsonValue(QString()));
        m_table->setCurrentCell(m_table->rowCount() - 1, FieldColumn);
        if (QWidget *field = m_table->cellWidget(m_table->rowCount() - 1, FieldColumn))
            field->setFocus();
    });
    connect(remove, &QPushButton::clicked, this, [this]() {
        if (m_table->currentRow() >= 0)
            removeRow(m_table->currentRow());
    });
}

void ConditionsBuilder::setFieldPaths(const QStringList &paths)
{
    m_paths->setStringList(paths);
}

void ConditionsBuilder::setConditions(const std::optional<QJsonObject> &conditions)
{
    m_loading = true;
    m_table->setRowCount(0);
    m_rows.clear();
    m_rootIsGroup = true;
    m_mode->setCurrentIndex(0);
    if (conditions) {
        QJsonArray children;
        if (conditions->contains(QLatin1String("all")) || conditions->contains(QLatin1String("any"))) {
            const bool any = conditions->contains(QLatin1String("any"));
            m_mode->setCurrentIndex(any ? 1 : 0);
            children = conditions->value(any ? QLatin1String("any") : QLatin1String("all")).toArray();
        } else {
            m_rootIsGroup = false;
            children.append(*conditions);
        }
        for (const QJsonValue &child : children) {
            const QJsonObject node = child.toObject();
            if (node.contains(QLatin1String("field")) || node.contains(QLatin1String("op"))) {
                RowData data;
                data.value = node.value(QLatin1String("value"));
                data.valueText = valueToText(data.value);
                addRow(node.value(QLatin1String("field")).toString(),
                       node.value(QLatin1String("op")).toString(), data.valueText, data);
            } else {
                RowData data;
                data.raw = true;
                data.valueText = compactJson(node);
                addRow(tr("(group)"), QString(), data.valueText, data);
            }
        }
    }
    m_loading = false;
    validate();
}

void ConditionsBuilder::addLeaf(const QString &field, const QString &op, const QJsonValue &value)
{
    RowData data;
    data.value = value;
    data.valueText = valueToText(value);
    addRow(field, op, data.valueText, data);
    validate();
    if (!m_loading)
        Q_EMIT changed();
}

void ConditionsBuilder::addRow(const QString &field, const QString &op, const QString &valueText,
                               const RowData &data)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_rows.append(data);

    auto *fieldEdit = new QLineEdit(field, m_table);
    fieldEdit->setPlaceholderText(tr("pull_request.base.ref"));
    fieldEdit->setAccessibleName(tr("Field path"));
    fieldEdit->setReadOnly(data.raw);
    auto *completer = new QCompleter(m_paths, fieldEdit);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    fieldEdit->setCompleter(completer);
    auto *opBox = new QComboBox(m_table);
    opBox->setAccessibleName(tr("Operator"));
    if (data.raw) {
        opBox->addItem(tr("JSON"));
        opBox->setEnabled(false);
    } else {
        opBox->addItems(opNames());
        const int index = opNames().indexOf(op);
        if (index >= 0) {
            opBox->setCurrentIndex(index);
        } else { // an alias (==, lt): show the canonical name
            const auto parsed = Condition::opFromName(op);
            opBox->setCurrentIndex(parsed ? opNames().indexOf(Condition::opName(*parsed)) : 0);
        }
    }
    auto *valueEdit = new QLineEdit(valueText, m_table);
    valueEdit->setAccessibleName(tr("Value"));
    auto *check = new QLabel(m_table);
    check->setWordWrap(false);

    m_table->setCellWidget(row, FieldColumn, fieldEdit);
    m_table->setCellWidget(row, OpColumn, opBox);
    m_table->setCellWidget(row, ValueColumn, valueEdit);
    m_table->setCellWidget(row, CheckColumn, check);
    const auto edited = [this]() {
        validate();
        if (!m_loading)
            Q_EMIT changed();
    };
    connect(fieldEdit, &QLineEdit::textChanged, this, edited);
    connect(opBox, &QComboBox::currentIndexChanged, this, edited);
    connect(valueEdit, &QLineEdit::textChanged, this, edited);
}

void ConditionsBuilder::removeRow(int row)
{
    if (row < 0 || row >= m_rows.size())
        return;
    m_table->removeRow(row);
    m_rows.removeAt(row);
    validate();
    Q_EMIT changed();
}

void ConditionsBuilder::setMatchAny(bool any)
{
    m_mode->setCurrentIndex(any ? 1 : 0);
}

bool ConditionsBuilder::matchesAny() const
{
    return m_mode->currentIndex() == 1;
}

int ConditionsBuilder::rowCount() const
{
    return m_table->rowCount();
}

void ConditionsBuilder::setRowText(int row, Column column, const QString &text)
{
    QWidget *cell = m_table->cellWidget(row, column);
    if (auto *edit = qobject_cast<QLineEdit *>(cell))
        edit->setText(text);
    else if (auto *box = qobject_cast<QComboBox *>(cell))
        box->setCurrentText(text);
}

QString ConditionsBuilder::rowText(int row, Column column) const
{
    QWidget *cell = m_table->cellWidget(row, column);
    if (auto *edit = qobject_cast<QLineEdit *>(cell))
        return edit->text();
    if (auto *box = qobject_cast<QComboBox *>(cell))
        return box->currentText();
    if (auto *label = qobject_cast<QLabel *>(cell))
        return label->text();
    return {};
}

// The row's value as JSON: unchanged text keeps the loaded value and its type; otherwise what the operator
// needs (a number, a boolean, a list), else text.
QJsonValue ConditionsBuilder::rowValue(int row) const
{
    const QString text = rowText(row, ValueColumn);
    const RowData &data = m_rows[row];
    // Undefined: the file had no value (`exists`), and saving adds none.
    if (text == data.valueText && (!data.value.isUndefined() || text.isEmpty()))
        return data.value;
    const auto op = Condition::opFromName(rowText(row, OpColumn));
    const QString trimmed = text.trimmed();
    if (op == Condition::Op::Exists)
        return trimmed.isEmpty() ? QJsonValue(true) : QJsonValue(trimmed != QLatin1String("false"));
    if (op == Condition::Op::Less || op == Condition::Op::LessOrEqual || op == Condition::Op::Greater ||
        op == Condition::Op::GreaterOrEqual) {
        bool ok = false;
        const double number = trimmed.toDouble(&ok);
        return ok ? QJsonValue(number) : QJsonValue(text);
    }
    if (op == Condition::Op::In || op == Condition::Op::CommentCommand) {
        if (trimmed.startsWith(QLatin1Char('['))) {
            const QJsonDocument list = QJsonDocument::fromJson(trimmed.toUtf8());
            if (list.isArray())
                return list.array();
        }
        if (op == Condition::Op::CommentCommand)
            return text;
        QJsonArray items;
        for (const QString &item : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
            items.append(item.trimmed());
        return items;
    }
    // A loaded number or boolean stays one when edited to another of its kind.
    if (data.value.isDouble()) {
        bool ok = false;
        const double number = trimmed.toDouble(&ok);
        if (ok)
            return number;
    }
    if (data.value.isBool() && (trimmed == QLatin1String("true") || trimmed == QLatin1String("false")))
        return trimmed == QLatin1String("true");
    return text;
}

std::optional<QJsonObject> ConditionsBuilder::rowJson(int row, QString *error) const
{
    if (m_rows[row].raw) {
        QJsonParseError parseError;
        const QJsonDocument document =
            QJsonDocument::fromJson(rowText(row, ValueColumn).toUtf8(), &parseError);
        if (!document.isObject()) {
            *error = tr("not a JSON object: %1").arg(parseError.errorString());
            return std::nullopt;
        }
        return document.object();
    }
    const QString field = rowText(row, FieldColumn).trimmed();
    const QString opName = rowText(row, OpColumn);
    const auto op = Condition::opFromName(opName);
    if (!op) {
        *error = tr("unknown operator %1").arg(opName);
        return std::nullopt;
    }
    const QJsonValue value = rowValue(row);
    const bool noValue = value.isUndefined();
    const Result<Condition> leaf =
        Condition::leaf(field, *op, noValue && op == Condition::Op::Exists ? QJsonValue(true) : value);
    if (!leaf) {
        *error = leaf.error().message;
        return std::nullopt;
    }
    QJsonObject json{{QStringLiteral("field"), field}, {QStringLiteral("op"), opName}};
    if (!noValue)
        json.insert(QStringLiteral("value"), value);
    return json;
}

QString ConditionsBuilder::rowError(int row) const
{
    QString error;
    rowJson(row, &error);
    return error;
}

QString ConditionsBuilder::firstError() const
{
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QString error = rowError(row);
        if (!error.isEmpty())
            return tr("Condition %1: %2").arg(row + 1).arg(error);
    }
    return {};
}

void ConditionsBuilder::validate()
{
    for (int row = 0; row < m_table->rowCount(); ++row) {
        auto *check = qobject_cast<QLabel *>(m_table->cellWidget(row, CheckColumn));
        if (!check)
            continue;
        const QString error = rowError(row);
        check->setText(error.isEmpty() ? tr("✓ valid") : error);
        check->setToolTip(error);
        check->setStyleSheet(error.isEmpty()
                                 ? toneColorCss(Tone::Success)
                                 : toneColorCss(Tone::Failure) + QStringLiteral(" font-weight: bold"));
        // The row's value cell is marked too, so the problem is seen where it is typed.
        if (auto *value = qobject_cast<QLineEdit *>(m_table->cellWidget(row, ValueColumn)))
            value->setStyleSheet(error.isEmpty() ? QString()
                                                 : QStringLiteral("background: %1; color: %2;")
                                                       .arg(toneSwatch(Tone::Failure).background.name(),
                                                            toneSwatch(Tone::Failure).text.name()));
    }
}

std::optional<QJsonObject> ConditionsBuilder::conditions() const
{
    QJsonArray children;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        QString error;
        const std::optional<QJsonObject> child = rowJson(row, &error);
        if (child)
            children.append(*child);
    }
    if (children.isEmpty())
        return std::nullopt;
    if (!m_rootIsGroup && children.size() == 1 && !matchesAny())
        return children.first().toObject();
    return QJsonObject{{matchesAny() ? QStringLiteral("any") : QStringLiteral("all"), children}};
}

} // namespace exeserver
