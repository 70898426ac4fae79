#pragma once

#include <QHeaderView>
#include <QTableView>

namespace exeserver {

// The event log's and action log's table: whole rows selected one at a time, no wrapping, alternating
// rows, and fixed row heights — a million rows must not be measured.
inline void setUpLogTable(QTableView &table)
{
    table.setSelectionBehavior(QAbstractItemView::SelectRows);
    table.setSelectionMode(QAbstractItemView::SingleSelection);
    table.setWordWrap(false);
    table.setAlternatingRowColors(true);
    table.verticalHeader()->hide();
    table.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table.verticalHeader()->setDefaultSectionSize(table.fontMetrics().height() + 6);
    table.horizontalHeader()->setStretchLastSection(true);
}

} // namespace exeserver
