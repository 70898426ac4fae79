#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace exeserver {

// Offers the GitHub CLI's login as a token source: when no token is configured anywhere and `gh` is
// installed and logged in, `gh auth token` prints one. Asynchronous (QProcess), bounded by a timeout.
class GhCliTokenSource : public QObject
{
    Q_OBJECT
public:
    // `program` defaults to `gh` found on PATH; tests pass a stand-in script.
    explicit GhCliTokenSource(QString program = {}, QObject *parent = nullptr);

    bool isInstalled() const { return !m_program.isEmpty(); }
    void fetch(std::function<void(std::optional<QString> token)> done, int timeoutMs = 5000);

private:
    QString m_program;
};

} // namespace exeserver
