#pragma once

#include "github/githubtypes.h"

#include <QStringList>
#include <QWidget>

class QLabel;
class QLineEdit;
class QListView;
class QSortFilterProxyModel;
class QStandardItemModel;

namespace exeserver {

// The user's repositories as a searchable list of check boxes; the checked ones feed the dashboard.
class RepositoryPicker : public QWidget
{
    Q_OBJECT
public:
    explicit RepositoryPicker(QWidget *parent = nullptr);

    // Keeps the checked names that still exist; names checked before the list arrived stay checked.
    void setRepositories(const QList<Repository> &repositories);
    void setSelected(const QStringList &fullNames);
    QStringList selected() const; // in list order
    QStringList available() const;
    void setFilterText(const QString &text);
    int visibleCount() const;
    // The line under the list: how many repositories are selected, of how many.
    QString summaryText() const;
    void setChecked(const QString &fullName, bool checked);

Q_SIGNALS:
    void selectionChanged(const QStringList &selected);

private:
    void updateSummary();

    QLineEdit *m_search;
    QListView *m_list;
    QLabel *m_summary;
    QStandardItemModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QStringList m_wanted;
    bool m_updating = false;
};

} // namespace exeserver
