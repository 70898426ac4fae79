#include "host/polltargets.h"

#include "triggers/trigger.h"

namespace exeserver {

bool PollTargets::needsAccount(const QList<Trigger> &triggers)
{
    for (const Trigger &trigger : triggers) {
        for (const GlobPattern &pattern : trigger.repositories) {
            if (trigger.enabled && !pattern.isLiteral())
                return true;
        }
    }
    return false;
}

QStringList PollTargets::repositories(const QList<Trigger> &triggers, const QStringList &account)
{
    QStringList named;
    QStringList matched;
    for (const Trigger &trigger : triggers) {
        if (!trigger.enabled)
            continue;
        for (const GlobPattern &pattern : trigger.repositories) {
            if (pattern.isLiteral()) {
                if (pattern.pattern().contains(QLatin1Char('/')) && !named.contains(pattern.pattern()))
                    named.append(pattern.pattern());
                continue;
            }
            for (const QString &repo : account) {
                if (pattern.matches(repo) && !matched.contains(repo) && matched.size() < MaxRepositories)
                    matched.append(repo);
            }
        }
    }
    QStringList all = named;
    for (const QString &repo : std::as_const(matched)) {
        if (!all.contains(repo))
            all.append(repo);
    }
    all.sort();
    return all;
}

QStringList PollTargets::unite(const QStringList &dashboard, const QStringList &triggers)
{
    QStringList all = dashboard;
    for (const QString &repo : triggers) {
        if (!all.contains(repo))
            all.append(repo);
    }
    return all;
}

} // namespace exeserver
