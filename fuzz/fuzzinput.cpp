#include "fuzzinput.h"

#include <cstdio>
#include <cstdlib>

namespace exeserver::fuzz {

void failProperty(const char *what)
{
    std::fprintf(stderr, "fuzz property violated: %s\n", what);
    std::abort();
}

} // namespace exeserver::fuzz
