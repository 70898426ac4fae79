#pragma once

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QWidget>

#include <optional>

class QComboBox;
class QStringListModel;
class QTreeWidget;
class QTreeWidgetItem;

namespace exeserver {

// The trigger editor's conditions: a tree of `all` / `any` / `not` groups and leaf rows, each leaf a field
// path (completed from the chosen event's sample payload), an operator and a value, checked as typed — a
// regex that does not compile, a number operator without a number, an empty field, an empty group — with
// the message on the row. Rows are numbered top to bottom, a group before its children.
class ConditionsBuilder : public QWidget
{
    Q_OBJECT
public:
    enum Column
    {
        FieldColumn, // a group's row holds its kind here
        OpColumn,
        ValueColumn,
        CheckColumn,
        ColumnCount
    };
    enum class Group
    {
        All,
        Any,
        Not
    };

    explicit ConditionsBuilder(QWidget *parent = nullptr);

    // `conditions` as the file format has it (absent: no conditions).
    void setConditions(const std::optional<QJsonObject> &conditions);
    std::optional<QJsonObject> conditions() const;
    void setFieldPaths(const QStringList &paths);

    // How the top-level rows combine.
    void setMatchAny(bool any);
    bool matchesAny() const;
    int rowCount() const; // every row, nested ones included
    bool isGroup(int row) const;
    int depth(int row) const; // 0 for a top-level row
    // Appends a leaf to the group at `parentRow` (-1: the top level); `value` keeps its JSON type when its
    // text is left unchanged. Returns the new row.
    int addLeaf(const QString &field, const QString &op, const QJsonValue &value, int parentRow = -1);
    int addGroup(Group kind, int parentRow = -1);
    void setGroupKind(int row, Group kind);
    Group groupKind(int row) const;
    void removeRow(int row); // a group goes with its children
    void setRowText(int row, Column column, const QString &text);
    QString rowText(int row, Column column) const;
    QString rowError(int row) const; // empty when the row is valid
    // The first row's error, "Condition N: message", or empty.
    QString firstError() const;
    QTreeWidget *tree() const { return m_tree; }
    // The width the field-path completer's list takes, so its longest path shows whole.
    int fieldPopupWidth() const { return m_popupWidth; }

Q_SIGNALS:
    void changed();

private:
    struct LeafData
    {
        QString op;       // the operator as loaded (an alias such as `lt` is saved as written)
        QJsonValue value; // the value as loaded, kept while its text is unchanged
        QString valueText;
    };
    QTreeWidgetItem *item(int row) const;
    int rowOf(const QTreeWidgetItem *item) const;
    QTreeWidgetItem *newItem(QTreeWidgetItem *parent);
    void loadNode(const QJsonObject &node, QTreeWidgetItem *parent);
    QTreeWidgetItem *insertLeaf(QTreeWidgetItem *parent, const QString &field, const QString &op,
                                const LeafData &data);
    QTreeWidgetItem *insertGroup(QTreeWidgetItem *parent, Group kind);
    QTreeWidgetItem *targetGroup() const; // where the Add buttons put a row
    QString cellText(const QTreeWidgetItem *item, Column column) const;
    QJsonValue leafValue(const QTreeWidgetItem *item) const;
    std::optional<QJsonObject> nodeJson(const QTreeWidgetItem *item, QString *error) const;
    std::optional<QJsonObject> groupJson(const QTreeWidgetItem *item, QString *error) const;
    void forget(const QTreeWidgetItem *node); // drops a removed subtree's leaf data
    void edited();
    void validate();
    void updatePopupWidth();

    QComboBox *m_mode;
    QTreeWidget *m_tree;
    QStringListModel *m_paths;
    QHash<const QTreeWidgetItem *, LeafData> m_leaves; // groups are the items not in here
    bool m_rootIsGroup = true; // false: the loaded root was a single node, saved bare again
    bool m_loading = false;
    int m_popupWidth = 0;
};

} // namespace exeserver
