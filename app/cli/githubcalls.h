#pragma once

// What the GitHub commands (githubcommands.cpp, runcommands.cpp) share: the action log around a call that
// changes something, JSON and list printing, and OWNER/REPO ID arguments.
#include "blocking.h"
#include "clicontext.h"
#include "github/githubclient.h"
#include "githubconnection.h"
#include "store/eventstore.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <optional>

namespace exeserver::cli {

// OWNER/REPO and the positive number after it (RUN_ID, ARTIFACT_ID, PR_NUMBER); nullopt after a usage error.
struct RepoAndId
{
    QString repo;
    qint64 id = 0;
};

inline std::optional<RepoAndId> repoAndId(CliContext &context, const QCommandLineParser &parser,
                                          const QString &what)
{
    const QStringList positional = parser.positionalArguments();
    const std::optional<QString> repo = context.repoArgument(positional.at(0));
    if (!repo)
        return std::nullopt;
    const std::optional<qint64> id = context.idArgument(positional.at(1), what);
    if (!id)
        return std::nullopt;
    return RepoAndId{*repo, *id};
}

// A call that changes something on GitHub: written to the action log before it starts and updated with its
// outcome, as every action the app takes is. Without a writable log nothing is sent.
template <typename T, typename Start>
Result<T> recordedCall(CliContext &context, ActionKind kind, const QString &target, Start start)
{
    EventStore *store = context.store();
    if (!store)
        return Error{QStringLiteral("action_log"),
                     QStringLiteral("Nothing was sent: the action log (event store) could not be opened.")};
    const Result<QString> actionId = store->beginAction({kind, target, {}, {}, true});
    if (!actionId)
        return Error{actionId.error().kind,
                     QStringLiteral("Nothing was sent: %1").arg(actionId.error().message)};
    Result<T> result = call<T>(std::move(start));
    ActionOutcome outcome;
    if (result) {
        outcome.status = ActionStatus::Success;
        if constexpr (std::is_same_v<T, DispatchResult>) {
            if (result->runId != 0)
                outcome.output = QStringLiteral("run %1 %2").arg(result->runId).arg(result->htmlUrl);
        }
    } else {
        outcome.status = ActionStatus::Failure;
        if (result.error().httpStatus > 0)
            outcome.httpStatus = result.error().httpStatus;
        outcome.error = result.error().message;
    }
    if (const Status finished = store->finishAction(*actionId, outcome); !finished)
        context.err() << "exeserver-cli: the action ran but its outcome could not be logged: "
                      << finished.error().message << '\n';
    return result;
}

inline void printJson(CliContext &context, const QJsonValue &value)
{
    context.out() << (value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject()))
                         .toJson(QJsonDocument::Indented);
}

template <typename T>
QJsonArray toJsonArray(const QList<T> &items)
{
    QJsonArray array;
    for (const T &item : items)
        array.append(item.toJson());
    return array;
}

// The common end of every list command: GitHub's refusal (exit 1), or the items as --json or one line each.
template <typename T, typename PrintItem>
int printList(CliContext &context, const QCommandLineParser &parser, const Result<QList<T>> &items,
              PrintItem printItem)
{
    if (!items)
        return context.refused(items.error());
    if (parser.isSet(QStringLiteral("json"))) {
        printJson(context, toJsonArray(*items));
        return ExitOk;
    }
    for (const T &item : *items)
        printItem(item);
    return ExitOk;
}

} // namespace exeserver::cli
