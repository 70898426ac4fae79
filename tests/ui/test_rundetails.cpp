// Run details following a run live: jobs, steps and the selected job's log while it runs and after.
#include "catch.h"
#include "githubtesting.h"
#include "palettes.h"
#include "testutil.h"
#include "widgetpng.h"

#include "dashboard/rundetailsartifacts.h"
#include "dashboard/rundetailsdialog.h"
#include "dashboard/rundetailsreview.h"
#include "store/eventstore.h"
#include "widgets/confirm.h"
#include "widgets/logview.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace exeserver;
using namespace exeserver::test;

namespace {

const QString kHello = QStringLiteral("octocat/Hello-World");

WorkflowRun fetchRun(GitHubHarness &h, qint64 runId)
{
    const Result<WorkflowRun> run =
        await<WorkflowRun>([&](auto done) { h.client->getRun(kHello, runId, done); });
    REQUIRE(run);
    return *run;
}

int logRequests(FakeGitHubServer &server)
{
    return int(server.requestsTo(QStringLiteral(".*/actions/jobs/[0-9]+/logs"), "GET").size());
}

} // namespace

TEST_CASE("Run details: a running job's log appears after the job completes, without reopening",
          "[ui][rundetails][watch]")
{
    GitHubHarness h;
    h.server.setLogsOnlyWhenCompleted(true); // as GitHub: no log before the job ends
    const qint64 runId = h.server.addRun({.repo = kHello,
                                          .status = QStringLiteral("in_progress"),
                                          .conclusion = {},
                                          .jobs = {{.name = QStringLiteral("build")}}});
    RunDetailsDialog dialog(*h.client, nullptr, kHello, fetchRun(h, runId));
    dialog.setPollInterval(100);
    QSignalSpy logs(&dialog, &RunDetailsDialog::logLoaded);
    dialog.show();
    REQUIRE(QTest::qWaitFor([&]() { return dialog.shownLogJob() != 0 && !dialog.isLoading(); }, 10000));
    CHECK(dialog.isPolling());
    CHECK(dialog.logNotice().contains(QStringLiteral("still running")));
    CHECK(logs.isEmpty());
    QTest::qWait(350); // a few polls while the job runs: no log is asked for
    CHECK(logRequests(h.server) == 0);

    h.server.setRunStatus(runId, QStringLiteral("completed"), QStringLiteral("success"));
    REQUIRE(QTest::qWaitFor([&]() { return logs.count() == 1; }, 10000));
    CHECK(dialog.logView()->toPlainText().contains(QStringLiteral("42 tests passed")));
    CHECK(dialog.logNotice().isEmpty());
    CHECK(dialog.jobTree()->topLevelItem(0)->text(1) == QStringLiteral("Success"));
    // The run is over and its log complete: polling stops, the log is not fetched again.
    REQUIRE(QTest::qWaitFor([&]() { return !dialog.isPolling(); }, 5000));
    const int fetched = logRequests(h.server);
    QTest::qWait(300);
    CHECK(logRequests(h.server) == fetched);
}

TEST_CASE("Run details: a finished job's log GitHub has not published yet is asked for again",
          "[ui][rundetails][watch]")
{
    GitHubHarness h;
    const qint64 runId = h.server.addRun({.repo = kHello, .jobs = {{.name = QStringLiteral("build")}}});
    h.server.failNext("GET", QStringLiteral(".*/actions/jobs/[0-9]+/logs"), 404, 2);
    RunDetailsDialog dialog(*h.client, nullptr, kHello, fetchRun(h, runId));
    dialog.setPollInterval(100);
    QSignalSpy logs(&dialog, &RunDetailsDialog::logLoaded);
    QStringList notices;
    dialog.show();
    REQUIRE(QTest::qWaitFor(
        [&]() {
            if (!dialog.logNotice().isEmpty())
                notices.append(dialog.logNotice());
            return logs.count() == 1;
        },
        10000));
    CHECK(notices.join(QLatin1Char('\n')).contains(QStringLiteral("published a few seconds after")));
    CHECK(dialog.logView()->toPlainText().contains(QStringLiteral("42 tests passed")));
    CHECK(logRequests(h.server) == 3);
}

TEST_CASE("Run details: a log that cannot be downloaded says why, wrapped, without API URL advice",
          "[ui][rundetails]")
{
    GitHubHarness h;
    const qint64 runId = h.server.addRun({.repo = kHello, .jobs = {{.name = QStringLiteral("build")}}});
    h.server.dropNext(QStringLiteral("/_logs/.*"), 50); // the log storage host drops every connection
    RunDetailsDialog dialog(*h.client, nullptr, kHello, fetchRun(h, runId));
    dialog.show();
    REQUIRE(QTest::qWaitFor(
        [&]() {
            return dialog.logNotice().contains(QStringLiteral("Could not download")) && !dialog.isLoading();
        },
        20000));
    const auto *notice = dialog.findChild<QLabel *>(QStringLiteral("logNotice"));
    REQUIRE(notice);
    CHECK(notice->wordWrap());
    CHECK(dialog.logNotice().contains(QStringLiteral("log storage")));
    CHECK_FALSE(dialog.logNotice().contains(QStringLiteral("API URL")));
    CHECK(dialog.logView()->toPlainText().isEmpty());
    h.server.clearFailures();
}

TEST_CASE("Run details: GitHub's X-Poll-Interval is the shortest poll; keys for re-run, cancel and refresh",
          "[ui][rundetails]")
{
    GitHubHarness h;
    h.server.setPollInterval(30);
    const qint64 runId = h.server.addRun({.repo = kHello});
    RunDetailsDialog dialog(*h.client, nullptr, kHello, fetchRun(h, runId));
    dialog.setPollInterval(100);
    dialog.show();
    REQUIRE(QTest::qWaitForWindowExposed(&dialog));
    REQUIRE(QTest::qWaitFor([&]() { return !dialog.jobs().isEmpty() && !dialog.isLoading(); }, 10000));
    CHECK(dialog.pollInterval() == 30000);

    Confirm::setNextAnswer(false);
    QTest::keyClick(&dialog, Qt::Key_R, Qt::ControlModifier);
    CHECK(Confirm::lastQuestion().contains(QStringLiteral("Re-run every job of run #")));
    Confirm::setNextAnswer(false);
    QTest::keyClick(&dialog, Qt::Key_R, Qt::ControlModifier | Qt::ShiftModifier);
    CHECK(Confirm::lastQuestion().contains(QStringLiteral("failed jobs")) == false); // a success: disabled
    const int before = int(h.server.requestsTo(QStringLiteral(".*/actions/runs/[0-9]+"), "GET").size());
    QTest::keyClick(&dialog, Qt::Key_F5);
    REQUIRE(QTest::qWaitFor(
        [&]() {
            return h.server.requestsTo(QStringLiteral(".*/actions/runs/[0-9]+"), "GET").size() > before;
        },
        5000));
}

TEST_CASE("Run details: artifacts are listed, downloaded to the chosen folder byte for byte, and deleted",
          "[ui][rundetails][artifacts]")
{
    GitHubHarness h;
    QTemporaryDir folder;
    REQUIRE(folder.isValid());
    const qint64 runId = h.server.addRun({.repo = kHello});
    QByteArray zip("PK\x03\x04", 4);
    for (int i = 0; i < 200000; ++i)
        zip.append(char(i * 7 % 251));
    const qint64 big = h.server.addArtifact({.runId = runId, .name = QStringLiteral("dist"), .zip = zip});
    h.server.addArtifact({.runId = runId, .name = QStringLiteral("old logs"), .expired = true});
    RunDetailsDialog dialog(*h.client, nullptr, kHello, fetchRun(h, runId));
    RunArtifactsPanel *panel = dialog.artifactsPanel();
    panel->setFolderChooser([&]() { return folder.path(); });
    dialog.show();
    REQUIRE(QTest::qWaitFor([&]() { return panel->artifacts().size() == 2; }, 10000));
    CHECK(dialog.sideTabs()->tabText(1) == QStringLiteral("&Artifacts (2)"));
    QTreeWidget *list = panel->list();
    CHECK(list->topLevelItem(1)->text(2) == QStringLiteral("expired"));

    QSignalSpy finished(panel, &RunArtifactsPanel::downloadFinished);
    list->setCurrentItem(list->topLevelItem(0));
    panel->download();
    REQUIRE(QTest::qWaitFor([&]() { return finished.count() == 1; }, 10000));
    CHECK(finished.at(0).at(1).toBool());
    const QString saved = QDir(folder.path()).filePath(QStringLiteral("dist.zip"));
    CHECK(finished.at(0).at(0).toString() == saved);
    QFile file(saved);
    REQUIRE(file.open(QIODevice::ReadOnly));
    CHECK(file.readAll() == zip);
    CHECK(panel->message().contains(QStringLiteral("Saved dist")));
    // The zip went through the redirect to the storage host, and never into the ETag cache.
    CHECK(h.server.requestsTo(QStringLiteral("/_logs/artifacts/%1").arg(big)).size() == 1);
    CHECK_FALSE(h.cache.find(h.server.baseUrl().toString() +
                             QStringLiteral("/repos/octocat/Hello-World/actions/artifacts/%1/zip").arg(big)));

    // A second download would overwrite: refused. A stopped one saves nothing.
    panel->download();
    CHECK(panel->message().contains(QStringLiteral("exists already")));
    QFile::remove(saved);
    h.server.setDelay(300, QStringLiteral("/_logs/artifacts/.*"));
    panel->download();
    CHECK(panel->isDownloading());
    panel->cancelDownload();
    REQUIRE(QTest::qWaitFor([&]() { return finished.count() == 2; }, 10000));
    CHECK_FALSE(finished.at(1).at(1).toBool());
    CHECK_FALSE(QFile::exists(saved));
    h.server.clearFailures();

    // Delete: confirmed first, then gone from GitHub and from the list.
    QSignalSpy removed(panel, &RunArtifactsPanel::removed);
    Confirm::setNextAnswer(false);
    panel->remove();
    CHECK(h.server.artifacts(runId).size() == 2);
    Confirm::setNextAnswer(true);
    panel->remove();
    REQUIRE(QTest::qWaitFor([&]() { return removed.count() == 1; }, 10000));
    CHECK(removed.at(0).at(0).toBool());
    CHECK(h.server.artifacts(runId).size() == 1);
    REQUIRE(QTest::qWaitFor([&]() { return panel->artifacts().size() == 1; }, 10000));
    dialog.sideTabs()->setCurrentIndex(1);
    QTest::qWait(50);
    const QImage image = dialog.grab().toImage();
    REQUIRE(image.save(QDir(test::outputDir()).filePath(QStringLiteral("run-details-artifacts.png"))));
}

TEST_CASE("Run details: earlier attempts, re-run one job with debug logging, review a pending deployment",
          "[ui][rundetails][attempts]")
{
    GitHubHarness h;
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(QDir(dir.path()).filePath(QStringLiteral("exeserver.db"))).ok());
    const qint64 runId =
        h.server.addRun({.repo = kHello,
                         .jobs = {{.name = QStringLiteral("lint")}, {.name = QStringLiteral("test")}},
                         .runAttempt = 3,
                         .previousConclusions = {QStringLiteral("failure"), QStringLiteral("cancelled")}});
    RunDetailsDialog dialog(*h.client, &store, kHello, fetchRun(h, runId));
    dialog.show();
    REQUIRE(QTest::qWaitFor([&]() { return dialog.jobs().size() == 2 && !dialog.isLoading(); }, 10000));
    QComboBox *attempts = dialog.attemptChooser();
    CHECK(attempts->isVisible());
    REQUIRE(attempts->count() == 3);
    CHECK(attempts->itemText(0) == QStringLiteral("Attempt 3 (latest)"));

    // Attempt 1 failed: its jobs say so, from GitHub's attempts endpoint.
    dialog.showAttempt(1);
    REQUIRE(QTest::qWaitFor(
        [&]() {
            return !dialog.jobs().isEmpty() && !dialog.isLoading() &&
                   dialog.jobTree()->topLevelItem(0)->text(1) == QStringLiteral("Failure");
        },
        10000));
    CHECK_FALSE(h.server.requestsTo(QStringLiteral(".*/actions/runs/%1/attempts/1/jobs").arg(runId), "GET")
                    .isEmpty());
    CHECK(dialog.findChild<QLabel *>(QStringLiteral("runHeader"))
              ->text()
              .contains(QStringLiteral("attempt 1 of 3")));
    CHECK_FALSE(dialog.findChild<QPushButton *>(QStringLiteral("rerunJobButton"))->isEnabled());
    QTest::qWait(50);
    REQUIRE(dialog.grab().toImage().save(
        QDir(test::outputDir()).filePath(QStringLiteral("run-details-attempts.png"))));

    // Back to the latest; re-run the "test" job with debug logging, through the action log.
    dialog.showAttempt(0);
    REQUIRE(QTest::qWaitFor(
        [&]() {
            return dialog.jobs().size() == 2 && !dialog.isLoading() &&
                   dialog.jobs().at(1).conclusion == QStringLiteral("success");
        },
        10000));
    dialog.jobTree()->setCurrentItem(dialog.jobTree()->topLevelItem(1));
    dialog.setDebugLogging(true);
    QSignalSpy finished(&dialog, &RunDetailsDialog::actionFinished);
    Confirm::setNextAnswer(true);
    dialog.rerunJob();
    REQUIRE(QTest::qWaitFor([&]() { return finished.count() == 1; }, 10000));
    CHECK(finished.at(0).at(1).toBool());
    CHECK(Confirm::lastQuestion().contains(QStringLiteral("the job test")));
    const auto sent =
        h.server.requestsTo(QStringLiteral(".*/actions/jobs/%1/rerun").arg(dialog.jobs().at(1).id), "POST");
    REQUIRE(sent.size() == 1);
    CHECK(sent.first().json().value(QStringLiteral("enable_debug_logging")).toBool());
    const auto actions = store.actions({}).value();
    REQUIRE(actions.size() == 1);
    CHECK(actions.first().kind == ActionKind::Rerun);
    CHECK(actions.first().status == ActionStatus::Success);
}

TEST_CASE("Run details: a deployment waiting for review is approved with a comment, through the action log",
          "[ui][rundetails][deployments]")
{
    GitHubHarness h;
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(QDir(dir.path()).filePath(QStringLiteral("exeserver.db"))).ok());
    const qint64 runId = h.server.addRun({.repo = kHello,
                                          .status = QStringLiteral("waiting"),
                                          .conclusion = {},
                                          .pendingEnvironments = {QStringLiteral("production")}});
    RunDetailsDialog dialog(*h.client, &store, kHello, fetchRun(h, runId));
    dialog.setPollInterval(100);
    DeploymentReviewBar *review = dialog.reviewBar();
    dialog.show();
    REQUIRE(QTest::qWaitFor([&]() { return review->pending().size() == 1; }, 10000));
    CHECK(review->isVisible());
    CHECK(review->text().contains(QStringLiteral("production")));

    review->setCommentAsker([](const QString &) { return std::nullopt; }); // Cancel: nothing sent
    review->approve();
    CHECK(h.server.requestsTo(QStringLiteral(".*/pending_deployments"), "POST").isEmpty());

    QSignalSpy reviewed(review, &DeploymentReviewBar::reviewed);
    review->setCommentAsker([](const QString &) { return QStringLiteral("Checked the release notes"); });
    review->approve();
    REQUIRE(QTest::qWaitFor([&]() { return reviewed.count() == 1; }, 10000));
    CHECK(reviewed.at(0).at(1).toBool());
    const auto sent =
        h.server.requestsTo(QStringLiteral(".*/actions/runs/%1/pending_deployments").arg(runId), "POST");
    REQUIRE(sent.size() == 1);
    CHECK(sent.first().json().value(QStringLiteral("state")).toString() == QStringLiteral("approved"));
    CHECK(sent.first().json().value(QStringLiteral("comment")).toString() ==
          QStringLiteral("Checked the release notes"));
    CHECK(sent.first().json().value(QStringLiteral("environment_ids")).toArray().size() == 1);
    const auto actions = store.actions({}).value();
    REQUIRE(actions.size() == 1);
    CHECK(actions.first().kind == ActionKind::ReviewDeployment);
    // Approved: the run goes on and the bar goes away.
    REQUIRE(QTest::qWaitFor([&]() { return !review->isVisible(); }, 10000));
}

TEST_CASE("the deployment review covers only the environments ticked", "[ui][rundetails][deployments]")
{
    GitHubHarness h;
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(QDir(dir.path()).filePath(QStringLiteral("exeserver.db"))).ok());
    const qint64 runId =
        h.server.addRun({.repo = kHello,
                         .status = QStringLiteral("waiting"),
                         .conclusion = {},
                         .pendingEnvironments = {QStringLiteral("staging"), QStringLiteral("production")}});
    RunDetailsDialog dialog(*h.client, &store, kHello, fetchRun(h, runId));
    DeploymentReviewBar *review = dialog.reviewBar();
    dialog.show();
    REQUIRE(QTest::qWaitFor([&]() { return review->pending().size() == 2; }, 10000));
    // All are chosen by default.
    CHECK(review->chosenEnvironments() ==
          QStringList{QStringLiteral("staging"), QStringLiteral("production")});
    const qint64 stagingId = review->pending().at(0).environmentId;
    review->setCommentAsker([](const QString &) { return QStringLiteral("ok"); });

    // Nothing ticked: nothing to send.
    REQUIRE(review->setEnvironmentChosen(QStringLiteral("staging"), false));
    REQUIRE(review->setEnvironmentChosen(QStringLiteral("production"), false));
    CHECK_FALSE(review->findChild<QPushButton *>(QStringLiteral("approveDeployment"))->isEnabled());
    review->approve();
    CHECK(h.server.requestsTo(QStringLiteral(".*/pending_deployments"), "POST").isEmpty());

    test::savePng(dialog, QStringLiteral("run-details-review-choice.png"));
    REQUIRE(review->setEnvironmentChosen(QStringLiteral("staging"), true));
    QSignalSpy reviewed(review, &DeploymentReviewBar::reviewed);
    review->approve();
    REQUIRE(QTest::qWaitFor([&]() { return reviewed.count() == 1; }, 10000));
    CHECK(reviewed.at(0).at(1).toBool());
    const auto sent =
        h.server.requestsTo(QStringLiteral(".*/actions/runs/%1/pending_deployments").arg(runId), "POST");
    REQUIRE(sent.size() == 1);
    CHECK(sent.first().json().value(QStringLiteral("environment_ids")).toArray() == QJsonArray{stagingId});
    CHECK(h.server.run(runId)->pendingEnvironments == QStringList{QStringLiteral("production")});
    const auto actions = store.actions({}).value();
    REQUIRE(actions.size() == 1);
    CHECK(actions.first().target.endsWith(QStringLiteral(" approve staging")));

    // Production still waits, alone, so the bar stays and the rest can be rejected.
    REQUIRE(QTest::qWaitFor([&]() { return review->pending().size() == 1; }, 10000));
    CHECK(review->isVisible());
    CHECK(review->chosenEnvironments() == QStringList{QStringLiteral("production")});
    // The fake numbers environments by their place in the waiting list, so read production's id again.
    const qint64 productionId = review->pending().at(0).environmentId;
    review->reject();
    REQUIRE(QTest::qWaitFor([&]() { return reviewed.count() == 2; }, 10000));
    const auto all =
        h.server.requestsTo(QStringLiteral(".*/actions/runs/%1/pending_deployments").arg(runId), "POST");
    REQUIRE(all.size() == 2);
    CHECK(all.last().json().value(QStringLiteral("environment_ids")).toArray() == QJsonArray{productionId});
    CHECK(all.last().json().value(QStringLiteral("state")).toString() == QStringLiteral("rejected"));
    CHECK(reviewed.at(1).at(1).toBool());
    CHECK(h.server.run(runId)->pendingEnvironments.isEmpty());
}

TEST_CASE("Run details with attempts and artifacts, rendered light and dark", "[ui][rundetails][png]")
{
    for (const bool dark : {false, true}) {
        PaletteScope scope(dark ? darkPalette() : lightPalette());
        GitHubHarness h;
        const qint64 runId = h.server.addRun(
            {.repo = kHello,
             .conclusion = QStringLiteral("failure"),
             .jobs = {{.name = QStringLiteral("lint"), .conclusion = QStringLiteral("success")},
                      {.name = QStringLiteral("test"), .conclusion = QStringLiteral("failure")}},
             .runAttempt = 2,
             .previousConclusions = {QStringLiteral("failure")}});
        h.server.addArtifact(
            {.runId = runId, .name = QStringLiteral("test-results"), .zip = QByteArray(180000, 'x')});
        h.server.addArtifact(
            {.runId = runId, .name = QStringLiteral("coverage"), .zip = QByteArray(5200, 'y')});
        RunDetailsDialog dialog(*h.client, nullptr, kHello, fetchRun(h, runId));
        dialog.show();
        REQUIRE(QTest::qWaitForWindowExposed(&dialog));
        REQUIRE(QTest::qWaitFor(
            [&]() {
                return dialog.jobs().size() == 2 && dialog.artifactsPanel()->artifacts().size() == 2 &&
                       dialog.shownLogJob() != 0 && !dialog.isLoading();
            },
            10000));
        CHECK(dialog.attemptChooser()->isVisible());
        dialog.sideTabs()->setCurrentIndex(1);
        QTest::qWait(50);
        const QString name = dark ? QStringLiteral("run-details-attempts-artifacts-dark.png")
                                  : QStringLiteral("run-details-attempts-artifacts.png");
        REQUIRE(dialog.grab().toImage().save(QDir(test::outputDir()).filePath(name)));
    }
}
