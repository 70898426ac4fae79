#pragma once

#include "util/result.h"

#include <QSqlDatabase>

namespace exeserver::migrations {

// The schema's version ladder, kept in SQLite's user_version. Each step runs in one transaction with its
// version bump, so a crash mid-migration leaves the previous version intact. Steps are never edited once
// shipped; a change is a new step.
//   1  events, actions
//   2  sender index, action updated_at, http_cache, sync outbox and the triggers that fill it
//   3  triggers, trigger_firings, events.search_text (+ events_fts when SQLite has FTS5)
//   4  events_fts without column sizes (smaller)
//   5  assistant_conversations, assistant_messages (core/assistant)
//   6  event_keys: the secondary dedupe key of each event that has one (backfilled for 90 days)
//   7  events_fts filled after ingest, below store_state.fts_indexed_through (EventStore::indexFullText)
//   8  no events_to_outbox trigger: EventStore::addEvents enqueues a batch's events itself
//   9  event_keys backfilled for workflow_run, which got an occurrence key (Occurrence::key)
//  10  actions.outputs (GITHUB_OUTPUT as JSON) and actions.summary (GITHUB_STEP_SUMMARY) of code files
constexpr int kLatest = 10;

int version(const QSqlDatabase &db);
// Runs every step above the current version up to `target` (kLatest by default). Refuses a database
// newer than this build understands.
Status migrate(QSqlDatabase &db, int target = kLatest);
// Whether this SQLite can create FTS5 tables (Qt's bundled SQLite and Debian's both can; some can't).
bool fts5Available(const QSqlDatabase &db);

} // namespace exeserver::migrations
