// The baseline of bench_startup: the smallest Qt Widgets window worth comparing with ExeServer's, a
// QMainWindow holding one empty QTableView, reporting its first paint and idle RSS the same way.
#include "startupreport.h"

#include <QApplication>
#include <QMainWindow>
#include <QStandardItemModel>
#include <QTableView>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    exeserver::StartupReport::mark("application"); // as ExeServer's main does: the stages compare
    QMainWindow window;
    auto *table = new QTableView(&window);
    auto *model = new QStandardItemModel(0, 9, table);
    table->setModel(model);
    window.setCentralWidget(table);
    window.resize(1100, 720);
    exeserver::StartupReport::installIfRequested(&window);
    window.show();
    return app.exec();
}
