#pragma once

#include "triggers/trigger.h"
#include "util/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace exeserver {

struct CommentPreset
{
    QString name;
    QString body; // a template; `{{ args }}` is the comment action's args
    QString description;
    bool builtIn = false;
};

// Pre-set PR comments: built-ins for PR-Agent's /review, /describe, /improve and /ask "<question>", plus the
// user's own, kept in `<directory>/presets.json` (written atomically; a file that cannot be parsed is
// reported and never overwritten). Bodies render through TemplateEngine.
class PresetStore
{
public:
    explicit PresetStore(QString directory);

    static QList<CommentPreset> builtIns();
    QString filePath() const;

    // Built-ins first, then the user's presets by name.
    Result<QList<CommentPreset>> list() const;
    std::optional<CommentPreset> find(const QString &name) const;
    // Names are letters, digits, '-' and '_'; a built-in name is refused, an existing user preset only
    // replaced with `replace`.
    Status add(const QString &name, const QString &body, const QString &description = {},
               bool replace = false);
    Status remove(const QString &name);

    // The comment text for an action as written in the trigger (not already passed through
    // TemplateEngine::renderAction, so event text is substituted exactly once): its preset's body or its own
    // body, rendered with `args` (itself rendered first, then inserted as data) added to the context.
    Result<QString> renderComment(const CommentAction &action, const QJsonObject &context,
                                  QStringList *warnings = nullptr) const;

private:
    Result<QList<CommentPreset>> readUser() const;
    Status writeUser(const QList<CommentPreset> &presets) const;

    QString m_directory;
};

} // namespace exeserver
