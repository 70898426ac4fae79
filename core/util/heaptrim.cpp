#include "util/heaptrim.h"

#include <QByteArrayView>
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

void keepLargeBlocksOutOfHeap()
{
#if defined(__GLIBC__)
    // 128 KB is glibc's own starting threshold; setting it at all is what turns the raising off. It also
    // holds the trim threshold at its start (128 KB) instead of twice the raised mmap threshold, so the
    // heap's top is handed back sooner (bench_soak and the intake pair measure the cost: 0.1 page faults a
    // delivery).
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

namespace {

// The number of kB after `field` ("VmRSS:") in a /proc file of `name: value kB` lines; -1 when absent.
long long procFieldKb(const QString &path, QByteArrayView field)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(field.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

} // namespace

long long residentKb()
{
    return procFieldKb(QStringLiteral("/proc/self/status"), "VmRSS:");
}

long long anonymousResidentKb()
{
    return procFieldKb(QStringLiteral("/proc/self/smaps_rollup"), "Anonymous:");
}

} // namespace exeserver
