// libFuzzer harness: the condition evaluator (core/triggers/condition, fieldpath). Input fields: a
// condition tree in the trigger file's JSON shape ({all|any|not|field/op/value}), an event payload (JSON),
// and a bare field path. The tree is loaded the way an imported trigger's is (TriggerFile::fromJsonObject,
// which validates operators, regexes and globs), then evaluated on the payload both ways: the hot path and
// the dry run must agree.
#include "fuzzinput.h"
#include "triggers/fieldpath.h"
#include "triggers/triggerfile.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace exeserver;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> fields = fuzz::splitFields(data, size, 3);
    const QJsonObject payload = QJsonDocument::fromJson(fields[1]).object();

    if (const auto path = FieldPath::parse(QString::fromUtf8(fields[2]))) {
        (void)path->collect(payload);
        (void)path->first(payload);
    }

    const QJsonDocument conditions = QJsonDocument::fromJson(fields[0]);
    if (!conditions.isObject())
        return 0;
    const QJsonObject trigger{
        {QStringLiteral("name"), QStringLiteral("fuzz")},
        {QStringLiteral("event"), QStringLiteral("push")},
        {QStringLiteral("conditions"), conditions.object()},
        {QStringLiteral("run"),
         QJsonArray{QJsonObject{
             {QStringLiteral("notify"), QJsonObject{{QStringLiteral("title"), QStringLiteral("t")}}}}}},
    };
    const auto loaded = TriggerFile::fromJsonObject(trigger);
    if (!loaded || !loaded->conditions)
        return 0;
    const Condition &condition = *loaded->conditions;
    CommentCommand command;
    const bool matched = condition.matches(payload, &command);
    QList<ConditionTrace> trace;
    if (condition.explain(payload, trace) != matched)
        fuzz::failProperty("the dry run and the hot path disagree");
    (void)condition.toJson();
    return 0;
}
