#include "dashboard/dashboardsnapshot.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace exeserver {

namespace {

WorkflowRun runFromJson(const QJsonObject &json)
{
    WorkflowRun run = WorkflowRun::fromJson(json);
    run.actor = json.value(QLatin1String("actor_login")).toString(); // see runToJson
    return run;
}

// The snapshot keeps what WorkflowRun::toJson leaves out or writes differently (actor, run_started_at);
// DashboardSnapshot::read reads it back.
QJsonObject runToJson(const WorkflowRun &run)
{
    QJsonObject json = run.toJson();
    json.insert(QStringLiteral("actor_login"), run.actor);
    json.insert(QStringLiteral("run_started_at"), run.runStartedAt.toString(Qt::ISODate));
    return json;
}

bool sameFile(const DashboardSnapshot &snapshot, const QFileInfo &file)
{
    if (!file.exists())
        return snapshot.fileSize < 0;
    return snapshot.fileSize == file.size() && snapshot.fileModified == file.lastModified();
}

} // namespace

QString DashboardSnapshot::pathBeside(const QString &stateFile)
{
    return QFileInfo(stateFile).dir().filePath(QStringLiteral("dashboard-snapshot.json"));
}

DashboardSnapshot DashboardSnapshot::read(const QString &path)
{
    DashboardSnapshot snapshot;
    // The file's size and time are taken before it is opened: if it is replaced in between, take() sees
    // a newer file than these and reads it again, rather than accepting old contents under new stamps.
    const QFileInfo info(path);
    snapshot.fileSize = info.size();
    snapshot.fileModified = info.lastModified();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return DashboardSnapshot();
    const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    const QJsonArray runs = root.value(QLatin1String("runs")).toArray();
    snapshot.runs.reserve(runs.size());
    for (const QJsonValue &value : runs) {
        const QJsonObject entry = value.toObject();
        snapshot.runs.append({entry.value(QLatin1String("repo")).toString(),
                              runFromJson(entry.value(QLatin1String("run")).toObject())});
    }
    const QJsonArray workflows = root.value(QLatin1String("workflows")).toArray();
    snapshot.workflows.reserve(workflows.size());
    for (const QJsonValue &value : workflows) {
        const QJsonObject entry = value.toObject();
        snapshot.workflows.append({entry.value(QLatin1String("repo")).toString(),
                                   Workflow::fromJson(entry.value(QLatin1String("workflow")).toObject())});
    }
    snapshot.savedAt = QDateTime::fromString(root.value(QLatin1String("saved_at")).toString(), Qt::ISODate);
    return snapshot;
}

std::future<DashboardSnapshot> DashboardSnapshot::readAsync(const QString &path)
{
    return std::async(std::launch::async, [path]() { return read(path); });
}

DashboardSnapshot DashboardSnapshot::take(std::future<DashboardSnapshot> ahead, const QString &path)
{
    if (ahead.valid()) {
        DashboardSnapshot snapshot = ahead.get();
        if (sameFile(snapshot, QFileInfo(path)))
            return snapshot;
    }
    return read(path);
}

void DashboardSnapshot::write(const QString &path, const QList<DashboardRun> &runs,
                              const QList<DashboardWorkflow> &workflows)
{
    QJsonArray runArray;
    for (const DashboardRun &run : runs)
        runArray.append(
            QJsonObject{{QStringLiteral("repo"), run.repo}, {QStringLiteral("run"), runToJson(run.run)}});
    QJsonArray workflowArray;
    for (const DashboardWorkflow &workflow : workflows) {
        workflowArray.append(QJsonObject{{QStringLiteral("repo"), workflow.repo},
                                         {QStringLiteral("workflow"), workflow.workflow.toJson()}});
    }
    const QJsonObject root{
        {QStringLiteral("saved_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {QStringLiteral("runs"), runArray},
        {QStringLiteral("workflows"), workflowArray}};
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly)) {
        file.write(QJsonDocument(root).toJson(QJsonDocument::Compact));
        file.commit();
    }
}

QHash<QString, QHash<qint64, QList<WorkflowRun>>> recentRunsByWorkflow(const QList<DashboardRun> &runs)
{
    QHash<QString, QHash<qint64, QList<WorkflowRun>>> recentRuns; // repo → workflow id → runs
    for (const DashboardRun &entry : runs) {
        QList<WorkflowRun> &recent = recentRuns[entry.repo][entry.run.workflowId];
        if (recent.size() < DashboardWorkflow::kRecentRuns)
            recent.append(entry.run);
    }
    return recentRuns;
}

} // namespace exeserver
