#pragma once

#include <QAbstractItemModel>
#include <QJsonValue>

#include <memory>
#include <vector>

namespace exeserver {

// A JSON document as a tree (key, value) for the payload viewer. Each node knows its field path in the
// trigger condition syntax (`pull_request.labels[0].name`), so a path can be copied into a condition.
class JsonTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column
    {
        KeyColumn,
        ValueColumn,
        ColumnCount
    };

    explicit JsonTreeModel(QObject *parent = nullptr);
    ~JsonTreeModel() override;

    void setJson(const QByteArray &json);
    QString fieldPath(const QModelIndex &index) const;
    QJsonValue value(const QModelIndex &index) const;
    // The index of a field path, or invalid when the document has no such node (tests, selection restore).
    QModelIndex indexOfPath(const QString &path) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    struct Node
    {
        Node *parent = nullptr;
        int row = 0;
        QString key; // "name", or "[3]" in arrays
        QString path;
        QJsonValue value;
        std::vector<std::unique_ptr<Node>> children;
    };
    static void build(Node &node);
    Node *nodeOf(const QModelIndex &index) const;

    std::unique_ptr<Node> m_root;
};

} // namespace exeserver
