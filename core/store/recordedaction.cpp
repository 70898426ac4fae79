#include "store/recordedaction.h"

#include "store/eventstore.h"

namespace exeserver {

Status runRecordedAction(EventStore *store, ActionKind kind, const QString &target, const ActionCall &call,
                         std::function<void(Status)> done)
{
    QString actionId;
    if (store) {
        ActionRequest request;
        request.kind = kind;
        request.target = target;
        const Result<QString> begun = store->beginAction(request);
        if (!begun)
            return begun.error();
        actionId = *begun;
    }
    call([store, actionId, done = std::move(done)](Status status) {
        if (store && !actionId.isEmpty()) {
            ActionOutcome outcome;
            outcome.status = status ? ActionStatus::Success : ActionStatus::Failure;
            if (!status) {
                outcome.error = status.error().message;
                if (status.error().httpStatus > 0)
                    outcome.httpStatus = status.error().httpStatus;
            }
            store->finishAction(actionId, outcome);
        }
        done(status);
    });
    return success();
}

} // namespace exeserver
