#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <utility>

namespace exeserver {

class RunFiles;

// What a code file wrote to GitHub Actions' file commands (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH,
// GITHUB_STEP_SUMMARY), read back in the runner's own formats so scripts written for Actions work unchanged.
struct FileCommands
{
    QMap<QString, QString> outputs;
    QList<std::pair<QString, QString>> env; // in the order written; a later line wins
    QStringList path;                       // directories, in the order written
    QString summary;                        // Markdown
    QStringList warnings;                   // dropped variables, a cut summary

    // Reads the files beside a run's log (RunFiles). A file that does not parse is an Error naming it, as
    // the Actions runner fails the step; missing files count as empty.
    static Result<FileCommands> read(const RunFiles &files);

    // `name=value` lines and the heredoc form `name<<DELIMITER` … `DELIMITER`, as the Actions runner reads
    // GITHUB_OUTPUT and GITHUB_ENV (\r\n line ends too).
    static Result<QList<std::pair<QString, QString>>> parseKeyValues(const QByteArray &text);
    // One directory per non-empty line.
    static QStringList parsePath(const QByteArray &text);

    static constexpr qint64 kMaxFileBytes = 1024 * 1024; // Actions' limit for one step's file
};

} // namespace exeserver
