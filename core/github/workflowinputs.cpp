#include "github/workflowinputs.h"

#include <yaml-cpp/yaml.h>

namespace exeserver {

namespace {

QString text(const YAML::Node &node)
{
    if (!node || !node.IsScalar())
        return {};
    return QString::fromStdString(node.Scalar());
}

// YAML 1.1 booleans as GitHub's parser accepts them for `required:`.
bool isTrue(const YAML::Node &node)
{
    const QString value = text(node).toLower();
    return value == QLatin1String("true") || value == QLatin1String("yes") || value == QLatin1String("on");
}

Error invalid(const QString &fileName, const QString &why)
{
    return {QStringLiteral("invalid_workflow"), QStringLiteral("%1: %2").arg(fileName, why), 0};
}

// `on:` may be a single event name, a list of names or a map keyed by event. yaml-cpp keeps the key
// `on` as the string "on" (it does not apply YAML 1.1's boolean rule to keys), which is what we want.
std::optional<YAML::Node> dispatchTrigger(const YAML::Node &on)
{
    const std::string event = "workflow_dispatch";
    if (on.IsScalar())
        return on.Scalar() == event ? std::optional<YAML::Node>(YAML::Node()) : std::nullopt;
    if (on.IsSequence()) {
        for (const YAML::Node &item : on)
            if (item.IsScalar() && item.Scalar() == event)
                return YAML::Node();
        return std::nullopt;
    }
    if (on.IsMap()) {
        for (const auto &entry : on)
            if (entry.first.IsScalar() && entry.first.Scalar() == event)
                return entry.second;
    }
    return std::nullopt;
}

Result<QList<DispatchInput>> parseInputs(const YAML::Node &root, const QString &fileName)
{
    if (!root.IsMap())
        return invalid(fileName, QStringLiteral("a workflow file must be a YAML mapping"));
    YAML::Node on = root["on"];
    if (!on)
        on = root["true"]; // a YAML 1.1 parser upstream may have turned `on` into `true`
    if (!on)
        return invalid(fileName, QStringLiteral("the workflow has no `on:` section"));
    const std::optional<YAML::Node> trigger = dispatchTrigger(on);
    if (!trigger)
        return Error{QStringLiteral("not_dispatchable"),
                     QStringLiteral("%1 has no workflow_dispatch trigger, so it cannot be run by hand. Add "
                                    "`workflow_dispatch:` under `on:` in the workflow file.")
                         .arg(fileName),
                     0};
    QList<DispatchInput> inputs;
    if (!trigger->IsMap())
        return inputs;
    const YAML::Node declared = (*trigger)["inputs"];
    if (!declared || declared.IsNull())
        return inputs;
    if (!declared.IsMap())
        return invalid(fileName, QStringLiteral("workflow_dispatch.inputs must be a mapping of input names"));

    for (const auto &entry : declared) {
        DispatchInput input;
        input.name = text(entry.first);
        const YAML::Node spec = entry.second;
        if (spec && !spec.IsNull() && !spec.IsMap())
            return invalid(fileName, QStringLiteral("input \"%1\" must be a mapping").arg(input.name));
        if (spec.IsMap()) {
            const QString type = text(spec["type"]).toLower();
            if (type.isEmpty() || type == QLatin1String("string"))
                input.type = DispatchInput::Type::String;
            else if (type == QLatin1String("choice"))
                input.type = DispatchInput::Type::Choice;
            else if (type == QLatin1String("boolean"))
                input.type = DispatchInput::Type::Boolean;
            else if (type == QLatin1String("number"))
                input.type = DispatchInput::Type::Number;
            else if (type == QLatin1String("environment"))
                input.type = DispatchInput::Type::Environment;
            else
                return invalid(fileName,
                               QStringLiteral("input \"%1\" has unknown type \"%2\" (expected string, "
                                              "choice, boolean, number or environment)")
                                   .arg(input.name, type));
            input.description = text(spec["description"]);
            input.required = isTrue(spec["required"]);
            if (const YAML::Node value = spec["default"]; value && value.IsScalar()) {
                input.hasDefault = true;
                input.defaultValue = text(value);
            }
            if (const YAML::Node options = spec["options"]; options && options.IsSequence()) {
                for (const YAML::Node &option : options)
                    input.options.append(text(option));
            }
            if (input.type == DispatchInput::Type::Choice && input.options.isEmpty())
                return invalid(fileName,
                               QStringLiteral("choice input \"%1\" has no options").arg(input.name));
        }
        inputs.append(input);
    }
    return inputs;
}

} // namespace

Result<QList<DispatchInput>> parseDispatchInputs(const QByteArray &yaml, const QString &fileName)
{
    // yaml-cpp reports errors by throwing; they stop here so no exception crosses into Qt code.
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        return parseInputs(root, fileName);
    } catch (const YAML::Exception &e) {
        return invalid(fileName, QStringLiteral("not valid YAML at line %1, column %2: %3")
                                     .arg(e.mark.line + 1)
                                     .arg(e.mark.column + 1)
                                     .arg(QString::fromStdString(e.msg)));
    }
}

} // namespace exeserver
