#pragma once

#include "sync/syncengine.h"

namespace exeserver::test {

// Runs one SyncEngine::drain to completion, failing the test if it takes longer than `timeoutMs`.
// Kept out of storetestutil: the crash-test writer process links that and has no Catch2.
SyncRun drainNow(SyncEngine &engine, int timeoutMs = 20000);

} // namespace exeserver::test
