#pragma once

#include <QList>
#include <QStringList>

namespace exeserver {

struct Trigger;

// The repositories the poller watches for the enabled triggers' sake, besides the dashboard's: every
// literal repository a trigger names, and every repository of the account a trigger's glob matches
// (`octo-org/*`). A trigger on every repository (no `repositories`) adds none: polling all of an account's
// repositories would spend the rate limit on repositories nobody asked for; a webhook serves it instead.
class PollTargets
{
public:
    static constexpr int MaxRepositories = 50; // from globs; literal names always count

    // True when a glob needs the account's repository list (GitHubClient::listRepositories).
    static bool needsAccount(const QList<Trigger> &triggers);
    // Sorted, without duplicates; `account` empty: literal names only.
    static QStringList repositories(const QList<Trigger> &triggers, const QStringList &account = {});
    // `dashboard` first, then what the triggers add.
    static QStringList unite(const QStringList &dashboard, const QStringList &triggers);
};

} // namespace exeserver
