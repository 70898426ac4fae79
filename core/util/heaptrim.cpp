#include "util/heaptrim.h"

#include <QFile>

#include <cstdlib> // defines __GLIBC__ with glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace exeserver {

void releaseFreeHeap()
{
#if defined(__GLIBC__)
    malloc_trim(0); // every arena, not only the main one; 0: keep no slack at the top
#endif
}

long long anonymousResidentKb()
{
    QFile rollup(QStringLiteral("/proc/self/smaps_rollup"));
    if (!rollup.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : rollup.readAll().split('\n')) {
        if (line.startsWith("Anonymous:"))
            return line.mid(10).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

} // namespace exeserver
