#pragma once

#include <QtGlobal>

namespace exeserver {

// CRC-32C (Castagnoli), the checksum of the intake journal's records. x86-64 processors since 2008 compute
// it in hardware (SSE 4.2), several times faster than zlib's CRC-32 in software, and it is computed over
// every delivery's bytes on the thread that answers. Elsewhere a table-driven version gives the same sums.
namespace crc32c {

quint32 extend(quint32 crc, const char *data, qsizetype size); // crc: 0 to start, or a previous result
quint32 extendPortable(quint32 crc, const char *data, qsizetype size); // the table version (tests)

} // namespace crc32c

} // namespace exeserver
