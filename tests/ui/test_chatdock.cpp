#include "assistanttesting.h"
#include "catch.h"
#include "testutil.h"

#include "chatcardwidget.h"
#include "chatdock.h"
#include "chatmessagewidget.h"
#include "confirm.h"
#include "mainwindow.h"
#include "themecolors.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenuBar>
#include <QPushButton>
#include <QScrollArea>
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
    d.type(QStringLiteral("/help"));
    REQUIRE(d.dock->messageWidgets().size() == 2);
    auto *clear = d.dock->findChild<QToolButton *>(QStringLiteral("clearButton"));
    REQUIRE(clear);
    Confirm::setNextAnswer(false);
    QTest::mouseClick(clear, Qt::LeftButton);
    CHECK(d.dock->messageWidgets().size() == 2);
    Confirm::setNextAnswer(true);
    QTest::mouseClick(clear, Qt::LeftButton);
    CHECK(Confirm::lastQuestion().contains(QLatin1String("forgets it too")));
    CHECK(d.dock->messageWidgets().isEmpty());
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
