// Builds resources/webhook-events.json from @octokit/webhooks-examples' index.json: every webhook event
// with its actions and one sample payload (its examples merged, arrays cut to their first element, long
// strings shortened), so
// the trigger editor offers GitHub's real event list and completes field paths without npm at build time.
//
//   exeserver_webhook_catalog INDEX_JSON OUTPUT_JSON
//
// The test `webhook_catalog_current` regenerates it and fails when the committed file differs.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace {

constexpr qsizetype kMaxString = 120;

QJsonValue compact(const QJsonValue &value)
{
    if (value.isObject()) {
        QJsonObject out;
        const QJsonObject object = value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it)
            out.insert(it.key(), compact(it.value()));
        return out;
    }
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        return array.isEmpty() ? QJsonArray() : QJsonArray{compact(array.first())};
    }
    if (value.isString() && value.toString().size() > kMaxString)
        return value.toString().left(kMaxString);
    return value;
}

// The first example, with keys and array elements only later examples have added, so completion offers
// every field GitHub's examples show (the first pull_request example has no labels, for instance).
QJsonValue merged(const QJsonValue &first, const QJsonValue &other)
{
    if (first.isObject() && other.isObject()) {
        QJsonObject out = first.toObject();
        const QJsonObject more = other.toObject();
        for (auto it = more.constBegin(); it != more.constEnd(); ++it)
            out.insert(it.key(),
                       out.contains(it.key()) ? merged(out.value(it.key()), it.value()) : it.value());
        return out;
    }
    if (first.isArray() && other.isArray()) {
        const QJsonArray a = first.toArray();
        const QJsonArray b = other.toArray();
        if (a.isEmpty())
            return b;
        if (!b.isEmpty())
            return QJsonArray{merged(a.first(), b.first())};
        return a;
    }
    if (first.isNull())
        return other;
    return first;
}

} // namespace

int main(int argc, char **argv)
{
    QTextStream err(stderr);
    if (argc != 3) {
        err << "usage: exeserver_webhook_catalog INDEX_JSON OUTPUT_JSON\n";
        return 2;
    }
    QFile in(QString::fromLocal8Bit(argv[1]));
    if (!in.open(QIODevice::ReadOnly)) {
        err << "cannot read " << in.fileName() << '\n';
        return 1;
    }
    QJsonParseError parseError;
    const QJsonDocument index = QJsonDocument::fromJson(in.readAll(), &parseError);
    if (!index.isArray()) {
        err << "not a webhooks-examples index: " << parseError.errorString() << '\n';
        return 1;
    }
    QJsonArray events;
    for (const QJsonValue &entry : index.array()) {
        const QJsonObject event = entry.toObject();
        const QString name = event.value(QLatin1String("name")).toString();
        if (name.isEmpty())
            continue;
        QJsonArray actions = event.value(QLatin1String("actions")).toArray();
        const QJsonArray examples = event.value(QLatin1String("examples")).toArray();
        QJsonValue sample = examples.isEmpty() ? QJsonValue(QJsonObject()) : examples.first();
        for (qsizetype i = 1; i < examples.size(); ++i)
            sample = merged(sample, examples.at(i));
        events.append(QJsonObject{
            {QStringLiteral("name"), name},
            {QStringLiteral("description"), event.value(QLatin1String("description")).toString()},
            {QStringLiteral("actions"), actions},
            {QStringLiteral("sample"), compact(sample)},
        });
    }
    QFile out(QString::fromLocal8Bit(argv[2]));
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        err << "cannot write " << out.fileName() << '\n';
        return 1;
    }
    // One event per line: small diffs when GitHub adds an event.
    out.write("{\"source\":\"@octokit/webhooks-examples api.github.com/index.json\",\"events\":[\n");
    for (qsizetype i = 0; i < events.size(); ++i) {
        out.write(QJsonDocument(events.at(i).toObject()).toJson(QJsonDocument::Compact));
        out.write(i + 1 < events.size() ? ",\n" : "\n");
    }
    out.write("]}\n");
    return 0;
}
