#include "heaptrim.h"

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

} // namespace exeserver
