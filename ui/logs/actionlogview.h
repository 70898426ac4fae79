#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSplitter;
class QTableView;
class QTextEdit;
class QToolButton;

namespace exeserver {

class ActionLogModel;
class EventStore;
class TriggerEngine;

// Every action ExeServer took or tried: its trigger, event, status, duration, exit code or HTTP status and
// output; Retry runs a failed or interrupted action again through the trigger engine (a new action row,
// as `exeserver-cli actions retry` does). A code file's GITHUB_OUTPUT values follow its output, its step
// summary is rendered below.
class ActionLogView : public QWidget
{
    Q_OBJECT
public:
    explicit ActionLogView(EventStore &store, QWidget *parent = nullptr);

    // The running engine, for Retry and live updates; null: Retry is unavailable. Must outlive the view
    // or be reset.
    void setEngine(TriggerEngine *engine);

    ActionLogModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QString statusText() const;
    QString outputText() const;
    // Ids and the run log's path, behind the Details button: the selected action's, one per line.
    QString detailsText() const;
    QToolButton *detailsButton() const { return m_detailsToggle; }
    // The selected code file's GITHUB_STEP_SUMMARY, rendered from Markdown (hidden when it wrote none).
    QTextEdit *summaryView() const { return m_summary; }
    // Re-reads the log and selects the action (a notification's); reads at most a few pages to find it.
    bool selectAction(const QString &actionId);

public Q_SLOTS:
    void refresh();
    void retrySelected();

private:
    void showSelected();

    EventStore &m_store;
    QPointer<TriggerEngine> m_engine;
    ActionLogModel *m_model;
    QTableView *m_table;
    QPlainTextEdit *m_output;
    QTextEdit *m_summary;
    QSplitter *m_details; // the output, and the summary beside it
    QToolButton *m_detailsToggle;
    QLabel *m_detailsText; // hidden until Details is pressed
    QPushButton *m_retry;
    QPushButton *m_refresh;
    QLabel *m_status;
    QString m_message;
};

} // namespace exeserver
