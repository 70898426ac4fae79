#include "catch.h"

#include "config/logging.h"
#include "config/secretredactor.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

using namespace exeserver;

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

struct InstalledLog
{
    explicit InstalledLog(const QString &dir, LogFile::Options options = {.echoToPreviousHandler = false})
    {
        REQUIRE(LogFile::install(dir, options));
    }
    ~InstalledLog() { LogFile::uninstall(); }
};

} // namespace

TEST_CASE("Log file: messages land in <data dir>/logs with their category", "[logging]")
{
    QTemporaryDir dir;
    InstalledLog log(dir.path());
    const QString path = LogFile::path();
    CHECK(path == QDir(dir.path()).filePath(QStringLiteral("logs/exeserver.log")));
    qCWarning(lcGitHub) << "GET /user answered 401";
    qCWarning(lcStore) << "database busy";
    const QByteArray content = readAll(path);
    CHECK(content.contains("warning exeserver.github: GET /user answered 401"));
    CHECK(content.contains("warning exeserver.store: database busy"));
}

TEST_CASE("Log file: rotates by size and keeps a bounded number of files", "[logging]")
{
    QTemporaryDir dir;
    InstalledLog log(dir.path(), {.maxBytes = 400, .keepFiles = 2, .echoToPreviousHandler = false});
    for (int i = 0; i < 40; ++i)
        qCWarning(lcApp) << "line" << i << QByteArray(40, 'x');
    const QDir logs(QDir(dir.path()).filePath(QStringLiteral("logs")));
    const QStringList files = logs.entryList(QDir::Files, QDir::Name);
    CHECK(files == QStringList{QStringLiteral("exeserver.log"), QStringLiteral("exeserver.log.1"),
                               QStringLiteral("exeserver.log.2")});
    for (const QString &file : files)
        CHECK(QFileInfo(logs.filePath(file)).size() <= 400);
    CHECK(readAll(logs.filePath(QStringLiteral("exeserver.log"))).contains("line 39"));
}

TEST_CASE("Log file: a known secret is replaced before it reaches the file", "[logging]")
{
    QTemporaryDir dir;
    InstalledLog log(dir.path());
    SecretRedactor::add(QStringLiteral("ghp_neverinthelog4242"));
    qCWarning(lcGitHub) << "oops, someone logged Authorization: Bearer ghp_neverinthelog4242";
    const QByteArray content = readAll(LogFile::path());
    CHECK(content.contains("Authorization: Bearer ***"));
    CHECK_FALSE(content.contains("ghp_neverinthelog4242"));
    SecretRedactor::remove(QStringLiteral("ghp_neverinthelog4242"));
}
