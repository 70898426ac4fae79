#include "testutil.h"

#include <QDir>

namespace exeserver::test {

QString outputDir()
{
    const QString dir = QStringLiteral(EXESERVER_TEST_OUTPUT_DIR);
    QDir().mkpath(dir);
    return dir;
}

} // namespace exeserver::test
