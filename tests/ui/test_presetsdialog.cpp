#include "catch.h"
#include "fakegithubserver.h"
#include "palettes.h"
#include "testutil.h"
#include "widgetpng.h"

#include "dashboard/dashboardpage.h"
#include "dashboard/presetcommentsdialog.h"
#include "dashboard/repositorypicker.h"
#include "github/githubclient.h"
#include "store/eventstore.h"
#include "widgets/confirm.h"

#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace exeserver;
using exeserver::test::FakeGitHubServer;

namespace {

const QString kHello = QStringLiteral("octocat/Hello-World");
const QString kKnife = QStringLiteral("octocat/Spoon-Knife");

struct Desk
{
    QTemporaryDir dir;
    FakeGitHubServer server;
    QNetworkAccessManager network;
    EventStore store;
    std::unique_ptr<GitHubClient> client;

    Desk()
    {
        REQUIRE(dir.isValid());
        REQUIRE(server.start());
        REQUIRE(store.open(QDir(dir.path()).filePath(QStringLiteral("exeserver.db"))).ok());
        GitHubClient::Options options;
        options.connection.apiUrl = server.baseUrl();
        options.connection.token = QString::fromLatin1(FakeGitHubServer::DefaultToken);
        options.connection.network = &network;
        options.connection.retryDelayMs = 5;
        options.connection.transferTimeoutMs = 3000;
        client = std::make_unique<GitHubClient>(options);
    }
};

void waitLoaded(PresetCommentsDialog &dialog)
{
    REQUIRE(QTest::qWaitFor([&]() { return !dialog.isLoading(); }, 10000));
}

} // namespace

TEST_CASE("preset dialog lists the open pull requests of the selected repositories", "[ui][presets]")
{
    Desk desk;
    desk.server.addPullRequest({.repo = kKnife, .title = QStringLiteral("Fix the fork"), .number = 7});
    desk.server.addPullRequest({.repo = kKnife,
                                .title = QStringLiteral("Old idea"),
                                .state = QStringLiteral("closed"),
                                .number = 8});
    PresetCommentsDialog dialog(*desk.client, &desk.store, desk.dir.path(), {kHello, kKnife});
    dialog.show();
    waitLoaded(dialog);
    const QStringList labels = dialog.pullRequestLabels();
    CHECK(labels.size() == 2);
    CHECK(labels.filter(QStringLiteral("#1347")).size() == 1);
    CHECK(labels.filter(QStringLiteral("Fix the fork")).size() == 1);
    CHECK(labels.filter(QStringLiteral("Old idea")).isEmpty());
    CHECK(dialog.messageText().isEmpty());

    dialog.setSearchText(QStringLiteral("1347"));
    CHECK(dialog.pullRequestLabels().size() == 1);
    dialog.setSearchText(QStringLiteral("FORK"));
    REQUIRE(dialog.pullRequestLabels().size() == 1);
    CHECK(dialog.pullRequestLabels().constFirst().startsWith(kKnife));
    dialog.setSearchText({});
    CHECK(dialog.pullRequestLabels().size() == 2);

    const QStringList presets = dialog.presetNames();
    CHECK(presets.mid(0, 4) == QStringList{QStringLiteral("review"), QStringLiteral("describe"),
                                           QStringLiteral("improve"), QStringLiteral("ask")});
}

TEST_CASE("each pull request shows its head commit's checks, revalidated with 304s", "[ui][presets][checks]")
{
    Desk desk;
    // The seeded pull request's branch (new-topic) has a failed run; the others pass, run, or have none.
    desk.server.addRun({.repo = kHello, .headBranch = QStringLiteral("green")});
    desk.server.addRun({.repo = kHello,
                        .status = QStringLiteral("in_progress"),
                        .conclusion = {},
                        .headBranch = QStringLiteral("busy")});
    const int green = desk.server.addPullRequest(
        {.repo = kHello, .title = QStringLiteral("Green"), .head = QStringLiteral("green")});
    const int busy = desk.server.addPullRequest(
        {.repo = kHello, .title = QStringLiteral("Busy"), .head = QStringLiteral("busy")});
    const int fresh = desk.server.addPullRequest(
        {.repo = kHello, .title = QStringLiteral("Fresh"), .head = QStringLiteral("fresh")});

    for (const bool dark : {false, true}) {
        test::PaletteScope scope(dark ? test::darkPalette() : test::lightPalette());
        const int before304 = desk.server.count304();
        PresetCommentsDialog dialog(*desk.client, &desk.store, desk.dir.path(), {kHello});
        dialog.show();
        waitLoaded(dialog);
        REQUIRE(QTest::qWaitFor([&]() { return !dialog.isLoadingChecks(); }, 10000));
        CHECK(dialog.checksState(kHello, 1347) == QStringLiteral("failing"));
        CHECK(dialog.checksState(kHello, green) == QStringLiteral("passing"));
        CHECK(dialog.checksState(kHello, busy) == QStringLiteral("pending"));
        CHECK(dialog.checksState(kHello, fresh) == QStringLiteral("none"));
        const QStringList labels = dialog.pullRequestLabels();
        CHECK(labels.filter(QStringLiteral("#1347 — Amazing new feature   · checks: failing (1 of 1 failed)"))
                  .size() == 1);
        CHECK(labels.filter(QStringLiteral("Green   · checks: passing (1)")).size() == 1);
        CHECK(labels.filter(QStringLiteral("Busy   · checks: pending")).size() == 1);
        CHECK(labels.filter(QStringLiteral("Fresh   · checks: no checks")).size() == 1);
        // The searcher finds pull requests by their checks' state too.
        dialog.setSearchText(QStringLiteral("failing"));
        CHECK(dialog.pullRequestLabels().size() == 1);
        dialog.setSearchText({});
        // The second dialog asks again and GitHub's 304s answer from the client's cache.
        if (dark)
            CHECK(desk.server.count304() >= before304 + 4);
        test::savePng(dialog, dark ? QStringLiteral("presets-dialog-checks-dark.png")
                                   : QStringLiteral("presets-dialog-checks.png"));
    }
    CHECK(desk.server
              .requestsTo(QStringLiteral("/repos/octocat/Hello-World/commits/[0-9a-f]{40}/check-runs"), "GET")
              .size() == 8);
}

TEST_CASE("a refused checks look-up leaves the pull request listed with unknown checks",
          "[ui][presets][checks]")
{
    Desk desk;
    desk.server.failNext("GET", QStringLiteral("/repos/octocat/Hello-World/commits/[^/]+/check-runs"), 403);
    PresetCommentsDialog dialog(*desk.client, &desk.store, desk.dir.path(), {kHello});
    waitLoaded(dialog);
    REQUIRE(QTest::qWaitFor([&]() { return !dialog.isLoadingChecks(); }, 10000));
    CHECK(dialog.checksState(kHello, 1347) == QStringLiteral("unknown"));
    REQUIRE(dialog.pullRequestLabels().size() == 1);
    CHECK(dialog.pullRequestLabels().constFirst().endsWith(QStringLiteral("checks unknown")));
}

TEST_CASE("choosing review on PR 1347 posts the rendered body and logs the action", "[ui][presets]")
{
    Desk desk;
    PresetCommentsDialog dialog(*desk.client, &desk.store, desk.dir.path(), {kHello});
    dialog.show();
    waitLoaded(dialog);
    REQUIRE(dialog.selectPullRequest(kHello, 1347));
    CHECK_FALSE(dialog.isPostEnabled()); // no preset yet
    REQUIRE(dialog.choosePreset(QStringLiteral("review")));
    CHECK(dialog.previewText() == QStringLiteral("/review"));
    REQUIRE(dialog.isPostEnabled());

    // /ask needs its question, which the preview shows.
    REQUIRE(dialog.choosePreset(QStringLiteral("ask")));
    CHECK_FALSE(dialog.isPostEnabled());
    dialog.setArgs(QStringLiteral("Is this thread safe?"));
    CHECK(dialog.previewText() == QStringLiteral("/ask \"Is this thread safe?\""));
    CHECK(dialog.isPostEnabled());
    test::savePng(dialog, QStringLiteral("presets-dialog.png"));

    // Declined: nothing posted, nothing logged.
    const int before = int(desk.server.comments(kHello, 1347).size());
    Confirm::setNextAnswer(false);
    dialog.post();
    QTest::qWait(50);
    CHECK(desk.server.comments(kHello, 1347).size() == before);
    CHECK(desk.store.actions({}).value().isEmpty());

    REQUIRE(dialog.choosePreset(QStringLiteral("review")));
    QSignalSpy posted(&dialog, &PresetCommentsDialog::posted);
    Confirm::setNextAnswer(true);
    dialog.post();
    REQUIRE(QTest::qWaitFor([&]() { return posted.count() == 1; }, 10000));
    CHECK(posted.at(0).at(0).toBool());
    CHECK(Confirm::lastQuestion().contains(QStringLiteral("octocat/Hello-World#1347")));
    const auto comments = desk.server.comments(kHello, 1347);
    REQUIRE(comments.size() == before + 1);
    CHECK(comments.constLast().body == QStringLiteral("/review"));

    ActionQuery query;
    query.kind = ActionKind::Comment;
    const QList<ActionRecord> actions = desk.store.actions(query).value();
    REQUIRE(actions.size() == 1);
    CHECK(actions.constFirst().target == QStringLiteral("octocat/Hello-World#1347"));
    CHECK(actions.constFirst().status == ActionStatus::Success);
}

TEST_CASE("a refused post shows the error in the dialog and logs a failure", "[ui][presets]")
{
    Desk desk;
    PresetCommentsDialog dialog(*desk.client, &desk.store, desk.dir.path(), {kHello});
    dialog.show();
    waitLoaded(dialog);
    REQUIRE(dialog.selectPullRequest(kHello, 1347));
    REQUIRE(dialog.choosePreset(QStringLiteral("describe")));
    desk.server.failNext("POST", QStringLiteral(".*/issues/1347/comments"), 422);
    QSignalSpy posted(&dialog, &PresetCommentsDialog::posted);
    Confirm::setNextAnswer(true);
    dialog.post();
    REQUIRE(QTest::qWaitFor([&]() { return posted.count() == 1; }, 10000));
    CHECK_FALSE(posted.at(0).at(0).toBool());
    CHECK(dialog.messageText().startsWith(QStringLiteral("GitHub refused the comment")));
    test::savePng(dialog, QStringLiteral("presets-dialog-error.png"));
    const QList<ActionRecord> actions = desk.store.actions({}).value();
    REQUIRE(actions.size() == 1);
    CHECK(actions.constFirst().status == ActionStatus::Failure);
    CHECK(actions.constFirst().httpStatus == 422);
}

TEST_CASE("add preset saves a user preset that renders with its args", "[ui][presets]")
{
    Desk desk;
    PresetCommentsDialog dialog(*desk.client, &desk.store, desk.dir.path(), {kHello});
    waitLoaded(dialog);
    CHECK_FALSE(dialog.addPreset(QStringLiteral("review"), QStringLiteral("x")).ok()); // built-in name
    CHECK_FALSE(dialog.messageText().isEmpty());
    REQUIRE(dialog.addPreset(QStringLiteral("lgtm"), QStringLiteral("LGTM {{ args }}")).ok());
    CHECK(dialog.presetNames().contains(QStringLiteral("lgtm")));
    REQUIRE(dialog.selectPullRequest(kHello, 1347));
    REQUIRE(dialog.choosePreset(QStringLiteral("lgtm")));
    dialog.setArgs(QStringLiteral("ship it"));
    CHECK(dialog.previewText() == QStringLiteral("LGTM ship it"));
    CHECK(PresetStore(desk.dir.path()).find(QStringLiteral("lgtm")).has_value());
}

TEST_CASE("the dashboard toolbar button opens the preset dialog", "[ui][presets]")
{
    Desk desk;
    DashboardPage page(*desk.client, &desk.store,
                       QDir(desk.dir.path()).filePath(QStringLiteral("ui-state.ini")));
    page.start();
    REQUIRE(QTest::qWaitFor([&]() { return !page.repositoryPicker()->available().isEmpty(); }, 10000));
    auto *button = page.findChild<QPushButton *>(QStringLiteral("presetCommentButton"));
    REQUIRE(button);
    button->click();
    auto *dialog = page.findChild<PresetCommentsDialog *>();
    REQUIRE(dialog);
    CHECK(dialog->isVisible());
    dialog->close();
}

TEST_CASE("a user preset is edited and deleted in the dialog while built-ins stay read-only", "[ui][presets]")
{
    Desk desk;
    PresetCommentsDialog dialog(*desk.client, &desk.store, desk.dir.path(), {kHello});
    waitLoaded(dialog);
    REQUIRE(dialog.addPreset(QStringLiteral("lgtm"), QStringLiteral("LGTM")).ok());
    REQUIRE(dialog.selectPullRequest(kHello, 1347));

    // Built-in: nothing to delete, and saving under its name is refused.
    REQUIRE(dialog.choosePreset(QStringLiteral("review")));
    CHECK_FALSE(dialog.canDeleteCurrentPreset());
    CHECK_FALSE(dialog.savePreset(QStringLiteral("review"), QStringLiteral("/review --changed")).ok());
    CHECK(PresetStore(desk.dir.path()).find(QStringLiteral("review"))->body == QStringLiteral("/review"));

    // The user's own: chosen, it fills the editor; Save replaces it and the preview follows.
    REQUIRE(dialog.choosePreset(QStringLiteral("lgtm")));
    CHECK(dialog.canDeleteCurrentPreset());
    auto *body = dialog.findChild<QLineEdit *>();
    for (QLineEdit *edit : dialog.findChildren<QLineEdit *>()) {
        if (edit->accessibleName() == QStringLiteral("New preset text"))
            body = edit;
    }
    REQUIRE(body);
    CHECK(body->text() == QStringLiteral("LGTM"));
    REQUIRE(dialog.savePreset(QStringLiteral("lgtm"), QStringLiteral("LGTM, thanks!")).ok());
    CHECK(PresetStore(desk.dir.path()).find(QStringLiteral("lgtm"))->body == QStringLiteral("LGTM, thanks!"));
    CHECK(dialog.previewText() == QStringLiteral("LGTM, thanks!"));
    test::savePng(dialog, QStringLiteral("presets-dialog-edit.png"));

    // Delete asks first; "no" keeps it.
    Confirm::setNextAnswer(false);
    CHECK_FALSE(dialog.deletePreset(QStringLiteral("lgtm")).ok());
    CHECK(dialog.presetNames().contains(QStringLiteral("lgtm")));
    Confirm::setNextAnswer(true);
    REQUIRE(dialog.deletePreset(QStringLiteral("lgtm")).ok());
    CHECK(Confirm::lastQuestion().contains(QStringLiteral("lgtm")));
    CHECK_FALSE(dialog.presetNames().contains(QStringLiteral("lgtm")));
    CHECK_FALSE(PresetStore(desk.dir.path()).find(QStringLiteral("lgtm")).has_value());
    CHECK_FALSE(dialog.canDeleteCurrentPreset());
}
