#include "commandtable.h"

#include "exeserver/version.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QString::fromLatin1(exeserver::kApplicationName));
    QCoreApplication::setOrganizationName(QString::fromLatin1(exeserver::kOrganizationName));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(exeserver::kVersion));

    QTextStream out(stdout);
    QTextStream err(stderr);
    return exeserver::cli::buildCommandTable().run(QCoreApplication::arguments(), out, err);
}
