#include "widgets/jsontreemodel.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace exeserver {

JsonTreeModel::JsonTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<Node>())
{
}

JsonTreeModel::~JsonTreeModel() = default;

void JsonTreeModel::setJson(const QByteArray &json)
{
    beginResetModel();
    m_root = std::make_unique<Node>();
    const QJsonDocument document = QJsonDocument::fromJson(json);
    m_root->value = document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
    build(*m_root);
    endResetModel();
}

void JsonTreeModel::build(Node &node)
{
    const auto add = [&node](const QString &key, const QString &path, const QJsonValue &value) {
        auto child = std::make_unique<Node>();
        child->parent = &node;
        child->row = int(node.children.size());
        child->key = key;
        child->path = path;
        child->value = value;
        build(*child);
        node.children.push_back(std::move(child));
    };
    if (node.value.isObject()) {
        const QJsonObject object = node.value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it)
            add(it.key(), node.path.isEmpty() ? it.key() : node.path + QLatin1Char('.') + it.key(),
                it.value());
    } else if (node.value.isArray()) {
        const QJsonArray array = node.value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString key = QStringLiteral("[%1]").arg(i);
            add(key, node.path + key, array.at(i));
        }
    }
}

JsonTreeModel::Node *JsonTreeModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

QString JsonTreeModel::fieldPath(const QModelIndex &index) const
{
    return index.isValid() ? nodeOf(index)->path : QString();
}

QJsonValue JsonTreeModel::value(const QModelIndex &index) const
{
    return nodeOf(index)->value;
}

QModelIndex JsonTreeModel::indexOfPath(const QString &path) const
{
    // Breadth is small (a payload's keys); walk down by prefix.
    const Node *node = m_root.get();
    while (node) {
        const Node *next = nullptr;
        for (const auto &child : node->children) {
            if (child->path == path)
                return createIndex(child->row, 0, child.get());
            if (path.startsWith(child->path) && path.size() > child->path.size() &&
                (path.at(child->path.size()) == QLatin1Char('.') ||
                 path.at(child->path.size()) == QLatin1Char('['))) {
                next = child.get();
                break;
            }
        }
        node = next;
    }
    return {};
}

QModelIndex JsonTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    const Node *node = nodeOf(parent);
    if (row < 0 || row >= int(node->children.size()) || column < 0 || column >= ColumnCount)
        return {};
    return createIndex(row, column, node->children[size_t(row)].get());
}

QModelIndex JsonTreeModel::parent(const QModelIndex &child) const
{
    const Node *node = nodeOf(child);
    if (!child.isValid() || !node->parent || node->parent == m_root.get())
        return {};
    return createIndex(node->parent->row, 0, node->parent);
}

int JsonTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int JsonTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant JsonTreeModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const Node *node = nodeOf(index);
    if (role == Qt::ToolTipRole)
        return node->path;
    if (role != Qt::DisplayRole)
        return {};
    if (index.column() == KeyColumn)
        return node->key;
    const QJsonValue &value = node->value;
    switch (value.type()) {
    case QJsonValue::Object: {
        const qsizetype size = value.toObject().size();
        return size == 1 ? tr("{1 field}") : tr("{%1 fields}").arg(size);
    }
    case QJsonValue::Array: {
        const qsizetype size = value.toArray().size();
        return size == 1 ? tr("[1 item]") : tr("[%1 items]").arg(size);
    }
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact))
            .mid(1)
            .chopped(1);
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Undefined:
        break;
    }
    return {};
}

QVariant JsonTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == KeyColumn ? tr("Field") : tr("Value");
}

} // namespace exeserver
