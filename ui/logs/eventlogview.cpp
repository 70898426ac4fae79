#include "logs/eventlogview.h"

#include "logs/eventlogmodel.h"
#include "store/eventstore.h"
#include "widgets/emptyhint.h"
#include "widgets/jsontreemodel.h"
#include "widgets/logtable.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace exeserver {

namespace {

QLineEdit *filterEdit(const QString &placeholder, const QString &name, QWidget *parent)
{
    auto *edit = new QLineEdit(parent);
    edit->setPlaceholderText(placeholder);
    edit->setAccessibleName(placeholder);
    edit->setObjectName(name);
    edit->setClearButtonEnabled(true);
    return edit;
}

} // namespace

EventLogView::EventLogView(EventStore &store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_model(new EventLogModel(store, this))
    , m_payload(new JsonTreeModel(this))
    , m_type(filterEdit(tr("Event type (push, pull_request.opened)"), QStringLiteral("typeFilter"), this))
    , m_repository(filterEdit(tr("Repository (owner/name)"), QStringLiteral("repositoryFilter"), this))
    , m_sender(filterEdit(tr("Sender"), QStringLiteral("senderFilter"), this))
    , m_time(new QComboBox(this))
    , m_search(filterEdit(tr("Search titles, messages, names"), QStringLiteral("searchFilter"), this))
    , m_status(new QLabel(this))
    , m_table(new QTableView(this))
    , m_tree(new QTreeView(this))
    , m_copyPath(new QPushButton(tr("Copy path"), this))
    , m_create(new QPushButton(tr("Create trigger from this event…"), this))
    , m_debounce(new QTimer(this))
{
    setObjectName(QStringLiteral("EventLogView"));
    m_time->setObjectName(QStringLiteral("timeFilter"));
    m_time->setAccessibleName(tr("Time range"));
    m_time->addItems(
        {tr("Any time"), tr("Last hour"), tr("Last 24 hours"), tr("Last 7 days"), tr("Last 30 days")});
    m_status->setObjectName(QStringLiteral("eventLogStatus"));

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_type, 3);
    filters->addWidget(m_repository, 3);
    filters->addWidget(m_sender, 2);
    filters->addWidget(m_time, 1);
    filters->addWidget(m_search, 3);

    m_table->setObjectName(QStringLiteral("eventTable"));
    setEmptyHint(m_table, tr("No events to show. Events arrive by webhook or polling for the repositories "
                             "ExeServer watches; the filters above may hide some."));
    m_table->setAccessibleName(tr("Events"));
    m_table->setModel(m_model);
    setUpLogTable(*m_table);
    m_table->setColumnWidth(EventLogModel::TimeColumn, 150);
    m_table->setColumnWidth(EventLogModel::SourceColumn, 70);
    m_table->setColumnWidth(EventLogModel::TypeColumn, 190);
    m_table->setColumnWidth(EventLogModel::RepositoryColumn, 170);
    m_table->setColumnWidth(EventLogModel::SenderColumn, 100);

    m_tree->setObjectName(QStringLiteral("payloadTree"));
    setEmptyHint(m_tree, tr("Select an event to see its payload."));
    m_tree->setAccessibleName(tr("Payload of the selected event"));
    m_tree->setModel(m_payload);
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->resizeSection(JsonTreeModel::KeyColumn, 220);
    m_copyPath->setObjectName(QStringLiteral("copyPathButton"));
    m_copyPath->setToolTip(tr("Copies the selected field's path as a trigger condition writes it"));
    m_create->setObjectName(QStringLiteral("createTriggerButton"));
    m_create->setToolTip(tr("Opens the trigger editor with this event's repository, type and action, and a "
                            "condition for each field selected in the payload"));

    auto *payloadButtons = new QHBoxLayout;
    payloadButtons->addWidget(m_copyPath);
    payloadButtons->addStretch(1);
    payloadButtons->addWidget(m_create);
    auto *payloadPane = new QWidget(this);
    auto *payloadLayout = new QVBoxLayout(payloadPane);
    payloadLayout->setContentsMargins(0, 0, 0, 0);
    payloadLayout->addWidget(m_tree, 1);
    payloadLayout->addLayout(payloadButtons);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(payloadPane);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_status);

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(300);
    connect(m_debounce, &QTimer::timeout, this, &EventLogView::applyFilters);
    for (QLineEdit *edit : {m_type, m_repository, m_sender, m_search}) {
        connect(edit, &QLineEdit::textEdited, m_debounce, qOverload<>(&QTimer::start));
        connect(edit, &QLineEdit::returnPressed, this, &EventLogView::applyFilters);
    }
    connect(m_time, &QComboBox::currentIndexChanged, this, &EventLogView::applyFilters);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &EventLogView::showSelectedEvent);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this]() {
        m_status->setText(statusText());
        showSelectedEvent();
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this]() { m_status->setText(statusText()); });
    connect(m_copyPath, &QPushButton::clicked, this, &EventLogView::copyPath);
    connect(m_create, &QPushButton::clicked, this, &EventLogView::createTrigger);
    m_status->setText(statusText());
    showSelectedEvent();
}

QString EventLogView::statusText() const
{
    if (!m_model->lastError().isEmpty())
        return tr("Cannot read the event log: %1").arg(m_model->lastError());
    const int count = m_model->rowCount();
    const QString counted = !m_model->isCountExact() ? tr("%1+ events").arg(QLocale().toString(count))
                            : count == 1             ? tr("1 event")
                                                     : tr("%1 events").arg(QLocale().toString(count));
    return m_note.isEmpty() ? counted : counted + QStringLiteral(" · ") + m_note;
}

void EventLogView::setTypeFilter(const QString &text)
{
    m_type->setText(text);
}

void EventLogView::setRepositoryFilter(const QString &text)
{
    m_repository->setText(text);
}

void EventLogView::setSenderFilter(const QString &text)
{
    m_sender->setText(text);
}

void EventLogView::setSearchText(const QString &text)
{
    m_search->setText(text);
}

void EventLogView::setTimeRange(int index)
{
    m_time->setCurrentIndex(index); // applies through currentIndexChanged
}

void EventLogView::applyFilters()
{
    m_debounce->stop();
    EventQuery filter;
    const QString type = m_type->text().trimmed();
    filter.type = type.section(QLatin1Char('.'), 0, 0);
    filter.action = type.section(QLatin1Char('.'), 1);
    filter.repository = m_repository->text().trimmed();
    filter.sender = m_sender->text().trimmed();
    filter.text = m_search->text();
    static const qint64 kRangeSecs[] = {0, 3600, 86400, 7 * 86400, 30 * 86400};
    const int range = std::clamp(m_time->currentIndex(), 0, 4);
    if (kRangeSecs[range] > 0)
        filter.since = m_store.clock()->now().addSecs(-kRangeSecs[range]);
    const EventQuery &current = m_model->filter();
    if (filter.type == current.type && filter.action == current.action &&
        filter.repository == current.repository && filter.sender == current.sender &&
        filter.text == current.text && filter.since == current.since && m_model->lastError().isEmpty())
        return;
    // New results start at the newest; a scroll bar left at the bottom would also make the view ask for
    // the whole count at once.
    m_note.clear();
    m_table->scrollToTop();
    m_model->setFilter(filter);
}

bool EventLogView::selectEvent(const QString &eventId)
{
    const auto fail = [this](const QString &note) {
        m_note = note;
        m_status->setText(statusText());
        return false;
    };
    m_note.clear(); // a note about an earlier event goes
    const Result<std::optional<EventCursor>> position = m_store.eventPosition(eventId);
    if (!position)
        return fail(tr("cannot find event %1: %2").arg(eventId, position.error().message));
    if (!*position)
        return fail(tr("event %1 is not in the store").arg(eventId));
    applyFilters();     // what the filter fields show, typed but not applied yet
    m_model->refresh(); // events that arrived since the last count
    int row = m_model->locate(**position);
    if (row < 0 && m_model->lastError().isEmpty()) {
        const EventQuery &f = m_model->filter();
        const bool filtered = !f.type.isEmpty() || !f.action.isEmpty() || !f.repository.isEmpty() ||
                              !f.sender.isEmpty() || !f.text.trimmed().isEmpty() || f.since.isValid();
        if (filtered) {
            clearFilters();
            m_note = tr("Filters cleared to show event %1").arg(eventId);
            row = m_model->locate(**position);
        }
    }
    if (row < 0) {
        return fail(m_model->lastError().isEmpty()
                        ? tr("event %1 is not in the log").arg(eventId)
                        : tr("cannot show event %1: %2").arg(eventId, m_model->lastError()));
    }
    m_table->selectRow(row);
    m_table->scrollTo(m_model->index(row, 0), QAbstractItemView::PositionAtCenter);
    m_status->setText(statusText());
    return true;
}

void EventLogView::clearFilters()
{
    for (QLineEdit *edit : {m_type, m_repository, m_sender, m_search})
        edit->clear();
    {
        const QSignalBlocker blocked(m_time); // one reload below, not one per cleared field
        m_time->setCurrentIndex(0);
    }
    applyFilters();
}

void EventLogView::refresh()
{
    m_model->refresh();
}

void EventLogView::showSelectedEvent()
{
    const QModelIndex current = m_table->currentIndex();
    const Event listed = current.isValid() ? m_model->eventAt(current.row()) : Event{};
    m_selectedEventId = listed.id;
    QByteArray payload;
    if (!listed.id.isEmpty()) {
        const Result<std::optional<Event>> full = m_store.event(listed.id);
        if (full && *full)
            payload = (*full)->payload;
    }
    m_payload->setJson(payload);
    m_tree->expandToDepth(0);
    m_copyPath->setEnabled(!payload.isEmpty());
    m_create->setEnabled(!listed.id.isEmpty());
}

QString EventLogView::selectedFieldPath() const
{
    return m_payload->fieldPath(m_tree->currentIndex());
}

void EventLogView::copyPath()
{
    const QString path = selectedFieldPath();
    if (!path.isEmpty())
        QApplication::clipboard()->setText(path);
}

TriggerDraft EventLogView::draftFromSelection() const
{
    TriggerDraft draft;
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        return draft;
    const Event event = m_model->eventAt(current.row());
    draft.eventId = event.id;
    draft.repository = event.repository;
    draft.type = event.type;
    draft.action = event.action;
    const QModelIndexList selected = m_tree->selectionModel()->selectedRows(JsonTreeModel::KeyColumn);
    for (const QModelIndex &index : selected) {
        const QJsonValue value = m_payload->value(index);
        if (value.isObject() || value.isArray())
            continue; // a condition compares one value
        draft.fields.append({m_payload->fieldPath(index), value});
    }
    return draft;
}

void EventLogView::createTrigger()
{
    const TriggerDraft draft = draftFromSelection();
    if (!draft.eventId.isEmpty())
        Q_EMIT createTriggerRequested(draft);
}

} // namespace exeserver
