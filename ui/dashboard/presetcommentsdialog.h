#pragma once

#include "github/githubtypes.h"
#include "triggers/presetstore.h"
#include "util/result.h"

#include <QDialog>
#include <QList>
#include <QStringList>

class QButtonGroup;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QListView;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;

namespace exeserver {

class EventStore;
class GitHubClient;

// "Pre-set comment": a pull-request picker (the open PRs of `repositories`, searchable by title, number or
// repository), one button per preset of the PresetStore in `presetDirectory` (built-ins first), a question
// line for presets that use {{ args }} (/ask), a live preview of the rendered text, and Post — confirmed
// (Confirm::ask) and written to the action log (kind Comment, target owner/repo#N, as the CLI) around
// GitHubClient::createIssueComment. Each pull request's row ends with its head commit's checks in words and
// a tone-coloured mark, fetched after the list (GitHubClient::checksFor, cached and revalidated like every
// GET). Choosing one of the user's presets puts it in the editor below ("Save preset" replaces it, "Delete
// preset" removes it); a new name adds one. Errors show in the dialog.
class PresetCommentsDialog : public QDialog
{
    Q_OBJECT
public:
    PresetCommentsDialog(GitHubClient &client, EventStore *store, const QString &presetDirectory,
                         const QStringList &repositories, QWidget *parent = nullptr);

    bool isLoading() const { return m_pending > 0; }
    bool isLoadingChecks() const { return m_checksPending > 0; }
    bool isPosting() const { return m_posting; }
    // The head commit's checks: "failing", "pending", "passing", "none", "unknown" (GitHub refused the
    // look-up) or empty while it is being fetched.
    QString checksState(const QString &repo, int number) const;
    // "owner/repo #N — title   · checks: …" of the pull requests shown (after the search), in order.
    QStringList pullRequestLabels() const;
    void setSearchText(const QString &text);
    bool selectPullRequest(const QString &repo, int number);
    QStringList presetNames() const;
    bool choosePreset(const QString &name);
    QString currentPreset() const { return m_preset; }
    void setArgs(const QString &args);
    QString previewText() const;
    QString messageText() const;
    bool isPostEnabled() const;
    // Saves a user preset and shows its button; the error is also shown in the dialog.
    Status addPreset(const QString &name, const QString &body);
    // Saves the preset being edited: the chosen user preset is replaced, a new name is added. Built-ins
    // (PR-Agent's) are read-only.
    Status savePreset(const QString &name, const QString &body);
    // Deletes the user's preset `name` after a confirmation; built-ins cannot be deleted.
    Status deletePreset(const QString &name);
    bool canDeleteCurrentPreset() const;

public Q_SLOTS:
    void post();

Q_SIGNALS:
    void pullRequestsLoaded();
    void posted(bool ok, const QString &message);

private:
    struct Entry
    {
        QString repo;
        PullRequest pr;
        QString checks; // ChecksSummary::state(), "unknown", or empty while fetching
    };
    void load();
    void loadChecks(int entry);
    void showChecks(int entry, const QString &state, const QString &words);
    void recolourChecks();
    void reloadPresets();
    void updateEditor();
    void updatePreview();
    void setMessage(const QString &text, bool error);
    const Entry *currentEntry() const;

    GitHubClient &m_client;
    EventStore *m_store;
    PresetStore m_presets;
    QStringList m_repositories;
    QList<Entry> m_entries;
    QString m_preset;
    QString m_rendered;
    int m_pending = 0;
    int m_checksPending = 0;
    bool m_posting = false;
    QStringList m_loadErrors;

    QLineEdit *m_search;
    QStandardItemModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QListView *m_list;
    QHBoxLayout *m_presetRow;
    QButtonGroup *m_presetButtons;
    QLineEdit *m_args;
    QPlainTextEdit *m_preview;
    QLabel *m_message;
    QLineEdit *m_newName;
    QLineEdit *m_newBody;
    QPushButton *m_addButton;
    QPushButton *m_deleteButton;
    QPushButton *m_postButton;
};

} // namespace exeserver
