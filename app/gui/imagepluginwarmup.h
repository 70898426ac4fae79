#pragma once

#include <thread>

namespace exeserver {

// Loads Qt's image format plugins (gif, ico, jpeg, svg, … — whatever is installed) on a second thread
// while the main thread builds the window. Reading an image file by name (an icon theme's icons, any style
// but StandardIconStyle's standard icons) asks QImageReader for the file's format, which opens and loads
// every installed image plugin once: ≈ 1 ms of dlopen and plugin set-up the empty window never pays, on
// the main thread before the first frame. main() starts it only for styles other than Fusion: with
// StandardIconStyle nothing at start reads an image by name (unless the desktop's icon theme has Refresh
// or the clear button), and the plugins stay unloaded. QImageReader
// may be used from any thread, and Qt's plugin loader is shared and locked, so the window then finds the
// plugins loaded (or waits for the load in progress instead of repeating it).
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
