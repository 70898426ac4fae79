#pragma once

#include "triggers/eventcoverage.h"

#include <QStringList>
#include <QWidget>

class QLabel;
class QPushButton;

namespace exeserver {

class Settings;

// One line under a trigger's event: how its events will arrive (EventCoverage: webhook, relay, polling with
// its delay, or nothing), from the hooks ExeServer set up (<data dir>/webhooks.json), relay.url and
// poll.enabled. "Set up webhook" appears while no hook of ExeServer's delivers the event and asks the
// owner to set one up for the trigger's repositories (setUpWebhookRequested).
class CoverageLine : public QWidget
{
    Q_OBJECT
public:
    explicit CoverageLine(QWidget *parent = nullptr);

    // Null: no hooks known, polling assumed on.
    void setSettings(const Settings *settings);
    // The trigger being edited: its event ("*" or empty: any) and repository patterns.
    void setTrigger(const QString &event, const QStringList &repositories);
    // Re-reads the hooks (after one was set up).
    void refresh();

    QString text() const;
    bool offersSetUp() const;
    // The same reading for any trigger (the trigger list's rows): the text, and whether nothing delivers.
    QString describe(const Trigger &trigger, bool *deaf = nullptr) const;

Q_SIGNALS:
    // The trigger's literal repositories (patterns with wildcards left out).
    void setUpWebhookRequested(const QStringList &repositories);

private:
    CoverageContext contextOf(const Trigger &trigger) const;

    const Settings *m_settings = nullptr;
    QString m_event;
    QStringList m_repositories;
    QLabel *m_text;
    QPushButton *m_setUp;
};

} // namespace exeserver
