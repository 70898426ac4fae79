#include "store/payloadcodec.h"

#include <zlib.h>

namespace exeserver {

namespace {

constexpr char kDictionary[] =
#include "store/payloaddictionary.inc"
    ;
// Level 6: 10% smaller than level 3 on real payloads (the size goal needs it) and about half as fast;
// ingest compresses on every core, outside the write transaction. Decoding is the same for any level.
constexpr int kLevel = 6;
constexpr int kRawDeflate = -15;
constexpr int kStoredBelow = 64;

const Bytef *dictionary()
{
    return reinterpret_cast<const Bytef *>(kDictionary);
}
constexpr uInt kDictionarySize = sizeof(kDictionary) - 1;

} // namespace

QByteArray PayloadCodec::encode(const QByteArray &json)
{
    if (json.size() < kStoredBelow)
        return char(Stored) + json;
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
        if (deflateInit2(&stream.z, kLevel, Z_DEFLATED, kRawDeflate, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            return char(Stored) + json;
        stream.ready = true;
    } else {
        deflateReset(&stream.z);
    }
    deflateSetDictionary(&stream.z, dictionary(), kDictionarySize);
    QByteArray out(qsizetype(deflateBound(&stream.z, uLong(json.size()))) + 1, Qt::Uninitialized);
    out[0] = char(DeflateDictV1);
    stream.z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(json.constData()));
    stream.z.avail_in = uInt(json.size());
    stream.z.next_out = reinterpret_cast<Bytef *>(out.data() + 1);
    stream.z.avail_out = uInt(out.size() - 1);
    if (deflate(&stream.z, Z_FINISH) != Z_STREAM_END)
        return char(Stored) + json;
    out.resize(qsizetype(stream.z.total_out) + 1);
    if (out.size() >= json.size() + 1)
        return char(Stored) + json;
    return out;
}

Result<QByteArray> PayloadCodec::decode(const QByteArray &blob)
{
    if (blob.isEmpty())
        return QByteArray();
    const char codec = blob.at(0);
    if (codec == Stored)
        return blob.mid(1);
    if (codec != DeflateDictV1)
        return Error{QStringLiteral("corrupt"),
                     QStringLiteral("A stored payload uses unknown codec %1; a newer ExeServer wrote it.")
                         .arg(int(codec))};
    z_stream z{};
    if (inflateInit2(&z, kRawDeflate) != Z_OK)
        return Error{QStringLiteral("corrupt"), QStringLiteral("Cannot start zlib to read a payload.")};
    inflateSetDictionary(&z, dictionary(), kDictionarySize);
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

} // namespace exeserver
