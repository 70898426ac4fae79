#include "catch.h"

#include "net/httprequestparser.h"

using namespace exeserver;

TEST_CASE("A request split across reads is parsed once complete", "[net]")
{
    HttpRequestParser parser;
    REQUIRE(parser.feed("POST /webhook?x=1 HTTP/1.1\r\nHost: a\r\nContent-Le") == HttpRequestParser::State::NeedMore);
    REQUIRE(parser.feed("ngth: 5\r\n\r\nhel") == HttpRequestParser::State::NeedMore);
    REQUIRE(parser.feed("lo") == HttpRequestParser::State::Complete);
    const HttpRequest request = parser.takeRequest();
    CHECK(request.method == "POST");
    CHECK(request.path == QStringLiteral("/webhook"));
    CHECK(request.query.queryItemValue(QStringLiteral("x")) == QStringLiteral("1"));
    CHECK(request.headers.value("content-length") == "5");
    CHECK(request.body == "hello");
}
