#pragma once

namespace exeserver {

// Gives the heap's free pages back to the system (glibc's malloc_trim; a no-op elsewhere). The window's
// start and each dashboard refresh, and a burst of webhook deliveries, free far more than they keep
// (replies, JSON documents, payload batches, the threads' temporaries), and glibc keeps what every
// thread's arena freed mapped until told otherwise. Cheap (well under a millisecond for this app's heap);
// call it when a burst of work has finished.
void releaseFreeHeap();

// Makes malloc serve every block of 128 KB or more from a mapping of its own, unmapped when freed (glibc's
// M_MMAP_THRESHOLD; a no-op elsewhere). Call it first thing in main. Left alone, glibc raises that threshold
// to the size of each large block freed, up to 32 MB: from then on large short-lived buffers (a sync batch, a
// page of workflow runs, a backing store) are carved out of the arenas between small long-lived blocks, and
// the holes they leave are rarely whole pages at the top, so a host running for hours holds more and more
// free heap (bench_soak: +2.4 to +2.8 MB a simulated day, none of it in use).
void keepLargeBlocksOutOfHeap();

// This process's resident set in KB (VmRSS in /proc/self/status); -1 where there is none.
long long residentKb();

// The anonymous part of this process's resident set in KB (heap, stacks, SQLite's page cache; not the
// mapped libraries and fonts), from /proc/self/smaps_rollup; -1 where there is none.
long long anonymousResidentKb();

} // namespace exeserver
