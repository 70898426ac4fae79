#pragma once

#include "dashboard/dashboardmodels.h"

#include <QList>
#include <QObject>
#include <QStringList>

class QComboBox;
class QLineEdit;
class QWidget;

namespace exeserver {

// The dashboard's filters: the search field and the repository, workflow, branch and status choices, and
// what they set on the runs' and workflows' proxies. The widgets are children of `parent`; the page lays
// them out.
class DashboardFilters : public QObject
{
    Q_OBJECT
public:
    DashboardFilters(DashboardFilterProxy *runProxy, DashboardFilterProxy *workflowProxy, QWidget *parent);

    QLineEdit *searchField() const { return m_search; }
    // Repository, workflow, branch, status: the order they are laid out in.
    QList<QComboBox *> choices() const;

    // Each selects its choice (when listed) and filters the proxies; the widgets drive these too.
    void setRepository(const QString &repo); // empty: all
    void setBranch(const QString &branch);
    void setWorkflow(const QString &name);
    void setState(int state); // int(RunState), -1: all
    void setSearchText(const QString &text);
    QString repository() const;
    QString branch() const;
    QString workflow() const;
    int state() const;
    void focusSearch();

    // The choices from what is listed; a choice no longer listed goes back to "All".
    void updateChoices(const QStringList &repositories, const QList<DashboardRun> &runs,
                       const QList<DashboardWorkflow> &workflows);

private:
    DashboardFilterProxy *m_runProxy;
    DashboardFilterProxy *m_workflowProxy;
    QLineEdit *m_search;
    QComboBox *m_repository;
    QComboBox *m_branch;
    QComboBox *m_workflow;
    QComboBox *m_state;
};

} // namespace exeserver
