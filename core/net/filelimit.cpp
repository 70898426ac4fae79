#include "net/filelimit.h"

#include <QDir>

#include <algorithm>
#include <limits>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

namespace exeserver::filelimit {

namespace {

qint64 raiseOnce()
{
#ifdef Q_OS_UNIX
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return -1;
    rlim_t wanted = limit.rlim_max;
#ifdef Q_OS_MACOS
    // macOS refuses a soft limit above OPEN_MAX however high the hard limit is (Go caps it the same way).
    wanted = std::min<rlim_t>(wanted, 10240);
#endif
    if (limit.rlim_cur < wanted) {
        rlimit raised = limit;
        raised.rlim_cur = wanted;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    if (limit.rlim_cur == RLIM_INFINITY)
        return std::numeric_limits<qint64>::max();
    return qint64(limit.rlim_cur);
#else
    return -1;
#endif
}

} // namespace

qint64 raiseSoftLimit()
{
    static const qint64 softLimit = raiseOnce();
    return softLimit;
}

qint64 openCount()
{
#ifdef Q_OS_UNIX
    for (const char *path : {"/proc/self/fd", "/dev/fd"}) {
        const QDir dir(QString::fromLatin1(path));
        if (dir.exists())
            return dir.entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot).size();
    }
#endif
    return -1;
}

int connectionCap(int requested, qint64 softLimit, qint64 openCount, int reserve)
{
    if (softLimit < 0)
        return std::max(1, requested);
    const qint64 room = softLimit - std::max<qint64>(openCount, 0) - reserve;
    return int(std::clamp<qint64>(std::min<qint64>(requested, room), 1, std::max(1, requested)));
}

} // namespace exeserver::filelimit
