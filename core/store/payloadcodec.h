#pragma once

#include "util/result.h"

#include <QByteArray>

namespace exeserver {

// Packs webhook payloads for the events table. Payloads are ~10 KB of JSON, most of it the same
// repository/sender boilerplate, so raw deflate with a preset dictionary of that boilerplate makes them
// ~10x smaller (plain deflate: ~6x). The first byte names the codec so a better one can be added later.
class PayloadCodec
{
public:
    enum Codec : char
    {
        Stored = 0,        // the bytes as given (tiny payloads, where deflate would grow them)
        DeflateDictV1 = 1, // raw deflate (level 3 before schema 4, then 6), dictionary payloaddictionary.inc
    };

    static QByteArray encode(const QByteArray &json);
    static Result<QByteArray> decode(const QByteArray &blob);
};

} // namespace exeserver
