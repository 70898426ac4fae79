#pragma once

#include <QtGlobal>

namespace exeserver {

// The process's budget of open file descriptors, which every accepted connection spends one of.
namespace filelimit {

// Raises the soft RLIMIT_NOFILE to the hard limit once per process, as Go's runtime does: the default soft
// limit of 1024 is a remnant of select(), which Qt does not use. Returns the soft limit now in force, or -1
// where the platform has no such limit (Windows).
qint64 raiseSoftLimit();

// Descriptors this process has open now, or -1 where that cannot be counted.
qint64 openCount();

// How many connections a server may hold: `requested`, lowered so that `reserve` descriptors stay free for
// everything else (database, log, child processes, outgoing requests). Never below 1.
int connectionCap(int requested, qint64 softLimit, qint64 openCount, int reserve);

} // namespace filelimit
} // namespace exeserver
