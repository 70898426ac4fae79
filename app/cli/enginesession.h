#pragma once

#include "clicontext.h"

#include <memory>

namespace exeserver {
class EventStore;
class GitHubClient;
class TriggerEngine;
} // namespace exeserver

namespace exeserver::cli {

// The trigger engine as the CLI runs it (`events ingest`, `serve`, `actions retry`): a GitHub client when a
// token is configured, the code file runner, the user's presets, team-mode claims when a PostgreSQL URL
// is set, and one printed line per action outcome and notification.
class EngineSession
{
public:
    EngineSession(CliContext &context, EventStore &store);
    ~EngineSession();
    EngineSession(const EngineSession &) = delete;
    EngineSession &operator=(const EngineSession &) = delete;

    TriggerEngine &engine();
    // Blocks (the CLI's top level only) until every queued action has finished.
    void waitUntilIdle();
    // Setting up team mode failed (bad URL); the message went to stderr.
    bool failed() const { return m_failed; }

private:
    struct Private;
    std::unique_ptr<Private> d;
    bool m_failed = false;
};

} // namespace exeserver::cli
