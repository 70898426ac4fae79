#pragma once

#include "util/result.h"

#include <QByteArray>

namespace exeserver {

// Packs webhook payloads for the events table. Payloads are ~10 KB of JSON, most of it the same
// repository/sender boilerplate. The first byte names the codec, so blobs written by any earlier version
// stay readable:
// - codec 1, raw deflate with a hand-picked preset dictionary: ~11x smaller, 80-115 us per payload;
// - codec 2 (written now), zstd level 1 with a dictionary trained on GitHub's real payloads: ~22x smaller
//   and ~10x faster, which is what lets ingest keep up with a webhook burst.
class PayloadCodec
{
public:
    enum Codec : char
    {
        Stored = 0,        // the bytes as given (tiny payloads, where compression would grow them)
        DeflateDictV1 = 1, // raw deflate (level 3 before schema 4, then 6), dictionary payloaddictionary.inc
        ZstdDictV2 = 2, // zstd frame, dictionary payloaddictionary-v2.zstd (scripts/train-payload-dictionary)
    };

    static QByteArray encode(const QByteArray &json, Codec codec = ZstdDictV2);
    static Result<QByteArray> decode(const QByteArray &blob);
};

} // namespace exeserver
