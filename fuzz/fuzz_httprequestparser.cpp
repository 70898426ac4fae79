// libFuzzer harness: the webhook server's HTTP/1.1 request parser (core/net/httprequestparser) on arbitrary
// bytes, fed in two pieces at a point the input chooses, so partial reads of heads, chunk sizes and bodies
// are exercised as on a real socket. Pipelined requests are drained the way LocalHttpServer does.
#include "fuzzinput.h"
#include "net/httprequestparser.h"

using namespace exeserver;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    // Small limits so the 413 and 431 paths are reachable with small inputs.
    HttpRequestParser parser(HttpRequestParser::Limits{.maxHeaderBytes = 4096, .maxBodyBytes = 16384});
    const QByteArray input(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    const qsizetype split = input.isEmpty() ? 0 : qsizetype(data[0]) % (input.size() + 1);

    const QByteArray pieces[] = {input.left(split), input.mid(split)};
    int requests = 0;
    for (const QByteArray &piece : pieces) {
        HttpRequestParser::State state = parser.feed(piece);
        while (state == HttpRequestParser::State::Complete) {
            const HttpRequest request = parser.takeRequest();
            if (request.body.size() > 16384)
                fuzz::failProperty("a body larger than maxBodyBytes was accepted");
            if (++requests > int(input.size()) + 1)
                fuzz::failProperty("more requests than input bytes: the parser does not advance");
            state = parser.feed(QByteArray());
        }
        if (state == HttpRequestParser::State::Error) {
            const int status = parser.errorStatus();
            if (status < 400 || status > 599 || parser.errorMessage().isEmpty())
                fuzz::failProperty("an error without a 4xx/5xx status and a message");
            break;
        }
    }
    return 0;
}
