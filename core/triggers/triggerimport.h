#pragma once

#include "triggers/trigger.h"

#include <QList>
#include <QStringList>

namespace exeserver {

// Importing someone else's trigger file is like running their script: a `codefile` action runs a program on
// this machine (with `pass_token`, holding the user's GitHub token). So triggers that would run code arrive
// disabled unless the user says they trust the file; everything else keeps the file's `enabled`.
struct TriggerImport
{
    QList<Trigger> triggers; // what to store
    QStringList held;        // one line per trigger imported disabled: what it would run

    static TriggerImport review(QList<Trigger> loaded, bool trustCode);
    // "deploy-hook runs /opt/x/deploy.sh with your GitHub token"; empty when it runs no code file.
    static QString codeSummary(const Trigger &trigger);
};

} // namespace exeserver
