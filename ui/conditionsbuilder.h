#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QWidget>

#include <optional>

class QComboBox;
class QCompleter;
class QStringListModel;
class QTableWidget;

namespace exeserver {

// The trigger editor's conditions: an `all` / `any` group of rows, each a field path (completed from the
// chosen event's sample payload), an operator and a value, checked as typed — a regex that does not compile,
// a number operator without a number, an empty field — with the message on the row. Nested groups and
// `not` from a loaded file are kept as JSON rows, editable as text.
class ConditionsBuilder : public QWidget
{
    Q_OBJECT
public:
    enum Column
    {
        FieldColumn,
        OpColumn,
        ValueColumn,
        CheckColumn,
        ColumnCount
    };

    explicit ConditionsBuilder(QWidget *parent = nullptr);

    // `conditions` as the file format has it (absent: no conditions).
    void setConditions(const std::optional<QJsonObject> &conditions);
    std::optional<QJsonObject> conditions() const;
    void setFieldPaths(const QStringList &paths);

    void setMatchAny(bool any);
    bool matchesAny() const;
    int rowCount() const;
    // Appends a leaf row; `value` keeps its JSON type when its text is left unchanged.
    void addLeaf(const QString &field, const QString &op, const QJsonValue &value);
    void removeRow(int row);
    void setRowText(int row, Column column, const QString &text);
    QString rowText(int row, Column column) const;
    QString rowError(int row) const; // empty when the row is valid
    // The first row's error, "row N: message", or empty.
    QString firstError() const;
    QTableWidget *table() const { return m_table; }

Q_SIGNALS:
    void changed();

private:
    struct RowData
    {
        bool raw = false; // a nested group kept as JSON
        QJsonValue value; // the value as loaded, kept while its text is unchanged
        QString valueText;
    };
    void addRow(const QString &field, const QString &op, const QString &valueText, const RowData &data);
    QJsonValue rowValue(int row) const;
    std::optional<QJsonObject> rowJson(int row, QString *error) const;
    void validate();

    QComboBox *m_mode;
    QTableWidget *m_table;
    QStringListModel *m_paths;
    bool m_rootIsGroup = true; // false: the loaded root was a single node, saved bare again
    QList<RowData> m_rows;
    bool m_loading = false;
};

} // namespace exeserver
