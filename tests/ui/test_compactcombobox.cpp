#include "catch.h"

#include "widgets/compactcombobox.h"

#include <QAbstractItemView>
#include <QPixmap>

#include <functional>
#include <memory>

using namespace exeserver;

namespace {

QIcon dot()
{
    QPixmap pixmap(16, 16);
    pixmap.fill(Qt::red);
    return QIcon(pixmap);
}

} // namespace

TEST_CASE("CompactComboBox: sized as AdjustToMinimumContentsLengthWithIcon, its popup built only when needed",
          "[ui]")
{
    // Each case builds both anew: QComboBox keeps its hints cached across some changes (a placeholder).
    const std::function<void(QComboBox &)> cases[] = {
        [](QComboBox &) {},
        [](QComboBox &combo) {
            combo.addItem(QStringLiteral("All repositories"));
            combo.addItem(QStringLiteral("an-organisation-with-a-long-name/and-a-longer-repository-name"));
        },
        [](QComboBox &combo) {
            combo.addItem(dot(), QStringLiteral("Failure")); // an icon
            combo.setPlaceholderText(
                QStringLiteral("Pick a repository, a workflow or a branch to filter by"));
        },
        [](QComboBox &combo) {
            combo.addItem(QStringLiteral("main"));
            combo.setIconSize(QSize(24, 24));
        },
    };
    for (const auto &configure : cases) {
        CompactComboBox compact(12);
        configure(compact);
        QComboBox reference;
        configure(reference);
        reference.setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        reference.setMinimumContentsLength(12);
        CHECK(compact.sizeHint() == reference.sizeHint());
        CHECK(compact.minimumSizeHint() == reference.minimumSizeHint());
    }

    // The policy builds the popup list at once; this one has none until it is needed.
    CompactComboBox compact(12);
    cases[1](compact);
    cases[2](compact);
    QComboBox reference;
    reference.setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    CHECK_FALSE(reference.findChildren<QAbstractItemView *>().isEmpty());
    CHECK(compact.findChildren<QAbstractItemView *>().isEmpty());
    REQUIRE(compact.view() != nullptr);
    CHECK(compact.view()->model()->rowCount() == 3);
}
