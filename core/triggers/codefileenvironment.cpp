#include "triggers/codefileenvironment.h"

#include "triggers/runfiles.h"

#include <QDir>

namespace exeserver {

namespace {

// Secrets the app itself may hold in its environment; a script gets the GitHub token only by opting in.
constexpr const char *kSecretVariables[] = {"GITHUB_TOKEN",       "GH_TOKEN",       "GITHUB_WEBHOOK_SECRET",
                                            "SUPABASE_ANON_KEY",  "OPENAI_API_KEY", "EXESERVER_DATABASE_URL",
                                            "EXESERVER_API_TOKEN"};

} // namespace

QString CodefileEnvironment::refusedVariable(const QString &name)
{
    const QString upper = name.toUpper();
    for (const char *secret : kSecretVariables) {
        if (upper == QLatin1StringView(secret))
            return QStringLiteral("%1 is a secret: a code file gets it only with pass_token").arg(name);
    }
    if (upper == u"NODE_OPTIONS")
        return QStringLiteral("NODE_OPTIONS cannot be set through GITHUB_ENV");
    if (upper.startsWith(u"GITHUB_") || upper.startsWith(u"RUNNER_"))
        return QStringLiteral("%1 is set by the runner for each code file").arg(name);
    return {};
}

QString CodefileEnvironment::serverUrlFor(const QUrl &apiUrl)
{
    if (apiUrl.isEmpty())
        return QStringLiteral("https://github.com");
    QUrl server = apiUrl.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::StripTrailingSlash);
    const QString path = server.path();
    if (path.endsWith(u"/api/v3") || path == u"/api") {
        server.setPath(path.left(path.lastIndexOf(QLatin1StringView("/api"))));
    } else if (server.host().startsWith(u"api.")) {
        server.setHost(server.host().mid(4));
        server.setPath({});
    }
    return server.toString(QUrl::StripTrailingSlash);
}

QProcessEnvironment CodefileEnvironment::build(const CodefileRequest &request, const QString &eventPath,
                                               const QProcessEnvironment &base, const QString &workspace,
                                               const QString &runFiles)
{
    QProcessEnvironment env = base;
    for (const char *name : kSecretVariables)
        env.remove(QString::fromLatin1(name));
    // What earlier code files of the firing left for later ones; the runner's own variables below win.
    for (const auto &[name, value] : request.env) {
        if (refusedVariable(name).isEmpty())
            env.insert(name, value);
    }
    if (!request.path.isEmpty()) {
        const QString current = env.value(QStringLiteral("PATH"));
        env.insert(QStringLiteral("PATH"),
                   request.path.join(QDir::listSeparator()) +
                       (current.isEmpty() ? QString() : QDir::listSeparator() + current));
    }
    const EventContext &e = request.event;
    const auto set = [&env](const char *name, const QString &value) {
        if (!value.isEmpty())
            env.insert(QString::fromLatin1(name), value);
    };
    env.insert(QStringLiteral("CI"), QStringLiteral("true"));
    set("GITHUB_EVENT_NAME", e.type);
    set("GITHUB_EVENT_PATH", eventPath);
    set("GITHUB_REPOSITORY", e.repository);
    set("GITHUB_REPOSITORY_OWNER", e.repository.section(u'/', 0, 0));
    set("GITHUB_ACTOR", e.sender);
    set("GITHUB_REF", e.ref);
    // refs/heads/main → main, refs/tags/v1 → v1, refs/pull/7/merge → 7/merge, as Actions sets it.
    if (e.ref.startsWith(u"refs/heads/") || e.ref.startsWith(u"refs/tags/") ||
        e.ref.startsWith(u"refs/pull/"))
        set("GITHUB_REF_NAME", e.ref.section(u'/', 2));
    set("GITHUB_SHA", e.sha);
    set("GITHUB_HEAD_REF", e.headRef);
    set("GITHUB_BASE_REF", e.baseRef);
    const QUrl apiUrl =
        request.apiUrl.isEmpty() ? QUrl(QStringLiteral("https://api.github.com")) : request.apiUrl;
    set("GITHUB_API_URL", apiUrl.toString(QUrl::StripTrailingSlash));
    set("GITHUB_SERVER_URL", serverUrlFor(apiUrl));
    set("GITHUB_WORKSPACE", workspace);
    if (!runFiles.isEmpty()) {
        const RunFiles files(runFiles);
        set("GITHUB_OUTPUT", files.output());
        set("GITHUB_ENV", files.env());
        set("GITHUB_PATH", files.pathFile());
        set("GITHUB_STEP_SUMMARY", files.summary());
        set("RUNNER_TEMP", files.runnerTemp());
    }
    set("EXESERVER_TRIGGER", request.triggerName);
    set("EXESERVER_EVENT_ID", e.id);
    if (request.action.passToken && !request.token.isEmpty()) {
        env.insert(QStringLiteral("GITHUB_TOKEN"), request.token);
        env.insert(QStringLiteral("GH_TOKEN"), request.token);
    }
    return env;
}

} // namespace exeserver
