#pragma once

#include "store/actionrecord.h"
#include "util/result.h"

#include <functional>

namespace exeserver {

class EventStore;

// Runs one action on GitHub the way the action log wants it: written (running) before `call` starts and
// finished with its outcome (HTTP status and message on failure) when `call` reports. Without a store the
// call just runs. When the log cannot be written, `call` is not made and the error is returned.
using ActionCall = std::function<void(std::function<void(Status)>)>;
Status runRecordedAction(EventStore *store, ActionKind kind, const QString &target, const ActionCall &call,
                         std::function<void(Status)> done);

} // namespace exeserver
