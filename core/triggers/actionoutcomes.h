#pragma once

// The outcomes the trigger engine writes to the action log, shared by its run path (triggerengine.cpp)
// and its resume after a crash (triggerresume.cpp).
#include "store/actionrecord.h"
#include "util/result.h"

#include <optional>

namespace exeserver::actionoutcomes {

inline ActionOutcome failure(const QString &message, std::optional<int> httpStatus = {})
{
    ActionOutcome outcome;
    outcome.status = ActionStatus::Failure;
    outcome.error = message;
    if (httpStatus && *httpStatus > 0)
        outcome.httpStatus = httpStatus;
    return outcome;
}

inline ActionOutcome fromError(const Error &error)
{
    return failure(error.message, error.httpStatus);
}

inline ActionOutcome succeeded(const QString &output = {})
{
    ActionOutcome outcome;
    outcome.status = ActionStatus::Success;
    outcome.output = output;
    return outcome;
}

inline ActionOutcome ended(ActionStatus status, const QString &error)
{
    ActionOutcome outcome;
    outcome.status = status;
    outcome.error = error;
    return outcome;
}

// What to tell the user about an action whose effect cannot be known after a crash.
inline QString unknownOutcome(ActionKind kind, const QString &target)
{
    switch (kind) {
    case ActionKind::Dispatch:
        return QStringLiteral(
                   "ExeServer stopped while dispatching %1; GitHub may have started the run. Check the "
                   "workflow's runs on GitHub before you retry.")
            .arg(target);
    case ActionKind::Comment:
        return QStringLiteral("ExeServer stopped while posting the comment on %1; check the conversation on "
                              "GitHub before you retry, or the comment may appear twice.")
            .arg(target);
    default:
        return QStringLiteral("ExeServer stopped while this action was being sent to GitHub (%1); check on "
                              "GitHub whether it happened before you retry.")
            .arg(target);
    }
}

} // namespace exeserver::actionoutcomes
