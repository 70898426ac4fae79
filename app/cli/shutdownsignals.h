#pragma once

#include <QObject>

namespace exeserver::cli {

// Turns SIGINT/SIGTERM (Unix) or Ctrl+C / console close (Windows) into a Qt signal delivered from the
// event loop, so `serve` can drain and exit cleanly. Unix uses the self-pipe pattern: the handler only
// write()s a byte to a socket pair, which a QSocketNotifier reads. One instance at a time.
class ShutdownSignals : public QObject
{
    Q_OBJECT
public:
    explicit ShutdownSignals(QObject *parent = nullptr);
    ~ShutdownSignals() override;

Q_SIGNALS:
    void shutdownRequested(const QString &signalName);

private:
    void readSignal();
};

} // namespace exeserver::cli
