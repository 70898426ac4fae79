#pragma once

#include <thread>

namespace exeserver {

// Loads Qt's image format plugins (gif, ico, jpeg, svg, … — whatever is installed) on a second thread
// while the main thread builds the window. The first icon made from an image file (the menu bar's
// extension button, the Refresh button) asks QImageReader for the file's format, which opens and loads
// every installed image plugin once: ≈ 1 ms of dlopen and plugin set-up the empty window never pays, on
// the main thread before the first frame. QImageReader may be used from any thread, and Qt's plugin
// loader is shared and locked, so the window then finds the plugins loaded (or waits for the load in
// progress instead of repeating it).
class ImagePluginWarmUp
{
public:
    ImagePluginWarmUp();  // after QApplication: the plugin paths include the application's directory
    ~ImagePluginWarmUp(); // joins
    ImagePluginWarmUp(const ImagePluginWarmUp &) = delete;
    ImagePluginWarmUp &operator=(const ImagePluginWarmUp &) = delete;

private:
    std::thread m_thread;
};

} // namespace exeserver
