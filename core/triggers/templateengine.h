#pragma once

#include "triggers/commentcommand.h"
#include "triggers/eventcontext.h"
#include "triggers/trigger.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace exeserver {

// `{{ path }}` substitution for action fields. The only thing between the braces is a field path into the
// context (see context()); there are no expressions, filters or code, and substituted text is never scanned
// again — a PR title holding `{{ ... }}` or `$(rm -rf /)` is inserted as those characters and nothing more.
// A missing or null value becomes the empty string and adds a warning naming the placeholder.
// `{{ steps.ID.outputs.NAME }}` (what an earlier code file of the firing wrote to GITHUB_OUTPUT) has a value
// only once that step has run: while the context has no `steps` (when the firing is decided), such a
// placeholder is kept as written, and the engine renders the action again just before it runs.
class TemplateEngine
{
public:
    static QString render(QStringView text, const QJsonObject &context, QStringList *warnings = nullptr);

    // Why a template can never render (a placeholder that is not a field path), or nothing. Used when a
    // trigger is loaded, so a typo is reported then rather than as an empty value at run time.
    static std::optional<QString> validate(QStringView text);

    // The names templates see: `event` (the payload), `event_name`, `event_id`, `action`, `repository`,
    // `sender`, `trigger.name`, `command.name` / `command.args` / `command.argv` (when a comment_command
    // matched) and `args` (a comment action's args, for presets such as /ask).
    static QJsonObject context(const EventContext &event, const QString &triggerName,
                               const std::optional<CommentCommand> &command);

    // The expressions between `{{ }}` in every templated field of the action, in order.
    static QStringList placeholders(const TriggerAction &action);

    // Every templated field of the action, rendered (CodefileAction::path is kept as written: the program a
    // trigger runs is fixed when the trigger is saved, never chosen by an event).
    static TriggerAction renderAction(const TriggerAction &action, const QJsonObject &context,
                                      QStringList *warnings = nullptr);

    // How a value is written into text: strings as they are, whole numbers without a decimal point,
    // booleans as true/false, objects and arrays as compact JSON.
    static QString valueText(const QJsonValue &value);

private:
    // Calls `field` on each templated field of the action: the one list of what templates may fill.
    static void forEachField(TriggerAction &action, const std::function<void(QString &)> &field);
};

} // namespace exeserver
