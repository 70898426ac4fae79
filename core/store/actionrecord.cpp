#include "store/actionrecord.h"

#include <array>
#include <utility>

namespace exeserver {

namespace {

// Stored as text in the action log and in synced rows: these spellings are part of the schema.
const std::array<std::pair<ActionKind, const char *>, 11> kKinds{{
    {ActionKind::CodeFile, "code_file"},
    {ActionKind::Dispatch, "dispatch"},
    {ActionKind::Comment, "comment"},
    {ActionKind::Rerun, "rerun"},
    {ActionKind::Cancel, "cancel"},
    {ActionKind::Reaction, "reaction"},
    {ActionKind::EnableWorkflow, "enable_workflow"},
    {ActionKind::DisableWorkflow, "disable_workflow"},
    {ActionKind::Notify, "notify"},
    {ActionKind::DeleteArtifact, "delete_artifact"},
    {ActionKind::ReviewDeployment, "review_deployment"},
}};

const std::array<std::pair<ActionStatus, const char *>, 6> kStatuses{{
    {ActionStatus::Queued, "queued"},
    {ActionStatus::Running, "running"},
    {ActionStatus::Success, "success"},
    {ActionStatus::Failure, "failure"},
    {ActionStatus::Interrupted, "interrupted"},
    {ActionStatus::Skipped, "skipped"},
}};

template <typename Enum, std::size_t N>
QString nameOf(const std::array<std::pair<Enum, const char *>, N> &table, Enum value)
{
    for (const auto &[candidate, name] : table)
        if (candidate == value)
            return QString::fromLatin1(name);
    return {};
}

template <typename Enum, std::size_t N>
std::optional<Enum> valueOf(const std::array<std::pair<Enum, const char *>, N> &table, const QString &text)
{
    for (const auto &[candidate, name] : table)
        if (text == QLatin1String(name))
            return candidate;
    return std::nullopt;
}

} // namespace

QString toString(ActionKind kind)
{
    return nameOf(kKinds, kind);
}

QString toString(ActionStatus status)
{
    return nameOf(kStatuses, status);
}

std::optional<ActionKind> actionKindFromString(const QString &text)
{
    return valueOf(kKinds, text);
}

std::optional<ActionStatus> actionStatusFromString(const QString &text)
{
    return valueOf(kStatuses, text);
}

bool isFinished(ActionStatus status)
{
    return status != ActionStatus::Queued && status != ActionStatus::Running;
}

} // namespace exeserver
