#include "storetestutil.h"

#include "store/eventstore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace exeserver::test {

Event sampleEvent(int n, const QString &type, const QString &action)
{
    const QString repo = QStringLiteral("acme/service-%1").arg(n % 7);
    const QString login = QStringLiteral("dev%1").arg(n % 5);
    const QJsonObject payload{
        {QStringLiteral("action"), action},
        {QStringLiteral("number"), n},
        {type == QLatin1String("pull_request") ? QStringLiteral("pull_request") : QStringLiteral("issue"),
         QJsonObject{
             {QStringLiteral("title"), QStringLiteral("Change number %1 fixes widget%2").arg(n).arg(n % 3)},
             {QStringLiteral("body"), QStringLiteral("Body text for item %1").arg(n)},
             {QStringLiteral("html_url"), QStringLiteral("https://github.com/%1/pull/%2").arg(repo).arg(n)}}},
        {QStringLiteral("repository"),
         QJsonObject{{QStringLiteral("full_name"), repo},
                     {QStringLiteral("name"), repo.section(QLatin1Char('/'), 1)}}},
        {QStringLiteral("sender"), QJsonObject{{QStringLiteral("login"), login}}},
    };
    Event event;
    event.id = QStringLiteral("delivery-%1").arg(n);
    event.type = type;
    event.action = action;
    event.repository = repo;
    event.sender = login;
    event.source = eventsource::Webhook;
    event.occurredAt = QDateTime::fromSecsSinceEpoch(1760000000 + n * 60, QTimeZone::utc());
    event.receivedAt = event.occurredAt.addSecs(1);
    event.payload = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    return event;
}

QString recordFailedDeploy(EventStore &store, const QString &eventId, const QString &output)
{
    const auto failed = store.beginAction({ActionKind::CodeFile, QStringLiteral("/home/me/deploy.sh"),
                                           eventId, QStringLiteral("deploy"), true});
    if (!failed)
        return {};
    ActionOutcome failure;
    failure.status = ActionStatus::Failure;
    failure.exitCode = 3;
    failure.output = output;
    return store.finishAction(*failed, failure) ? *failed : QString();
}

#if defined(__GLIBC__)
size_t heapInUse()
{
    const struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}
#endif

} // namespace exeserver::test
