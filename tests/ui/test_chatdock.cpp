#include "assistanttesting.h"
#include "catch.h"
#include "testutil.h"

#include "assistant/chatstore.h"
#include "chat/chatcardwidget.h"
#include "chat/chatdock.h"
#include "chat/chatmessagewidget.h"
#include "mainwindow.h"
#include "widgets/confirm.h"
#include "widgets/themecolors.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenuBar>
#include <QProcess>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QTest>
#include <QToolBar>
#include <QToolButton>

using namespace exeserver;
using namespace exeserver::test;

namespace {

// A main window with the dock over an AssistantHarness's session.
struct DockedHarness
{
    AssistantHarness h;
    QMainWindow window;
    ChatDock *dock = nullptr;

    explicit DockedHarness(bool withModel = true)
        : h(withModel)
    {
        dock = new ChatDock(*h.settings, &window);
        dock->addTo(&window);
        h.session.reset(); // the dock has its own session over the same store
        dock->attach(h.github.client.get(), &h.store);
        h.active = dock->session();
        dock->show();
        auto *center = new QLabel(QStringLiteral("Dashboard"), &window);
        center->setAlignment(Qt::AlignCenter);
        window.setCentralWidget(center);
        window.resize(1000, 900);
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));
    }

    void type(const QString &text)
    {
        auto *input = dock->findChild<QLineEdit *>(QStringLiteral("chatInput"));
        REQUIRE(input);
        input->setText(text);
        QTest::keyClick(input, Qt::Key_Return);
    }

    bool idle() { return h.idle(); }

    void screenshot(const QString &name)
    {
        QApplication::processEvents();
        QTest::qWait(50);
        REQUIRE(window.grab().toImage().save(QDir(test::outputDir()).filePath(name)));
    }

    // Clicks as a user would: scrolled into view first (QTest clicks at the widget's position in the window).
    void click(QWidget *widget)
    {
        auto *scroll = dock->findChild<QScrollArea *>(QStringLiteral("conversation"));
        QApplication::processEvents();
        scroll->ensureWidgetVisible(widget);
        QApplication::processEvents();
        QTest::mouseClick(widget, Qt::LeftButton);
        QApplication::processEvents(); // the dock hands clicks to the session queued
    }

    template <typename T>
    QList<T *> find(const QString &name) const
    {
        return dock->findChildren<T *>(name);
    }
};

QString labelTexts(QWidget *widget)
{
    QStringList texts;
    const auto labels = widget->findChildren<QLabel *>();
    for (const QLabel *label : labels)
        texts.append(label->text());
    return texts.join(QLatin1Char('\n'));
}

} // namespace

TEST_CASE("Chat dock: user and assistant messages render apart and a stream grows one bubble",
          "[ui][assistant]")
{
    DockedHarness d;
    d.h.llm.queueText(
        {QStringLiteral("Your **CI** "), QStringLiteral("is green "), QStringLiteral("on main.")}, 150);
    d.type(QStringLiteral("How is CI?"));
    // While the answer streams, the assistant's bubble exists once and grows.
    REQUIRE(QTest::qWaitFor([&]() { return d.dock->messageWidgets().size() == 2; }, 5000));
    ChatMessageWidget *answer = d.dock->messageWidgets().at(1);
    REQUIRE(QTest::qWaitFor([&]() { return answer->shownText().contains(QLatin1String("is green")); }, 5000));
    CHECK_FALSE(answer->shownText().contains(QLatin1String("on main.")));
    CHECK(d.dock->findChild<QPushButton *>(QStringLiteral("stopButton"))->isEnabled());
    REQUIRE(d.idle());
    CHECK(d.dock->messageWidgets().size() == 2);
    CHECK(d.dock->messageWidgets().at(1) == answer);
    CHECK(answer->shownText() == QLatin1String("Your **CI** is green on main."));
    CHECK_FALSE(d.dock->findChild<QPushButton *>(QStringLiteral("stopButton"))->isEnabled());

    ChatMessageWidget *question = d.dock->messageWidgets().at(0);
    CHECK(question->isUser());
    CHECK(question->headerText().startsWith(QStringLiteral("You · ")));
    CHECK(answer->headerText().startsWith(QStringLiteral("Assistant · ")));
    // Sides: the user's bubble is on the right half, the assistant's starts at the left edge.
    auto *userBubble = question->findChild<QFrame *>(QStringLiteral("bubble"));
    auto *assistantBubble = answer->findChild<QFrame *>(QStringLiteral("bubble"));
    CHECK(userBubble->geometry().left() > question->width() / 2);
    CHECK(assistantBubble->geometry().left() < 10);
    CHECK(userBubble->styleSheet().contains(toneSwatch(Tone::Info).background.name()));
    CHECK(assistantBubble->styleSheet().contains(neutralSwatch().background.name()));
    d.screenshot(QStringLiteral("chatdock-stream.png"));
}

TEST_CASE("Chat dock: a conversation with a table, cards and a proposal approved by a click",
          "[ui][assistant]")
{
    DockedHarness d;
    d.type(QStringLiteral("/runs octocat/Hello-World"));
    REQUIRE(QTest::qWaitFor([&]() { return !d.find<ChatCardWidget>(QStringLiteral("runCard")).isEmpty(); },
                            10000));
    CHECK(labelTexts(d.dock->messageWidgets().last()).contains(QLatin1String("Runs in octocat/Hello-World")));

    d.h.llm.queueToolCall(
        QStringLiteral("call_1"), QStringLiteral("propose_dispatch"),
        {{QStringLiteral("repo"), QStringLiteral("octocat/Hello-World")},
         {QStringLiteral("workflow"), QStringLiteral("ci.yml")},
         {QStringLiteral("ref"), QStringLiteral("main")},
         {QStringLiteral("inputs"), QJsonObject{{QStringLiteral("debug"), QStringLiteral("true")}}}});
    d.h.llm.queueText({QStringLiteral(
        "Here is the plan:\n\n| Step | What |\n| --- | --- |\n| 1 | Dispatch "
        "`ci.yml` on `main` |\n| 2 | Watch the run |\n\nApprove the card to start it:\n\n"
        "```sh\nexeserver-cli workflows dispatch octocat/Hello-World ci.yml --ref main\n```\n")});
    d.type(QStringLiteral("Re-run CI on main with debug logging"));
    REQUIRE(d.idle());
    const auto proposals = d.find<ChatCardWidget>(QStringLiteral("proposalCard"));
    REQUIRE(proposals.size() == 1);
    CHECK(labelTexts(proposals.first()).contains(QLatin1String("Dispatch ci.yml on main")));
    REQUIRE_FALSE(d.find<QToolButton>(QStringLiteral("copyButton")).isEmpty());
    d.screenshot(QStringLiteral("chatdock-conversation.png"));
    // Nothing is wider than the dock: the conversation never needs a horizontal scroll bar.
    auto *scroll = d.dock->findChild<QScrollArea *>(QStringLiteral("conversation"));
    CHECK(scroll->widget()->minimumSizeHint().width() <= scroll->viewport()->width());
    CHECK(d.h.github.server.dispatches().isEmpty());

    auto *approve = proposals.first()->findChild<QPushButton *>(QStringLiteral("approveButton"));
    REQUIRE(approve);
    d.click(approve);
    REQUIRE(QTest::qWaitFor([&]() { return d.h.github.server.dispatches().size() == 1; }, 10000));
    REQUIRE(QTest::qWaitFor([&]() { return d.h.proposal()->state == ProposalState::Done; }, 10000));
    CHECK(d.h.github.server.dispatches()
              .first()
              .body.value(QStringLiteral("inputs"))
              .toObject()
              .value(QStringLiteral("debug")) == QStringLiteral("true"));
    const Result<QList<ActionRecord>> actions = d.h.store.actions({});
    REQUIRE(actions);
    REQUIRE(actions->size() == 1);
    CHECK(actions->first().kind == ActionKind::Dispatch);
    // The card now says what happened and offers no more buttons.
    const auto after = d.find<ChatCardWidget>(QStringLiteral("proposalCard"));
    REQUIRE(after.size() == 1);
    CHECK(after.first()->findChild<QPushButton *>(QStringLiteral("approveButton")) == nullptr);
    CHECK(after.first()
              ->findChild<QLabel *>(QStringLiteral("proposalOutcome"))
              ->text()
              .startsWith(QLatin1String("Dispatched ci.yml on main")));
    d.screenshot(QStringLiteral("chatdock-approved.png"));
}

TEST_CASE("Chat dock: Reject on a card's proposal sends nothing", "[ui][assistant]")
{
    DockedHarness d(false);
    d.type(QStringLiteral("/runs octocat/Hello-World"));
    REQUIRE(QTest::qWaitFor([&]() { return !d.find<ChatCardWidget>(QStringLiteral("runCard")).isEmpty(); },
                            10000));
    // A run card's "Re-run failed jobs" (or Cancel) button only proposes.
    QPushButton *change = nullptr;
    for (QPushButton *button : d.find<QPushButton>(QStringLiteral("cardAction"))) {
        if (button->text() == QLatin1String("Re-run failed jobs") ||
            button->text() == QLatin1String("Cancel"))
            change = button;
    }
    REQUIRE(change);
    d.click(change);
    REQUIRE(d.h.proposal());
    REQUIRE(d.find<ChatCardWidget>(QStringLiteral("proposalCard")).size() == 1);
    auto *reject = d.find<ChatCardWidget>(QStringLiteral("proposalCard"))
                       .first()
                       ->findChild<QPushButton *>(QStringLiteral("rejectButton"));
    REQUIRE(reject);
    d.click(reject);
    CHECK(d.h.proposal()->state == ProposalState::Rejected);
    QTest::qWait(200);
    for (const RecordedRequest &request : d.h.github.server.requests())
        CHECK(request.method == "GET");
    CHECK(d.h.store.actions({})->isEmpty());
}

TEST_CASE("Chat dock: Clear asks first, then empties the view and the conversation", "[ui][assistant]")
{
    DockedHarness d(false);
    // Empty, the conversation says what goes there; the hint leaves with the first message.
    auto *hint = d.dock->findChild<QLabel *>(QStringLiteral("conversationHint"));
    REQUIRE(hint);
    CHECK(hint->isVisible());
    CHECK(hint->text().contains(QStringLiteral("/help")));
    d.type(QStringLiteral("/help"));
    REQUIRE(d.dock->messageWidgets().size() == 2);
    CHECK_FALSE(hint->isVisible());
    auto *clear = d.dock->findChild<QToolButton *>(QStringLiteral("clearButton"));
    REQUIRE(clear);
    Confirm::setNextAnswer(false);
    QTest::mouseClick(clear, Qt::LeftButton);
    CHECK(d.dock->messageWidgets().size() == 2);
    Confirm::setNextAnswer(true);
    QTest::mouseClick(clear, Qt::LeftButton);
    CHECK(Confirm::lastQuestion().contains(QLatin1String("forgets it too")));
    CHECK(d.dock->messageWidgets().isEmpty());
    CHECK(hint->isVisible());
    CHECK(d.dock->session()->messages().isEmpty());
    d.h.makeSession(); // nothing comes back from the store
    CHECK(d.h.session->messages().isEmpty());
}

TEST_CASE("Chat dock: code blocks copy, offline commands answer, and no model is announced",
          "[ui][assistant]")
{
    DockedHarness d(false);
    CHECK(d.dock->findChild<QLabel *>(QStringLiteral("modelStatus"))
              ->text()
              .contains(QLatin1String("local commands only")));
    d.type(QStringLiteral("/trigger test readme-prs delivery-1"));
    REQUIRE(d.find<ChatCardWidget>(QStringLiteral("triggerCard")).size() == 1);
    CHECK(labelTexts(d.find<ChatCardWidget>(QStringLiteral("triggerCard")).first())
              .contains(QLatin1String("no match")));
    d.type(QStringLiteral("/events pull_request"));
    REQUIRE_FALSE(d.find<ChatCardWidget>(QStringLiteral("eventCard")).isEmpty());

    const auto parts =
        ChatMessageWidget::splitCodeBlocks(QStringLiteral("Run this:\n\n```yaml\nname: x\n```\nDone."));
    REQUIRE(parts.size() == 3);
    CHECK(parts.at(1) == qMakePair(true, QStringLiteral("name: x")));

    ChatMessage message;
    message.role = ChatRole::Assistant;
    message.at = QDateTime::currentDateTimeUtc();
    message.text = QStringLiteral("Try:\n\n```\nexeserver-cli runs list o/r\n```");
    ChatMessageWidget widget(message);
    auto *copy = widget.findChild<QToolButton *>(QStringLiteral("copyButton"));
    REQUIRE(copy);
    QTest::mouseClick(copy, Qt::LeftButton);
    CHECK(QApplication::clipboard()->text() == QLatin1String("exeserver-cli runs list o/r"));
    d.screenshot(QStringLiteral("chatdock-offline.png"));
}

TEST_CASE("Chat dock: in the main window it minimises, floats, hides and comes back with Ctrl+Shift+A",
          "[ui][assistant]")
{
    QTemporaryDir dir;
    QProcessEnvironment env;
    env.insert(QStringLiteral("EXESERVER_DATA_DIR"), dir.path());
    Settings settings(env);
    MainWindow window(settings);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    auto *dock = window.findChild<ChatDock *>(QStringLiteral("AssistantDock"));
    REQUIRE(dock);
    CHECK(dock == window.assistant());
    CHECK(dock->windowTitle() == QLatin1String("Assistant"));
    CHECK_FALSE(dock->isVisible()); // until asked for

    QAction *toggle = dock->toggleAction();
    CHECK(toggle->shortcut() == QKeySequence(QStringLiteral("Ctrl+Shift+A")));
    bool inViewMenu = false;
    for (QAction *menu : window.menuBar()->actions()) {
        if (menu->menu() && menu->text().remove(QLatin1Char('&')) == QLatin1String("View"))
            inViewMenu = menu->menu()->actions().contains(toggle);
    }
    CHECK(inViewMenu);

    QTest::keyClick(&window, Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
    REQUIRE(dock->isVisible());
    CHECK(window.findChild<QToolBar *>()->actions().contains(toggle));

    auto *collapse = dock->findChild<QToolButton *>(QStringLiteral("collapseButton"));
    QTest::mouseClick(collapse, Qt::LeftButton);
    CHECK(dock->isCollapsed());
    CHECK_FALSE(dock->widget()->isVisible());
    REQUIRE(window.grab().toImage().save(
        QDir(test::outputDir()).filePath(QStringLiteral("chatdock-minimised.png"))));
    QTest::mouseClick(collapse, Qt::LeftButton);
    CHECK(dock->widget()->isVisible());

    QTest::mouseClick(dock->findChild<QToolButton *>(QStringLiteral("floatButton")), Qt::LeftButton);
    CHECK(dock->isFloating());
    QTest::mouseClick(dock->findChild<QToolButton *>(QStringLiteral("floatButton")), Qt::LeftButton);
    CHECK_FALSE(dock->isFloating());

    QTest::keyClick(&window, Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
    CHECK_FALSE(dock->isVisible());
    QTest::keyClick(&window, Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
    CHECK(dock->isVisible());
}

TEST_CASE("Chat dock: a failed run's card leads to its jobs and the failing step's log", "[ui][assistant]")
{
    DockedHarness d(false);
    d.type(QStringLiteral("/failed"));
    qint64 failed = 0;
    for (const FakeRun &run : d.h.github.server.runs(QStringLiteral("octocat/Hello-World"))) {
        if (run.conclusion == QLatin1String("failure"))
            failed = run.id;
    }
    REQUIRE(failed != 0);
    d.type(QStringLiteral("/run octocat/Hello-World %1").arg(failed));
    REQUIRE(QTest::qWaitFor([&]() { return d.dock->messageWidgets().size() == 4; }, 10000));
    ChatMessageWidget *answer = d.dock->messageWidgets().last();
    CHECK(answer->shownText().contains(QLatin1String("**Failing step:**")));
    auto *code = answer->findChild<QLabel *>(QStringLiteral("codeText"));
    REQUIRE(code);
    CHECK(code->text().contains(QLatin1String("##[error]Process completed with exit code 2.")));
    REQUIRE_FALSE(answer->findChildren<ChatCardWidget *>(QStringLiteral("runCard")).isEmpty());
    d.screenshot(QStringLiteral("chatdock-run.png"));
}

TEST_CASE("Chat dock: hidden at start it builds nothing and reads the conversation when first shown",
          "[ui][assistant]")
{
    AssistantHarness h(false);
    h.session->send(QStringLiteral("/help")); // answered locally, kept in the store
    REQUIRE(h.idle());
    const qsizetype stored = h.session->messages().size();
    REQUIRE(stored >= 2);

    QMainWindow window;
    window.setCentralWidget(new QLabel(QStringLiteral("Dashboard"), &window));
    auto *dock = new ChatDock(*h.settings, &window);
    dock->addTo(&window);
    dock->attach(h.github.client.get(), &h.store);
    window.resize(1000, 800);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    CHECK_FALSE(dock->isBuilt());
    CHECK(dock->widget() == nullptr);
    CHECK(dock->findChildren<QLineEdit *>().isEmpty());

    dock->toggleAction()->trigger(); // View → Assistant
    REQUIRE(dock->isVisible());
    CHECK(dock->isBuilt());
    REQUIRE(dock->findChild<QLineEdit *>(QStringLiteral("chatInput")));
    CHECK(dock->messageWidgets().size() == stored); // the last conversation, from the store
    QApplication::processEvents();
    REQUIRE(dock->widget()->isVisible());
    REQUIRE(window.grab().toImage().save(
        QDir(test::outputDir()).filePath(QStringLiteral("chatdock-built-on-show.png"))));
}

TEST_CASE("Chat dock: a conversation held with `exeserver-cli ask` is the window's afterwards",
          "[ui][assistant][cli]")
{
    AssistantHarness h;
    h.llm.queueText({QStringLiteral("Asked from "), QStringLiteral("the terminal.")});
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
    env.insert(QStringLiteral("HOME"), h.dir.path());
    env.insert(QStringLiteral("EXESERVER_NO_KEYCHAIN"), QStringLiteral("1"));
    env.insert(QStringLiteral("OPENAI_BASE_URL"), h.llm.baseUrl().toString());
    env.insert(QStringLiteral("EXESERVER_LLM_MODEL"), QStringLiteral("fake-model"));
    QProcess cli;
    cli.setProcessEnvironment(env);
    cli.start(QStringLiteral(EXESERVER_CLI_PATH), {QStringLiteral("--data-dir"), h.dir.path(),
                                                   QStringLiteral("ask"), QStringLiteral("from a shell")});
    REQUIRE(cli.waitForStarted());
    REQUIRE(QTest::qWaitFor([&]() { return cli.state() == QProcess::NotRunning; }, 30000));
    INFO(cli.readAllStandardError().toStdString());
    REQUIRE(cli.exitCode() == 0);

    QMainWindow window;
    auto *dock = new ChatDock(*h.settings, &window);
    dock->addTo(&window);
    dock->attach(h.github.client.get(), &h.store);
    dock->show();
    REQUIRE(dock->session()->messages().size() == 2);
    CHECK(dock->session()->messages().at(0).text == QLatin1String("from a shell"));
    CHECK(dock->session()->messages().at(1).text == QLatin1String("Asked from the terminal."));
    CHECK(dock->messageWidgets().size() == 2);
}

TEST_CASE("Chat dock: several conversations — list, new, rename, delete — kept in the store",
          "[ui][assistant]")
{
    DockedHarness d(false);
    auto *picker = d.dock->findChild<QComboBox *>(QStringLiteral("conversationPicker"));
    REQUIRE(picker);
    d.type(QStringLiteral("/help"));
    REQUIRE(d.idle());
    const QString first = d.h.current()->conversationId();
    CHECK(picker->currentText() == QLatin1String("/help"));

    d.click(d.dock->findChild<QToolButton *>(QStringLiteral("newConversationButton")));
    CHECK(d.dock->messageWidgets().isEmpty());
    const QString second = d.h.current()->conversationId();
    CHECK(second != first);
    d.type(QStringLiteral("/triggers"));
    REQUIRE(d.idle());
    QApplication::processEvents();
    REQUIRE(picker->count() == 2);
    CHECK(picker->itemText(0) == QLatin1String("/triggers")); // newest first
    CHECK(picker->itemText(1) == QLatin1String("/help"));

    // Rename in place: the title is edited where the list was, Enter keeps it.
    d.click(d.dock->findChild<QToolButton *>(QStringLiteral("renameConversationButton")));
    auto *title = d.dock->findChild<QLineEdit *>(QStringLiteral("conversationTitle"));
    REQUIRE(title->isVisible());
    title->setText(QStringLiteral("Trigger overview"));
    QTest::keyClick(title, Qt::Key_Return);
    CHECK_FALSE(title->isVisible());
    CHECK(picker->currentText() == QLatin1String("Trigger overview"));
    d.screenshot(QStringLiteral("chatdock-conversations.png"));

    // Picking the other one shows its messages.
    picker->setCurrentIndex(1);
    Q_EMIT picker->activated(1);
    CHECK(d.h.current()->conversationId() == first);
    REQUIRE_FALSE(d.dock->messageWidgets().isEmpty());
    CHECK(d.h.current()->messages().first().text == QLatin1String("/help"));

    // Delete asks first, then shows the newest other one; the store has the titles too.
    Confirm::setNextAnswer(true);
    d.click(d.dock->findChild<QToolButton *>(QStringLiteral("deleteConversationButton")));
    CHECK(Confirm::lastQuestion().contains(QLatin1String("/help")));
    CHECK(d.h.current()->conversationId() == second);
    REQUIRE(picker->count() == 1);
    ChatStore chats(d.h.store);
    const Result<QList<ChatConversation>> stored = chats.conversations();
    REQUIRE(stored);
    REQUIRE(stored->size() == 1);
    CHECK(stored->first().title == QLatin1String("Trigger overview"));
}

TEST_CASE("Chat dock: a table wider than the bubble scrolls sideways inside it instead of being clipped",
          "[ui][assistant]")
{
    CHECK(ChatMessageWidget::splitTables(
              QStringLiteral("Intro\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\nAfter")) ==
          QList<QPair<bool, QString>>{{false, QStringLiteral("Intro")},
                                      {true, QStringLiteral("| a | b |\n| --- | --- |\n| 1 | 2 |")},
                                      {false, QStringLiteral("After")}});
    DockedHarness d;
    QString table =
        QStringLiteral("| Repository | Workflow | Branch | Event | Actor | Conclusion | Started | Took |\n"
                       "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (int i = 0; i < 3; ++i)
        table += QStringLiteral("| octo-org/a-rather-long-repository-name | continuous-integration.yml | "
                                "feature/some-long-branch-%1 | pull_request | octocat | failure | "
                                "2026-12-07 03:15 UTC | 12 min 31 s |\n")
                     .arg(i);
    d.h.llm.queueText(
        {QStringLiteral("The failed runs:\n\n"), table, QStringLiteral("\nLast column: **Took**.")});
    d.type(QStringLiteral("Which runs failed?"));
    REQUIRE(d.idle());
    QApplication::processEvents();
    ChatMessageWidget *answer = d.dock->messageWidgets().last();
    auto *strip = answer->findChild<QScrollArea *>(QStringLiteral("tableScroll"));
    REQUIRE(strip);
    auto *label = strip->findChild<QLabel *>(QStringLiteral("messageTable"));
    REQUIRE(label);
    // The table keeps its width; the strip shows part of it and scrolls to the rest.
    CHECK(label->width() > strip->viewport()->width());
    CHECK(strip->horizontalScrollBar()->maximum() > 0);
    CHECK(strip->horizontalScrollBar()->isVisible());
    strip->horizontalScrollBar()->setValue(strip->horizontalScrollBar()->maximum());
    CHECK(label->geometry().right() <= strip->viewport()->width()); // the last column can be reached
    // The bubble and the conversation stay within the dock.
    auto *scroll = d.dock->findChild<QScrollArea *>(QStringLiteral("conversation"));
    CHECK(scroll->widget()->minimumSizeHint().width() <= scroll->viewport()->width());
    CHECK(answer->width() <= scroll->viewport()->width());
    d.screenshot(QStringLiteral("chatdock-wide-table.png"));
}

TEST_CASE("Chat dock: when older turns are summarised the conversation says so", "[ui][assistant][context]")
{
    AssistantHarness h;
    const int fixed = ChatSession::estimateTokens(
        QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                               {QStringLiteral("content"), ChatSession::systemPrompt()}}});
    h.setContextTokens((fixed + 300) * 4 / 3);
    h.session.reset();
    QMainWindow window;
    window.setCentralWidget(new QLabel(QStringLiteral("Dashboard"), &window));
    auto *dock = new ChatDock(*h.settings, &window);
    dock->addTo(&window);
    dock->attach(h.github.client.get(), &h.store);
    dock->show();
    window.resize(1000, 900);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    h.active = dock->session();
    const QString padding(300, QLatin1Char('x'));
    h.llm.queueText({QStringLiteral("Run 42 failed in lint. ") + padding});
    h.llm.queueText({QStringLiteral("Run 43 passed. ") + padding});
    h.llm.queueText({QStringLiteral("Run 42 failed in lint; run 43 passed.")});
    h.llm.queueText({QStringLiteral("Run 44 is still running.")});
    for (const QString &question : {QStringLiteral("Why did run 42 fail?"), QStringLiteral("And run 43?"),
                                    QStringLiteral("What about 44?")}) {
        h.active->send(question + QLatin1Char(' ') + padding);
        REQUIRE(h.idle());
    }
    REQUIRE(h.llm.requests().size() == 4);
    const auto cards = dock->findChildren<ChatCardWidget *>(QStringLiteral("summaryCard"));
    REQUIRE(cards.size() == 1);
    QString shown;
    for (ChatMessageWidget *widget : dock->messageWidgets())
        shown += labelTexts(widget);
    CHECK(shown.contains(QLatin1String("earlier messages were summarised")));
    CHECK(labelTexts(cards.first()).contains(QLatin1String("run 43 passed")));
    QApplication::processEvents();
    REQUIRE(window.grab().toImage().save(
        QDir(test::outputDir()).filePath(QStringLiteral("chatdock-summarised.png"))));
}
