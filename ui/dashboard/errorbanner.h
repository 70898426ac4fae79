#pragma once

#include "util/result.h"

#include <QFrame>
#include <QList>
#include <QStringList>

class QLabel;

namespace exeserver {

// The dashboard's error banner: what failed, in a sentence a user can act on, the details in its tooltip,
// and Retry. Hidden while nothing is wrong.
class ErrorBanner : public QFrame
{
    Q_OBJECT
public:
    explicit ErrorBanner(QWidget *parent = nullptr);

    void showMessage(const QString &text, const QString &details = {});
    // A failed refresh of `repos`: offline and rate-limited named as such, every message in the tooltip.
    void showRefreshErrors(const QList<Error> &errors, const QStringList &repos);
    void clearMessage();
    QString text() const;

Q_SIGNALS:
    void retryRequested();

private:
    QLabel *m_text;
};

} // namespace exeserver
