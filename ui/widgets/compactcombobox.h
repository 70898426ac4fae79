#pragma once

#include <QComboBox>

namespace exeserver {

// A combo box as wide as minimumContentsLength() characters plus an icon, the size
// QComboBox::AdjustToMinimumContentsLengthWithIcon gives, without setting that policy: setting it (or the
// length under it) builds the popup list at once, a QListView in its frame, which a plain combo box
// builds at its first click. The dashboard's filters are built before the window's first frame.
class CompactComboBox : public QComboBox
{
    Q_OBJECT
public:
    explicit CompactComboBox(int minimumContentsLength, QWidget *parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
};

} // namespace exeserver
