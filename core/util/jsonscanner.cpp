#include "util/jsonscanner.h"

#include <cmath>

namespace exeserver::json {

namespace {

char16_t hexValue(const unsigned char *h)
{
    char16_t v = 0;
    for (int i = 0; i < 4; ++i) {
        const unsigned char c = h[i];
        v = char16_t((v << 4) | (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10));
    }
    return v;
}

} // namespace

QString decodeString(const Token &token)
{
    const char *begin = reinterpret_cast<const char *>(token.from);
    const qsizetype size = token.to - token.from;
    if (!token.escaped)
        return token.ascii ? QString::fromLatin1(begin, size) : QString::fromUtf8(begin, size);
    // Escapes decode straight to UTF-16 units, so \ud83d\ude00 is one character and a lone \ud800 stays
    // what Qt's parser makes of it.
    QString out;
    out.reserve(size);
    const unsigned char *run = token.from;
    const auto flush = [&](const unsigned char *to) {
        if (to > run)
            out += QString::fromUtf8(reinterpret_cast<const char *>(run), to - run);
    };
    for (const unsigned char *p = token.from; p < token.to; ++p) {
        if (*p != '\\')
            continue;
        flush(p);
        ++p;
        switch (*p) {
        case 'b':
            out += QChar(u'\b');
            break;
        case 'f':
            out += QChar(u'\f');
            break;
        case 'n':
            out += QChar(u'\n');
            break;
        case 'r':
            out += QChar(u'\r');
            break;
        case 't':
            out += QChar(u'\t');
            break;
        case 'u':
            out += QChar(hexValue(p + 1));
            p += 4;
            break;
        default: // '"', '\\', '/' and unknown escapes: the byte itself, as Latin-1 (as Qt's parser reads it)
            out += QChar(char16_t(*p));
        }
        run = p + 1;
    }
    flush(token.to);
    return out;
}

qint64 integerOf(const Token &token)
{
    if (token.kind != Token::Kind::Number)
        return 0;
    const QByteArray text =
        QByteArray::fromRawData(reinterpret_cast<const char *>(token.from), token.to - token.from);
    if (!text.contains('.') && !text.contains('e') && !text.contains('E')) {
        bool ok = false;
        const qint64 value = text.toLongLong(&ok);
        if (ok)
            return value;
    }
    // What QJsonValue::toInteger() does with a double: exact integers in qint64's range only.
    const double value = text.toDouble();
    constexpr double kLimit = 9223372036854775808.0; // 2^63
    if (!(value >= -kLimit && value < kLimit) || std::trunc(value) != value)
        return 0;
    return qint64(value);
}

bool isNumber(QByteArrayView text)
{
    bool ok = false;
    QByteArray::fromRawData(text.data(), text.size()).toDouble(&ok);
    return ok;
}

} // namespace exeserver::json
