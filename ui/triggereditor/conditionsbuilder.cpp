#include "triggereditor/conditionsbuilder.h"

#include "triggers/condition.h"
#include "widgets/themecolors.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScreen>
#include <QScrollBar>
#include <QStringListModel>
#include <QStyle>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>
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

QString groupKey(ConditionsBuilder::Group kind)
{
    switch (kind) {
    case ConditionsBuilder::Group::All:
        return QStringLiteral("all");
    case ConditionsBuilder::Group::Any:
        return QStringLiteral("any");
    case ConditionsBuilder::Group::Not:
        return QStringLiteral("not");
    }
    return {};
}

} // namespace

ConditionsBuilder::ConditionsBuilder(QWidget *parent)
    : QWidget(parent)
    , m_mode(new QComboBox(this))
    , m_tree(new QTreeWidget(this))
    , m_paths(new QStringListModel(this))
{
    m_mode->setObjectName(QStringLiteral("conditionMode"));
    m_mode->setAccessibleName(tr("Which conditions must match"));
    m_mode->addItem(tr("All of these must match"), QStringLiteral("all"));
    m_mode->addItem(tr("Any of these may match"), QStringLiteral("any"));
    m_tree->setObjectName(QStringLiteral("conditionTree"));
    m_tree->setAccessibleName(tr("Conditions"));
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels({tr("Field"), tr("Operator"), tr("Value"), tr("Check")});
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(FieldColumn, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(ValueColumn, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(CheckColumn, QHeaderView::Stretch);
    m_tree->setColumnWidth(OpColumn, 130);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setRootIsDecorated(true);

    auto *add = new QPushButton(tr("Add condition"), this);
    add->setObjectName(QStringLiteral("addCondition"));
    add->setToolTip(tr("Adds a condition to the selected group (or beside the selected condition)"));
    auto *addGroup = new QPushButton(tr("Add group"), this);
    addGroup->setObjectName(QStringLiteral("addConditionGroup"));
    addGroup->setToolTip(tr("Adds a group whose conditions combine with any, all or none"));
    auto *remove = new QPushButton(tr("Remove"), this);
    remove->setObjectName(QStringLiteral("removeCondition"));
    remove->setToolTip(tr("Removes the selected condition, or the selected group with its conditions"));
    auto *top = new QHBoxLayout;
    top->addWidget(m_mode);
    top->addStretch(1);
    top->addWidget(add);
    top->addWidget(addGroup);
    top->addWidget(remove);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_tree, 1);

    onPaletteChange(this, [this]() { validate(); }); // the check column's colours
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this]() {
        if (!m_loading)
            Q_EMIT changed();
    });
    connect(add, &QPushButton::clicked, this, [this]() {
        QTreeWidgetItem *leaf = insertLeaf(targetGroup(), QString(), QStringLiteral("equals"),
                                           {QStringLiteral("equals"), QString(), {}});
        m_tree->setCurrentItem(leaf);
        if (QWidget *field = m_tree->itemWidget(leaf, FieldColumn))
            field->setFocus();
        edited();
    });
    connect(addGroup, &QPushButton::clicked, this, [this]() {
        QTreeWidgetItem *group = insertGroup(targetGroup(), Group::Any);
        QTreeWidgetItem *leaf =
            insertLeaf(group, QString(), QStringLiteral("equals"), {QStringLiteral("equals"), QString(), {}});
        m_tree->setCurrentItem(leaf);
        if (QWidget *field = m_tree->itemWidget(leaf, FieldColumn))
            field->setFocus();
        edited();
    });
    connect(remove, &QPushButton::clicked, this, [this]() {
        if (QTreeWidgetItem *current = m_tree->currentItem())
            removeRow(rowOf(current));
    });
}

void ConditionsBuilder::setFieldPaths(const QStringList &paths)
{
    m_paths->setStringList(paths);
    updatePopupWidth();
}

// A completer's list is as wide as its line edit by default, which cuts the long payload paths it offers.
void ConditionsBuilder::updatePopupWidth()
{
    const QFontMetrics metrics(font());
    int widest = 0;
    for (const QString &path : m_paths->stringList())
        widest = std::max(widest, metrics.horizontalAdvance(path));
    const int scrollBar = style()->pixelMetric(QStyle::PM_ScrollBarExtent);
    m_popupWidth = widest + scrollBar + 4 * style()->pixelMetric(QStyle::PM_DefaultFrameWidth) + 16;
    if (const QScreen *shown = screen())
        m_popupWidth = std::min(m_popupWidth, shown->availableGeometry().width());
    for (auto it = m_leaves.cbegin(); it != m_leaves.cend(); ++it) {
        if (auto *field = qobject_cast<QLineEdit *>(
                m_tree->itemWidget(const_cast<QTreeWidgetItem *>(it.key()), FieldColumn)))
            field->completer()->popup()->setMinimumWidth(m_popupWidth);
    }
}

void ConditionsBuilder::setConditions(const std::optional<QJsonObject> &conditions)
{
    m_loading = true;
    m_tree->clear();
    m_leaves.clear();
    m_rootIsGroup = true;
    m_mode->setCurrentIndex(0);
    if (conditions) {
        if (conditions->contains(QLatin1String("all")) || conditions->contains(QLatin1String("any"))) {
            const bool any = conditions->contains(QLatin1String("any"));
            m_mode->setCurrentIndex(any ? 1 : 0);
            const QJsonArray children =
                conditions->value(any ? QLatin1String("any") : QLatin1String("all")).toArray();
            for (const QJsonValue &child : children)
                loadNode(child.toObject(), m_tree->invisibleRootItem());
        } else {
            m_rootIsGroup = false;
            loadNode(*conditions, m_tree->invisibleRootItem());
        }
    }
    m_tree->expandAll();
    m_loading = false;
    validate();
}

void ConditionsBuilder::loadNode(const QJsonObject &node, QTreeWidgetItem *parent)
{
    for (const Group kind : {Group::All, Group::Any}) {
        if (node.contains(groupKey(kind))) {
            QTreeWidgetItem *group = insertGroup(parent, kind);
            for (const QJsonValue &child : node.value(groupKey(kind)).toArray())
                loadNode(child.toObject(), group);
            return;
        }
    }
    if (node.contains(QLatin1String("not"))) {
        loadNode(node.value(QLatin1String("not")).toObject(), insertGroup(parent, Group::Not));
        return;
    }
    LeafData data;
    data.op = node.value(QLatin1String("op")).toString();
    data.value = node.value(QLatin1String("value"));
    data.valueText = valueToText(data.value);
    insertLeaf(parent, node.value(QLatin1String("field")).toString(), data.op, data);
}

QTreeWidgetItem *ConditionsBuilder::newItem(QTreeWidgetItem *parent)
{
    auto *item = new QTreeWidgetItem(parent ? parent : m_tree->invisibleRootItem());
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    if (parent)
        parent->setExpanded(true);
    auto *check = new QLabel(m_tree);
    check->setWordWrap(false);
    m_tree->setItemWidget(item, CheckColumn, check);
    return item;
}

QTreeWidgetItem *ConditionsBuilder::insertLeaf(QTreeWidgetItem *parent, const QString &field,
                                               const QString &op, const LeafData &data)
{
    QTreeWidgetItem *item = newItem(parent);
    m_leaves.insert(item, data);

    auto *fieldEdit = new QLineEdit(field, m_tree);
    fieldEdit->setPlaceholderText(tr("pull_request.base.ref"));
    fieldEdit->setAccessibleName(tr("Field path"));
    auto *completer = new QCompleter(m_paths, fieldEdit);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    fieldEdit->setCompleter(completer);
    completer->popup()->setMinimumWidth(m_popupWidth);
    auto *opBox = new QComboBox(m_tree);
    opBox->setAccessibleName(tr("Operator"));
    opBox->addItems(opNames());
    const int index = opNames().indexOf(op);
    if (index >= 0) {
        opBox->setCurrentIndex(index);
    } else { // an alias (==, lt): show the canonical name
        const auto parsed = Condition::opFromName(op);
        opBox->setCurrentIndex(parsed ? opNames().indexOf(Condition::opName(*parsed)) : 0);
    }
    auto *valueEdit = new QLineEdit(data.valueText, m_tree);
    valueEdit->setAccessibleName(tr("Value"));

    m_tree->setItemWidget(item, FieldColumn, fieldEdit);
    m_tree->setItemWidget(item, OpColumn, opBox);
    m_tree->setItemWidget(item, ValueColumn, valueEdit);
    connect(fieldEdit, &QLineEdit::textChanged, this, &ConditionsBuilder::edited);
    connect(opBox, &QComboBox::currentIndexChanged, this, &ConditionsBuilder::edited);
    connect(valueEdit, &QLineEdit::textChanged, this, &ConditionsBuilder::edited);
    return item;
}

QTreeWidgetItem *ConditionsBuilder::insertGroup(QTreeWidgetItem *parent, Group kind)
{
    QTreeWidgetItem *item = newItem(parent);
    auto *kindBox = new QComboBox(m_tree);
    kindBox->setAccessibleName(tr("Group: how its conditions combine"));
    kindBox->addItem(tr("All of these"), QVariant::fromValue(int(Group::All)));
    kindBox->addItem(tr("Any of these"), QVariant::fromValue(int(Group::Any)));
    kindBox->addItem(tr("None of these (not)"), QVariant::fromValue(int(Group::Not)));
    kindBox->setCurrentIndex(int(kind));
    m_tree->setItemWidget(item, FieldColumn, kindBox);
    connect(kindBox, &QComboBox::currentIndexChanged, this, &ConditionsBuilder::edited);
    return item;
}

QTreeWidgetItem *ConditionsBuilder::targetGroup() const
{
    QTreeWidgetItem *current = m_tree->currentItem();
    if (!current)
        return nullptr;
    return m_leaves.contains(current) ? current->parent() : current;
}

void ConditionsBuilder::edited()
{
    validate();
    if (!m_loading)
        Q_EMIT changed();
}

QTreeWidgetItem *ConditionsBuilder::item(int row) const
{
    int index = 0;
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it, ++index) {
        if (index == row)
            return *it;
    }
    return nullptr;
}

int ConditionsBuilder::rowOf(const QTreeWidgetItem *wanted) const
{
    int index = 0;
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it, ++index) {
        if (*it == wanted)
            return index;
    }
    return -1;
}

int ConditionsBuilder::addLeaf(const QString &field, const QString &op, const QJsonValue &value,
                               int parentRow)
{
    QTreeWidgetItem *parent = parentRow >= 0 ? item(parentRow) : nullptr;
    if (parent && m_leaves.contains(parent))
        parent = parent->parent();
    QTreeWidgetItem *leaf = insertLeaf(parent, field, op, {op, value, valueToText(value)});
    edited();
    return rowOf(leaf);
}

int ConditionsBuilder::addGroup(Group kind, int parentRow)
{
    QTreeWidgetItem *parent = parentRow >= 0 ? item(parentRow) : nullptr;
    if (parent && m_leaves.contains(parent))
        parent = parent->parent();
    QTreeWidgetItem *group = insertGroup(parent, kind);
    edited();
    return rowOf(group);
}

void ConditionsBuilder::setGroupKind(int row, Group kind)
{
    QTreeWidgetItem *group = item(row);
    if (auto *box = group ? qobject_cast<QComboBox *>(m_tree->itemWidget(group, FieldColumn)) : nullptr;
        box && !m_leaves.contains(group))
        box->setCurrentIndex(int(kind));
}

ConditionsBuilder::Group ConditionsBuilder::groupKind(int row) const
{
    QTreeWidgetItem *group = item(row);
    auto *box = group ? qobject_cast<QComboBox *>(m_tree->itemWidget(group, FieldColumn)) : nullptr;
    return box && !m_leaves.contains(group) ? Group(box->currentData().toInt()) : Group::All;
}

void ConditionsBuilder::removeRow(int row)
{
    QTreeWidgetItem *doomed = item(row);
    if (!doomed)
        return;
    forget(doomed);
    delete doomed;
    validate();
    Q_EMIT changed();
}

void ConditionsBuilder::forget(const QTreeWidgetItem *node)
{
    m_leaves.remove(node);
    for (int i = 0; i < node->childCount(); ++i)
        forget(node->child(i));
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
    int count = 0;
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it)
        ++count;
    return count;
}

bool ConditionsBuilder::isGroup(int row) const
{
    QTreeWidgetItem *found = item(row);
    return found && !m_leaves.contains(found);
}

int ConditionsBuilder::depth(int row) const
{
    int levels = 0;
    for (QTreeWidgetItem *up = item(row) ? item(row)->parent() : nullptr; up; up = up->parent())
        ++levels;
    return levels;
}

void ConditionsBuilder::setRowText(int row, Column column, const QString &text)
{
    QTreeWidgetItem *found = item(row);
    QWidget *cell = found ? m_tree->itemWidget(found, column) : nullptr;
    if (auto *edit = qobject_cast<QLineEdit *>(cell))
        edit->setText(text);
    else if (auto *box = qobject_cast<QComboBox *>(cell))
        box->setCurrentText(text);
}

QString ConditionsBuilder::rowText(int row, Column column) const
{
    QTreeWidgetItem *found = item(row);
    return found ? cellText(found, column) : QString();
}

QString ConditionsBuilder::cellText(const QTreeWidgetItem *cellItem, Column column) const
{
    QWidget *cell = m_tree->itemWidget(const_cast<QTreeWidgetItem *>(cellItem), column);
    if (auto *edit = qobject_cast<QLineEdit *>(cell))
        return edit->text();
    if (auto *box = qobject_cast<QComboBox *>(cell))
        return box->currentText();
    if (auto *label = qobject_cast<QLabel *>(cell))
        return label->text();
    return {};
}

// The leaf's value as JSON: unchanged text keeps the loaded value and its type; otherwise what the operator
// needs (a number, a boolean, a list), else text.
QJsonValue ConditionsBuilder::leafValue(const QTreeWidgetItem *leaf) const
{
    const QString text = cellText(leaf, ValueColumn);
    const LeafData &data = m_leaves[leaf];
    // Undefined: the file had no value (`exists`), and saving adds none.
    if (text == data.valueText && (!data.value.isUndefined() || text.isEmpty()))
        return data.value;
    const auto op = Condition::opFromName(cellText(leaf, OpColumn));
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
        for (const QString &entry : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
            items.append(entry.trimmed());
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

std::optional<QJsonObject> ConditionsBuilder::nodeJson(const QTreeWidgetItem *node, QString *error) const
{
    if (!m_leaves.contains(node))
        return groupJson(node, error);
    const QString field = cellText(node, FieldColumn).trimmed();
    const QString shownOp = cellText(node, OpColumn);
    const auto op = Condition::opFromName(shownOp);
    if (!op) {
        *error = tr("unknown operator %1").arg(shownOp);
        return std::nullopt;
    }
    const QJsonValue value = leafValue(node);
    const bool noValue = value.isUndefined();
    const Result<Condition> leaf =
        Condition::leaf(field, *op, noValue && op == Condition::Op::Exists ? QJsonValue(true) : value);
    if (!leaf) {
        *error = leaf.error().message;
        return std::nullopt;
    }
    // An alias the file used (`lt`) is written back as it was while the operator is unchanged.
    const QString loadedOp = m_leaves[node].op;
    const bool sameOp = Condition::opFromName(loadedOp) == op;
    QJsonObject json{{QStringLiteral("field"), field}, {QStringLiteral("op"), sameOp ? loadedOp : shownOp}};
    if (!noValue)
        json.insert(QStringLiteral("value"), value);
    return json;
}

// A group saves its valid children; `not` over several children negates their `all`.
std::optional<QJsonObject> ConditionsBuilder::groupJson(const QTreeWidgetItem *group, QString *error) const
{
    QJsonArray children;
    for (int i = 0; i < group->childCount(); ++i) {
        QString childError;
        if (const auto child = nodeJson(group->child(i), &childError))
            children.append(*child);
    }
    if (children.isEmpty()) {
        *error = group->childCount() == 0 ? tr("an empty group: add a condition to it or remove it")
                                          : tr("none of the group's conditions is valid");
        return std::nullopt;
    }
    auto *box =
        qobject_cast<QComboBox *>(m_tree->itemWidget(const_cast<QTreeWidgetItem *>(group), FieldColumn));
    const Group kind = box ? Group(box->currentData().toInt()) : Group::All;
    if (kind != Group::Not)
        return QJsonObject{{groupKey(kind), children}};
    if (children.size() == 1)
        return QJsonObject{{groupKey(kind), children.first()}};
    return QJsonObject{{groupKey(kind), QJsonObject{{QStringLiteral("all"), children}}}};
}

QString ConditionsBuilder::rowError(int row) const
{
    QTreeWidgetItem *found = item(row);
    if (!found)
        return {};
    if (!m_leaves.contains(found)) // a group's own problem only; its children say theirs
        return found->childCount() == 0 ? tr("an empty group: add a condition to it or remove it")
                                        : QString();
    QString error;
    nodeJson(found, &error);
    return error;
}

QString ConditionsBuilder::firstError() const
{
    const int rows = rowCount();
    for (int row = 0; row < rows; ++row) {
        const QString error = rowError(row);
        if (!error.isEmpty())
            return tr("Condition %1: %2").arg(row + 1).arg(error);
    }
    return {};
}

void ConditionsBuilder::validate()
{
    int row = 0;
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it, ++row) {
        auto *check = qobject_cast<QLabel *>(m_tree->itemWidget(*it, CheckColumn));
        if (!check)
            continue;
        const QString error = rowError(row);
        const bool group = !m_leaves.contains(*it);
        check->setText(error.isEmpty()
                           ? (!group                     ? tr("✓ valid")
                              : (*it)->childCount() == 1 ? tr("✓ 1 condition")
                                                         : tr("✓ %1 conditions").arg((*it)->childCount()))
                           : error);
        check->setToolTip(error);
        check->setStyleSheet(error.isEmpty()
                                 ? toneColorCss(Tone::Success)
                                 : toneColorCss(Tone::Failure) + QStringLiteral(" font-weight: bold"));
        // The row's value cell is marked too, so the problem is seen where it is typed.
        if (auto *value = qobject_cast<QLineEdit *>(m_tree->itemWidget(*it, ValueColumn)))
            value->setStyleSheet(error.isEmpty() ? QString()
                                                 : QStringLiteral("background: %1; color: %2;")
                                                       .arg(toneSwatch(Tone::Failure).background.name(),
                                                            toneSwatch(Tone::Failure).text.name()));
    }
}

std::optional<QJsonObject> ConditionsBuilder::conditions() const
{
    QJsonArray children;
    QTreeWidgetItem *root = m_tree->invisibleRootItem();
    for (int i = 0; i < root->childCount(); ++i) {
        QString error;
        if (const auto child = nodeJson(root->child(i), &error))
            children.append(*child);
    }
    if (children.isEmpty())
        return std::nullopt;
    if (!m_rootIsGroup && children.size() == 1 && !matchesAny())
        return children.first().toObject();
    return QJsonObject{{matchesAny() ? QStringLiteral("any") : QStringLiteral("all"), children}};
}

} // namespace exeserver
