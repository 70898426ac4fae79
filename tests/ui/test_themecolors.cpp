#include "catch.h"
#include "palettes.h"
#include "testutil.h"

#include "chat/chatcardwidget.h"
#include "chat/chatmessagewidget.h"
#include "dashboard/runstatus.h"
#include "logs/actionlogmodel.h"
#include "store/eventstore.h"
#include "storetestutil.h"
#include "triggereditor/conditionsbuilder.h"
#include "widgets/themecolors.h"

#include <QApplication>
#include <QBrush>
#include <QDir>
#include <QFrame>
#include <QLabel>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>

using namespace exeserver;

namespace {

struct NamedPalette
{
    const char *name;
    QPalette palette;
};

QList<NamedPalette> palettes()
{
    return {{"light", test::lightPalette()}, {"dark", test::darkPalette()}};
}

const QList<QPair<const char *, Tone>> kTones{{"success", Tone::Success},
                                              {"failure", Tone::Failure},
                                              {"warning", Tone::Warning},
                                              {"info", Tone::Info},
                                              {"muted", Tone::Muted}};

// The colour drawn most often inside `widget`, away from its border: its background.
QColor backgroundOf(QWidget *widget)
{
    const QImage image = widget->grab().toImage();
    QHash<QRgb, int> counts;
    for (int y = 3; y < image.height() - 3; ++y) {
        for (int x = 3; x < image.width() - 3; ++x)
            ++counts[image.pixel(x, y)];
    }
    QRgb best = 0;
    int most = -1;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (it.value() > most) {
            most = it.value();
            best = it.key();
        }
    }
    return QColor::fromRgb(best);
}

// Whether `label` sits in a card or code block inside `area` (which then has its own background).
bool nestedArea(QWidget *label, QWidget *area)
{
    for (QWidget *parent = label->parentWidget(); parent && parent != area; parent = parent->parentWidget()) {
        if (qobject_cast<ChatCardWidget *>(parent) || parent->objectName() == QLatin1String("codeBlock"))
            return true;
    }
    return false;
}

QColor textColorOf(QLabel *label)
{
    return label->palette().color(label->foregroundRole());
}

} // namespace

TEST_CASE("contrast ratio follows WCAG 2", "[ui][colors]")
{
    CHECK(std::abs(contrastRatio(Qt::black, Qt::white) - 21.0) < 1e-6);
    CHECK(std::abs(contrastRatio(Qt::white, Qt::white) - 1.0) < 1e-6);
    // GitHub's light-theme yellow is below AA on white; made readable it keeps its hue, only darker.
    const QColor yellow(0xbf, 0x87, 0x00);
    CHECK(contrastRatio(yellow, Qt::white) < 4.5);
    const QColor readable = readableOn(yellow, Qt::white);
    CHECK(contrastRatio(readable, Qt::white) >= 4.5);
    CHECK(readable.lightness() < yellow.lightness());
    CHECK(std::abs(readable.hsvHue() - yellow.hsvHue()) <= 3);
}

TEST_CASE("status and role colours reach WCAG AA on a light and a dark palette", "[ui][colors]")
{
    for (const NamedPalette &named : palettes()) {
        const QPalette &p = named.palette;
        INFO("palette " << named.name);
        for (const auto &[toneName, tone] : kTones) {
            INFO("tone " << toneName);
            const QColor text = toneText(tone, p);
            for (const QPalette::ColorRole role : {QPalette::Base, QPalette::AlternateBase, QPalette::Window})
                CHECK(contrastRatio(text, p.color(role)) >= kMinimumContrast);
            const Swatch swatch = toneSwatch(tone, p);
            CHECK(contrastRatio(swatch.text, swatch.background) >= kMinimumContrast);
            CHECK(contrastRatio(toneTextOn(Tone::Muted, swatch.background, p), swatch.background) >=
                  kMinimumContrast);
            CHECK(contrastRatio(toneTextOn(tone, swatch.background, p), swatch.background) >=
                  kMinimumContrast);
            // A tint of the palette's own base: dark on a dark palette, light on a light one.
            CHECK(isDark(p) == (swatch.background.lightness() < 128));
        }
        const Swatch neutral = neutralSwatch(p);
        CHECK(contrastRatio(neutral.text, neutral.background) >= kMinimumContrast);
        for (int s = 0; s < kRunStateCount; ++s) {
            INFO("run state " << runStateText(RunState(s)).toStdString());
            const QColor color = runStateColor(RunState(s), p);
            for (const QPalette::ColorRole role : {QPalette::Base, QPalette::AlternateBase})
                CHECK(contrastRatio(color, p.color(role)) >= kMinimumContrast);
        }
        // Pass and fail differ from each other and from plain text.
        CHECK(toneText(Tone::Success, p) != toneText(Tone::Failure, p));
    }
}

TEST_CASE("the assistant's bubbles and cards are drawn readable in a light and a dark palette",
          "[ui][colors]")
{
    for (const NamedPalette &named : palettes()) {
        INFO("palette " << named.name);
        test::PaletteScope scope(named.palette);
        QWidget window;
        window.resize(640, 720);
        auto *layout = new QVBoxLayout(&window);
        ChatMessage question;
        question.role = ChatRole::User;
        question.text = QStringLiteral("Why did CI fail on main?");
        question.at = QDateTime::currentDateTime();
        ChatMessage answer;
        answer.role = ChatRole::Assistant;
        answer.text = QStringLiteral("The **lint** job failed:\n\n```\nsrc/app.cpp:12: unused variable\n```");
        answer.at = question.at;
        ChatCard run;
        run.kind = QStringLiteral("run");
        run.title = QStringLiteral("CI #41 on main");
        run.status = QStringLiteral("failure");
        run.fields = {{QStringLiteral("Branch"), QStringLiteral("main")}};
        ChatCard proposal;
        proposal.kind = QStringLiteral("proposal");
        proposal.title = QStringLiteral("Re-run the failed jobs of CI #41");
        proposal.status = QStringLiteral("pending");
        proposal.proposalId = QStringLiteral("p1");
        proposal.fields = {{QStringLiteral("Repository"), QStringLiteral("acme/service")}};
        answer.cards = {run, proposal};
        ChatMessage failed;
        failed.role = ChatRole::Assistant;
        failed.error = true;
        failed.text = QStringLiteral("The model did not answer: connection refused.");
        failed.at = question.at;
        QList<ChatMessageWidget *> messages;
        for (const ChatMessage &message : {question, answer, failed}) {
            messages.append(new ChatMessageWidget(message, &window));
            layout->addWidget(messages.last());
        }
        layout->addStretch(1);
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));

        // Each bubble and card: the text colour the label is drawn in against the background drawn.
        QStringList checked;
        const auto checkArea = [&](QWidget *area, const QString &what) {
            const QColor background = backgroundOf(area);
            for (QLabel *label : area->findChildren<QLabel *>()) {
                if (label->text().isEmpty() || !label->isVisible() ||
                    label->objectName() == QLatin1String("statusBadge"))
                    continue; // the badge has its own background, checked below
                if (nestedArea(label, area))
                    continue; // checked on its card's or code block's background
                INFO(what.toStdString()
                     << ": " << label->text().left(40).toStdString() << " "
                     << textColorOf(label).name().toStdString() << " on " << background.name().toStdString());
                CHECK(contrastRatio(textColorOf(label), background) >= kMinimumContrast);
                checked.append(what);
            }
        };
        for (ChatMessageWidget *message : messages)
            checkArea(message->findChild<QFrame *>(QStringLiteral("bubble")), QStringLiteral("bubble"));
        for (QFrame *code : window.findChildren<QFrame *>(QStringLiteral("codeBlock")))
            checkArea(code, QStringLiteral("codeBlock"));
        for (ChatCardWidget *card : window.findChildren<ChatCardWidget *>()) {
            checkArea(card, card->objectName());
            if (auto *badge = card->findChild<QLabel *>(QStringLiteral("statusBadge")))
                CHECK(contrastRatio(textColorOf(badge), backgroundOf(badge)) >= kMinimumContrast);
        }
        CHECK(checked.contains(QStringLiteral("bubble")));
        CHECK(checked.contains(QStringLiteral("proposalCard")));
        CHECK(checked.contains(QStringLiteral("runCard")));
        CHECK(checked.contains(QStringLiteral("codeBlock")));
        REQUIRE(window.grab().save(
            QDir(test::outputDir())
                .filePath(QStringLiteral("chat-colours-%1.png").arg(QLatin1String(named.name)))));
    }
}

TEST_CASE("bubbles, cards and status colours follow a live switch from a light to a dark palette",
          "[ui][colors]")
{
    test::PaletteScope scope(test::lightPalette());
    QWidget window;
    window.resize(640, 480);
    auto *layout = new QVBoxLayout(&window);
    ChatMessage answer;
    answer.role = ChatRole::Assistant;
    answer.text = QStringLiteral("The **lint** job failed.");
    answer.at = QDateTime::currentDateTime();
    ChatCard run;
    run.kind = QStringLiteral("run");
    run.title = QStringLiteral("CI #41 on main");
    run.status = QStringLiteral("failure");
    answer.cards = {run};
    auto *message = new ChatMessageWidget(answer, &window);
    layout->addWidget(message);
    auto *conditions = new ConditionsBuilder(&window);
    conditions->addLeaf(QStringLiteral("pull_request.title"), QStringLiteral("regex"),
                        QStringLiteral("^(feat"));
    layout->addWidget(conditions);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));

    const auto bubbleBackground = [&]() {
        return backgroundOf(message->findChild<QFrame *>(QStringLiteral("bubble")));
    };
    const auto checkLabel = [&]() {
        return qobject_cast<QLabel *>(conditions->tree()->itemWidget(conditions->tree()->topLevelItem(0),
                                                                     ConditionsBuilder::CheckColumn));
    };
    // An action log with a failed action: its status cell's colour is asked for at paint time.
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    EventStore store;
    REQUIRE(store.open(dir.filePath(QStringLiteral("exeserver.db"))).ok());
    REQUIRE_FALSE(test::recordFailedDeploy(store, QString(), QStringLiteral("error")).isEmpty());
    ActionLogModel actions(store);
    const auto statusColor = [&]() {
        return actions.index(0, ActionLogModel::StatusColumn)
            .data(Qt::ForegroundRole)
            .value<QBrush>()
            .color();
    };
    const QColor lightStatus = statusColor();
    const QColor lightBubble = bubbleBackground();
    const QColor lightCheck = textColorOf(checkLabel());
    CHECK(lightBubble.lightness() > 128);

    QApplication::setPalette(test::darkPalette());
    QTest::qWait(50); // the restyle runs after the palette event, and rebuilt widgets show after it
    const QPalette dark = QApplication::palette();

    // The bubble is now dark, its text readable on it.
    QFrame *bubble = message->findChild<QFrame *>(QStringLiteral("bubble"));
    REQUIRE(bubble);
    const QColor darkBubble = bubbleBackground();
    INFO("bubble " << lightBubble.name().toStdString() << " → " << darkBubble.name().toStdString());
    CHECK(darkBubble != lightBubble);
    CHECK(darkBubble.lightness() < 128);
    int readable = 0;
    for (QLabel *label : bubble->findChildren<QLabel *>()) {
        if (label->text().isEmpty() || !label->isVisible() || nestedArea(label, bubble))
            continue;
        CHECK(contrastRatio(textColorOf(label), darkBubble) >= kMinimumContrast);
        ++readable;
    }
    CHECK(readable >= 2); // the header and the answer
    // The card's status badge and the conditions' check column: the dark scheme's failure colour.
    auto *card = message->findChild<ChatCardWidget *>();
    REQUIRE(card);
    CHECK(card->isVisible());
    auto *badge = card->findChild<QLabel *>(QStringLiteral("statusBadge"));
    REQUIRE(badge);
    CHECK(contrastRatio(textColorOf(badge), backgroundOf(badge)) >= kMinimumContrast);
    CHECK(backgroundOf(card).lightness() < 128);
    const QColor darkCheck = textColorOf(checkLabel());
    CHECK(darkCheck != lightCheck);
    CHECK(darkCheck.name() == toneText(Tone::Failure, dark).name());
    CHECK(contrastRatio(darkCheck, dark.color(QPalette::Base)) >= kMinimumContrast);
    const QColor darkStatus = statusColor();
    CHECK(darkStatus != lightStatus);
    CHECK(contrastRatio(darkStatus, dark.color(QPalette::Base)) >= kMinimumContrast);
    CHECK(contrastRatio(darkStatus, dark.color(QPalette::AlternateBase)) >= kMinimumContrast);
    REQUIRE(window.grab().save(QDir(test::outputDir()).filePath(QStringLiteral("live-switch-dark.png"))));
}
