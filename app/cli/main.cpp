#include "commandtable.h"

#include "exeserver/version.h"
#include "util/heaptrim.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    exeserver::keepLargeBlocksOutOfHeap(); // before anything is allocated: util/heaptrim.h says why
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QString::fromLatin1(exeserver::kApplicationName));
    QCoreApplication::setOrganizationName(QString::fromLatin1(exeserver::kOrganizationName));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(exeserver::kVersion));

    QTextStream out(stdout);
    QTextStream err(stderr);
    return exeserver::cli::buildCommandTable().run(QCoreApplication::arguments(), out, err);
}
