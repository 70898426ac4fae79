#include "catch.h"

#include "util/heaptrim.h"

#include <QCoreApplication>
#include <QProcess>
#include <QtGlobal>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace exeserver;

TEST_CASE("releaseFreeHeap gives the pages of freed heap memory back to the system", "[ui][memory]")
{
#if defined(__GLIBC__)
    if (anonymousResidentKb() < 0) {
        WARN("no /proc/self/smaps_rollup: nothing to measure");
        return;
    }
    // 32 MB in 16 KB blocks (below glibc's mmap threshold, so on the heap), written so they are resident,
    // then all freed but the last: that one pins the top of the heap, so glibc keeps the freed 32 MB
    // mapped — what a refresh's temporaries leave behind.
    constexpr std::size_t kBlock = 16 * 1024;
    std::vector<void *> blocks;
    for (int i = 0; i < 2048; ++i) {
        void *block = std::malloc(kBlock);
        if (block)
            std::memset(block, i & 0xff, kBlock);
        blocks.push_back(block);
    }
    REQUIRE(std::find(blocks.cbegin(), blocks.cend(), nullptr) == blocks.cend());
    for (std::size_t i = 0; i + 1 < blocks.size(); ++i)
        std::free(blocks[i]);
    const qint64 before = anonymousResidentKb();
    releaseFreeHeap();
    const qint64 after = anonymousResidentKb();
    std::free(blocks.back());
    CHECK(before - after > 16 * 1024);
#else
    WARN("malloc_trim is glibc's: nothing to release elsewhere");
#endif
}

// Started by the case below in a process of its own: a process that has run other tests has free holes in
// its heap big enough to hold the buffer, and malloc fills those before it asks the system for anything.
TEST_CASE("large buffer probe, in a fresh process", "[.][heapprobe]")
{
    keepLargeBlocksOutOfHeap();
    // Left alone, glibc would now raise its mmap threshold to 4 MB (the size of the block freed), and the
    // 1 MB buffer below would come from the heap and stay resident after it is freed.
    constexpr std::size_t kMb = 1024 * 1024;
    void *previous = std::malloc(4 * kMb);
    REQUIRE(previous);
    std::memset(previous, 1, 4 * kMb);
    std::free(previous);

    void *buffer = std::malloc(kMb);
    REQUIRE(buffer);
    std::memset(buffer, 2, kMb);
    const long long inUse = anonymousResidentKb();
    std::free(buffer);
    const long long freed = anonymousResidentKb();
    CHECK(inUse - freed >= 1000);
}

TEST_CASE("after keepLargeBlocksOutOfHeap a large buffer is given back the moment it is freed",
          "[ui][memory]")
{
#if defined(__GLIBC__)
    if (anonymousResidentKb() < 0) {
        WARN("no /proc/self/smaps_rollup: nothing to measure");
        return;
    }
    QProcess probe;
    probe.setProcessChannelMode(QProcess::MergedChannels);
    probe.start(QCoreApplication::applicationFilePath(), {QStringLiteral("[heapprobe]")});
    REQUIRE(probe.waitForFinished(60000));
    const QByteArray output = probe.readAll();
    INFO(output.toStdString());
    CHECK(probe.exitStatus() == QProcess::NormalExit);
    CHECK(probe.exitCode() == 0);
    CHECK(output.contains("in 1 test case")); // the probe ran: a filter matching nothing is no failure
#else
    WARN("M_MMAP_THRESHOLD is glibc's");
#endif
}

TEST_CASE("residentKb and anonymousResidentKb read this process's resident set", "[ui][memory]")
{
#if defined(Q_OS_LINUX)
    const long long resident = residentKb();
    const long long anonymous = anonymousResidentKb();
    REQUIRE(resident > 0);
    REQUIRE(anonymous > 0);
    CHECK(anonymous < resident); // the libraries' mapped code is resident too
#else
    CHECK(residentKb() == -1);
#endif
}
