#include "dashboard/repositorypicker.h"

#include "widgets/sectiontitle.h"

#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace exeserver {

RepositoryPicker::RepositoryPicker(QWidget *parent)
    : QWidget(parent)
    , m_search(new QLineEdit(this))
    , m_list(new QListView(this))
    , m_summary(new QLabel(this))
    , m_model(new QStandardItemModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    setObjectName(QStringLiteral("repositoryPicker"));
    QLabel *title = sectionTitle(tr("Repositories"), this);
    m_search->setObjectName(QStringLiteral("repositorySearch"));
    m_search->setPlaceholderText(tr("Search repositories…"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search repositories"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_list->setModel(m_proxy);
    m_list->setObjectName(QStringLiteral("repositoryList"));
    m_list->setAccessibleName(tr("Repositories shown on the dashboard"));
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_summary->setObjectName(QStringLiteral("repositorySummary"));
    m_summary->setWordWrap(true); // the "not loaded yet" line must not widen the sidebar

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title);
    layout->addWidget(m_search);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_summary);

    connect(m_search, &QLineEdit::textChanged, this, &RepositoryPicker::setFilterText);
    connect(m_model, &QStandardItemModel::itemChanged, this, [this]() {
        if (m_updating)
            return;
        m_wanted = selected();
        updateSummary();
        Q_EMIT selectionChanged(m_wanted);
    });
    updateSummary();
}

void RepositoryPicker::setRepositories(const QList<Repository> &repositories)
{
    m_updating = true;
    m_model->clear();
    for (const Repository &repo : repositories) {
        auto *item = new QStandardItem(repo.fullName);
        item->setCheckable(true);
        item->setEditable(false);
        item->setCheckState(m_wanted.contains(repo.fullName) ? Qt::Checked : Qt::Unchecked);
        QString tip = repo.description;
        if (repo.isPrivate)
            tip = tr("Private. %1").arg(tip);
        if (repo.archived)
            tip = tr("Archived. %1").arg(tip);
        item->setToolTip(tip);
        m_model->appendRow(item);
    }
    m_updating = false;
    updateSummary();
}

void RepositoryPicker::setSelected(const QStringList &fullNames)
{
    m_wanted = fullNames;
    m_updating = true;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        QStandardItem *item = m_model->item(row);
        item->setCheckState(fullNames.contains(item->text()) ? Qt::Checked : Qt::Unchecked);
    }
    m_updating = false;
    updateSummary();
}

void RepositoryPicker::setChecked(const QString &fullName, bool checked)
{
    const QList<QStandardItem *> found = m_model->findItems(fullName);
    if (!found.isEmpty())
        found.first()->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
}

QStringList RepositoryPicker::selected() const
{
    if (m_model->rowCount() == 0)
        return m_wanted;
    QStringList names;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->item(row)->checkState() == Qt::Checked)
            names.append(m_model->item(row)->text());
    }
    return names;
}

QStringList RepositoryPicker::available() const
{
    QStringList names;
    for (int row = 0; row < m_model->rowCount(); ++row)
        names.append(m_model->item(row)->text());
    return names;
}

void RepositoryPicker::setFilterText(const QString &text)
{
    if (m_search->text() != text)
        m_search->setText(text);
    m_proxy->setFilterFixedString(text);
}

int RepositoryPicker::visibleCount() const
{
    return m_proxy->rowCount();
}

void RepositoryPicker::updateSummary()
{
    // Before the account's list arrives (or when it cannot be fetched) the remembered selection is what
    // the tables show; "3 of 0 selected" would read as a contradiction.
    if (m_model->rowCount() == 0) {
        m_summary->setText(m_wanted.isEmpty() ? tr("Your repositories are not listed yet")
                                              : tr("%n selected; your repository list is not loaded yet",
                                                   nullptr, int(m_wanted.size())));
        return;
    }
    m_summary->setText(tr("%1 of %2 selected").arg(selected().size()).arg(m_model->rowCount()));
}

QString RepositoryPicker::summaryText() const
{
    return m_summary->text();
}

} // namespace exeserver
