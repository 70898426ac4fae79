#pragma once

#include <QLabel>

namespace exeserver {

// A one-line label that may be narrower than its text: it draws the text elided with "…" (the whole text
// in its tooltip) instead of forcing its width on the window. For the status bar's summaries.
class ElidedLabel : public QLabel
{
    Q_OBJECT
public:
    explicit ElidedLabel(QWidget *parent = nullptr);

    QSize minimumSizeHint() const override;
    bool isElided() const;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;
};

} // namespace exeserver
