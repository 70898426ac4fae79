#pragma once

#include "triggers/codefilerunner.h"

#include <QProcessEnvironment>
#include <QString>
#include <QUrl>

namespace exeserver {

// The environment a code file runs in, as GitHub Actions sets it for a step: secrets removed, GITHUB_* /
// RUNNER_* / CI variables set, and what earlier code files of the firing left in GITHUB_ENV and GITHUB_PATH.
class CodefileEnvironment
{
public:
    CodefileEnvironment() = delete;

    // The environment of a run: `base` minus secrets, plus the request's carried GITHUB_ENV and GITHUB_PATH,
    // plus the GITHUB_*, RUNNER_TEMP, CI and EXESERVER_* variables. `workspace` is GITHUB_WORKSPACE;
    // `runFiles` (any of the run's files, see RunFiles) names the file commands' files; empty: none.
    static QProcessEnvironment build(const CodefileRequest &request, const QString &eventPath,
                                     const QProcessEnvironment &base, const QString &workspace = {},
                                     const QString &runFiles = {});
    // Why GITHUB_ENV may not set `name` for later code files, or empty when it may: secrets (the token goes
    // only to code files that ask for it), NODE_OPTIONS, and the GITHUB_* / RUNNER_* variables the runner
    // sets (Actions refuses the same).
    static QString refusedVariable(const QString &name);
    // GITHUB_SERVER_URL for an API URL: https://api.github.com → https://github.com, GitHub Enterprise
    // Server https://HOST/api/v3 → https://HOST, https://api.NAME.ghe.com → https://NAME.ghe.com.
    static QString serverUrlFor(const QUrl &apiUrl);
};

} // namespace exeserver
