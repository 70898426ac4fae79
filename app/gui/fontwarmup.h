#pragma once

#include <thread>

namespace exeserver {

// Starts fontconfig's set-up — parsing its XML configuration and mapping the font caches, a few
// milliseconds — on a second thread while QApplication loads Qt's platform plugin on the main one, so the
// window's first text layout finds it done instead of doing it before the first frame. Qt's font database
// calls FcInit() itself later; fontconfig makes that cheap once initialised and safe if the two overlap.
// Without fontconfig (Windows, macOS, a build without its headers) this does nothing.
class FontWarmUp
{
public:
    FontWarmUp();
    ~FontWarmUp(); // joins
    FontWarmUp(const FontWarmUp &) = delete;
    FontWarmUp &operator=(const FontWarmUp &) = delete;

private:
    std::thread m_thread;
};

} // namespace exeserver
