// A webhook load generator for any receiver (exeserver-cli serve, Probot): N keep-alive connections, one
// request in flight on each, every request a real `push` payload from @octokit/webhooks-examples with a
// unique `after` commit (so each is a new event, not a duplicate) and delivery id, signed with the secret.
// With --server-pid it also reads the server's CPU time and RSS from /proc. One thread, epoll, OpenSSL's
// HMAC: the generator should cost far less CPU than the servers it loads.
//
//   bench_webhook_load --url http://127.0.0.1:3000/webhook --secret S --examples index.json
//                      [--connections 32] [--seconds 10] [--warmup 2] [--server-pid PID] [--label NAME]
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using SteadyClock = std::chrono::steady_clock;

double secondsSince(SteadyClock::time_point start)
{
    return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// The push payload, compact, and where its 40-character `after` sha sits, to be overwritten per request.
struct Template
{
    std::string body;
    size_t afterOffset = 0;
};

Template loadPushTemplate(const QString &examplesPath)
{
    QFile file(examplesPath);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(examplesPath));
    const QJsonArray all = QJsonDocument::fromJson(file.readAll()).array();
    for (const QJsonValue &entry : all) {
        if (entry[QLatin1String("name")].toString() != QLatin1String("push"))
            continue;
        const QJsonObject example = entry[QLatin1String("examples")].toArray().first().toObject();
        Template t;
        t.body = QJsonDocument(example).toJson(QJsonDocument::Compact).toStdString();
        const std::string key = "\"after\":\"";
        const size_t at = t.body.find(key);
        if (at == std::string::npos)
            qFatal("the push example has no after field");
        t.afterOffset = at + key.size();
        return t;
    }
    qFatal("no push example in %s", qPrintable(examplesPath));
}

std::string hex(const unsigned char *data, size_t size)
{
    static const char digits[] = "0123456789abcdef";
    std::string out(size * 2, '0');
    for (size_t i = 0; i < size; ++i) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    return out;
}

struct ProcSample
{
    double cpuSeconds = 0;
    long rssKb = 0;
};

ProcSample sampleProcess(long pid)
{
    ProcSample sample;
    if (pid <= 0)
        return sample;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    // Fields after the command name, which may contain spaces, start past the last ')'.
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14)
            utime = std::stoull(field);
        if (i == 15)
            stime = std::stoull(field);
    }
    sample.cpuSeconds = double(utime + stime) / double(sysconf(_SC_CLK_TCK));
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0)
            sample.rssKb = std::stol(line.substr(6));
    return sample;
}

struct Connection
{
    int fd = -1;
    std::string out;
    size_t written = 0;
    std::string in;
    SteadyClock::time_point sentAt;
    bool busy = false;
};

class LoadGenerator
{
public:
    LoadGenerator(Template t, std::string secret, std::string host, int port, std::string path)
        : m_template(std::move(t))
        , m_secret(std::move(secret))
        , m_host(std::move(host))
        , m_port(port)
        , m_path(std::move(path))
    {
        m_epoll = epoll_create1(0);
        m_runTag = std::to_string(getpid()) + "-" +
                   std::to_string(SteadyClock::now().time_since_epoch().count() % 1000000007);
    }

    bool connectAll(int count)
    {
        for (int i = 0; i < count; ++i) {
            Connection c;
            c.fd = socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in address{};
            address.sin_family = AF_INET;
            address.sin_port = htons(uint16_t(m_port));
            inet_pton(AF_INET, m_host.c_str(), &address.sin_addr);
            if (::connect(c.fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
                std::perror("connect");
                return false;
            }
            int one = 1;
            setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            m_connections.push_back(std::move(c));
        }
        for (size_t i = 0; i < m_connections.size(); ++i) {
            epoll_event event{};
            event.events = EPOLLIN | EPOLLOUT | EPOLLET;
            event.data.u64 = i;
            epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_connections[i].fd, &event);
        }
        return true;
    }

    // Runs until `seconds` past `measureFrom`; only answers to requests sent after measureFrom count.
    void run(double warmup, double seconds, long serverPid)
    {
        const SteadyClock::time_point start = SteadyClock::now();
        m_measureFrom =
            start + std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(warmup));
        const SteadyClock::time_point end = m_measureFrom + std::chrono::duration_cast<SteadyClock::duration>(
                                                                std::chrono::duration<double>(seconds));
        for (size_t i = 0; i < m_connections.size(); ++i)
            send(i);
        bool measuring = false;
        SteadyClock::time_point nextSample = start;
        std::vector<epoll_event> events(m_connections.size());
        while (SteadyClock::now() < end) {
            const int ready = epoll_wait(m_epoll, events.data(), int(events.size()), 100);
            for (int k = 0; k < ready; ++k) {
                const size_t i = events[size_t(k)].data.u64;
                if (events[size_t(k)].events & EPOLLOUT)
                    flush(i);
                if (events[size_t(k)].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                    receive(i);
            }
            const SteadyClock::time_point now = SteadyClock::now();
            if (!measuring && now >= m_measureFrom) {
                measuring = true;
                m_cpuStart = sampleProcess(serverPid);
                m_measureStart = now;
            }
            if (measuring && now >= nextSample) {
                m_peakRssKb = std::max(m_peakRssKb, sampleProcess(serverPid).rssKb);
                nextSample = now + std::chrono::milliseconds(200);
            }
        }
        m_cpuEnd = sampleProcess(serverPid);
        m_measuredSeconds = secondsSince(m_measureStart);
    }

    void report(const std::string &label, int connections, long idleRssKb) const
    {
        std::vector<double> sorted = m_latenciesMs;
        std::sort(sorted.begin(), sorted.end());
        const auto pct = [&](double p) {
            return sorted.empty() ? 0.0
                                  : sorted[std::min(sorted.size() - 1, size_t(p / 100.0 * sorted.size()))];
        };
        const double cpu = m_cpuEnd.cpuSeconds - m_cpuStart.cpuSeconds;
        const double perSecond = double(m_latenciesMs.size()) / m_measuredSeconds;
        std::printf("label=%s connections=%d deliveries=%zu seconds=%.2f deliveries_per_s=%.0f p50_ms=%.2f "
                    "p99_ms=%.2f max_ms=%.2f failures=%ld cpu_s_per_1000=%.3f rss_idle_mb=%.1f "
                    "rss_load_mb=%.1f\n",
                    label.c_str(), connections, m_latenciesMs.size(), m_measuredSeconds, perSecond, pct(50),
                    pct(99), pct(100), m_failures,
                    m_latenciesMs.empty() ? 0.0 : cpu * 1000.0 / double(m_latenciesMs.size()),
                    double(idleRssKb) / 1024.0, double(std::max(m_peakRssKb, m_cpuEnd.rssKb)) / 1024.0);
        std::fflush(stdout);
    }

private:
    void send(size_t i)
    {
        Connection &c = m_connections[i];
        std::string body = m_template.body;
        const std::string tag = std::to_string(++m_sequence);
        // A unique `after` (hex digits) makes every delivery a new push, not a copy of the previous one.
        std::string after = hex(reinterpret_cast<const unsigned char *>(m_runTag.data()),
                                std::min<size_t>(m_runTag.size(), 10));
        after += std::string(40 - after.size() - tag.size(), '0') + tag;
        body.replace(m_template.afterOffset, 40, after.substr(0, 40));
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int macSize = 0;
        HMAC(EVP_sha256(), m_secret.data(), int(m_secret.size()),
             reinterpret_cast<const unsigned char *>(body.data()), body.size(), mac, &macSize);
        c.out = "POST " + m_path + " HTTP/1.1\r\nHost: " + m_host + ":" + std::to_string(m_port) +
                "\r\nContent-Type: application/json\r\nUser-Agent: GitHub-Hookshot/bench\r\n"
                "X-GitHub-Event: push\r\nX-GitHub-Delivery: bench-" +
                m_runTag + "-" + tag +
                "\r\nX-GitHub-Hook-ID: 1\r\nX-Hub-Signature-256: sha256=" + hex(mac, macSize) +
                "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        c.written = 0;
        c.busy = true;
        c.sentAt = SteadyClock::now();
        flush(i);
    }

    void flush(size_t i)
    {
        Connection &c = m_connections[i];
        while (c.busy && c.written < c.out.size()) {
            const ssize_t n = ::send(c.fd, c.out.data() + c.written, c.out.size() - c.written, MSG_NOSIGNAL);
            if (n <= 0)
                return; // EAGAIN: EPOLLOUT resumes it
            c.written += size_t(n);
        }
    }

    void receive(size_t i)
    {
        Connection &c = m_connections[i];
        char buffer[16384];
        for (;;) {
            const ssize_t n = recv(c.fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n > 0) {
                c.in.append(buffer, size_t(n));
                continue;
            }
            if (n == 0) {
                std::fprintf(stderr, "the server closed connection %zu\n", i);
                std::exit(2);
            }
            break;
        }
        const size_t headerEnd = c.in.find("\r\n\r\n");
        if (headerEnd == std::string::npos)
            return;
        size_t length = 0;
        std::string headers = c.in.substr(0, headerEnd);
        std::transform(headers.begin(), headers.end(), headers.begin(), ::tolower);
        if (const size_t at = headers.find("content-length:"); at != std::string::npos)
            length = std::stoul(headers.substr(at + 15));
        if (c.in.size() < headerEnd + 4 + length)
            return;
        const int status = std::atoi(c.in.c_str() + 9);
        c.in.erase(0, headerEnd + 4 + length);
        c.busy = false;
        if (c.sentAt >= m_measureFrom) {
            m_latenciesMs.push_back(
                std::chrono::duration<double, std::milli>(SteadyClock::now() - c.sentAt).count());
            if (status < 200 || status > 299)
                ++m_failures;
        }
        send(i);
    }

    Template m_template;
    std::string m_secret;
    std::string m_host;
    int m_port;
    std::string m_path;
    std::string m_runTag;
    int m_epoll = -1;
    std::vector<Connection> m_connections;
    long m_sequence = 0;
    long m_failures = 0;
    std::vector<double> m_latenciesMs;
    SteadyClock::time_point m_measureFrom;
    SteadyClock::time_point m_measureStart;
    double m_measuredSeconds = 0;
    ProcSample m_cpuStart;
    ProcSample m_cpuEnd;
    long m_peakRssKb = 0;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption url(QStringLiteral("url"), QStringLiteral("Webhook URL (http, IPv4)."),
                                 QStringLiteral("URL"));
    const QCommandLineOption secret(QStringLiteral("secret"), QStringLiteral("Webhook secret."),
                                    QStringLiteral("S"));
    const QCommandLineOption examples(
        QStringLiteral("examples"), QStringLiteral("@octokit/webhooks-examples' api.github.com/index.json."),
        QStringLiteral("FILE"), qEnvironmentVariable("EXESERVER_WEBHOOK_EXAMPLES"));
    const QCommandLineOption connections(QStringLiteral("connections"), QStringLiteral("Connections."),
                                         QStringLiteral("N"), QStringLiteral("32"));
    const QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("Measured seconds."),
                                     QStringLiteral("S"), QStringLiteral("10"));
    const QCommandLineOption warmup(QStringLiteral("warmup"), QStringLiteral("Unmeasured seconds first."),
                                    QStringLiteral("S"), QStringLiteral("2"));
    const QCommandLineOption pid(QStringLiteral("server-pid"),
                                 QStringLiteral("The server's process, for its CPU time and RSS."),
                                 QStringLiteral("PID"), QStringLiteral("0"));
    const QCommandLineOption label(QStringLiteral("label"), QStringLiteral("Name in the report line."),
                                   QStringLiteral("NAME"), QStringLiteral("server"));
    parser.addOptions({url, secret, examples, connections, seconds, warmup, pid, label});
    parser.addHelpOption();
    parser.process(app);

    const QUrl target(parser.value(url));
    if (!target.isValid() || target.scheme() != QLatin1String("http"))
        qFatal("--url needs an http URL");
    const long serverPid = parser.value(pid).toLong();
    const long idleRssKb = sampleProcess(serverPid).rssKb;
    LoadGenerator generator(loadPushTemplate(parser.value(examples)), parser.value(secret).toStdString(),
                            target.host().toStdString(), target.port(80), target.path().toStdString());
    const int n = parser.value(connections).toInt();
    if (!generator.connectAll(n))
        return 1;
    generator.run(parser.value(warmup).toDouble(), parser.value(seconds).toDouble(), serverPid);
    generator.report(parser.value(label).toStdString(), n, idleRssKb);
    return 0;
}
