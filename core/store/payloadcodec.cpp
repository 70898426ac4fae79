#include "store/payloadcodec.h"

#include <zlib.h>
#include <zstd.h>

#include <memory>

namespace exeserver {

namespace {

constexpr int kStoredBelow = 64;

// --- codec 1: raw deflate with a preset dictionary (read for old rows; written only on request) ---

constexpr char kDeflateDictionary[] =
#include "store/payloaddictionary.inc"
    ;
// Level 6: 10% smaller than level 3 on real payloads. Decoding is the same for any level.
constexpr int kDeflateLevel = 6;
constexpr int kRawDeflate = -15;

const Bytef *deflateDictionary()
{
    return reinterpret_cast<const Bytef *>(kDeflateDictionary);
}
constexpr uInt kDeflateDictionarySize = sizeof(kDeflateDictionary) - 1;

QByteArray stored(const QByteArray &json)
{
    return char(PayloadCodec::Stored) + json;
}

QByteArray encodeDeflate(const QByteArray &json)
{
    // One stream per thread, reset per payload: deflateInit allocates ~260 KB each time.
    struct Stream
    {
        z_stream z{};
        bool ready = false;
        ~Stream()
        {
            if (ready)
                deflateEnd(&z);
        }
    };
    thread_local Stream stream;
    if (!stream.ready) {
        if (deflateInit2(&stream.z, kDeflateLevel, Z_DEFLATED, kRawDeflate, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            return stored(json);
        stream.ready = true;
    } else {
        deflateReset(&stream.z);
    }
    deflateSetDictionary(&stream.z, deflateDictionary(), kDeflateDictionarySize);
    QByteArray out(qsizetype(deflateBound(&stream.z, uLong(json.size()))) + 1, Qt::Uninitialized);
    out[0] = char(PayloadCodec::DeflateDictV1);
    stream.z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(json.constData()));
    stream.z.avail_in = uInt(json.size());
    stream.z.next_out = reinterpret_cast<Bytef *>(out.data() + 1);
    stream.z.avail_out = uInt(out.size() - 1);
    if (deflate(&stream.z, Z_FINISH) != Z_STREAM_END)
        return stored(json);
    out.resize(qsizetype(stream.z.total_out) + 1);
    return out;
}

Result<QByteArray> decodeDeflate(const QByteArray &blob)
{
    z_stream z{};
    if (inflateInit2(&z, kRawDeflate) != Z_OK)
        return Error{QStringLiteral("corrupt"), QStringLiteral("Cannot start zlib to read a payload.")};
    inflateSetDictionary(&z, deflateDictionary(), kDeflateDictionarySize);
    QByteArray out;
    out.resize(blob.size() * 12 + 256);
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(blob.constData() + 1));
    z.avail_in = uInt(blob.size() - 1);
    int rc = Z_OK;
    while (true) {
        z.next_out = reinterpret_cast<Bytef *>(out.data() + z.total_out);
        z.avail_out = uInt(out.size() - qsizetype(z.total_out));
        rc = inflate(&z, Z_FINISH);
        if (rc == Z_STREAM_END)
            break;
        if ((rc == Z_BUF_ERROR || rc == Z_OK) && z.avail_out == 0) {
            out.resize(out.size() * 2);
            continue;
        }
        inflateEnd(&z);
        return Error{QStringLiteral("corrupt"),
                     QStringLiteral("A stored payload is damaged (zlib %1).").arg(rc)};
    }
    out.resize(qsizetype(z.total_out));
    inflateEnd(&z);
    return out;
}

// --- codec 2: zstd with a trained dictionary ---

// FROZEN: stored payloads depend on these exact bytes (embedded by core/CMakeLists.txt).
constexpr unsigned char kZstdDictionary[] = {
#include "payloaddictionary-v2.inc"
};
// Level 1 with the dictionary is ~1.2 GB/s and within 8% of level 3's size on GitHub payloads.
constexpr int kZstdLevel = 1;

// Digested once and shared: a CDict/DDict is read-only after creation, so every thread may use it.
const ZSTD_CDict *compressionDictionary()
{
    static const std::unique_ptr<ZSTD_CDict, decltype(&ZSTD_freeCDict)> dictionary(
        ZSTD_createCDict(kZstdDictionary, sizeof(kZstdDictionary), kZstdLevel), &ZSTD_freeCDict);
    return dictionary.get();
}

const ZSTD_DDict *decompressionDictionary()
{
    static const std::unique_ptr<ZSTD_DDict, decltype(&ZSTD_freeDDict)> dictionary(
        ZSTD_createDDict(kZstdDictionary, sizeof(kZstdDictionary)), &ZSTD_freeDDict);
    return dictionary.get();
}

struct ZstdWriter
{
    std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context{ZSTD_createCCtx(), &ZSTD_freeCCtx};
    bool ready = false;

    ZstdWriter()
    {
        const ZSTD_CDict *dictionary = compressionDictionary();
        if (!context || !dictionary)
            return;
        // The codec byte already names the dictionary: no dictionary id in the frame. No checksum either:
        // SQLite guards its pages, and a damaged frame still fails to decode.
        ready = !ZSTD_isError(ZSTD_CCtx_refCDict(context.get(), dictionary)) &&
                !ZSTD_isError(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_dictIDFlag, 0)) &&
                !ZSTD_isError(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_checksumFlag, 0));
    }
};

QByteArray encodeZstd(const QByteArray &json)
{
    // A context per thread: creating one costs more than compressing a payload. ZSTD_compress2 keeps the
    // parameters and the referenced dictionary between frames.
    thread_local ZstdWriter writer;
    if (!writer.ready)
        return encodeDeflate(json);
    QByteArray out(qsizetype(ZSTD_compressBound(size_t(json.size()))) + 1, Qt::Uninitialized);
    out[0] = char(PayloadCodec::ZstdDictV2);
    const size_t written = ZSTD_compress2(writer.context.get(), out.data() + 1, size_t(out.size() - 1),
                                          json.constData(), size_t(json.size()));
    if (ZSTD_isError(written))
        return encodeDeflate(json);
    out.resize(qsizetype(written) + 1);
    return out;
}

Result<QByteArray> decodeZstd(const QByteArray &blob)
{
    thread_local const std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> context(ZSTD_createDCtx(),
                                                                                    &ZSTD_freeDCtx);
    const ZSTD_DDict *dictionary = decompressionDictionary();
    if (!context || !dictionary)
        return Error{QStringLiteral("corrupt"), QStringLiteral("Cannot start zstd to read a payload.")};
    const char *frame = blob.constData() + 1;
    const size_t frameSize = size_t(blob.size() - 1);
    const unsigned long long length = ZSTD_getFrameContentSize(frame, frameSize);
    // Frames we write always carry their length; a missing or absurd one means damage, not a big event.
    constexpr unsigned long long kLargestPayload = 64ull * 1024 * 1024;
    if (length == ZSTD_CONTENTSIZE_ERROR || length == ZSTD_CONTENTSIZE_UNKNOWN || length > kLargestPayload)
        return Error{QStringLiteral("corrupt"), QStringLiteral("A stored payload is damaged (zstd header).")};
    QByteArray out(qsizetype(length), Qt::Uninitialized);
    const size_t read = ZSTD_decompress_usingDDict(context.get(), out.data(), size_t(out.size()), frame,
                                                   frameSize, dictionary);
    if (ZSTD_isError(read) || read != length)
        return Error{QStringLiteral("corrupt"),
                     QStringLiteral("A stored payload is damaged (zstd: %1).")
                         .arg(QString::fromLatin1(ZSTD_isError(read) ? ZSTD_getErrorName(read) : "short"))};
    return out;
}

} // namespace

QByteArray PayloadCodec::encode(const QByteArray &json, Codec codec)
{
    if (json.size() < kStoredBelow || codec == Stored)
        return stored(json);
    QByteArray packed = codec == DeflateDictV1 ? encodeDeflate(json) : encodeZstd(json);
    if (packed.size() >= json.size() + 1)
        return stored(json);
    return packed;
}

Result<QByteArray> PayloadCodec::decode(const QByteArray &blob)
{
    if (blob.isEmpty())
        return QByteArray();
    switch (blob.at(0)) {
    case Stored:
        return blob.mid(1);
    case DeflateDictV1:
        return decodeDeflate(blob);
    case ZstdDictV2:
        return decodeZstd(blob);
    default:
        return Error{QStringLiteral("corrupt"),
                     QStringLiteral("A stored payload uses unknown codec %1; a newer ExeServer wrote it.")
                         .arg(int(blob.at(0)))};
    }
}

} // namespace exeserver
