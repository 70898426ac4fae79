#include "catch.h"

#include "net/httprequestparser.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

using namespace exeserver;
using State = HttpRequestParser::State;

namespace {

HttpRequestParser::Limits smallLimits()
{
    HttpRequestParser::Limits limits;
    limits.maxHeaderBytes = 256;
    limits.maxBodyBytes = 100;
    return limits;
}

} // namespace

TEST_CASE("A request split across reads is parsed once complete", "[net]")
{
    HttpRequestParser parser;
    REQUIRE(parser.feed("POST /webhook?x=1 HTTP/1.1\r\nHost: a\r\nContent-Le") == State::NeedMore);
    REQUIRE(parser.feed("ngth: 5\r\n\r\nhel") == State::NeedMore);
    REQUIRE(parser.feed("lo") == State::Complete);
    const HttpRequest request = parser.takeRequest();
    CHECK(request.method == "POST");
    CHECK(request.version == "HTTP/1.1");
    CHECK(request.path == QStringLiteral("/webhook"));
    CHECK(request.query.queryItemValue(QStringLiteral("x")) == QStringLiteral("1"));
    CHECK(request.headers.value("content-length") == "5");
    CHECK(request.body == "hello");
}

TEST_CASE("Pipelined requests are handed out one at a time, in order", "[net]")
{
    HttpRequestParser parser;
    const QByteArray bytes = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                             "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                             "\r\n" // a stray CRLF between requests is tolerated
                             "DELETE /c?q=%20 HTTP/1.1\r\nHost: x\r\n\r\n";
    REQUIRE(parser.feed(bytes) == State::Complete);
    CHECK(parser.takeRequest().path == QStringLiteral("/a"));
    REQUIRE(parser.state() == State::Complete);
    const HttpRequest second = parser.takeRequest();
    CHECK(second.method == "POST");
    CHECK(second.body == "abc");
    REQUIRE(parser.state() == State::Complete);
    const HttpRequest third = parser.takeRequest();
    CHECK(third.method == "DELETE");
    CHECK(third.query.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded) == QStringLiteral(" "));
    CHECK(parser.state() == State::NeedMore);
}

TEST_CASE("Bytes arriving while a request waits to be taken are kept for the next one", "[net]")
{
    HttpRequestParser parser;
    REQUIRE(parser.feed("GET /a HTTP/1.1\r\n\r\nGET /b HT") == State::Complete);
    REQUIRE(parser.feed("TP/1.1\r\n\r\n") == State::Complete);
    CHECK(parser.takeRequest().path == QStringLiteral("/a"));
    REQUIRE(parser.state() == State::Complete);
    CHECK(parser.takeRequest().path == QStringLiteral("/b"));
}

TEST_CASE("Chunked bodies are reassembled, extensions and trailers skipped", "[net]")
{
    HttpRequestParser parser;
    const QByteArray bytes = "POST /hook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "5\r\nhello\r\n"
                             "6;ext=1\r\n world\r\n"
                             "A\r\n0123456789\r\n"
                             "0\r\n"
                             "X-Checksum: abc\r\n"
                             "X-Other: def\r\n"
                             "\r\n"
                             "GET /next HTTP/1.1\r\n\r\n";
    REQUIRE(parser.feed(bytes) == State::Complete);
    CHECK(parser.takeRequest().body == "hello world0123456789");
    REQUIRE(parser.state() == State::Complete);
    CHECK(parser.takeRequest().path == QStringLiteral("/next"));
}

TEST_CASE("A chunked body without trailers ends at the empty line", "[net]")
{
    HttpRequestParser parser;
    REQUIRE(parser.feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n") ==
            State::NeedMore);
    REQUIRE(parser.feed("\r\n") == State::Complete);
    CHECK(parser.takeRequest().body == "abc");
}

TEST_CASE("A byte-by-byte feed gives the same requests as one big feed", "[net]")
{
    const QByteArray bytes = "POST /one HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody"
                             "POST /two HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "2\r\nab\r\n1\r\nc\r\n0\r\nTrailer: t\r\n\r\n"
                             "GET /three HTTP/1.0\r\n\r\n";
    HttpRequestParser parser;
    QList<HttpRequest> requests;
    for (char c : bytes) {
        if (parser.feed(QByteArray(1, c)) == State::Error)
            FAIL(parser.errorMessage().toStdString());
        while (parser.state() == State::Complete)
            requests.append(parser.takeRequest());
    }
    REQUIRE(requests.size() == 3);
    CHECK(requests[0].path == QStringLiteral("/one"));
    CHECK(requests[0].body == "body");
    CHECK(requests[1].path == QStringLiteral("/two"));
    CHECK(requests[1].body == "abc");
    CHECK(requests[2].path == QStringLiteral("/three"));
    CHECK(requests[2].version == "HTTP/1.0");
    CHECK(parser.state() == State::NeedMore);
}

TEST_CASE("An oversized Content-Length is refused with 413 before the body arrives", "[net]")
{
    HttpRequestParser parser(smallLimits());
    REQUIRE(parser.feed("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n") == State::Error);
    CHECK(parser.errorStatus() == 413);

    HttpRequestParser atLimit(smallLimits());
    REQUIRE(atLimit.feed("POST /hook HTTP/1.1\r\nContent-Length: 100\r\n\r\n") == State::NeedMore);
    REQUIRE(atLimit.feed(QByteArray(100, 'x')) == State::Complete);
}

TEST_CASE("A chunked body growing past the limit is refused with 413", "[net]")
{
    HttpRequestParser parser(smallLimits());
    REQUIRE(parser.feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") == State::NeedMore);
    REQUIRE(parser.feed("32\r\n" + QByteArray(50, 'a') + "\r\n") == State::NeedMore);
    // The second chunk announces more than the limit allows; refused from its size line alone.
    REQUIRE(parser.feed("33\r\n") == State::Error);
    CHECK(parser.errorStatus() == 413);
}

TEST_CASE("A header block over the limit is refused with 431", "[net]")
{
    SECTION("still incomplete")
    {
        HttpRequestParser parser(smallLimits());
        const QByteArray head = "GET / HTTP/1.1\r\nX-Big: " + QByteArray(300, 'a');
        REQUIRE(parser.feed(head) == State::Error);
        CHECK(parser.errorStatus() == 431);
    }
    SECTION("complete in one read")
    {
        HttpRequestParser parser(smallLimits());
        const QByteArray head = "GET / HTTP/1.1\r\nX-Big: " + QByteArray(300, 'a') + "\r\n\r\n";
        REQUIRE(parser.feed(head) == State::Error);
        CHECK(parser.errorStatus() == 431);
    }
}

TEST_CASE("Malformed requests are refused with 400", "[net]")
{
    const auto statusFor = [](const QByteArray &bytes) {
        HttpRequestParser parser;
        parser.feed(bytes);
        return parser.state() == State::Error ? parser.errorStatus() : 0;
    };
    CHECK(statusFor("GET /\r\n\r\n") == 400);                                // no version
    CHECK(statusFor("GET  / HTTP/1.1\r\n\r\n") == 400);                      // two spaces
    CHECK(statusFor("G(T / HTTP/1.1\r\n\r\n") == 400);                       // method is not a token
    CHECK(statusFor("GET http//x HTTP/1.1\r\n\r\n") == 400);                 // not an absolute path
    CHECK(statusFor("GET / HTTP/1.1\r\nNo colon here\r\n\r\n") == 400);      // header without colon
    CHECK(statusFor("GET / HTTP/1.1\r\nHost : x\r\n\r\n") == 400);           // space before colon
    CHECK(statusFor("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n") == 400); // obsolete line folding
    CHECK(statusFor("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n") == 400);
    CHECK(statusFor("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n") == 400);
    CHECK(statusFor("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") == 400);
    CHECK(statusFor("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n") == 400);
}

TEST_CASE("Content-Length together with Transfer-Encoding is refused with 400", "[net]")
{
    HttpRequestParser parser;
    REQUIRE(parser.feed("POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n") ==
            State::Error);
    CHECK(parser.errorStatus() == 400);
}

TEST_CASE("Conflicting Content-Length headers are refused with 400", "[net]")
{
    // A front end that honours the other header would see a different request boundary (smuggling).
    HttpRequestParser parser;
    REQUIRE(parser.feed("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 50\r\n\r\nhello") ==
            State::Error);
    CHECK(parser.errorStatus() == 400);

    HttpRequestParser repeated; // identical repeats are harmless (RFC 9112 §6.3)
    REQUIRE(repeated.feed("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello") ==
            State::Complete);
    CHECK(repeated.takeRequest().body == "hello");
}

TEST_CASE("An empty or repeated Transfer-Encoding header is not mistaken for no encoding", "[net]")
{
    HttpRequestParser empty;
    REQUIRE(empty.feed("POST / HTTP/1.1\r\nTransfer-Encoding:\r\nContent-Length: 5\r\n\r\nhello") ==
            State::Error);

    HttpRequestParser twice;
    REQUIRE(twice.feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n") ==
            State::Error);
    CHECK(twice.errorStatus() == 501);
}

TEST_CASE("An unsupported HTTP version is refused with 505", "[net]")
{
    for (const QByteArray &version : {QByteArray("HTTP/2.0"), QByteArray("HTTP/0.9"), QByteArray("HTTP/3")}) {
        HttpRequestParser parser;
        REQUIRE(parser.feed("GET / " + version + "\r\n\r\n") == State::Error);
        CHECK(parser.errorStatus() == 505);
    }
}

TEST_CASE("A transfer coding other than chunked is refused with 501", "[net]")
{
    for (const QByteArray &coding :
         {QByteArray("gzip"), QByteArray("gzip, chunked"), QByteArray("identity")}) {
        HttpRequestParser parser;
        REQUIRE(parser.feed("POST / HTTP/1.1\r\nTransfer-Encoding: " + coding + "\r\n\r\n") == State::Error);
        CHECK(parser.errorStatus() == 501);
    }
    HttpRequestParser upperCase;
    REQUIRE(upperCase.feed("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n") ==
            State::Complete);
}

TEST_CASE("After an error the parser stays in error and ignores further bytes", "[net]")
{
    HttpRequestParser parser;
    REQUIRE(parser.feed("BROKEN\r\n\r\n") == State::Error);
    CHECK(parser.feed("GET / HTTP/1.1\r\n\r\n") == State::Error);
    CHECK(parser.errorStatus() == 400);
}

TEST_CASE("A plain request target gives the path QUrl would, without QUrl", "[net]")
{
    // Targets of unreserved characters skip QUrl; the others still go through it. Both must agree.
    for (const char *target :
         {"/webhook", "/api/v1/github_webhooks", "/", "//double", "/a/./b/../c", "/x.y~z-_", "/%41%2Fb",
          "/a?b=1", "/p%20q?x=%7E&y", "/caf%C3%A9", "/a;b", "/a:b@c", "/a+b", "/%zz"}) {
        INFO(target);
        HttpRequestParser parser;
        const State state = parser.feed("GET " + QByteArray(target) + " HTTP/1.1\r\n\r\n");
        const QUrl url = QUrl::fromEncoded("http://localhost" + QByteArray(target));
        if (!url.isValid()) {
            CHECK(state == State::Error);
            continue;
        }
        REQUIRE(state == State::Complete);
        const HttpRequest request = parser.takeRequest();
        CHECK(request.target == target);
        CHECK(request.path == url.path(QUrl::FullyDecoded));
        CHECK(request.query.toString() == QUrlQuery(url).toString());
    }
}

TEST_CASE("A body arriving in pieces grows into room reserved from Content-Length", "[net]")
{
    const QByteArray body(5000, 'b');
    HttpRequestParser parser;
    REQUIRE(parser.feed("POST /hook HTTP/1.1\r\nContent-Length: 5000\r\n\r\n" + body.left(10)) ==
            State::NeedMore);
    for (qsizetype at = 10; at < body.size(); at += 700)
        parser.feed(QByteArrayView(body).sliced(at, std::min<qsizetype>(700, body.size() - at)));
    REQUIRE(parser.state() == State::Complete);
    const HttpRequest request = parser.takeRequest();
    CHECK(request.body == body);
    CHECK(request.body.capacity() == 5000); // reserved once, never grown
}

TEST_CASE("Header names, values and framing are read as before", "[net]")
{
    HttpRequestParser parser;
    REQUIRE(parser.feed("post /h HTTP/1.0\r\nX-A:  one \r\nx-b:two\r\nContent-Length: 3\r\n"
                        "content-length: 3\r\n\r\nabc") == State::Complete);
    const HttpRequest request = parser.takeRequest();
    CHECK(request.method == "POST");
    CHECK(request.version == "HTTP/1.0");
    CHECK(request.headers.value("x-a") == "one");
    CHECK(request.headers.value("X-B") == "two");
    CHECK(request.headers.all().size() == 4);
    CHECK(request.body == "abc");

    for (const char *bad :
         {"GET  / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1 x\r\n\r\n", "GET / HTTP/1.1\r\n: x\r\n\r\n",
          "GET / HTTP/1.1\r\nA B: x\r\n\r\n", "GET / HTTP/1.1\r\nA: x\n\nB: y\r\n\r\n"}) {
        INFO(bad);
        HttpRequestParser refused;
        CHECK(refused.feed(bad) == State::Error);
        CHECK(refused.errorStatus() == 400);
    }
    HttpRequestParser version;
    CHECK(version.feed("GET / HTTP/2.0\r\n\r\n") == State::Error);
    CHECK(version.errorStatus() == 505);
}

TEST_CASE("A JSON answer of string members is written byte for byte as QJsonDocument writes it", "[net]")
{
    QString every;
    for (char16_t c = 0; c < 0x80; ++c)
        every += QChar(c);
    for (const QString &value : {QString(), QStringLiteral("Stored."), every, QStringLiteral("caf\u00e9"),
                                 QStringLiteral("\U0001F600 \"x\""), QStringLiteral("a\u2028b")}) {
        INFO(value.toStdString());
        const HttpResponse answer =
            HttpResponse::json(202, {{QLatin1StringView("status"), QStringLiteral("stored")},
                                     {QLatin1StringView("message"), value},
                                     {QLatin1StringView("id"), value + QStringLiteral("-1")}});
        const QJsonObject object{{QStringLiteral("status"), QStringLiteral("stored")},
                                 {QStringLiteral("message"), value},
                                 {QStringLiteral("id"), value + QStringLiteral("-1")}};
        CHECK(answer.body == QJsonDocument(object).toJson(QJsonDocument::Compact));
        CHECK(answer.status == 202);
        CHECK(answer.headers.value("Content-Type") == "application/json; charset=utf-8");
    }
}
