#pragma once

#include "clicontext.h"

#include <memory>

namespace exeserver {
class AutomationHost;
class EventStore;
class TriggerEngine;
class TriggerRuntime;
} // namespace exeserver

namespace exeserver::cli {

// The trigger engine as the CLI runs it (`events ingest`, `actions retry`): core's TriggerRuntime, plus one
// printed line per action outcome and notification (printTo() gives `serve`'s host the same lines).
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

    // Prints the host's action outcomes and notifications as an EngineSession does.
    static void printTo(CliContext &context, AutomationHost &host);

private:
    std::unique_ptr<TriggerRuntime> m_runtime;
    bool m_failed = false;
};

} // namespace exeserver::cli
