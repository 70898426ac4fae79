#include "fontwarmup.h"

#ifdef EXESERVER_HAVE_FONTCONFIG
#include <fontconfig/fontconfig.h>
#endif

namespace exeserver {

FontWarmUp::FontWarmUp()
{
#ifdef EXESERVER_HAVE_FONTCONFIG
    m_thread = std::thread([]() { FcInit(); });
#endif
}

FontWarmUp::~FontWarmUp()
{
    if (m_thread.joinable())
        m_thread.join();
}

} // namespace exeserver
