#pragma once

namespace exeserver {

// Gives the heap's free pages back to the system (glibc's malloc_trim; a no-op elsewhere). The window's
// start and each dashboard refresh, and a burst of webhook deliveries, free far more than they keep
// (replies, JSON documents, payload batches, the threads' temporaries), and glibc keeps what every
// thread's arena freed mapped until told otherwise. Cheap (well under a millisecond for this app's heap);
// call it when a burst of work has finished.
void releaseFreeHeap();

// This process's resident set in KB (VmRSS in /proc/self/status); -1 where there is none.
long long residentKb();

// The anonymous part of this process's resident set in KB (heap, stacks, SQLite's page cache; not the
// mapped libraries and fonts), from /proc/self/smaps_rollup; -1 where there is none.
long long anonymousResidentKb();

} // namespace exeserver
