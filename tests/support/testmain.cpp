// The main() of every test binary: a Qt application object, test-mode standard paths, an offscreen
// platform and no real keychain, so a test run never touches the user's data, screen or secrets.
#define CATCH_CONFIG_RUNNER
#include "catch.h"

#if __has_include(<catch2/catch_session.hpp>)
#include <catch2/catch_session.hpp>
#endif

#ifdef EXESERVER_TEST_GUI
#include <QApplication>
using TestApplication = QApplication;
#else
#include <QCoreApplication>
using TestApplication = QCoreApplication;
#endif

#include <QStandardPaths>
#include <QTemporaryDir>

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    qputenv("EXESERVER_NO_KEYCHAIN", "1");
    // Nothing from the developer's own shell may leak into a test's settings.
    for (const char *name :
         {"GITHUB_TOKEN", "GH_TOKEN", "GITHUB_API_URL", "GITHUB_WEBHOOK_SECRET", "SUPABASE_URL",
          "SUPABASE_ANON_KEY", "EXESERVER_DATABASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL",
          "EXESERVER_LLM_MODEL", "EXESERVER_DATA_DIR", "EXESERVER_RELAY_URL", "EXESERVER_WEBHOOK_PORT",
          "EXESERVER_WEBHOOK_BIND", "EXESERVER_POLL"})
        qunsetenv(name);

#ifdef EXESERVER_RUN_WRAPPER_PATH
    // Code files run through the wrapper the app ships, as in the app (CodefileRunner::defaultWrapper).
    if (qEnvironmentVariableIsEmpty("EXESERVER_RUN_WRAPPER"))
        qputenv("EXESERVER_RUN_WRAPPER", EXESERVER_RUN_WRAPPER_PATH);
#endif

    QTemporaryDir home;
    qputenv("HOME", home.path().toLocal8Bit());
    QStandardPaths::setTestModeEnabled(true);

    TestApplication app(argc, argv);
    TestApplication::setOrganizationName(QStringLiteral("ExeServerTests"));
    TestApplication::setApplicationName(QStringLiteral("exeserver-tests"));
    return Catch::Session().run(argc, argv);
}
