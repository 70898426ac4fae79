#include "store/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define EXESERVER_CRC32C_SSE42 1
#endif

namespace exeserver::crc32c {

namespace {

constexpr quint32 kPolynomial = 0x82F63B78; // reflected Castagnoli

// Slicing by 8: eight tables, eight bytes a step.
constexpr std::array<std::array<quint32, 256>, 8> makeTables()
{
    std::array<std::array<quint32, 256>, 8> tables{};
    for (quint32 i = 0; i < 256; ++i) {
        quint32 crc = i;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ ((crc & 1) ? kPolynomial : 0);
        tables[0][i] = crc;
    }
    for (quint32 i = 0; i < 256; ++i)
        for (size_t t = 1; t < 8; ++t)
            tables[t][i] = (tables[t - 1][i] >> 8) ^ tables[0][tables[t - 1][i] & 0xFF];
    return tables;
}

constexpr auto kTables = makeTables();

#ifdef EXESERVER_CRC32C_SSE42
__attribute__((target("sse4.2"))) quint32 extendSse42(quint32 crc, const char *data, qsizetype size)
{
    quint64 value = ~crc;
    for (; size >= 8; data += 8, size -= 8) {
        quint64 word;
        std::memcpy(&word, data, 8);
        value = _mm_crc32_u64(value, word);
    }
    auto small = quint32(value);
    for (; size > 0; ++data, --size)
        small = _mm_crc32_u8(small, quint8(*data));
    return ~small;
}

bool hasSse42()
{
    static const bool has = __builtin_cpu_supports("sse4.2");
    return has;
}
#endif

} // namespace

quint32 extendPortable(quint32 crc, const char *data, qsizetype size)
{
    crc = ~crc;
    const auto *bytes = reinterpret_cast<const quint8 *>(data);
    for (; size >= 8; bytes += 8, size -= 8) {
        const quint32 low = crc ^ (quint32(bytes[0]) | quint32(bytes[1]) << 8 | quint32(bytes[2]) << 16 |
                                   quint32(bytes[3]) << 24);
        crc = kTables[7][low & 0xFF] ^ kTables[6][(low >> 8) & 0xFF] ^ kTables[5][(low >> 16) & 0xFF] ^
              kTables[4][low >> 24] ^ kTables[3][bytes[4]] ^ kTables[2][bytes[5]] ^ kTables[1][bytes[6]] ^
              kTables[0][bytes[7]];
    }
    for (; size > 0; ++bytes, --size)
        crc = (crc >> 8) ^ kTables[0][(crc ^ *bytes) & 0xFF];
    return ~crc;
}

quint32 extend(quint32 crc, const char *data, qsizetype size)
{
#ifdef EXESERVER_CRC32C_SSE42
    if (hasSse42())
        return extendSse42(crc, data, size);
#endif
    return extendPortable(crc, data, size);
}

} // namespace exeserver::crc32c
