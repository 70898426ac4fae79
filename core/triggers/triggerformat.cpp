#include "triggers/triggerformat.h"

#include "triggers/actionkinds.h"
#include "triggers/condition.h"

namespace exeserver::TriggerFormat {

const QList<Key> &triggerKeys()
{
    static const QList<Key> keys = {
        {QStringLiteral("name"), QStringLiteral("required; unique text")},
        {QStringLiteral("enabled"), QStringLiteral("true or false (default true)")},
        {QStringLiteral("repositories"),
         QStringLiteral("list of OWNER/NAME globs, e.g. [\"octocat/*\"]; empty means every repository")},
        {QStringLiteral("event"),
         QStringLiteral("required; the GitHub webhook event type: push, pull_request, issue_comment, "
                        "workflow_run, issues, release, …")},
        {QStringLiteral("actions"),
         QStringLiteral("list of the event's `action` values, e.g. [opened, synchronize]; empty means any")},
        {QStringLiteral("conditions"),
         QStringLiteral("a condition on the payload (see below); a bare list means all of them")},
        {QStringLiteral("ignore"),
         QStringLiteral("{bots: true, senders: [globs], titles: [regexes], labels: [...], branches: [globs], "
                        "target_branches: [globs]}")},
        {QStringLiteral("debounce"), QStringLiteral("seconds to wait for the last of a burst (0–86400)")},
        {QStringLiteral("rate_limit"), QStringLiteral("{max: N, per: SECONDS}")},
        {QStringLiteral("run"), QStringLiteral("list of actions, each a one-key map (see below)")},
    };
    return keys;
}

QStringList triggerKeyNames()
{
    QStringList names;
    for (const Key &key : triggerKeys())
        names.append(key.name);
    return names;
}

const QList<ActionFormat> &actions()
{
    static const QList<ActionFormat> all = [] {
        QList<ActionFormat> out;
        for (const TriggerActionKind &kind : actionkinds::all())
            out.append({kind.kind, kind.fields, kind.summary});
        return out;
    }();
    return all;
}

QStringList actionKinds()
{
    QStringList kinds;
    for (const ActionFormat &action : actions())
        kinds.append(action.kind);
    return kinds;
}

QStringList actionKeys(const QString &kind)
{
    for (const ActionFormat &action : actions()) {
        if (action.kind == kind)
            return action.keys;
    }
    return {};
}

QStringList ignoreKeys()
{
    return {QStringLiteral("bots"),   QStringLiteral("senders"),  QStringLiteral("titles"),
            QStringLiteral("labels"), QStringLiteral("branches"), QStringLiteral("target_branches")};
}

QStringList conditionKeys()
{
    return {QStringLiteral("field"), QStringLiteral("op"), QStringLiteral("value")};
}

QStringList rateLimitKeys()
{
    return {QStringLiteral("max"), QStringLiteral("per")};
}

QString example()
{
    return QStringLiteral(R"(triggers:
  - name: readme-pr-thanks
    enabled: true
    repositories: ["octocat/*"]
    event: pull_request
    actions: [opened, synchronize]
    conditions:
      all:
        - {field: pull_request.title, op: contains, value: README}
        - {not: {field: pull_request.draft, op: equals, value: true}}
    ignore: {bots: true}
    debounce: 30
    rate_limit: {max: 10, per: 3600}
    run:
      - comment: {body: "Thanks for the README fix, @{{ event.sender.login }}!"}
      - notify: {title: "README PR #{{ event.pull_request.number }}"}
)");
}

QString description()
{
    QString text = QStringLiteral(
        "ExeServer's trigger YAML: a top-level `triggers:` list. Each trigger is a map with these keys and "
        "no others (unknown keys are rejected):\n");
    for (const Key &key : triggerKeys())
        text += QStringLiteral("- %1: %2\n").arg(key.name, key.summary);
    text += QStringLiteral("Actions under `run` (one key each, e.g. `- notify: {title: ...}`):\n");
    for (const ActionFormat &action : actions())
        text += QStringLiteral("- %1 {%2}: %3\n")
                    .arg(action.kind, action.keys.join(QStringLiteral(", ")), action.summary);
    text += QStringLiteral(
                "Conditions: {field: PAYLOAD.PATH, op: OPERATOR, value: V}, {all: [...]}, {any: [...]} or "
                "{not: CONDITION}; operators: %1.\n"
                "Text in actions may use placeholders such as {{ event.pull_request.number }} or "
                "{{ event.repository.full_name }}.\nExample:\n```yaml\n%2```\n")
                .arg(Condition::operatorNames().join(QStringLiteral(", ")), example());
    return text;
}

} // namespace exeserver::TriggerFormat
