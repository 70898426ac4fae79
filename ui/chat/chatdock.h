#pragma once

#include <QDockWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QMainWindow;
class QNetworkAccessManager;
class QPushButton;
class QScrollArea;
class QToolButton;
class QVBoxLayout;

namespace exeserver {

class ChatMessageWidget;
class ChatSession;
class EventStore;
class GitHubClient;
class Settings;

// The "Assistant" dock: the conversation (ChatSession) as bubbles with Markdown, code blocks and cards,
// a row to pick, start, rename and delete the stored conversations (shared with `exeserver-cli ask`),
// an input line, Send and Stop, and a title bar with Clear, Minimise (collapse to the title bar), Float
// and Close. Toggled from View → Assistant, the toolbar and Ctrl+Shift+A. Hidden at start, so the
// session (with its network manager), the widgets and the stored conversation are made the first time the
// dock is shown or the session is asked for: the window's first frame does not wait for them.
class ChatDock : public QDockWidget
{
    Q_OBJECT
public:
    explicit ChatDock(Settings &settings, QWidget *parent = nullptr);
    ~ChatDock() override;

    // Docks on the right of `window` and adds the toggle to its View menu and toolbar.
    void addTo(QMainWindow *window);
    // The token and the store may arrive after the window is up.
    void attach(GitHubClient *github, EventStore *store);
    void setStore(EventStore *store);

    ChatSession *session(); // builds the dock's content if it is not built yet
    bool isBuilt() const { return m_session != nullptr; }
    QAction *toggleAction() const { return m_toggle; }
    bool isCollapsed() const { return m_collapsed; }
    void setCollapsed(bool collapsed);
    QList<ChatMessageWidget *> messageWidgets() const;

public Q_SLOTS:
    void sendInput();
    void clearConversation(); // asks first
    void newConversation();
    void renameConversation(); // shows the title for editing in place; Enter keeps it
    void deleteConversation(); // asks first

private:
    void build();
    QWidget *createTitleBar();
    QLayout *createConversationRow();
    void refreshConversations();
    void commitRename();
    void addMessage(int index);
    void updateMessage(int index);
    void removeMessages();
    void updateState();
    void scrollToEnd();

    Settings &m_settings;
    QNetworkAccessManager *m_network = nullptr;
    ChatSession *m_session = nullptr;
    QAction *m_toggle = nullptr;
    QWidget *m_body = nullptr;
    QScrollArea *m_scroll = nullptr;
    QWidget *m_list = nullptr;
    QVBoxLayout *m_listLayout = nullptr;
    QLineEdit *m_input = nullptr;
    QPushButton *m_send = nullptr;
    QPushButton *m_stop = nullptr;
    QLabel *m_modelStatus = nullptr;
    QComboBox *m_conversations = nullptr;
    QLineEdit *m_rename = nullptr;
    QList<QToolButton *> m_conversationButtons;
    QToolButton *m_collapseButton = nullptr;
    QList<ChatMessageWidget *> m_messages;
    QLabel *m_emptyHint = nullptr; // what goes in the conversation, while it is empty
    EventStore *m_store = nullptr;
    GitHubClient *m_github = nullptr;
    bool m_collapsed = false;
};

} // namespace exeserver
