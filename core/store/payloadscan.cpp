#include "store/payloadscan.h"

#include "store/searchtext.h"

#include <QSet>

#include <bit>
#include <cstring>

namespace exeserver {

namespace {

constexpr int kMaxDepth = 1024; // QJsonDocument's limit too
constexpr qsizetype kFieldCap = 300;

// The keys whose string values are searched (searchtext.h's list). A payload has a few hundred keys and
// most are not searched: the length picks the one or few candidates to compare.
bool isSearchedKey(QByteArrayView key)
{
    switch (key.size()) {
    case 3:
        return key == "ref";
    case 4:
        return key == "body" || key == "name" || key == "path";
    case 5:
        return key == "title" || key == "state" || key == "login" || key == "after";
    case 7:
        return key == "message";
    case 8:
        return key == "tag_name" || key == "head_sha";
    case 9:
        return key == "full_name";
    case 10:
        return key == "conclusion";
    case 11:
        return key == "head_branch";
    case 13:
        return key == "display_title";
    default:
        return false;
    }
}

void appendUtf8(QByteArray &out, char32_t code)
{
    if (code < 0x80) {
        out += char(code);
    } else if (code < 0x800) {
        out += char(0xc0 | (code >> 6));
        out += char(0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
        out += char(0xe0 | (code >> 12));
        out += char(0x80 | ((code >> 6) & 0x3f));
        out += char(0x80 | (code & 0x3f));
    } else {
        out += char(0xf0 | (code >> 18));
        out += char(0x80 | ((code >> 12) & 0x3f));
        out += char(0x80 | ((code >> 6) & 0x3f));
        out += char(0x80 | (code & 0x3f));
    }
}

class Scanner
{
public:
    explicit Scanner(QByteArrayView json)
        : m_p(reinterpret_cast<const unsigned char *>(json.data()))
        , m_begin(m_p)
        , m_end(m_p + json.size())
    {
    }

    PayloadScan run()
    {
        PayloadScan result;
        skipSpace();
        if (m_p == m_end || (*m_p != '{' && *m_p != '['))
            fail("expected an object or an array");
        else if (value(false, 0)) {
            skipSpace();
            if (m_p != m_end)
                fail("garbage after the JSON value");
        }
        result.valid = m_error.isEmpty();
        result.error = m_error;
        if (result.valid)
            result.searchText = m_text.left(kSearchTextCap);
        return result;
    }

private:
    bool fail(const char *what)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("%1 at byte %2").arg(QLatin1String(what)).arg(m_p - m_begin);
        return false;
    }

    void skipSpace()
    {
        while (m_p != m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\r' || *m_p == '\t'))
            ++m_p;
    }

    bool full() const { return m_text.size() >= kSearchTextCap; }

    void collect(QString value)
    {
        if (value.isEmpty() || full() || m_seen.contains(value))
            return;
        if (!m_text.isEmpty())
            m_text += QLatin1Char(' ');
        m_text += QStringView(value).left(kFieldCap);
        m_seen.insert(std::move(value));
    }

    bool value(bool searched, int depth)
    {
        if (m_p == m_end)
            return fail("unexpected end");
        switch (*m_p) {
        case '{':
            return object(depth + 1);
        case '[':
            return array(searched, depth + 1);
        case '"': {
            const unsigned char *start = m_p + 1;
            bool escaped = false;
            bool ascii = true;
            if (!string(&escaped, &ascii))
                return false;
            if (searched && !full())
                collect(decode(start, m_p - 1, escaped, ascii));
            return true;
        }
        case 't':
            return literal("true");
        case 'f':
            return literal("false");
        case 'n':
            return literal("null");
        default:
            return number();
        }
    }

    bool literal(QByteArrayView word)
    {
        if (m_end - m_p < word.size() || QByteArrayView(m_p, word.size()) != word)
            return fail("invalid literal");
        m_p += word.size();
        return true;
    }

    bool digits()
    {
        const unsigned char *start = m_p;
        while (m_p != m_end && *m_p >= '0' && *m_p <= '9')
            ++m_p;
        return m_p != start;
    }

    bool number()
    {
        if (m_p != m_end && *m_p == '-')
            ++m_p;
        if (m_p != m_end && *m_p == '0')
            ++m_p;
        else if (!digits())
            return fail("invalid value");
        if (m_p != m_end && *m_p == '.') {
            ++m_p;
            digits(); // QJsonDocument accepts "1." too
        }
        if (m_p != m_end && (*m_p == 'e' || *m_p == 'E')) {
            ++m_p;
            if (m_p != m_end && (*m_p == '+' || *m_p == '-'))
                ++m_p;
            if (!digits())
                return fail("invalid number");
        }
        return true;
    }

    bool hex4(char32_t *code)
    {
        if (m_end - m_p < 4)
            return fail("invalid \\u escape");
        char32_t value = 0;
        for (int i = 0; i < 4; ++i) {
            const unsigned char c = m_p[i];
            value <<= 4;
            if (c >= '0' && c <= '9')
                value |= c - '0';
            else if (c >= 'a' && c <= 'f')
                value |= c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                value |= c - 'A' + 10;
            else
                return fail("invalid \\u escape");
        }
        m_p += 4;
        *code = value;
        return true;
    }

    // One UTF-8 sequence starting at m_p (a non-ASCII lead byte); rejects overlongs and surrogates.
    bool utf8()
    {
        const unsigned char lead = *m_p;
        int extra = 0;
        char32_t code = 0;
        char32_t minimum = 0;
        if (lead >= 0xc2 && lead <= 0xdf) {
            extra = 1;
            code = lead & 0x1f;
            minimum = 0x80;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            extra = 2;
            code = lead & 0x0f;
            minimum = 0x800;
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            extra = 3;
            code = lead & 0x07;
            minimum = 0x10000;
        } else {
            return fail("invalid UTF-8");
        }
        if (m_end - m_p <= extra)
            return fail("invalid UTF-8");
        for (int i = 1; i <= extra; ++i) {
            if ((m_p[i] & 0xc0) != 0x80)
                return fail("invalid UTF-8");
            code = (code << 6) | (m_p[i] & 0x3f);
        }
        if (code < minimum || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
            return fail("invalid UTF-8");
        m_p += extra + 1;
        return true;
    }

    // Strings are most of a payload's bytes (URLs, mostly): skip whole 8-byte words with no '"', no '\\'
    // and no byte >= 0x80 (SWAR: a word's zero bytes found with the classic borrow trick; a false
    // positive can only follow a true one, so the lowest flagged byte is exact). Little-endian only.
    void skipPlainWords()
    {
        if constexpr (std::endian::native == std::endian::little) {
            constexpr quint64 kOnes = 0x0101010101010101ULL;
            constexpr quint64 kHighs = 0x8080808080808080ULL;
            const auto zeroBytes = [](quint64 v) { return (v - kOnes) & ~v & kHighs; };
            while (m_end - m_p >= 8) {
                quint64 word;
                std::memcpy(&word, m_p, 8);
                const quint64 stops =
                    zeroBytes(word ^ (kOnes * '"')) | zeroBytes(word ^ (kOnes * '\\')) | (word & kHighs);
                if (stops) {
                    m_p += std::countr_zero(stops) / 8;
                    return;
                }
                m_p += 8;
            }
        }
    }

    // m_p at the opening quote; leaves it after the closing one.
    bool string(bool *escaped, bool *ascii)
    {
        ++m_p;
        while (true) {
            // Fast path: plain ASCII characters, eight at a time, then one by one up to the stop.
            skipPlainWords();
            while (m_p != m_end && *m_p < 0x80 && *m_p != '"' && *m_p != '\\')
                ++m_p;
            if (m_p == m_end)
                return fail("unterminated string");
            const unsigned char c = *m_p;
            if (c == '"') {
                ++m_p;
                return true;
            }
            if (c == '\\') {
                *escaped = true;
                ++m_p;
                if (m_p == m_end)
                    return fail("unterminated string");
                // Like QJsonDocument, an unknown escape stands for the character itself.
                if (*m_p++ == 'u') {
                    char32_t code = 0;
                    if (!hex4(&code))
                        return false;
                } else if (m_p[-1] >= 0x80) {
                    --m_p; // a multi-byte character: validate it below
                }
                continue;
            }
            *ascii = false;
            if (!utf8())
                return false;
        }
    }

    // The text of a validated string body [from, to).
    static QString decode(const unsigned char *from, const unsigned char *to, bool escaped, bool ascii)
    {
        const char *begin = reinterpret_cast<const char *>(from);
        if (!escaped)
            return ascii ? QString::fromLatin1(begin, to - from) : QString::fromUtf8(begin, to - from);
        QByteArray out;
        out.reserve(to - from);
        for (const unsigned char *p = from; p < to; ++p) {
            if (*p != '\\') {
                out += char(*p);
                continue;
            }
            ++p;
            switch (*p) {
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u': {
                const auto hex = [](const unsigned char *h) {
                    char32_t v = 0;
                    for (int i = 0; i < 4; ++i) {
                        const unsigned char c = h[i];
                        v = (v << 4) | char32_t(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
                    }
                    return v;
                };
                char32_t code = hex(p + 1);
                p += 4;
                if (code >= 0xd800 && code <= 0xdbff && to - p >= 7 && p[1] == '\\' && p[2] == 'u') {
                    const char32_t low = hex(p + 3);
                    if (low >= 0xdc00 && low <= 0xdfff) {
                        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                        p += 6;
                    }
                }
                if (code >= 0xd800 && code <= 0xdfff)
                    code = 0xfffd; // a lone surrogate
                appendUtf8(out, code);
                break;
            }
            default: // '"', '\\', '/'
                out += char(*p);
            }
        }
        return QString::fromUtf8(out);
    }

    bool object(int depth)
    {
        if (depth > kMaxDepth)
            return fail("too deeply nested");
        ++m_p;
        skipSpace();
        if (m_p != m_end && *m_p == '}') {
            ++m_p;
            return true;
        }
        while (true) {
            if (m_p == m_end || *m_p != '"')
                return fail("expected a key");
            const unsigned char *keyStart = m_p + 1;
            bool escaped = false;
            bool ascii = true;
            if (!string(&escaped, &ascii))
                return false;
            const bool searched = escaped ? isSearchedKey(decode(keyStart, m_p - 1, true, ascii).toUtf8())
                                          : isSearchedKey(QByteArrayView(keyStart, m_p - 1 - keyStart));
            skipSpace();
            if (m_p == m_end || *m_p != ':')
                return fail("expected ':'");
            ++m_p;
            skipSpace();
            if (!value(searched, depth))
                return false;
            skipSpace();
            if (m_p != m_end && *m_p == ',') {
                ++m_p;
                skipSpace();
                continue;
            }
            if (m_p != m_end && *m_p == '}') {
                ++m_p;
                return true;
            }
            return fail("expected ',' or '}'");
        }
    }

    bool array(bool searched, int depth)
    {
        if (depth > kMaxDepth)
            return fail("too deeply nested");
        ++m_p;
        skipSpace();
        if (m_p != m_end && *m_p == ']') {
            ++m_p;
            return true;
        }
        while (true) {
            if (!value(searched, depth))
                return false;
            skipSpace();
            if (m_p != m_end && *m_p == ',') {
                ++m_p;
                skipSpace();
                continue;
            }
            if (m_p != m_end && *m_p == ']') {
                ++m_p;
                return true;
            }
            return fail("expected ',' or ']'");
        }
    }

    const unsigned char *m_p;
    const unsigned char *m_begin;
    const unsigned char *m_end;
    QString m_error;
    QString m_text;
    QSet<QString> m_seen;
};

} // namespace

PayloadScan scanPayload(QByteArrayView json)
{
    return Scanner(json).run();
}

} // namespace exeserver
