#pragma once

#include <QEventLoop>

#include <functional>

namespace exeserver::cli {

// Runs asynchronous core work to completion from the CLI's top level — the one place a nested event loop
// is allowed. `start` receives the function to call when the work is done (possibly synchronously).
inline void runBlocking(const std::function<void(std::function<void()> finished)> &start)
{
    QEventLoop loop;
    bool done = false;
    start([&]() {
        done = true;
        loop.quit();
    });
    if (!done)
        loop.exec();
}

} // namespace exeserver::cli
