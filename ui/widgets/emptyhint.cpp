#include "widgets/emptyhint.h"

#include <QAbstractItemView>
#include <QCoreApplication>
#include <QEvent>
#include <QPainter>

namespace exeserver {

namespace {

const char *const kHintProperty = "exeserverEmptyHint";

// Paints the hint over the viewport after the view painted it empty.
class EmptyHintPainter : public QObject
{
public:
    explicit EmptyHintPainter(QAbstractItemView *view)
        : QObject(view)
        , m_view(view)
    {
        view->viewport()->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() != QEvent::Paint || watched != m_view->viewport())
            return false;
        m_view->viewport()->removeEventFilter(this); // the view paints first; the hint goes on top
        QCoreApplication::sendEvent(watched, event);
        m_view->viewport()->installEventFilter(this);
        const QAbstractItemModel *model = m_view->model();
        const QString text = emptyHint(m_view);
        if (!text.isEmpty() && (!model || model->rowCount(m_view->rootIndex()) == 0)) {
            QPainter painter(m_view->viewport());
            painter.setPen(m_view->palette().color(QPalette::PlaceholderText));
            painter.drawText(m_view->viewport()->rect().adjusted(12, 12, -12, -12),
                             Qt::AlignCenter | Qt::TextWordWrap, text);
        }
        return true;
    }

private:
    QAbstractItemView *m_view;
};

} // namespace

void setEmptyHint(QAbstractItemView *view, const QString &text)
{
    if (!view->property(kHintProperty).isValid())
        new EmptyHintPainter(view);
    view->setProperty(kHintProperty, text);
    view->viewport()->update();
}

QString emptyHint(const QAbstractItemView *view)
{
    return view->property(kHintProperty).toString();
}

} // namespace exeserver
