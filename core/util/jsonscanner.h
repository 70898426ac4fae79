#pragma once

#include <QByteArrayView>
#include <QString>

#include <bit>
#include <cstring>

namespace exeserver::json {

// One validated scalar as it stands in the text: a string's body between its quotes (escapes not yet
// decoded), or a number's or literal's characters.
struct Token
{
    enum class Kind : quint8
    {
        String,
        Number,
        Literal // true, false, null
    };
    const unsigned char *from = nullptr;
    const unsigned char *to = nullptr;
    Kind kind = Kind::Literal;
    bool escaped = false; // a string with a backslash in it
    bool ascii = true;    // a string with no byte >= 0x80

    QByteArrayView bytes() const { return QByteArrayView(from, to - from); }
};

// A string token's text, exactly as QJsonDocument gives it (unknown escapes stand for the character, a
// lone \u surrogate stays a lone UTF-16 unit).
QString decodeString(const Token &token);
// A number token as QJsonValue::toInteger() gives it: integers that fit qint64 exactly, other numbers
// when they are integral and in range, else 0. Any other token: 0.
qint64 integerOf(const Token &token);
// Whether number characters are a number QJsonDocument takes: what QByteArray::toDouble() accepts (in
// double's range, not rounded to zero when it is not zero).
bool isNumber(QByteArrayView text);

// One pass over JSON text that validates it as QJsonDocument would (RFC 8259 and UTF-8, with Qt's
// leniencies: raw control characters, unknown escapes, "1."; numbers beyond double's range refused) and
// tells a visitor what it meets, so each reader keeps only what it needs and builds no tree.
//
// The visitor's Context travels down the recursion (what the reader knows about where it is):
//   Context root();                                  the document
//   Context object(Context);                         an object opens in this context: its members' parent
//   Context member(Context object, const Token &key); a member's value, by its key (a String token)
//   Context array(Context);                          an array opens: its elements' parent
//   Context element(Context array);
//   void scalar(Context, const Token &);             a string, number or literal
template <class Visitor>
class Scanner
{
public:
    using Context = typename Visitor::Context;

    Scanner(QByteArrayView json, Visitor &visitor)
        : m_p(reinterpret_cast<const unsigned char *>(json.data()))
        , m_begin(m_p)
        , m_end(m_p + json.size())
        , m_visitor(visitor)
    {
    }

    // True when the text is one JSON value (of the kinds `allowScalar` allows at the top) and nothing
    // else; otherwise error() says why and where.
    bool run(bool allowScalar = false)
    {
        skipSpace();
        if (!allowScalar && (m_p == m_end || (*m_p != '{' && *m_p != '[')))
            return fail("expected an object or an array");
        if (!value(m_visitor.root(), 0))
            return false;
        skipSpace();
        if (m_p != m_end)
            return fail("garbage after the JSON value");
        return true;
    }

    const QString &error() const { return m_error; }

private:
    static constexpr int kMaxDepth = 1024; // QJsonDocument's limit too

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

    bool value(Context context, int depth)
    {
        if (m_p == m_end)
            return fail("unexpected end");
        Token token;
        token.from = m_p;
        switch (*m_p) {
        case '{':
            return object(m_visitor.object(context), depth + 1);
        case '[':
            return array(m_visitor.array(context), depth + 1);
        case '"':
            if (!string(&token))
                return false;
            break;
        case 't':
            if (!literal("true"))
                return false;
            break;
        case 'f':
            if (!literal("false"))
                return false;
            break;
        case 'n':
            if (!literal("null"))
                return false;
            break;
        default:
            token.kind = Token::Kind::Number;
            if (!number())
                return false;
        }
        if (token.kind != Token::Kind::String)
            token.to = m_p;
        m_visitor.scalar(context, token);
        return true;
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

    // Qt's number: its characters as QJsonDocument takes them (a leading '.', "1." and "1.e5" included),
    // then C-locale toDouble() decides, as in Qt's parser. Plain integers need no conversion.
    bool number()
    {
        const unsigned char *start = m_p;
        if (m_p != m_end && *m_p == '-')
            ++m_p;
        bool integer = false;
        if (m_p != m_end && *m_p == '0') {
            ++m_p;
            integer = true;
        } else {
            integer = digits();
        }
        if (m_p != m_end && *m_p == '.') {
            ++m_p;
            digits();
            integer = false;
        }
        if (m_p != m_end && (*m_p == 'e' || *m_p == 'E')) {
            ++m_p;
            if (m_p != m_end && (*m_p == '+' || *m_p == '-'))
                ++m_p;
            digits();
            integer = false;
        }
        if ((!integer || m_p - start > 300) && !isNumber(QByteArrayView(start, m_p - start))) {
            m_p = start;
            return fail("invalid number");
        }
        return true;
    }

    bool hex4()
    {
        if (m_end - m_p < 4)
            return fail("invalid \\u escape");
        for (int i = 0; i < 4; ++i) {
            const unsigned char c = m_p[i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
                return fail("invalid \\u escape");
        }
        m_p += 4;
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

    // m_p at the opening quote; leaves it after the closing one, with the body in `token`.
    bool string(Token *token)
    {
        token->kind = Token::Kind::String;
        token->from = ++m_p;
        while (true) {
            // Fast path: plain ASCII characters, eight at a time, then one by one up to the stop.
            skipPlainWords();
            while (m_p != m_end && *m_p < 0x80 && *m_p != '"' && *m_p != '\\')
                ++m_p;
            if (m_p == m_end)
                return fail("unterminated string");
            const unsigned char c = *m_p;
            if (c == '"') {
                token->to = m_p++;
                return true;
            }
            if (c == '\\') {
                token->escaped = true;
                ++m_p;
                if (m_p == m_end)
                    return fail("unterminated string");
                // Like QJsonDocument, an unknown escape stands for the byte after the backslash, read as
                // Latin-1 (so a backslash before "é" leaves its second byte to fail as UTF-8 below).
                if (*m_p++ == 'u' && !hex4())
                    return false;
                continue;
            }
            token->ascii = false;
            if (!utf8())
                return false;
        }
    }

    bool object(Context context, int depth)
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
            Token key;
            if (!string(&key))
                return false;
            skipSpace();
            if (m_p == m_end || *m_p != ':')
                return fail("expected ':'");
            ++m_p;
            skipSpace();
            if (!value(m_visitor.member(context, key), depth))
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

    bool array(Context context, int depth)
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
            if (!value(m_visitor.element(context), depth))
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
    Visitor &m_visitor;
    QString m_error;
};

} // namespace exeserver::json

namespace exeserver::json {

// Two readers fed by one pass: Both<A, B> is a visitor whose context is the pair of theirs.
template <class A, class B>
class Both
{
public:
    struct Context
    {
        typename A::Context a;
        typename B::Context b;
    };

    Both(A &a, B &b)
        : m_a(a)
        , m_b(b)
    {
    }

    Context root() { return {m_a.root(), m_b.root()}; }
    Context object(Context c) { return {m_a.object(c.a), m_b.object(c.b)}; }
    Context member(Context c, const Token &key) { return {m_a.member(c.a, key), m_b.member(c.b, key)}; }
    Context array(Context c) { return {m_a.array(c.a), m_b.array(c.b)}; }
    Context element(Context c) { return {m_a.element(c.a), m_b.element(c.b)}; }
    void scalar(Context c, const Token &token)
    {
        m_a.scalar(c.a, token);
        m_b.scalar(c.b, token);
    }

private:
    A &m_a;
    B &m_b;
};

} // namespace exeserver::json
