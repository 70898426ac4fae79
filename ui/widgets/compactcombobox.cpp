#include "compactcombobox.h"

#include <QStyleOptionComboBox>

#include <algorithm>
#include <cmath>

namespace exeserver {

CompactComboBox::CompactComboBox(int minimumContentsLength, QWidget *parent)
    : QComboBox(parent)
{
    // Under the default policy (AdjustToContentsOnFirstShow) this only stores the length.
    setMinimumContentsLength(minimumContentsLength);
}

QSize CompactComboBox::sizeHint() const
{
    // QComboBoxPrivate::recomputeSizeHint for AdjustToMinimumContentsLengthWithIcon: the items' texts play
    // no part, room for an icon is always kept.
    const QFontMetrics metrics = fontMetrics();
    QSize size(minimumContentsLength() * metrics.horizontalAdvance(u'X') + iconSize().width() + 4,
               std::max(int(std::ceil(QFontMetricsF(metrics).height())), 14) + 2);
    if (!placeholderText().isEmpty())
        size.setWidth(std::max(size.width(), metrics.boundingRect(placeholderText()).width()));
    size.setHeight(std::max(size.height(), iconSize().height() + 2));
    QStyleOptionComboBox option;
    initStyleOption(&option);
    return style()->sizeFromContents(QStyle::CT_ComboBox, &option, size, this);
}

QSize CompactComboBox::minimumSizeHint() const
{
    return sizeHint(); // as with the policy: the minimum is the same fixed number of characters
}

} // namespace exeserver
