#include "triggers/presetstore.h"

#include "triggers/templateengine.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>

#include <algorithm>

namespace exeserver {

namespace {

Error presetError(const QString &kind, const QString &message)
{
    return Error{kind, message};
}

} // namespace

PresetStore::PresetStore(QString directory)
    : m_directory(std::move(directory))
{
}

QList<CommentPreset> PresetStore::builtIns()
{
    return {
        {QStringLiteral("review"), QStringLiteral("/review"),
         QStringLiteral("PR-Agent: review the pull request"), true},
        {QStringLiteral("describe"), QStringLiteral("/describe"),
         QStringLiteral("PR-Agent: write the PR title and description"), true},
        {QStringLiteral("improve"), QStringLiteral("/improve"),
         QStringLiteral("PR-Agent: suggest code improvements"), true},
        {QStringLiteral("ask"), QStringLiteral("/ask \"{{ args }}\""),
         QStringLiteral("PR-Agent: ask a question about the PR (args: the question)"), true},
    };
}

QString PresetStore::filePath() const
{
    return QDir(m_directory).filePath(QStringLiteral("presets.json"));
}

Result<QList<CommentPreset>> PresetStore::readUser() const
{
    QList<CommentPreset> presets;
    QFile file(filePath());
    if (!file.exists())
        return presets;
    if (!file.open(QIODevice::ReadOnly))
        return presetError(QStringLiteral("io"),
                           QStringLiteral("cannot read %1: %2").arg(filePath(), file.errorString()));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    const QJsonValue list = doc.object().value(QLatin1StringView("presets"));
    if (doc.isNull() || !list.isArray())
        return presetError(QStringLiteral("parse"),
                           QStringLiteral("%1 is not a presets file ({\"presets\": [...]}): %2")
                               .arg(filePath(), doc.isNull() ? parseError.errorString()
                                                             : QStringLiteral("no presets list")));
    for (const QJsonValue &item : list.toArray()) {
        const QJsonObject o = item.toObject();
        CommentPreset preset{o.value(QLatin1StringView("name")).toString(),
                             o.value(QLatin1StringView("body")).toString(),
                             o.value(QLatin1StringView("description")).toString(), false};
        if (!preset.name.isEmpty())
            presets.append(preset);
    }
    return presets;
}

Status PresetStore::writeUser(const QList<CommentPreset> &presets) const
{
    QJsonArray list;
    for (const CommentPreset &p : presets) {
        QJsonObject o{{QStringLiteral("name"), p.name}, {QStringLiteral("body"), p.body}};
        if (!p.description.isEmpty())
            o.insert(QLatin1StringView("description"), p.description);
        list.append(o);
    }
    if (!QDir().mkpath(m_directory))
        return presetError(QStringLiteral("io"), QStringLiteral("cannot create %1").arg(m_directory));
    QSaveFile file(filePath());
    if (!file.open(QIODevice::WriteOnly))
        return presetError(QStringLiteral("io"),
                           QStringLiteral("cannot write %1: %2").arg(filePath(), file.errorString()));
    file.write(QJsonDocument(QJsonObject{{QStringLiteral("presets"), list}}).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return presetError(QStringLiteral("io"),
                           QStringLiteral("cannot write %1: %2").arg(filePath(), file.errorString()));
    return success();
}

Result<QList<CommentPreset>> PresetStore::list() const
{
    auto user = readUser();
    if (!user)
        return user.error();
    QList<CommentPreset> all = builtIns();
    QList<CommentPreset> mine = *user;
    std::sort(mine.begin(), mine.end(),
              [](const CommentPreset &a, const CommentPreset &b) { return a.name < b.name; });
    all.append(mine);
    return all;
}

std::optional<CommentPreset> PresetStore::find(const QString &name) const
{
    for (const CommentPreset &p : builtIns()) {
        if (p.name == name)
            return p;
    }
    auto user = readUser();
    if (user) {
        for (const CommentPreset &p : *user) {
            if (p.name == name)
                return p;
        }
    }
    return std::nullopt;
}

Status PresetStore::add(const QString &name, const QString &body, const QString &description, bool replace)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    if (!valid.match(name).hasMatch())
        return presetError(
            QStringLiteral("invalid"),
            QStringLiteral("preset name \"%1\": use 1 to 64 letters, digits, '-' or '_'").arg(name));
    if (body.trimmed().isEmpty())
        return presetError(QStringLiteral("invalid"), QStringLiteral("preset \"%1\" needs a body").arg(name));
    for (const CommentPreset &p : builtIns()) {
        if (p.name == name)
            return presetError(QStringLiteral("conflict"),
                               QStringLiteral("\"%1\" is a built-in preset; choose another name").arg(name));
    }
    auto user = readUser();
    if (!user)
        return user.error();
    QList<CommentPreset> presets = *user;
    const auto existing =
        std::find_if(presets.begin(), presets.end(), [&](const CommentPreset &p) { return p.name == name; });
    if (existing != presets.end()) {
        if (!replace)
            return presetError(QStringLiteral("conflict"),
                               QStringLiteral("preset \"%1\" already exists").arg(name));
        *existing = CommentPreset{name, body, description, false};
    } else {
        presets.append(CommentPreset{name, body, description, false});
    }
    return writeUser(presets);
}

Status PresetStore::remove(const QString &name)
{
    for (const CommentPreset &p : builtIns()) {
        if (p.name == name)
            return presetError(QStringLiteral("conflict"),
                               QStringLiteral("\"%1\" is a built-in preset and cannot be removed").arg(name));
    }
    auto user = readUser();
    if (!user)
        return user.error();
    QList<CommentPreset> presets = *user;
    const auto removed = presets.removeIf([&](const CommentPreset &p) { return p.name == name; });
    if (removed == 0)
        return presetError(QStringLiteral("not_found"), QStringLiteral("no preset named \"%1\"").arg(name));
    return writeUser(presets);
}

Result<QString> PresetStore::renderComment(const CommentAction &action, const QJsonObject &context,
                                           QStringList *warnings) const
{
    QString body = action.body;
    if (!action.preset.isEmpty()) {
        const auto preset = find(action.preset);
        if (!preset)
            return presetError(QStringLiteral("not_found"),
                               QStringLiteral("no preset named \"%1\"").arg(action.preset));
        body = preset->body;
    }
    QJsonObject withArgs = context;
    const QString args = TemplateEngine::render(action.args, context, warnings);
    static const QRegularExpression usesArgs(QStringLiteral("\\{\\{\\s*args\\s*\\}\\}"));
    if (args.isEmpty() && warnings && usesArgs.match(body).hasMatch())
        warnings->append(QStringLiteral("the comment uses {{ args }} but the action has no args"));
    withArgs.insert(QLatin1StringView("args"), args);
    return TemplateEngine::render(body, withArgs, warnings);
}

} // namespace exeserver
