#include "chat/chatdock.h"

#include "assistant/chatsession.h"
#include "assistant/chatstore.h"
#include "chat/chatmessagewidget.h"
#include "config/settings.h"
#include "widgets/confirm.h"
#include "widgets/themecolors.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QStyle>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace exeserver {

ChatDock::ChatDock(Settings &settings, QWidget *parent)
    : QDockWidget(tr("Assistant"), parent)
    , m_settings(settings)
{
    setObjectName(QStringLiteral("AssistantDock"));
    setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable |
                QDockWidget::DockWidgetFloatable);
    m_toggle = toggleViewAction();
    m_toggle->setText(tr("&Assistant"));
    m_toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    m_toggle->setToolTip(tr("Show or hide the assistant (Ctrl+Shift+A)"));
    // Shown (toggle, restoreState): the content is there before the dock is painted.
    connect(this, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible)
            build();
    });
}

ChatSession *ChatDock::session()
{
    build();
    return m_session;
}

void ChatDock::build()
{
    if (m_session)
        return;
    m_network = new QNetworkAccessManager(this);
    m_session = new ChatSession(m_settings, *m_network, nullptr, nullptr, this);
    setTitleBarWidget(createTitleBar());

    m_body = new QWidget(this);
    auto *layout = new QVBoxLayout(m_body);
    layout->setContentsMargins(4, 0, 4, 4);
    layout->setSpacing(4);
    m_modelStatus = new QLabel(m_body);
    m_modelStatus->setObjectName(QStringLiteral("modelStatus"));
    setThemedStyleSheet(m_modelStatus,
                        []() { return toneColorCss(Tone::Muted) + QStringLiteral(" font-size: 8pt;"); });
    m_modelStatus->setWordWrap(true);
    layout->addWidget(m_modelStatus);
    layout->addLayout(createConversationRow());

    m_scroll = new QScrollArea(m_body);
    m_scroll->setObjectName(QStringLiteral("conversation"));
    m_scroll->setWidgetResizable(true);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list = new QWidget(m_scroll);
    m_list->setObjectName(QStringLiteral("messageList"));
    m_listLayout = new QVBoxLayout(m_list);
    m_listLayout->setContentsMargins(0, 4, 0, 4);
    m_listLayout->setSpacing(6);
    m_emptyHint = new QLabel(tr("Ask about runs, events and triggers — “why did CI fail on main?” — or type "
                                "/help for what works without a model."),
                             m_list);
    m_emptyHint->setObjectName(QStringLiteral("conversationHint"));
    m_emptyHint->setWordWrap(true);
    m_emptyHint->setAlignment(Qt::AlignCenter);
    m_emptyHint->setContentsMargins(12, 24, 12, 24);
    setThemedStyleSheet(m_emptyHint, []() { return toneColorCss(Tone::Muted); });
    m_listLayout->addWidget(m_emptyHint);
    m_listLayout->addStretch(1);
    m_scroll->setWidget(m_list);
    layout->addWidget(m_scroll, 1);

    auto *inputRow = new QHBoxLayout;
    m_input = new QLineEdit(m_body);
    m_input->setObjectName(QStringLiteral("chatInput"));
    m_input->setAccessibleName(tr("Message to the assistant"));
    m_input->setPlaceholderText(tr("Ask about runs, events, triggers… or type /help"));
    m_input->setClearButtonEnabled(true);
    m_send = new QPushButton(tr("Send"), m_body);
    m_send->setObjectName(QStringLiteral("sendButton"));
    m_send->setDefault(true);
    m_stop = new QPushButton(tr("Stop"), m_body);
    m_stop->setObjectName(QStringLiteral("stopButton"));
    m_stop->setToolTip(tr("Stop the answer being written"));
    inputRow->addWidget(m_input, 1);
    inputRow->addWidget(m_send);
    inputRow->addWidget(m_stop);
    layout->addLayout(inputRow);
    setWidget(m_body);
    if (isVisible())
        m_body->show(); // built while being shown

    connect(m_input, &QLineEdit::returnPressed, this, &ChatDock::sendInput);
    connect(m_send, &QPushButton::clicked, this, &ChatDock::sendInput);
    connect(m_stop, &QPushButton::clicked, m_session, &ChatSession::stop);
    connect(m_session, &ChatSession::messageAdded, this, &ChatDock::addMessage);
    connect(m_session, &ChatSession::messageChanged, this, &ChatDock::updateMessage);
    connect(m_session, &ChatSession::cleared, this, &ChatDock::removeMessages);
    connect(m_session, &ChatSession::busyChanged, this, &ChatDock::updateState);
    connect(m_session, &ChatSession::conversationChanged, this, &ChatDock::refreshConversations);
    // A new conversation is named by its first question once that is asked.
    connect(m_session, &ChatSession::turnFinished, this, &ChatDock::refreshConversations);

    m_session->setGitHub(m_github);
    if (m_store)
        m_session->setStore(m_store); // loads the latest conversation, announced message by message
    updateState();
}

ChatDock::~ChatDock() = default;

QLayout *ChatDock::createConversationRow()
{
    auto *row = new QHBoxLayout;
    row->setSpacing(2);
    m_conversations = new QComboBox(m_body);
    m_conversations->setObjectName(QStringLiteral("conversationPicker"));
    m_conversations->setAccessibleName(tr("Conversation"));
    m_conversations->setToolTip(tr("Conversations, newest first"));
    m_conversations->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_conversations->setMinimumContentsLength(12);
    m_rename = new QLineEdit(m_body);
    m_rename->setObjectName(QStringLiteral("conversationTitle"));
    m_rename->setAccessibleName(tr("Conversation title"));
    m_rename->setPlaceholderText(tr("Conversation title — Enter keeps it, Esc cancels"));
    m_rename->hide();
    row->addWidget(m_conversations, 1);
    row->addWidget(m_rename, 1);
    const auto button = [this, row](const QString &name, const QString &text, const QString &tip) {
        auto *b = new QToolButton(m_body);
        b->setObjectName(name);
        b->setText(text);
        b->setToolTip(tip);
        b->setAccessibleName(tip);
        b->setAutoRaise(true);
        row->addWidget(b);
        m_conversationButtons.append(b);
        return b;
    };
    connect(button(QStringLiteral("newConversationButton"), tr("New"), tr("Start a new conversation")),
            &QToolButton::clicked, this, &ChatDock::newConversation);
    connect(button(QStringLiteral("renameConversationButton"), tr("Rename"), tr("Rename this conversation")),
            &QToolButton::clicked, this, &ChatDock::renameConversation);
    connect(button(QStringLiteral("deleteConversationButton"), tr("Delete"), tr("Delete this conversation")),
            &QToolButton::clicked, this, &ChatDock::deleteConversation);
    connect(m_conversations, &QComboBox::activated, this, [this](int index) {
        const QString id = m_conversations->itemData(index).toString();
        if (!id.isEmpty() && id != m_session->conversationId())
            m_session->openConversation(id);
    });
    connect(m_rename, &QLineEdit::returnPressed, this, &ChatDock::commitRename);
    auto *cancel = new QAction(m_rename);
    cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    cancel->setShortcutContext(Qt::WidgetShortcut);
    m_rename->addAction(cancel);
    connect(cancel, &QAction::triggered, this, &ChatDock::refreshConversations);
    connect(m_rename, &QLineEdit::editingFinished, this, [this]() {
        if (!m_rename->hasFocus()) // focus left (or Esc): nothing renamed
            refreshConversations();
    });
    return row;
}

void ChatDock::refreshConversations()
{
    if (!m_conversations)
        return;
    m_rename->hide();
    m_conversations->show();
    m_conversations->clear();
    ChatStore *chats = m_session->chatStore();
    const Result<QList<ChatConversation>> all =
        chats ? chats->conversations() : Result<QList<ChatConversation>>(QList<ChatConversation>());
    for (const ChatConversation &c : all ? *all : QList<ChatConversation>()) {
        m_conversations->addItem(c.title, c.id);
        m_conversations->setItemData(
            m_conversations->count() - 1,
            tr("%1 · %n message(s)", nullptr, c.messageCount)
                .arg(QLocale().toString(c.updatedAt.toLocalTime(), QLocale::ShortFormat)),
            Qt::ToolTipRole);
    }
    m_conversations->setCurrentIndex(m_conversations->findData(m_session->conversationId()));
    for (QToolButton *b : std::as_const(m_conversationButtons))
        b->setEnabled(chats != nullptr);
    m_conversations->setEnabled(chats != nullptr);
}

void ChatDock::newConversation()
{
    build();
    if (const Status started = m_session->startConversation(); !started)
        m_modelStatus->setText(started.error().message);
}

void ChatDock::renameConversation()
{
    build();
    if (!m_session->chatStore())
        return;
    m_rename->setText(m_conversations->currentText());
    m_conversations->hide();
    m_rename->show();
    m_rename->setFocus();
    m_rename->selectAll();
}

void ChatDock::commitRename()
{
    if (ChatStore *chats = m_session->chatStore(); chats && !m_rename->text().trimmed().isEmpty()) {
        if (const Status renamed = chats->rename(m_session->conversationId(), m_rename->text()); !renamed)
            m_modelStatus->setText(renamed.error().message);
    }
    refreshConversations();
}

void ChatDock::deleteConversation()
{
    build();
    if (!m_session->chatStore())
        return;
    if (!Confirm::ask(this, tr("Delete conversation"),
                      tr("Delete the conversation \"%1\"? The assistant forgets it too.")
                          .arg(m_conversations->currentText())))
        return;
    if (const Status deleted = m_session->deleteConversation(m_session->conversationId()); !deleted)
        m_modelStatus->setText(deleted.error().message);
}

QWidget *ChatDock::createTitleBar()
{
    auto *bar = new QWidget(this);
    bar->setObjectName(QStringLiteral("assistantTitleBar"));
    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(8, 3, 4, 3);
    layout->setSpacing(2);
    auto *title = new QLabel(tr("<b>Assistant</b>"), bar);
    layout->addWidget(title);
    layout->addStretch(1);
    auto button = [bar, layout](const QString &name, const QString &text, const QString &tip) {
        auto *b = new QToolButton(bar);
        b->setObjectName(name);
        b->setText(text);
        b->setAccessibleName(tip);
        b->setToolTip(tip);
        b->setAutoRaise(true);
        layout->addWidget(b);
        return b;
    };
    QToolButton *clear = button(QStringLiteral("clearButton"), tr("Clear"), tr("Clear the conversation"));
    m_collapseButton =
        button(QStringLiteral("collapseButton"), QStringLiteral("▾"), tr("Minimise to the title bar"));
    QToolButton *floatButton = button(QStringLiteral("floatButton"), tr("Float"), tr("Float or dock"));
    floatButton->setIcon(style()->standardIcon(QStyle::SP_TitleBarNormalButton));
    QToolButton *close = button(QStringLiteral("closeButton"), tr("Hide"), tr("Hide (Ctrl+Shift+A)"));
    close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    connect(clear, &QToolButton::clicked, this, &ChatDock::clearConversation);
    connect(m_collapseButton, &QToolButton::clicked, this, [this]() { setCollapsed(!m_collapsed); });
    connect(floatButton, &QToolButton::clicked, this, [this]() { setFloating(!isFloating()); });
    connect(close, &QToolButton::clicked, this, &QDockWidget::close);
    return bar;
}

void ChatDock::addTo(QMainWindow *window)
{
    window->addDockWidget(Qt::RightDockWidgetArea, this);
    window->resizeDocks({this}, {460}, Qt::Horizontal); // room for a five-column table
    // Hidden until asked for (toolbar, View menu, Ctrl+Shift+A): the dashboard keeps the whole window.
    hide();
    // Another part of the window may already have made a View menu or a toolbar; share them.
    QMenu *view = nullptr;
    const auto menus = window->menuBar()->findChildren<QMenu *>(QString(), Qt::FindDirectChildrenOnly);
    for (QMenu *menu : menus) {
        if (menu->title().remove(QLatin1Char('&')) == tr("View"))
            view = menu;
    }
    if (!view) {
        view = new QMenu(tr("&View"), window->menuBar());
        QAction *help = nullptr; // View goes before Help, as in most applications
        for (QAction *action : window->menuBar()->actions()) {
            if (action->menu() && action->text().remove(QLatin1Char('&')) == tr("Help"))
                help = action;
        }
        window->menuBar()->insertMenu(help, view);
    }
    view->addAction(m_toggle);
    QToolBar *toolbar = window->findChild<QToolBar *>();
    if (!toolbar) {
        toolbar = window->addToolBar(tr("Main"));
        toolbar->setObjectName(QStringLiteral("mainToolBar"));
    }
    toolbar->addAction(m_toggle);
}

void ChatDock::attach(GitHubClient *github, EventStore *store)
{
    m_github = github;
    if (m_session)
        m_session->setGitHub(github);
    if (store && store != m_store)
        setStore(store);
}

void ChatDock::setStore(EventStore *store)
{
    m_store = store;
    if (!m_session)
        return; // read when the dock is first shown
    removeMessages();
    m_session->setStore(store); // loads the latest conversation, announced message by message
    updateState();
}

void ChatDock::setCollapsed(bool collapsed)
{
    build();
    m_collapsed = collapsed;
    m_body->setVisible(!collapsed);
    m_collapseButton->setText(collapsed ? QStringLiteral("▸") : QStringLiteral("▾"));
    m_collapseButton->setToolTip(collapsed ? tr("Restore") : tr("Minimise to the title bar"));
    setMaximumHeight(collapsed ? titleBarWidget()->sizeHint().height() : QWIDGETSIZE_MAX);
}

QList<ChatMessageWidget *> ChatDock::messageWidgets() const
{
    return m_messages;
}

void ChatDock::sendInput()
{
    build();
    updateState(); // a key may have arrived from the keychain since
    const QString text = m_input->text().trimmed();
    if (text.isEmpty())
        return;
    if (m_session->isBusy() && !text.startsWith(QLatin1Char('/')))
        return;
    m_input->clear();
    m_session->send(text);
}

void ChatDock::clearConversation()
{
    if (!m_session || m_session->messages().isEmpty())
        return;
    if (!Confirm::ask(this, tr("Clear conversation"),
                      tr("Clear the whole conversation? The assistant forgets it too.")))
        return;
    m_session->clear();
}

void ChatDock::addMessage(int index)
{
    auto *widget = new ChatMessageWidget(m_session->messages().at(index), m_list);
    // Queued: the answer rebuilds the bubble, which deletes the very button whose click is being handled.
    connect(widget, &ChatMessageWidget::commandRequested, m_session, &ChatSession::send,
            Qt::QueuedConnection);
    connect(widget, &ChatMessageWidget::approveRequested, m_session, &ChatSession::approve,
            Qt::QueuedConnection);
    connect(widget, &ChatMessageWidget::rejectRequested, m_session, &ChatSession::reject,
            Qt::QueuedConnection);
    m_listLayout->insertWidget(m_listLayout->count() - 1, widget); // above the stretch
    m_messages.append(widget);
    m_emptyHint->hide();
    scrollToEnd();
}

void ChatDock::updateMessage(int index)
{
    if (index < 0 || index >= m_messages.size())
        return;
    m_messages.at(index)->setMessage(m_session->messages().at(index));
    scrollToEnd();
}

void ChatDock::removeMessages()
{
    qDeleteAll(m_messages);
    m_messages.clear();
    m_emptyHint->show();
}

void ChatDock::updateState()
{
    const bool busy = m_session->isBusy();
    m_stop->setEnabled(busy);
    m_send->setEnabled(!busy);
    const LlmConfig config = m_session->llmConfig();
    m_modelStatus->setText(config.isConfigured()
                               ? tr("Model %1 at %2").arg(config.model, config.baseUrl.host())
                               : tr("No language model configured: local commands only (/help)."));
}

void ChatDock::scrollToEnd()
{
    QTimer::singleShot(0, m_scroll, [scroll = m_scroll]() {
        scroll->verticalScrollBar()->setValue(scroll->verticalScrollBar()->maximum());
    });
}

} // namespace exeserver
