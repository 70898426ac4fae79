#pragma once

#include "github/githubtypes.h"
#include "util/result.h"

#include <QByteArray>
#include <QList>

namespace exeserver {

// Reads the `on: workflow_dispatch: inputs:` section of a workflow file. A workflow without a
// workflow_dispatch trigger is an error (kind "not_dispatchable"), as is a file that is not YAML
// (kind "invalid_workflow", with line and column). `fileName` only appears in messages.
Result<QList<DispatchInput>> parseDispatchInputs(const QByteArray &yaml, const QString &fileName);

} // namespace exeserver
