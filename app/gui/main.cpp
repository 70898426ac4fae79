#include "config/credentialloader.h"
#include "config/ghclitokensource.h"
#include "config/globaloptions.h"
#include "config/logging.h"
#include "config/secretstore.h"
#include "config/settings.h"
#include "exeserver/version.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>

#include <cstdio>

using namespace exeserver;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QString::fromLatin1(kApplicationName));
    QApplication::setOrganizationName(QString::fromLatin1(kOrganizationName));
    QApplication::setApplicationVersion(QString::fromLatin1(kVersion));
    QApplication::setDesktopFileName(QStringLiteral("io.github.exeserver"));

    GlobalOptions globals;
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("ExeServer — a desktop automation desk for GitHub."));
    globals.addTo(parser);
    if (!parser.parse(QApplication::arguments()) || !parser.positionalArguments().isEmpty()) {
        const QString problem =
            parser.positionalArguments().isEmpty()
                ? parser.errorText()
                : QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first());
        std::fprintf(stderr, "exeserver: %s\n\n%s", qPrintable(problem), qPrintable(parser.helpText()));
        return 2;
    }
    globals.readFrom(parser);
    if (globals.helpRequested()) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (globals.versionRequested()) {
        std::printf("exeserver %s (Qt %s)\n", kVersion, qVersion());
        return 0;
    }

    Settings settings(QProcessEnvironment::systemEnvironment(), globals.settingOverrides());
    if (QDir().mkpath(settings.dataDir()))
        LogFile::install(settings.dataDir());
    if (const auto fileError = settings.fileError())
        qCWarning(lcApp).noquote() << fileError->message;

    MainWindow window(settings);
    window.show();

    // Secrets arrive asynchronously (the keychain may ask the user); the window is already up meanwhile.
    SecretStore secrets(SecretStore::systemBackend());
    GhCliTokenSource ghCli;
    loadCredentials(settings, secrets, ghCli, [&window]() { window.refreshCredentials(); });

    return app.exec();
}
